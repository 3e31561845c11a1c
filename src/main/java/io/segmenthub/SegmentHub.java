package io.segmenthub;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One jar, three uses:
 * <pre>
 *   java -jar segment-hub.jar                          the hub: scheduled syncs, health, run API
 *   java -jar segment-hub.jar sync                     one full sync, then exit (0 ok, 1 failed)
 *   java -jar segment-hub.jar export lineage --out F   CSV: source_system,source_record_id,golden_id
 * </pre>
 * Options for all: {@code --config=DIR} (default {@code config}), and any Spring property.
 */
@SpringBootApplication
public class SegmentHub {

    public static void main(String[] args) {
        List<String> commands = Arrays.stream(args).filter(a -> !a.startsWith("--")).toList();
        SpringApplication app = new SpringApplication(SegmentHub.class);
        if (!commands.isEmpty()) {
            Map<String, Object> cli = new HashMap<>();
            cli.put("spring.main.web-application-type", "none");
            cli.put("segmenthub.schedules-enabled", "false");
            cli.put("segmenthub.command", String.join(" ", commands));
            app.setDefaultProperties(cli);
        }
        ConfigurableApplicationContext context = app.run(args);
        if (!commands.isEmpty()) {
            int code = context.getBean(io.segmenthub.system.CommandLine.class).exitCode();
            System.exit(SpringApplication.exit(context, () -> code));
        }
    }
}
