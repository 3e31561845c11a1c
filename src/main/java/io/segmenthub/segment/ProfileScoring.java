package io.segmenthub.segment;

import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.system.HubConfig;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scores every golden profile from its purchases (across all its source records, converted to
 * the scoring currency): orders, revenue, last purchase, RFM quintiles, the named RFM segment
 * and the value type; plus its engagement event count. Scores are recomputed in full each run,
 * so they are reproducible from the store.
 */
@Component
public class ProfileScoring {

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate named;
    private final HubConfig config;
    private final Clock clock;

    public ProfileScoring(JdbcClient jdbc, NamedParameterJdbcTemplate named, HubConfig config, Clock clock) {
        this.jdbc = jdbc;
        this.named = named;
        this.config = config;
        this.clock = clock;
    }

    private static final class Totals {
        LocalDate last;
        int orders;
        BigDecimal revenue = BigDecimal.ZERO;
    }

    @Transactional
    public SyncRun score(SyncRun run) {
        long started = System.nanoTime();
        var scoring = config.hub().scoring();
        LocalDate asOf = scoring.fixedAsOf().orElse(LocalDate.now(clock));
        Map<String, Totals> totals = new HashMap<>();
        long[] unconverted = {0};
        jdbc.sql("""
                        SELECT r.golden_id, p.occurred_on, p.amount, p.currency
                        FROM purchase p JOIN source_record r ON r.system = p.system AND r.record_id = p.record_id
                        WHERE r.golden_id IS NOT NULL""")
                .query(rs -> {
                    Optional<BigDecimal> amount = convert(rs.getBigDecimal(3), rs.getString(4).trim(), scoring.currency(), scoring.fxRates());
                    if (amount.isEmpty()) {
                        unconverted[0]++;
                        return;
                    }
                    Totals t = totals.computeIfAbsent(rs.getString(1), k -> new Totals());
                    LocalDate on = rs.getObject(2, LocalDate.class);
                    t.last = t.last == null || on.isAfter(t.last) ? on : t.last;
                    t.orders++;
                    t.revenue = t.revenue.add(amount.get());
                });
        Map<String, Long> events = new HashMap<>();
        jdbc.sql("""
                        SELECT r.golden_id, COUNT(*) FROM engagement_event e
                        JOIN source_record r ON r.system = e.system AND r.record_id = e.record_id
                        WHERE r.golden_id IS NOT NULL GROUP BY r.golden_id""")
                .query(rs -> {
                    events.put(rs.getString(1), rs.getLong(2));
                });

        List<PurchaseHistory> histories = new ArrayList<>();
        totals.forEach((golden, t) -> histories.add(new PurchaseHistory(golden, t.last, t.orders, t.revenue)));
        RfmScorer scorer = new RfmScorer(scoring.thresholds());
        Map<String, RfmScore> rfm = scorer.score(histories, asOf);

        List<String> active = jdbc.sql("SELECT golden_id FROM golden_profile WHERE merged_into IS NULL AND erased_at IS NULL").query(String.class).list();
        jdbc.sql("DELETE FROM profile_score").update();
        List<MapSqlParameterSource> rows = new ArrayList<>();
        for (String golden : active) {
            Totals t = totals.get(golden);
            Optional<RfmScore> score = Optional.ofNullable(rfm.get(golden));
            rows.add(new MapSqlParameterSource()
                    .addValue("golden", golden).addValue("run", run.id())
                    .addValue("orders", t == null ? 0 : t.orders)
                    .addValue("revenue", t == null ? BigDecimal.ZERO : t.revenue.setScale(2, RoundingMode.HALF_UP))
                    .addValue("last", t == null ? null : t.last)
                    .addValue("events", events.getOrDefault(golden, 0L))
                    .addValue("r", score.map(RfmScore::recency).orElse(0))
                    .addValue("f", score.map(RfmScore::frequency).orElse(0))
                    .addValue("m", score.map(RfmScore::monetary).orElse(0))
                    .addValue("segment", score.map(RfmScore::segment).orElse(""))
                    .addValue("valueType", score.map(s -> s.valueType().key()).orElse("none")));
        }
        if (!rows.isEmpty()) {
            named.batchUpdate("""
                    INSERT INTO profile_score (golden_id, run_id, orders, revenue, last_purchase, events, recency, frequency, monetary,
                                               rfm_segment, value_type)
                    VALUES (:golden, :run, :orders, :revenue, :last, :events, :r, :f, :m, :segment, :valueType)""",
                    rows.toArray(MapSqlParameterSource[]::new));
        }
        if (!histories.isEmpty()) {
            run.report().note("rfm", histories.size() + " profiles with purchases scored as of " + asOf
                    + "; cut points " + scorer.thresholds(histories, asOf));
        }
        if (unconverted[0] > 0) {
            run.report().note("purchases without an fx rate", unconverted[0] + " (left out of revenue; add hub.scoring.fx-rates)");
        }
        run.report().stageTook("score", Duration.ofNanos(System.nanoTime() - started).toMillis());
        return run;
    }

    static Optional<BigDecimal> convert(BigDecimal amount, String currency, String target, Map<String, BigDecimal> fxRates) {
        if (currency.equals(target)) {
            return Optional.of(amount);
        }
        return Optional.ofNullable(fxRates.get(currency)).map(amount::multiply);
    }
}
