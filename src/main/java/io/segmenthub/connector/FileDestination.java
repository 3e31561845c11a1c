package io.segmenthub.connector;

import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.sync.PushStateStore;
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
import java.util.List;
import java.util.Map;

/**
 * A file destination: per segment, a changes file per run ({@code <dir>/<segment>/<run>-changes.csv},
 * {@code action} plus the configured fields) and the list as it stands after the push
 * ({@code <dir>/<segment>.csv}, golden and external ids only). Files are written to a temporary
 * name and moved into place, so a reader never sees half a file.
 */
@Component
public class FileDestination {

    private final HubConfig config;
    private final PushStateStore state;

    public FileDestination(HubConfig config, PushStateStore state) {
        this.config = config;
        this.state = state;
    }

    public SegmentPush write(SegmentPush push, SyncRun run) {
        if (push.isEmpty()) {
            return push;
        }
        Path dir = Path.of(config.destination(push.destinationId()).file().dir());
        try {
            Path changes = dir.resolve(push.segmentId()).resolve(run.id() + "-changes.csv");
            List<String> header = new ArrayList<>();
            header.add("action");
            header.addAll(push.fields());
            List<List<String>> rows = new ArrayList<>();
            push.adds().forEach(r -> rows.add(row("add", r, push.fields())));
            push.removes().forEach(r -> rows.add(row("remove", r, push.fields())));
            writeAtomically(changes, header, rows);

            Map<String, String> after = new HashMap<>(state.pushed(push.destinationId(), push.segmentId()));
            push.removes().forEach(r -> after.remove(r.goldenId()));
            push.adds().forEach(r -> after.put(r.goldenId(), r.externalId()));
            List<List<String>> list = after.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> List.of(e.getKey(), e.getValue())).toList();
            writeAtomically(dir.resolve(push.segmentId() + ".csv"), List.of("golden_id", "external_id"), list);
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
