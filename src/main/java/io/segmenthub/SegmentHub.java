package io.segmenthub;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

import io.segmenthub.system.CommandLine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One jar, three uses:
 * <pre>
 *   java -jar segment-hub.jar                          the hub: scheduled syncs, health, run API
 *   java -jar segment-hub.jar sync                     one full sync, then exit (0 ok, 1 failed)
 *   java -jar segment-hub.jar export lineage --out F   CSV: source_system,source_record_id,golden_id
 *   java -jar segment-hub.jar hash-password            bcrypt hash for users.yml (password on stdin)
 * </pre>
 * Options for all: {@code --config=DIR} (default {@code config}), and any Spring property.
 */
@SpringBootApplication
public class SegmentHub {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("hash-password")) {
            System.exit(io.segmenthub.system.PasswordHashCommand.run(System.out, System.err));
        }
        List<String> commands = Arrays.stream(args).filter(a -> !a.startsWith("--")).toList();
        // "--out FILE" leaves FILE looking like a command word; any non-option word means a command
        List<String> effective = new ArrayList<>(Arrays.asList(args));
        if (!commands.isEmpty()) {
            // a command runs once and exits: no web server, no schedules, only the hub's own log lines
            effective.add("--spring.main.web-application-type=none");
            effective.add("--segmenthub.schedules-enabled=false");
            effective.add("--logging.level.root=WARN");
            effective.add("--logging.level.io.segmenthub=INFO");
            effective.add("--logging.level.io.segmenthub.SegmentHub=WARN");
            effective.add("--logging.level.org.apache.camel.spring.boot=ERROR");
        }
        ConfigurableApplicationContext context = SpringApplication.run(SegmentHub.class, effective.toArray(String[]::new));
        if (!commands.isEmpty()) {
            int code = context.getBean(CommandLine.class).exitCode();
            System.exit(SpringApplication.exit(context, () -> code));
        }
    }
}
