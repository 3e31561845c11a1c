package io.segmenthub.segment;

import io.segmenthub.system.HubSettings;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the stored scores were computed from ({@code score_basis}), so that a run can tell which
 * profiles' scores could have moved since: those its resolution touched and those with purchases
 * or engagement events stored after the last scoring. Purchases and events are only ever added
 * (an erasure removes them with the whole profile), and one run at a time writes them (the run
 * lease), so their ids tell what came since, also what a failed run committed before it failed.
 */
@Repository
public class ScoreBasis {

    private final JdbcClient jdbc;

    public ScoreBasis(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The highest purchase and engagement-event ids in the store. */
    public record Activity(long purchasesUpTo, long eventsUpTo) {
    }

    /** One scoring's basis: its day and settings, the fit of its CLV values, the activity it saw. */
    public record Basis(String runId, LocalDate asOf, String settings, Optional<String> fitRunId, Activity activity, long unconverted) {
    }

    public Optional<Basis> last() {
        return jdbc.sql("SELECT run_id, as_of, settings, fit_run_id, purchases_upto, events_upto, unconverted FROM score_basis")
                .query((rs, n) -> new Basis(rs.getString(1), rs.getObject(2, LocalDate.class), rs.getString(3),
                        Optional.ofNullable(rs.getString(4)), new Activity(rs.getLong(5), rs.getLong(6)), rs.getLong(7)))
                .optional();
    }

    public Activity activityNow() {
        return new Activity(jdbc.sql("SELECT COALESCE(MAX(id), 0) FROM purchase").query(Long.class).single(),
                jdbc.sql("SELECT COALESCE(MAX(id), 0) FROM engagement_event").query(Long.class).single());
    }

    /** The profiles whose records have purchases or events stored after {@code since}, up to {@code upTo}. */
    public Set<String> withActivityBetween(Activity since, Activity upTo) {
        Set<String> goldens = new HashSet<>();
        goldens.addAll(jdbc.sql("""
                        SELECT DISTINCT g.golden_id FROM purchase p
                        JOIN source_record r ON r.system = p.system AND r.record_id = p.record_id
                        JOIN record_golden g ON g.source_record_id = r.id WHERE p.id > :since AND p.id <= :upto""")
                .param("since", since.purchasesUpTo()).param("upto", upTo.purchasesUpTo()).query(String.class).list());
        goldens.addAll(jdbc.sql("""
                        SELECT DISTINCT g.golden_id FROM engagement_event e
                        JOIN source_record r ON r.system = e.system AND r.record_id = e.record_id
                        JOIN record_golden g ON g.source_record_id = r.id WHERE e.id > :since AND e.id <= :upto""")
                .param("since", since.eventsUpTo()).param("upto", upTo.eventsUpTo()).query(String.class).list());
        return goldens;
    }

    /** Replaces the basis: called once per scoring, in the profile stages' transaction. */
    public void save(Basis basis) {
        jdbc.sql("DELETE FROM score_basis").update();
        jdbc.sql("""
                        INSERT INTO score_basis (run_id, as_of, settings, fit_run_id, purchases_upto, events_upto, unconverted)
                        VALUES (:run, :asOf, :settings, :fit, :purchases, :events, :unconverted)""")
                .param("run", basis.runId()).param("asOf", basis.asOf()).param("settings", basis.settings())
                .param("fit", basis.fitRunId().orElse(null)).param("purchases", basis.activity().purchasesUpTo())
                .param("events", basis.activity().eventsUpTo()).param("unconverted", basis.unconverted()).update();
    }

    /**
     * A SHA-256 of the settings a score depends on besides the day: currency, fx rates, RFM cut
     * points, CLV horizon, discount and minimum age (the refit share only decides when to fit).
     * Written out in a fixed order, so that the same settings give the same fingerprint in every
     * process.
     */
    public static String fingerprint(HubSettings.Scoring scoring) {
        Map<String, String> fx = new TreeMap<>();
        scoring.fxRates().forEach((currency, rate) -> fx.put(currency, rate.stripTrailingZeros().toPlainString()));
        var clv = scoring.clv();
        String settings = "currency=" + scoring.currency() + "|fx=" + fx + "|rfm=" + scoring.thresholds().map(Object::toString).orElse("quintiles")
                + "|clv=" + clv.horizon() + "," + clv.discount() + "," + clv.minimumAge();
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(settings.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
