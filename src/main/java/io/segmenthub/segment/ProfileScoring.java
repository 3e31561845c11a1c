package io.segmenthub.segment;

import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.segment.clv.BgNbdModel;
import io.segmenthub.segment.clv.ClvFitException;
import io.segmenthub.segment.clv.CustomerLifetimeValue;
import io.segmenthub.segment.clv.GammaGammaModel;
import io.segmenthub.segment.clv.Purchase;
import io.segmenthub.segment.clv.PurchaseSummaries;
import io.segmenthub.segment.clv.PurchaseSummary;
import io.segmenthub.system.BulkInsert;
import io.segmenthub.system.HubConfig;
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
import java.util.OptionalDouble;

/**
 * Scores every golden profile from its purchases (across all its source records, converted to
 * the scoring currency): orders, revenue, last purchase, RFM quintiles, the named RFM segment
 * and the value type; plus its engagement event count. Scores are recomputed in full each run,
 * so they are reproducible from the store.
 */
@Component
public class ProfileScoring {

    private final JdbcClient jdbc;
    private final BulkInsert bulk;
    private final HubConfig config;
    private final Clock clock;

    public ProfileScoring(JdbcClient jdbc, BulkInsert bulk, HubConfig config, Clock clock) {
        this.jdbc = jdbc;
        this.bulk = bulk;
        this.config = config;
        this.clock = clock;
    }

    private static final class Totals {
        LocalDate first;
        LocalDate last;
        int orders;
        BigDecimal revenue = BigDecimal.ZERO;
    }

    /** Below these, BG/NBD and Gamma-Gamma fits are too unstable to value anyone. */
    static final int MINIMUM_BUYERS = 50;
    static final int MINIMUM_REPEAT_BUYERS = 10;

    /** One profile's lifetime value figures; empty values where the history is too short. */
    record Lifetime(OptionalDouble clv, double probabilityAlive, double expectedPurchases) {
    }

    @Transactional
    public SyncRun score(SyncRun run) {
        long started = System.nanoTime();
        var scoring = config.hub().scoring();
        LocalDate asOf = scoring.fixedAsOf().orElse(LocalDate.now(clock));
        Map<String, Totals> totals = new HashMap<>();
        List<Purchase> purchases = new ArrayList<>();
        long[] unconverted = {0};
        jdbc.sql("""
                        SELECT g.golden_id, p.occurred_on, p.amount, p.currency
                        FROM purchase p JOIN source_record r ON r.system = p.system AND r.record_id = p.record_id
                        JOIN record_golden g ON g.source_record_id = r.id""")
                .query(rs -> {
                    Optional<BigDecimal> amount = convert(rs.getBigDecimal(3), rs.getString(4).trim(), scoring.currency(), scoring.fxRates());
                    if (amount.isEmpty()) {
                        unconverted[0]++;
                        return;
                    }
                    Totals t = totals.computeIfAbsent(rs.getString(1), k -> new Totals());
                    LocalDate on = rs.getObject(2, LocalDate.class);
                    t.last = t.last == null || on.isAfter(t.last) ? on : t.last;
                    t.first = t.first == null || on.isBefore(t.first) ? on : t.first;
                    t.orders++;
                    t.revenue = t.revenue.add(amount.get());
                    if (!on.isAfter(asOf)) {
                        purchases.add(new Purchase(rs.getString(1), on, amount.get()));
                    }
                });
        Map<String, Long> events = new HashMap<>();
        jdbc.sql("""
                        SELECT g.golden_id, COUNT(*) FROM engagement_event e
                        JOIN source_record r ON r.system = e.system AND r.record_id = e.record_id
                        JOIN record_golden g ON g.source_record_id = r.id GROUP BY g.golden_id""")
                .query(rs -> {
                    events.put(rs.getString(1), rs.getLong(2));
                });

        List<PurchaseHistory> histories = new ArrayList<>();
        totals.forEach((golden, t) -> histories.add(new PurchaseHistory(golden, t.last, t.orders, t.revenue)));
        RfmScorer scorer = new RfmScorer(scoring.thresholds());
        RfmThresholds cuts = scorer.thresholds(histories, asOf);
        Map<String, RfmScore> rfm = scorer.score(histories, asOf, cuts);

        Map<String, Lifetime> lifetimes = lifetimes(purchases, asOf, run);

        List<String> active = jdbc.sql("SELECT golden_id FROM golden_profile WHERE merged_into IS NULL AND erased_at IS NULL").query(String.class).list();
        jdbc.sql("DELETE FROM profile_score").update();
        List<Object[]> rows = new ArrayList<>(active.size());
        for (String golden : active) {
            Totals t = totals.get(golden);
            Optional<RfmScore> score = Optional.ofNullable(rfm.get(golden));
            Lifetime lifetime = lifetimes.get(golden);
            rows.add(new Object[]{golden, run.id(), t == null ? 0 : t.orders,
                    t == null ? BigDecimal.ZERO : t.revenue.setScale(2, RoundingMode.HALF_UP),
                    t == null ? null : t.last, events.getOrDefault(golden, 0L),
                    score.map(RfmScore::recency).orElse(0), score.map(RfmScore::frequency).orElse(0), score.map(RfmScore::monetary).orElse(0),
                    score.map(RfmScore::segment).orElse(""), score.map(s -> s.valueType().key()).orElse("none"),
                    lifetime == null || lifetime.clv().isEmpty() ? null
                            : BigDecimal.valueOf(lifetime.clv().getAsDouble()).setScale(2, RoundingMode.HALF_UP),
                    lifetime == null ? null : lifetime.probabilityAlive(), lifetime == null ? null : lifetime.expectedPurchases(),
                    t == null ? null : t.first});
        }
        // a million source rows make some 370,000 profiles: COPY on PostgreSQL, positional rows in slices on H2
        bulk.insert("profile_score", List.of("golden_id", "run_id", "orders", "revenue", "last_purchase", "events", "recency", "frequency",
                "monetary", "rfm_segment", "value_type", "clv", "p_alive", "expected_purchases", "first_purchase"), rows);
        if (!histories.isEmpty()) {
            run.report().note("rfm", histories.size() + " profiles with purchases scored as of " + asOf
                    + "; cut points " + cuts);
        }
        if (unconverted[0] > 0) {
            run.report().note("purchases without an fx rate", unconverted[0] + " (left out of revenue; add hub.scoring.fx-rates)");
        }
        run.report().stageTook("score", Duration.ofNanos(System.nanoTime() - started).toMillis());
        return run;
    }

    /**
     * Fits BG/NBD and Gamma-Gamma on this run's purchase histories (calibration ends on the as-of
     * day) and values every profile that has bought. A fit that fails (too few buyers, no repeat
     * buyers) leaves CLV empty for the run and says why in the report, rather than a wild number.
     */
    private Map<String, Lifetime> lifetimes(List<Purchase> purchases, LocalDate asOf, SyncRun run) {
        if (purchases.isEmpty()) {
            return Map.of();
        }
        var settings = config.hub().scoring().clv();
        PurchaseSummaries summaries = PurchaseSummaries.fromTransactions(purchases, asOf);
        if (summaries.all().size() < MINIMUM_BUYERS || summaries.repeatBuyers().size() < MINIMUM_REPEAT_BUYERS) {
            run.report().note("clv", "not computed this run: " + summaries.all().size() + " buyers and " + summaries.repeatBuyers().size()
                    + " repeat buyers are too few to fit the models (at least " + MINIMUM_BUYERS + " and " + MINIMUM_REPEAT_BUYERS + ")");
            return Map.of();
        }
        BgNbdModel frequency;
        GammaGammaModel spend;
        Map<String, Lifetime> values = new HashMap<>();
        long flagged = 0;
        int horizon = settings.horizon();
        try {
            frequency = BgNbdModel.fit(summaries.all());
            spend = GammaGammaModel.fit(summaries.repeatBuyers());
            var clv = new CustomerLifetimeValue(frequency, spend, horizon, settings.discount(), settings.minimumAge());
            double horizonWeeks = horizon * CustomerLifetimeValue.WEEKS_PER_MONTH;
            for (PurchaseSummary s : summaries.all()) {
                OptionalDouble value = summaries.spendOf(s.customerId()).map(rs -> clv.estimate(s, rs)).orElseGet(() -> clv.estimate(s, 0.0));
                if (value.isEmpty()) {
                    flagged++;
                }
                values.put(s.customerId(), new Lifetime(value, frequency.probabilityAlive(s), frequency.conditionalExpectedPurchases(horizonWeeks, s)));
            }
        } catch (ClvFitException | IllegalArgumentException | ArithmeticException e) {
            // a fit that lands on degenerate parameters gives no trustworthy value: none, and say why
            run.report().note("clv", "not computed this run: " + e.getMessage());
            return Map.of();
        }
        run.report().note("clv", String.format("BG/NBD r=%.3f alpha=%.3f a=%.3f b=%.3f; Gamma-Gamma p=%.3f q=%.3f gamma=%.3f;"
                        + " %d profiles valued over %d months, %d with too little history (no CLV)", frequency.r(), frequency.alpha(),
                frequency.a(), frequency.b(), spend.p(), spend.q(), spend.gamma(), values.size() - flagged, horizon, flagged));
        return values;
    }

    static Optional<BigDecimal> convert(BigDecimal amount, String currency, String target, Map<String, BigDecimal> fxRates) {
        if (currency.equals(target)) {
            return Optional.of(amount);
        }
        return Optional.ofNullable(fxRates.get(currency)).map(amount::multiply);
    }
}
