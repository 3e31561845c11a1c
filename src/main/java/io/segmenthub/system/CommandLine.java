package io.segmenthub.system;

import io.segmenthub.pipeline.SyncBusyException;
import io.segmenthub.pipeline.SyncFailedException;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.pipeline.SyncRunner;
import io.segmenthub.profile.LineageExport;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The command-line verbs ({@code sync}, {@code export lineage}) and, in server mode,
 * {@code --segmenthub.sync-on-start=true}: run once before serving. Prints a one-line reason and
 * sets a non-zero exit code on failure.
 */
@Component
public class CommandLine implements ApplicationRunner {

    private final SyncRunner syncs;
    private final LineageExport lineage;
    private final Environment environment;
    private final HubProperties properties;
    private final PrintStream out;
    private final PrintStream err;
    private int exitCode;

    public CommandLine(SyncRunner syncs, LineageExport lineage, Environment environment, HubProperties properties) {
        this.syncs = syncs;
        this.lineage = lineage;
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
        List<String> command = args.getNonOptionArgs();
        if (command.isEmpty()) {
            if (properties.syncOnStart()) {
                sync(args);
            }
            return;
        }
        switch (command.get(0)) {
            case "sync" -> exitCode = sync(args);
            case "export" -> exitCode = export(command, args);
            default -> {
                err.println("unknown command '" + command.get(0) + "'; use: sync | export lineage --out FILE");
                exitCode = 2;
            }
        }
    }

    private int sync(ApplicationArguments args) {
        String syncId = args.containsOption("sync") ? args.getOptionValues("sync").get(0) : SyncRunner.DEFAULT_SYNC;
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

    private int export(List<String> command, ApplicationArguments args) {
        if (command.size() < 2 || !command.get(1).equals("lineage") || !args.containsOption("out")) {
            err.println("usage: export lineage --out FILE");
            return 2;
        }
        Path file = Path.of(args.getOptionValues("out").get(0));
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
