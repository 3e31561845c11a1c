package io.segmenthub.connector;

import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.sync.PushOutbox;
import io.segmenthub.sync.PushStateStore;
import io.segmenthub.sync.SegmentPusher;
import io.segmenthub.sync.SegmentPush;
import io.segmenthub.system.CsvCells;
import io.segmenthub.system.HubConfig;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;

/**
 * A file destination: per segment, a changes file per run ({@code <dir>/<segment>/<run>-changes.csv},
 * {@code action} plus the configured fields) and the list as it stands after the push
 * ({@code <dir>/<segment>.csv}, golden and external ids only). Files are written to a temporary
 * name and moved into place, so a reader never sees half a file. The changes file is moved last:
 * its presence is the proof that the push was delivered, which {@link #recover} reads after a run
 * stopped between writing and confirming, so no changes file is ever written twice for one push.
 */
@Component
public class FileDestination {

    private final HubConfig config;
    private final PushStateStore state;

    private final SegmentPusher pusher;

    /** A destination that writes only; {@link #recover} needs the pusher. */
    FileDestination(HubConfig config, PushStateStore state) {
        this(config, state, null);
    }

    @org.springframework.beans.factory.annotation.Autowired
    public FileDestination(HubConfig config, PushStateStore state, SegmentPusher pusher) {
        this.config = config;
        this.state = state;
        this.pusher = pusher;
    }

    /** Confirms what an interrupted run delivered: a pending push whose changes file exists arrived whole. */
    public SyncRun recover(SyncRun run, String destinationId) {
        Path dir = Path.of(config.destination(destinationId).file().dir());
        for (PushOutbox.Pending pending : pusher.unconfirmed(destinationId)) {
            SegmentPush push = pending.push();
            boolean delivered = Files.exists(changesFile(dir, push.segmentId(), pending.runId()));
            Set<String> ids = new HashSet<>();
            if (delivered) {
                push.adds().forEach(r -> ids.add(r.goldenId()));
                push.removes().forEach(r -> ids.add(r.goldenId()));
            }
            pusher.recover(pending, ids, run);
        }
        return run;
    }

    private static Path changesFile(Path dir, String segmentId, String runId) {
        return dir.resolve(segmentId).resolve(runId + "-changes.csv");
    }

    public SegmentPush write(SegmentPush push, SyncRun run) {
        if (push.isEmpty()) {
            return push;
        }
        Path dir = Path.of(config.destination(push.destinationId()).file().dir());
        try {
            Map<String, String> after = new HashMap<>(state.pushed(push.destinationId(), push.segmentId()));
            push.removes().forEach(r -> after.remove(r.goldenId()));
            push.adds().forEach(r -> after.put(r.goldenId(), r.externalId()));
            List<List<String>> list = after.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> List.of(e.getKey(), e.getValue())).toList();
            writeAtomically(dir.resolve(push.segmentId() + ".csv"), List.of("golden_id", "external_id"), list);

            List<String> header = new ArrayList<>();
            header.add("action");
            header.addAll(push.fields());
            List<List<String>> rows = new ArrayList<>();
            push.adds().forEach(r -> rows.add(row("add", r, push.fields())));
            push.removes().forEach(r -> rows.add(row("remove", r, push.fields())));
            writeAtomically(changesFile(dir, push.segmentId(), run.id()), header, rows);
        } catch (IOException e) {
            throw new ConnectorException("destination '" + push.destinationId() + "': cannot write to " + dir + ": " + e.getMessage(), e);
        }
        return push;
    }

    private static List<String> row(String action, SegmentPush.Row r, List<String> fields) {
        List<String> cells = new ArrayList<>();
        cells.add(action);
        for (String field : fields) {
            cells.add(CsvCells.safe(switch (field) {
                case "golden_id" -> r.goldenId();
                case "external_id" -> r.externalId();
                default -> r.values().getOrDefault(field, "");
            }));
        }
        return cells;
    }

    private static void writeAtomically(Path file, List<String> header, List<List<String>> rows) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
             CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(header.toArray(String[]::new)).get())) {
            for (List<String> row : rows) {
                csv.printRecord(row.stream().map(CsvCells::safe).toList());
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
