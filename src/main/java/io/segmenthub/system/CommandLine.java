package io.segmenthub.system;

import io.segmenthub.pipeline.SyncBusyException;
import io.segmenthub.pipeline.SyncFailedException;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.pipeline.SyncRunner;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.audit.AuditCheckpoints;
import io.segmenthub.crypto.CryptoException;
import io.segmenthub.crypto.KeyRotation;
import io.segmenthub.profile.LineageExport;
import io.segmenthub.segment.SegmentKpis;
import io.segmenthub.segment.cluster.ClusterStore;
import io.segmenthub.subject.SubjectRequestException;
import io.segmenthub.subject.SubjectRequests;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The command-line verbs ({@code sync}, {@code export lineage}) and, in server mode,
 * {@code --sync-now} (or {@code segmenthub.sync-on-start=true}): run one sync at start, then keep
 * serving and running the schedules. Prints a one-line reason and
 * sets a non-zero exit code on failure.
 */
@Component
public class CommandLine implements ApplicationRunner {

    private final SyncRunner syncs;
    private final LineageExport lineage;
    private final SubjectRequests subjects;
    private final AuditCheckpoints checkpoints;
    private final KeyRotation rotation;
    private final SegmentKpis kpis;
    private final ClusterStore clusters;
    private final io.segmenthub.connector.ConnectionTest connectionTest;
    private final ObjectMapper json;
    private final Environment environment;
    private final HubProperties properties;
    private final PrintStream out;
    private final PrintStream err;
    private int exitCode;

    public CommandLine(SyncRunner syncs, LineageExport lineage, SubjectRequests subjects, AuditCheckpoints checkpoints, KeyRotation rotation, SegmentKpis kpis,
                       ClusterStore clusters, io.segmenthub.connector.ConnectionTest connectionTest, ObjectMapper json,
                       Environment environment, HubProperties properties) {
        this.connectionTest = connectionTest;
        this.syncs = syncs;
        this.lineage = lineage;
        this.subjects = subjects;
        this.checkpoints = checkpoints;
        this.rotation = rotation;
        this.kpis = kpis;
        this.clusters = clusters;
        this.json = json;
        this.environment = environment;
        this.properties = properties;
        this.out = System.out;
        this.err = System.err;
    }

    public int exitCode() {
        return exitCode;
    }

    @Override
    public void run(ApplicationArguments args) {
        List<String> command = args.getNonOptionArgs().stream()
                .filter(a -> option(args, "out").map(out -> !out.equals(a)).orElse(true)).toList();
        if (command.isEmpty()) {
            if (properties.syncOnStart() || args.containsOption("sync-now")) {
                sync(args);
            }
            return;
        }
        switch (command.get(0)) {
            case "sync" -> exitCode = sync(args);
            case "export" -> exitCode = export(command, args);
            case "erase" -> exitCode = erase(args);
            case "access" -> exitCode = access(args);
            case "audit" -> exitCode = auditVerify(command);
            case "keys" -> exitCode = keys(command, args);
            case "report" -> exitCode = report(command, args);
            case "connector" -> exitCode = connectorTest(command);
            default -> {
                err.println("unknown command '" + command.get(0) + "'; use: sync | export lineage --out FILE"
                        + " | erase --email E [--phone P] | access --email E [--phone P] --out FILE | audit verify | audit checkpoint | keys rotate | keys rewrap | keys retire --key ID"
                        + " | report segments [--window-days N] [--format csv|json] [--out FILE] | report clusters [--format csv|json] [--out FILE]"
                        + " | connector test ID");
                exitCode = 2;
            }
        }
    }

    /** An option given as {@code --name=value} or as {@code --name value}. */
    static Optional<String> option(ApplicationArguments args, String name) {
        String[] raw = args.getSourceArgs();
        for (int i = 0; i < raw.length; i++) {
            if (raw[i].startsWith("--" + name + "=")) {
                return Optional.of(raw[i].substring(name.length() + 3));
            }
            if (raw[i].equals("--" + name) && i + 1 < raw.length && !raw[i + 1].startsWith("--")) {
                return Optional.of(raw[i + 1]);
            }
        }
        return Optional.empty();
    }

    private io.segmenthub.profile.ResolutionMode resolutionMode;

    @org.springframework.beans.factory.annotation.Autowired
    void setResolutionMode(io.segmenthub.profile.ResolutionMode resolutionMode) {
        this.resolutionMode = resolutionMode;
    }

    private int sync(ApplicationArguments args) {
        String syncId = option(args, "sync").orElse(SyncRunner.DEFAULT_SYNC);
        if (args.containsOption("full-resolve") && resolutionMode != null) {
            resolutionMode.requestFull(); // compare every record again, not only new and changed ones
        }
        try {
            SyncRun run = syncs.run(syncId, args.getNonOptionArgs().isEmpty() ? "start" : "cli");
            out.println("Sync run " + run.id() + " succeeded.");
            out.print(run.report().format());
            return 0;
        } catch (SyncFailedException e) {
            err.println("sync failed (run " + e.runId() + "): " + e.getMessage());
            return 1;
        } catch (SyncBusyException e) {
            err.println("sync not started: " + e.getMessage());
            return 3;
        }
    }

    private int report(List<String> command, ApplicationArguments args) {
        String what = command.size() < 2 ? "" : command.get(1);
        if (what.equals("segments")) {
            int window = option(args, "window-days").map(Integer::parseInt).orElse(30);
            List<SegmentKpis.Report> reports = kpis.report(window);
            return writeReport(args, reports, SegmentKpis.csv(reports),
                    "the segment KPI report (" + reports.size() + " segments, " + window + "-day window)");
        }
        if (what.equals("clusters")) {
            List<ClusterStore.Summary> current = clusters.current();
            if (current.isEmpty()) {
                err.println("no behaviour clusters: enable hub.scoring.clustering and run a sync (the run report says why a run made none)");
            }
            return writeReport(args, current, ClusterStore.csv(current), "the behaviour clusters (" + current.size() + ")");
        }
        err.println("usage: report segments [--window-days N] [--format csv|json] [--out FILE] | report clusters [--format csv|json] [--out FILE]");
        return 2;
    }

    /** A report as CSV (default) or JSON, to {@code --out FILE} or standard output. Numbers and ids only. */
    private int writeReport(ApplicationArguments args, Object value, List<List<String>> rows, String name) {
        String text;
        try {
            if (option(args, "format").orElse("csv").equals("json")) {
                text = json.writerWithDefaultPrettyPrinter().writeValueAsString(value);
            } else {
                var buffer = new StringWriter();
                try (var csv = new CSVPrinter(buffer, CSVFormat.RFC4180)) {
                    for (List<String> row : rows) {
                        csv.printRecord(row.stream().map(CsvCells::safe).toList());
                    }
                }
                text = buffer.toString();
            }
            Optional<String> target = option(args, "out");
            if (target.isPresent()) {
                Files.writeString(Path.of(target.get()), text);
                out.println("Wrote " + name + " to " + target.get());
            } else {
                out.print(text);
            }
            return 0;
        } catch (IOException e) {
            err.println("report failed: " + e.getMessage());
            return 1;
        }
    }

    private int keys(List<String> command, ApplicationArguments args) {
        String verb = command.size() < 2 ? "" : command.get(1);
        try {
            KeyRotation.Result result = switch (verb) {
                case "rotate" -> rotation.rotate("cli");
                case "rewrap" -> rotation.rewrap();
                case "retire" -> rotation.retire(option(args, "key").orElseThrow(
                        () -> new CryptoException("keys retire needs --key master-N")), "cli");
                default -> null;
            };
            if (result == null) {
                err.println("usage: keys rotate | keys rewrap | keys retire --key master-N");
                return 2;
            }
            out.println("Current master key " + result.currentMasterKeyId() + "; " + result.rewrapped()
                    + " data keys re-wrapped; keystore holds " + result.masterKeyIds());
            return 0;
        } catch (CryptoException e) {
            err.println("keys " + verb + " failed: " + e.getMessage());
            return 1;
        }
    }

    /** {@code connector test ID}: each step of reaching a connector or destination; exit 0 when all pass, 5 naming the failed step. */
    private int connectorTest(List<String> command) {
        if (command.size() != 3 || !command.get(1).equals("test")) {
            err.println("usage: connector test ID   (a connector or destination id from connectors.yml)");
            return 2;
        }
        var result = connectionTest.test(command.get(2));
        if (result.isEmpty()) {
            err.println("no connector or destination '" + command.get(2) + "' in connectors.yml");
            return 2;
        }
        for (var step : result.get().steps()) {
            out.println((step.ok() ? "  ok    " : "  FAIL  ") + step.name() + ": " + step.detail());
        }
        if (result.get().ok()) {
            out.println(command.get(2) + ": connection test passed");
            return 0;
        }
        err.println(command.get(2) + ": connection test failed at step '" + result.get().failed().orElseThrow().name() + "'");
        return 5;
    }

    private int auditVerify(List<String> command) {
        String verb = command.size() < 2 ? "" : command.get(1);
        if (verb.equals("checkpoint")) {
            var c = checkpoints.sign("on demand (cli)");
            out.println("Signed checkpoint " + c.id() + ": " + c.treeSize() + " entries, head " + c.headHash());
            return 0;
        }
        if (!verb.equals("verify")) {
            err.println("usage: audit verify | audit checkpoint");
            return 2;
        }
        var result = checkpoints.verify();
        if (result.intact()) {
            out.println("Audit log intact: " + result.entries() + " entries and " + result.checkpoints()
                    + " signed checkpoints verify.");
            return 0;
        }
        err.println("Audit log BROKEN: " + result.problem().orElseThrow());
        return 4;
    }

    private int erase(ApplicationArguments args) {
        try {
            var erasure = subjects.erase(option(args, "email"), option(args, "phone"), "cli");
            out.println("Erasure " + erasure.requestId() + ": " + erasure.goldenIds().size() + " profiles, " + erasure.records()
                    + " source records shredded, " + erasure.tombstones() + " identifiers tombstoned."
                    + " Destinations are told on the next sync (receipts per destination).");
            return 0;
        } catch (SubjectRequestException e) {
            err.println("erase failed: " + e.getMessage());
            return 2;
        }
    }

    private int access(ApplicationArguments args) {
        Optional<String> target = option(args, "out");
        if (target.isEmpty()) {
            err.println("usage: access --email E [--phone P] --out FILE");
            return 2;
        }
        try {
            var export = subjects.access(option(args, "email"), option(args, "phone"), "cli");
            Path file = Path.of(target.get());
            json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), export);
            out.println("Wrote the subject access export to " + file + " (it holds personal data: hand it to the person only).");
            return 0;
        } catch (SubjectRequestException e) {
            err.println("access failed: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("access failed: cannot write the export: " + e.getMessage());
            return 1;
        }
    }

    private int export(List<String> command, ApplicationArguments args) {
        Optional<String> target = option(args, "out");
        if (command.size() < 2 || !command.get(1).equals("lineage") || target.isEmpty()) {
            err.println("usage: export lineage --out FILE");
            return 2;
        }
        Path file = Path.of(target.get());
        try {
            long rows = lineage.write(file);
            out.println("Wrote " + rows + " lineage rows to " + file);
            return 0;
        } catch (IOException e) {
            err.println("export failed: cannot write " + file + ": " + e.getMessage());
            return 1;
        }
    }
}
