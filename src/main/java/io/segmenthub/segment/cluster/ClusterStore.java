package io.segmenthub.segment.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.segment.cluster.BehaviourClusterer.BehaviourCluster;
import io.segmenthub.segment.cluster.BehaviourClusterer.PreviousCluster;
import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Behaviour clusters per run and each profile's current cluster (a column of {@code profile_score}). */
@Repository
public class ClusterStore {

    private static final TypeReference<Map<String, Double>> NUMBERS = new TypeReference<>() { };

    /**
     * A cluster as analysts read it: size, member averages in original units, the description, and
     * the run that made it. Numbers and words only, no personal data.
     */
    public record Summary(String id, String runId, int size, double recencyDays, double orders, double revenue, double events,
                          double tenureDays, String description, Instant createdAt) {
    }

    /**
     * The last run that clustered, by when it did: two runs started in the same second have run ids
     * that sort by their random part.
     */
    private static final String LATEST_RUN = "SELECT run_id FROM behaviour_cluster ORDER BY created_at DESC, run_id DESC LIMIT 1";

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate named;
    private final ObjectMapper json;

    public ClusterStore(JdbcClient jdbc, NamedParameterJdbcTemplate named, ObjectMapper json) {
        this.jdbc = jdbc;
        this.named = named;
        this.json = json;
    }

    /** The behaviour of every scored profile that has purchased, as of the day recency is counted from. */
    public List<Behaviour> behaviours(LocalDate asOf) {
        return jdbc.sql("""
                        SELECT golden_id, orders, revenue, last_purchase, first_purchase, events FROM profile_score
                        WHERE orders > 0 AND last_purchase IS NOT NULL AND first_purchase IS NOT NULL ORDER BY golden_id""")
                .query((rs, n) -> new Behaviour(rs.getString(1),
                        ChronoUnit.DAYS.between(rs.getObject(4, LocalDate.class), asOf),
                        rs.getInt(2), rs.getBigDecimal(3).doubleValue(), rs.getLong(6),
                        ChronoUnit.DAYS.between(rs.getObject(5, LocalDate.class), asOf)))
                .list();
    }

    public long profilesWithoutPurchases() {
        return jdbc.sql("SELECT COUNT(*) FROM profile_score WHERE orders = 0").query(Long.class).single();
    }

    /** The clusters of the most recent run that made any: the ones the next run's ids are matched to. */
    public List<PreviousCluster> latest() {
        Optional<String> run = jdbc.sql(LATEST_RUN).query(String.class).optional();
        if (run.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT cluster_id, centroid FROM behaviour_cluster WHERE run_id = :r ORDER BY cluster_id")
                .param("r", run.get())
                .query((rs, n) -> new PreviousCluster(rs.getString(1), readCentroid(rs.getString(2))))
                .list();
    }

    /** The number of the first cluster id never used ({@code c<n>}): ids are not reused for other behaviour. */
    public int nextIdNumber() {
        return jdbc.sql("SELECT DISTINCT cluster_id FROM behaviour_cluster").query(String.class).list().stream()
                .filter(id -> id.matches("c[0-9]{1,9}")).mapToInt(id -> Integer.parseInt(id.substring(1))).max().orElse(0) + 1;
    }

    /** Keeps the run's clusters and sets each clustered profile's cluster. */
    public void save(String runId, BehaviourClusterer.Result result, Instant at) {
        List<MapSqlParameterSource> clusters = new ArrayList<>();
        for (BehaviourCluster c : result.clusters()) {
            clusters.add(new MapSqlParameterSource().addValue("run", runId).addValue("id", c.id()).addValue("size", c.size())
                    .addValue("recency", c.means().get(ClusterFeature.RECENCY))
                    .addValue("orders", c.means().get(ClusterFeature.FREQUENCY))
                    .addValue("revenue", c.means().get(ClusterFeature.MONETARY))
                    .addValue("events", c.means().get(ClusterFeature.ENGAGEMENT))
                    .addValue("tenure", c.means().get(ClusterFeature.TENURE))
                    .addValue("description", c.description())
                    .addValue("centroid", writeCentroid(c.centroid()))
                    .addValue("at", Timestamps.utc(at)));
        }
        if (!clusters.isEmpty()) {
            named.batchUpdate("""
                            INSERT INTO behaviour_cluster (run_id, cluster_id, members, recency_days, orders, revenue, events, tenure_days,
                                                           description, centroid, created_at)
                            VALUES (:run, :id, :size, :recency, :orders, :revenue, :events, :tenure, :description, :centroid, :at)""",
                    clusters.toArray(MapSqlParameterSource[]::new));
        }
        if (!result.assignments().isEmpty()) {
            named.batchUpdate("UPDATE profile_score SET cluster_id = :c WHERE golden_id = :g",
                    result.assignments().entrySet().stream().map(e -> new MapSqlParameterSource().addValue("g", e.getKey())
                            .addValue("c", e.getValue())).toArray(MapSqlParameterSource[]::new));
        }
    }

    /**
     * The clusters behind the current scores: those of the last run that clustered, empty when no
     * profile has a cluster now (each run's scoring clears them, so the last run did not cluster:
     * clustering off, or too few profiles).
     */
    public List<Summary> current() {
        return jdbc.sql("SELECT cluster_id, run_id, members, recency_days, orders, revenue, events, tenure_days, description, created_at"
                        + " FROM behaviour_cluster WHERE run_id = (" + LATEST_RUN + ")"
                        + " AND EXISTS (SELECT 1 FROM profile_score WHERE cluster_id IS NOT NULL)")
                .query((rs, n) -> new Summary(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getDouble(4), rs.getDouble(5),
                        rs.getDouble(6), rs.getDouble(7), rs.getDouble(8), rs.getString(9), Timestamps.read(rs, "created_at")))
                .list().stream()
                .sorted(java.util.Comparator.comparingInt(s -> s.id().matches("c[0-9]+") ? Integer.parseInt(s.id().substring(1)) : Integer.MAX_VALUE))
                .toList();
    }

    /** The clusters as CSV rows (header first), for the CLI and the API. */
    public static List<List<String>> csv(List<Summary> clusters) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("cluster", "run_id", "size", "recency_days", "orders", "revenue", "events", "tenure_days", "description"));
        for (Summary c : clusters) {
            rows.add(List.of(c.id(), c.runId(), String.valueOf(c.size()), String.format(Locale.ROOT, "%.1f", c.recencyDays()),
                    String.format(Locale.ROOT, "%.2f", c.orders()), String.format(Locale.ROOT, "%.2f", c.revenue()),
                    String.format(Locale.ROOT, "%.2f", c.events()), String.format(Locale.ROOT, "%.1f", c.tenureDays()), c.description()));
        }
        return rows;
    }

    private String writeCentroid(Map<ClusterFeature, Double> centroid) {
        Map<String, Double> byKey = new TreeMap<>();
        centroid.forEach((f, v) -> byKey.put(f.key(), v));
        try {
            return json.writeValueAsString(byKey);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of numbers is always JSON", e);
        }
    }

    private Map<ClusterFeature, Double> readCentroid(String text) {
        Map<ClusterFeature, Double> centroid = new EnumMap<>(ClusterFeature.class);
        try {
            json.readValue(text, NUMBERS).forEach((k, v) -> centroid.put(ClusterFeature.valueOf(k.toUpperCase(Locale.ROOT)), v));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalStateException("stored cluster centroid is not a JSON object of feature values", e);
        }
        return centroid;
    }
}
