package io.segmenthub.segment.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.system.MemoryStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Which clusters are behind the current scores, now that a score row keeps the run that last changed it. */
class ClusterStoreTest {

    static final Instant FIRST = Instant.parse("2026-12-07T02:26:24.100Z");

    @Test
    void theCurrentClustersAreTheLatestRunsThatClusteredWhateverItsRunIdSortsLike() {
        DataSource ds = MemoryStore.migrated("cluster-store");
        JdbcClient jdbc = JdbcClient.create(ds);
        ClusterStore store = new ClusterStore(jdbc, new NamedParameterJdbcTemplate(ds), new ObjectMapper());
        jdbc.sql("""
                        INSERT INTO profile_score (golden_id, run_id, orders, revenue, events, recency, frequency, monetary, rfm_segment, value_type)
                        VALUES ('G-1', 'run-0', 1, 10.00, 0, 3, 1, 1, '', 'general')""").update();
        // two runs started in the same second: the later one's random part sorts first
        store.save("20261207T022624-ffff0000", result("c1", 4), FIRST);
        store.save("20261207T022624-0000ffff", result("c1", 5), FIRST.plusMillis(700));

        assertThat(store.current()).as("no profile has a cluster: the last run did not cluster").isEmpty();

        jdbc.sql("UPDATE profile_score SET cluster_id = 'c1'").update();

        assertThat(store.current()).singleElement().satisfies(c -> {
            assertThat(c.runId()).isEqualTo("20261207T022624-0000ffff");
            assertThat(c.size()).isEqualTo(5);
        });
    }

    static BehaviourClusterer.Result result(String id, int size) {
        Map<ClusterFeature, Double> means = Map.of(ClusterFeature.RECENCY, 30.0, ClusterFeature.FREQUENCY, 2.0, ClusterFeature.MONETARY, 100.0,
                ClusterFeature.ENGAGEMENT, 1.0, ClusterFeature.TENURE, 60.0);
        var cluster = new BehaviourClusterer.BehaviourCluster(id, size, means, means, means, "recent buyers");
        return new BehaviourClusterer.Result(2, Map.of(2, 0.5), List.of(cluster), Map.of(), List.of(id));
    }
}
