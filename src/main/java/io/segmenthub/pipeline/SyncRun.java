package io.segmenthub.pipeline;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One sync run in progress: which connectors and destinations it covers, its report, and the
 * commits (watermarks, processed drop files) that take effect only once the run has persisted
 * everything, so a failed run is pulled again next time and nothing is lost.
 */
public final class SyncRun {

    private final String id;
    private final String syncId;
    private final String trigger;
    private final Instant startedAt;
    private final List<String> connectorIds;
    private final List<String> destinationIds;
    private final RunReport report = new RunReport();
    private final Map<String, String> pendingWatermarks = new LinkedHashMap<>();
    private final List<Runnable> afterSuccess = new ArrayList<>();
    private volatile Progress progress = new Progress("starting", null, 0, 0);
    private long stageStartedNanos = System.nanoTime();
    private volatile Set<String> profilesInScope;
    private final Map<String, PulledBefore> pulledBefore = new HashMap<>();

    /** Where a running run is: the stage, the connector or destination in hand, and how many of how many are done. */
    public record Progress(String stage, String step, int done, int total) {
    }

    public SyncRun(String id, String syncId, String trigger, Instant startedAt, List<String> connectorIds, List<String> destinationIds) {
        this.id = id;
        this.syncId = syncId;
        this.trigger = trigger;
        this.startedAt = startedAt;
        this.connectorIds = List.copyOf(connectorIds);
        this.destinationIds = List.copyOf(destinationIds);
    }

    public String id() { return id; }
    public String syncId() { return syncId; }
    public String trigger() { return trigger; }
    public Instant startedAt() { return startedAt; }
    public List<String> connectorIds() { return connectorIds; }
    public List<String> destinationIds() { return destinationIds; }
    public RunReport report() { return report; }

    public Progress progress() { return progress; }

    /**
     * Moves the run to {@code stage}. Pull and push, which span several connectors or destinations
     * and their I/O, are timed here by the wall clock (the other stages time themselves).
     */
    public synchronized void progress(String stage, String step, int done, int total) {
        String previous = progress.stage();
        if (!previous.equals(stage)) {
            long now = System.nanoTime();
            if (previous.equals("pull") || previous.equals("push")) {
                report.stageTook(previous, (now - stageStartedNanos) / 1_000_000);
            }
            if (previous.equals("pull")) {
                pulledBefore.clear(); // held for the pull only: the profile stages need the heap
            }
            stageStartedNanos = now;
        }
        this.progress = new Progress(stage, step, done, total);
    }

    /**
     * The golden profiles this run's resolution could have changed, when it resolved only around
     * the change; the stages after it need not look at the others.
     */
    public void profilesInScope(Set<String> goldenIds) {
        this.profilesInScope = Set.copyOf(goldenIds);
    }

    /** Empty when the run resolved every record, so every profile may have changed. */
    public Optional<Set<String>> profilesInScope() {
        return Optional.ofNullable(profilesInScope);
    }

    /** What this run's pull has learned of a system's stored records, until the pull ends. */
    synchronized PulledBefore pulledBefore(String system, int lookedUpFirst) {
        return pulledBefore.computeIfAbsent(system, s -> new PulledBefore(lookedUpFirst));
    }

    public synchronized void advanceWatermark(String connectorId, String value) {
        pendingWatermarks.put(connectorId, value);
    }

    public synchronized Map<String, String> pendingWatermarks() {
        return Map.copyOf(pendingWatermarks);
    }

    public synchronized void afterSuccess(Runnable commit) {
        afterSuccess.add(commit);
    }

    public synchronized List<Runnable> commits() {
        return List.copyOf(afterSuccess);
    }
}
