package io.segmenthub.pipeline;

import com.fasterxml.jackson.annotation.JsonAutoDetect;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one sync run did, stage by stage: the numbers an IT team checks after a run and that the
 * run history keeps. No personal data: counts, ids of connectors, segments and destinations.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
public final class RunReport {

    /** The "purpose" under which rows of erased people are counted as dropped. */
    public static final String ERASED = "(erased)";

    final Map<String, ConnectorCounts> connectors = new TreeMap<>();
    final ProfileCounts profiles = new ProfileCounts();
    final Map<String, SegmentCounts> segments = new TreeMap<>();
    final Map<String, SegmentCounts> tags = new TreeMap<>();
    final Map<String, ClusterCounts> clusters = new java.util.LinkedHashMap<>();
    String clustering = "";
    final Map<String, DestinationCounts> destinations = new TreeMap<>();
    final Map<String, Long> stageMillis = new ConcurrentHashMap<>();
    final Map<String, String> notes = new TreeMap<>();

    public synchronized ConnectorCounts connector(String id) {
        return connectors.computeIfAbsent(id, k -> new ConnectorCounts());
    }

    public ProfileCounts profiles() {
        return profiles;
    }

    public synchronized SegmentCounts segment(String id) {
        return segments.computeIfAbsent(id, k -> new SegmentCounts());
    }

    public synchronized SegmentCounts tag(String id) {
        return tags.computeIfAbsent(id, k -> new SegmentCounts());
    }

    /** One behaviour cluster of this run, in the order the clusterer lists them. */
    public synchronized void cluster(String id, long size, String description) {
        clusters.put(id, new ClusterCounts(size, description));
    }

    /** How the clusters came about (k, silhouette, who was left out), printed above them. */
    public synchronized void clustering(String summary) {
        clustering = summary;
    }

    public synchronized DestinationCounts destination(String id) {
        return destinations.computeIfAbsent(id, k -> new DestinationCounts());
    }

    public void stageTook(String stage, long millis) {
        stageMillis.merge(stage, millis, Long::sum);
    }

    public synchronized void note(String key, String value) {
        notes.put(key, value);
    }

    public Map<String, ConnectorCounts> connectors() {
        return connectors;
    }

    /**
     * Rows pulled so far over all connectors, for progress read by another thread while the run
     * adds connectors (iterating {@link #connectors()} then can fail with a concurrent change).
     */
    public synchronized long pulledSoFar() {
        long pulled = 0;
        for (ConnectorCounts counts : connectors.values()) {
            pulled += counts.pulled();
        }
        return pulled;
    }

    public Map<String, SegmentCounts> segments() {
        return segments;
    }

    public Map<String, SegmentCounts> tags() {
        return tags;
    }

    public Map<String, ClusterCounts> clusters() {
        return clusters;
    }

    public String clustering() {
        return clustering;
    }

    public Map<String, DestinationCounts> destinations() {
        return destinations;
    }

    public Map<String, Long> stageMillis() {
        return stageMillis;
    }

    public Map<String, String> notes() {
        return notes;
    }

    @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
    public static final class ConnectorCounts {
        long pulled;
        long accepted;
        long stored;
        long unchanged;
        long transactions;
        long events;
        long consentEvents;
        long invalidTcfStrings;
        long linesRecognised;
        final Map<String, Long> quarantined = new TreeMap<>();
        final Map<String, Long> droppedByConsent = new TreeMap<>();

        public synchronized void pulled(long n) { pulled += n; }
        public synchronized void accepted(long n) { accepted += n; }
        public synchronized void stored(long n) { stored += n; }
        public synchronized void unchanged(long n) { unchanged += n; }
        public synchronized void transactions(long n) { transactions += n; }
        public synchronized void events(long n) { events += n; }
        public synchronized void consentEvents(long n) { consentEvents += n; }
        public synchronized void invalidTcfStrings(long n) { invalidTcfStrings += n; }
        public synchronized void linesRecognised(long n) { linesRecognised += n; }
        public synchronized void quarantined(String reason) { quarantined.merge(reason, 1L, Long::sum); }
        public synchronized void dropped(String purpose, long rows) { droppedByConsent.merge(purpose, rows, Long::sum); }

        public synchronized long pulled() { return pulled; }
        public long accepted() { return accepted; }
        public long stored() { return stored; }
        public long unchanged() { return unchanged; }
        public long transactions() { return transactions; }
        public long events() { return events; }
        public long consentEvents() { return consentEvents; }
        public long invalidTcfStrings() { return invalidTcfStrings; }
        /** Unchanged records whose lines were recognised by their keyed hash, not parsed (see {@link RecognisedLine}). */
        public long linesRecognised() { return linesRecognised; }
        public Map<String, Long> quarantined() { return quarantined; }
        public Map<String, Long> droppedByConsent() { return droppedByConsent; }
        public long quarantinedTotal() { return quarantined.values().stream().mapToLong(Long::longValue).sum(); }
        public long droppedTotal() { return droppedByConsent.values().stream().mapToLong(Long::longValue).sum(); }
    }

    @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
    public static final class ProfileCounts {
        long created;
        long updated;
        long merged;
        long split;
        long total;

        public synchronized void set(long created, long updated, long merged, long split, long total) {
            this.created = created;
            this.updated = updated;
            this.merged = merged;
            this.split = split;
            this.total = total;
        }

        public long created() { return created; }
        public long updated() { return updated; }
        public long merged() { return merged; }
        public long split() { return split; }
        public long total() { return total; }
    }

    @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
    public static final class SegmentCounts {
        long size;
        long entered;
        long exited;
        long holdout;

        public synchronized void holdout(long n) {
            this.holdout = n;
        }

        public long holdout() { return holdout; }

        public synchronized void set(long size, long entered, long exited) {
            this.size = size;
            this.entered = entered;
            this.exited = exited;
        }

        public long size() { return size; }
        public long entered() { return entered; }
        public long exited() { return exited; }
    }

    /** A behaviour cluster's size and description. */
    public record ClusterCounts(long size, String description) {
    }

    @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
    public static final class DestinationCounts {
        long adds;
        long removes;
        long withheldWithoutConsent;
        long unmapped;
        long rejected;
        long recovered;
        Map<String, Long> rejectedBy = new java.util.TreeMap<>();

        /** Rows the destination refused (counted by reason, no personal data): retried on the next run. */
        public synchronized void rejected(Map<String, Long> byReason) {
            byReason.forEach((reason, n) -> {
                rejected += n;
                rejectedBy.merge(reason, n, Long::sum);
            });
        }

        /** Rows an interrupted run had delivered without confirming, confirmed now instead of sent again. */
        public synchronized void recovered(long rows) {
            recovered += rows;
        }

        public long rejected() { return rejected; }
        public long recovered() { return recovered; }
        public synchronized Map<String, Long> rejectedBy() { return Map.copyOf(rejectedBy); }

        public synchronized void add(long adds, long removes, long withheld, long unmapped) {
            this.adds += adds;
            this.removes += removes;
            this.withheldWithoutConsent += withheld;
            this.unmapped += unmapped;
        }

        public long adds() { return adds; }
        public long removes() { return removes; }
        public long withheldWithoutConsent() { return withheldWithoutConsent; }
        public long unmapped() { return unmapped; }
    }

    /** The report as a person reads it at the end of {@code segment-hub sync}. */
    public String format() {
        StringBuilder out = new StringBuilder();
        out.append("Pull, consent gate, clean, protect (per connector; rows: pulled = accepted + quarantined + dropped;\n"
                + "  records: stored = new or changed, unchanged = already in the store as they are):\n");
        out.append(String.format("  %-18s %7s %8s %11s %7s | %7s %9s %9s %7s%n",
                "connector", "pulled", "accepted", "quarantined", "dropped", "stored", "unchanged", "purchases", "events"));
        connectors.forEach((id, c) -> {
            out.append(String.format("  %-18s %7d %8d %11d %7d | %7d %9d %9d %7d%n",
                    id, c.pulled, c.accepted, c.quarantinedTotal(), c.droppedTotal(), c.stored, c.unchanged, c.transactions, c.events));
            if (c.consentEvents > 0) {
                out.append(String.format("  %-20s consent events recorded: %d%n", "", c.consentEvents));
            }
            if (c.linesRecognised > 0) {
                out.append(String.format("  %-20s unchanged lines recognised without parsing: %d%n", "", c.linesRecognised));
            }
            if (c.invalidTcfStrings > 0) {
                out.append(String.format("  %-20s invalid TCF strings: %d (counted as no consent)%n", "", c.invalidTcfStrings));
            }
            c.quarantined.forEach((reason, n) -> out.append(String.format("  %-20s quarantined %5d  %s%n", "", n, reason)));
            c.droppedByConsent.forEach((purpose, n) -> out.append(ERASED.equals(purpose)
                    ? String.format("  %-20s dropped     %5d  erased people, not imported again%n", "", n)
                    : String.format("  %-20s dropped     %5d  no lawful basis for purpose '%s'%n", "", n, purpose)));
        });
        out.append(String.format("Resolve and golden profiles: %d created, %d updated, %d merged, %d split, %d in total%n",
                profiles.created, profiles.updated, profiles.merged, profiles.split, profiles.total));
        notes.forEach((k, v) -> out.append("  ").append(k).append(": ").append(v).append('\n'));
        if (!clusters.isEmpty()) {
            out.append("Behaviour clusters (").append(clustering).append("):\n");
            clusters.forEach((id, c) -> out.append(String.format("  %-8s %6d profiles  %s%n", id, c.size(), c.description())));
        }
        out.append("Segments:\n");
        segments.forEach((id, s) -> out.append(String.format("  %-28s %6d members (%d entered, %d exited)%s%n", id, s.size, s.entered, s.exited,
                s.holdout > 0 ? ", " + s.holdout + " in the holdout group (never pushed)" : "")));
        if (!tags.isEmpty()) {
            out.append("Tags:\n");
            tags.forEach((id, s) -> out.append(String.format("  %-28s %6d profiles (%d entered, %d exited)%n", id, s.size, s.entered, s.exited)));
        }
        out.append("Push (per destination):\n");
        destinations.forEach((id, d) -> out.append(String.format(
                "  %-20s %6d added, %6d removed, %6d withheld without consent, %6d without a record in the destination%n",
                id, d.adds, d.removes, d.withheldWithoutConsent, d.unmapped)));
        out.append("Stage times (ms): ").append(new TreeMap<>(stageMillis)).append('\n');
        return out.toString();
    }
}
