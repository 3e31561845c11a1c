package io.segmenthub.fault;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process killed right after a commit keeps that commit in the embedded store. H2's MVStore
 * writes committed changes in the background about once a second unless {@code WRITE_DELAY=0};
 * with the delay, a hub killed just after its profile stages committed lost them while the files it
 * had pushed stayed, and the rerun pushed the same people again under new golden ids (seen once
 * in {@link ProcessKillIT}). Opens the store with the URL the hub ships in {@code application.yml},
 * in a child JVM that commits rows and halts at once, as {@code kill -9} does.
 */
@ExtendWith(Reliability.class)
class EmbeddedStoreDurabilityTest {

    private static final int ROUNDS = 20;

    @TempDir
    Path dataDir;

    @Test
    void everyCommitOfAProcessKilledRightAfterItIsInTheStore() throws Exception {
        String url = shippedUrl().replace("${segmenthub.data-dir}", dataDir.toAbsolutePath().toString());
        assertThat(url).startsWith("jdbc:h2:file:").contains("WRITE_DELAY=0");
        for (int round = 1; round <= ROUNDS; round++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Child.class.getName(), url, String.valueOf(round))
                    .redirectErrorStream(true).start();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child finished").isTrue();
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(output).as("child output").contains("committed " + round);
        }
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT round) FROM committed")) {
            rs.next();
            assertThat(rs.getInt(2)).as("rounds whose commit survived the kill").isEqualTo(ROUNDS);
            assertThat(rs.getInt(1)).isEqualTo(ROUNDS * 100);
        }
        Reliability.record("store", "the hub process halted (as by kill -9) right after a commit to the embedded H2 store, "
                        + ROUNDS + " times", "every commit was in the store when it was opened again (WRITE_DELAY=0 in the shipped URL)",
                "nothing");
    }

    private static String shippedUrl() {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new ClassPathResource("application.yml"));
        Properties properties = yaml.getObject();
        return properties.getProperty("spring.datasource.url");
    }

    /** Commits 100 rows in one transaction, says so, and halts without closing anything. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            Connection c = DriverManager.getConnection(args[0], "sa", "");
            int round = Integer.parseInt(args[1]);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS committed (round INT, n INT)");
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (int n = 0; n < 100; n++) {
                    s.addBatch("INSERT INTO committed VALUES (" + round + ", " + n + ")");
                }
                s.executeBatch();
            }
            c.commit();
            System.out.println("committed " + round);
            System.out.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
