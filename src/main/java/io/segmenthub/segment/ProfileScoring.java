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
import io.segmenthub.system.InLists;
import io.segmenthub.system.SlicedBatch;
import org.springframework.jdbc.core.RowCallbackHandler;
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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Scores every golden profile from its purchases (across all its source records, converted to
 * the scoring currency): orders, revenue, last purchase, RFM quintiles, the named RFM segment
 * and the value type; plus its engagement event count and lifetime value. Scores are what scoring
 * every profile afresh from the store and the CLV fit kept in {@code clv_fit} makes, so they are
 * reproducible; only the rows that came out different are written. A run that resolved around its
 * change reads only the purchases and events of the profiles that may have changed since the last
 * scoring ({@link ScoreBasis}) and takes the others' totals, events and CLV values from their stored
 * scores, which is the same result: RFM cut points are still taken over every buyer (on revenue in
 * cents, as stored), and the CLV values of unchanged buyers are those the same fit gave them.
 */
@Component
public class ProfileScoring {

    private final JdbcClient jdbc;
    private final BulkInsert bulk;
    private final HubConfig config;
    private final Clock clock;
    private final ClvFits fits;
    private final ScoreBasis basis;
    private final boolean postgres;

    public ProfileScoring(JdbcClient jdbc, NamedParameterJdbcTemplate named, BulkInsert bulk, HubConfig config, Clock clock, ClvFits fits,
                          ScoreBasis basis) {
        this.jdbc = jdbc;
        this.postgres = SlicedBatch.postgres(named.getJdbcTemplate());
        this.bulk = bulk;
        this.config = config;
        this.clock = clock;
        this.fits = fits;
        this.basis = basis;
    }

    static final List<String> COLUMNS = List.of("golden_id", "run_id", "orders", "revenue", "last_purchase", "events", "recency",
            "frequency", "monetary", "rfm_segment", "value_type", "clv", "p_alive", "expected_purchases", "first_purchase");

    /** Positions in a score row ({@link #COLUMNS}): the scores begin after the golden and run ids. */
    private static final int ORDERS = COLUMNS.indexOf("orders");
    private static final int REVENUE = COLUMNS.indexOf("revenue");
    private static final int LAST_PURCHASE = COLUMNS.indexOf("last_purchase");
    private static final int FIRST_PURCHASE = COLUMNS.indexOf("first_purchase");
    private static final int EVENTS = COLUMNS.indexOf("events");
    /** Recency, then frequency, monetary, the RFM segment and the value type. */
    private static final int RECENCY = COLUMNS.indexOf("recency");
    private static final int CLV = COLUMNS.indexOf("clv");
    private static final int P_ALIVE = COLUMNS.indexOf("p_alive");
    private static final int EXPECTED_PURCHASES = COLUMNS.indexOf("expected_purchases");

    /** Above this share of the profiles changed, the scores are cleared and written whole, which is faster than row by row. */
    static final double REWRITE_ALL_ABOVE = 0.25;

    /** The score rows as the scoring of {@code runId} left them in the store, by golden id: never changed once written here. */
    private record Written(String runId, Map<String, Object[]> rows) {
    }

    /** The rows this instance's last scoring wrote, kept between runs and used while the store still holds them (see {@link #stored}). */
    private final AtomicReference<Written> written = new AtomicReference<>();

    private static final class Totals {
        LocalDate first;
        LocalDate last;
        int orders;
        BigDecimal revenue = BigDecimal.ZERO;

        /** The revenue as the score row keeps it, in cents (converted amounts have more places). */
        BigDecimal storedRevenue() {
            return revenue.setScale(2, RoundingMode.HALF_UP);
        }
    }

    /** Below these, BG/NBD and Gamma-Gamma fits are too unstable to value anyone. */
    static final int MINIMUM_BUYERS = 50;
    static final int MINIMUM_REPEAT_BUYERS = 10;

    /** One profile's lifetime value figures; empty values where the history is too short. */
    record Lifetime(OptionalDouble clv, double probabilityAlive, double expectedPurchases) {
    }

    /**
     * The purchase totals, engagement counts and CLV inputs of the profiles being scored: every
     * active profile, or only those whose histories may have changed (the rest from their stored
     * scores). Purchases of profiles no longer active are left out, as they are of the rows.
     */
    private static final class Histories {
        final Map<String, Totals> totals = new HashMap<>();
        /** Purchases on or before the as-of day, for the CLV models. */
        final List<Purchase> purchases = new ArrayList<>();
        final Map<String, Long> events = new HashMap<>();
        long unconverted;
    }

    /** The CLV values of a run and the fit they were made with (none when nobody could be valued). */
    private record Valued(Map<String, Lifetime> lifetimes, Optional<String> fitRunId) {
        static final Valued NONE = new Valued(Map.of(), Optional.empty());
    }

    /** What a run scores from: the histories read or kept, their CLV values, and the profiles whose rows may differ anyway. */
    private record Scored(Histories histories, Valued valued, Set<String> reread) {
    }

    @Transactional
    public SyncRun score(SyncRun run) {
        long started = System.nanoTime();
        var scoring = config.hub().scoring();
        LocalDate asOf = scoring.fixedAsOf().orElse(LocalDate.now(clock));
        String settings = ScoreBasis.fingerprint(scoring);
        Optional<ScoreBasis.Basis> last = basis.last();
        Map<String, Object[]> stored = stored(last, run);
        List<String> active = jdbc.sql("SELECT golden_id FROM golden_profile WHERE merged_into IS NULL AND erased_at IS NULL").query(String.class).list();
        Set<String> activeSet = new HashSet<>(active);
        ScoreBasis.Activity activity = basis.activityNow();

        Scored scored = changedSince(run, asOf, settings, last, activity, activeSet, stored)
                .flatMap(changed -> scoreChanged(changed, activeSet, stored, last.get(), asOf, run))
                .orElseGet(() -> scoreAll(activeSet, stored, asOf, run));
        Histories histories = scored.histories();
        Valued valued = scored.valued();

        List<PurchaseHistory> bought = new ArrayList<>();
        histories.totals.forEach((golden, t) -> bought.add(new PurchaseHistory(golden, t.last, t.orders, t.storedRevenue())));
        RfmScorer scorer = new RfmScorer(scoring.thresholds());
        RfmThresholds cuts = scorer.thresholds(bought, asOf);
        Map<String, RfmScore> rfm = scorer.score(bought, asOf, cuts);

        Function<String, Object[]> rowOf = golden -> {
            Totals t = histories.totals.get(golden);
            Optional<RfmScore> score = Optional.ofNullable(rfm.get(golden));
            Lifetime lifetime = valued.lifetimes().get(golden);
            return new Object[]{golden, run.id(), t == null ? 0 : t.orders,
                    t == null ? BigDecimal.ZERO : t.storedRevenue(),
                    t == null ? null : t.last, histories.events.getOrDefault(golden, 0L),
                    score.map(RfmScore::recency).orElse(0), score.map(RfmScore::frequency).orElse(0), score.map(RfmScore::monetary).orElse(0),
                    score.map(RfmScore::segment).orElse(""), score.map(s -> s.valueType().key()).orElse("none"),
                    lifetime == null || lifetime.clv().isEmpty() ? null
                            : BigDecimal.valueOf(lifetime.clv().getAsDouble()).setScale(2, RoundingMode.HALF_UP),
                    lifetime == null ? null : lifetime.probabilityAlive(), lifetime == null ? null : lifetime.expectedPurchases(),
                    t == null ? null : t.first};
        };
        // a profile that did not change has its stored totals, events and values: only a moved cut point can change its row
        List<Object[]> rows = active.stream()
                .filter(golden -> scored.reread().contains(golden) || !sameRfm(rfm.get(golden), stored.get(golden)))
                .map(rowOf).toList();
        Map<String, Object[]> now = write(rows, activeSet, stored, () -> active.stream().map(rowOf).toList(), run);
        basis.save(new ScoreBasis.Basis(run.id(), asOf, settings, valued.fitRunId(), activity, histories.unconverted));
        // kept at once: should the run roll back, the store keeps the basis of the scoring before, which these rows are not
        written.set(new Written(run.id(), now));
        if (!bought.isEmpty()) {
            run.report().note("rfm", bought.size() + " profiles with purchases scored as of " + asOf
                    + "; cut points " + cuts);
        }
        if (histories.unconverted > 0) {
            run.report().note("purchases without an fx rate", histories.unconverted + " (left out of revenue; add hub.scoring.fx-rates)");
        }
        run.report().stageTook("score", Duration.ofNanos(System.nanoTime() - started).toMillis());
        return run;
    }

    /**
     * The active profiles whose scores may have moved since the last scoring, when only those need
     * reading: the run resolved around its change (so its scope holds every profile whose records
     * moved), the last scoring was for the same day and settings, valued with a fit and met no
     * purchase without an fx rate, and not too many profiles changed. The profiles are those in the
     * resolution's scope, those with purchases or events stored since, and any without scores.
     */
    private Optional<Set<String>> changedSince(SyncRun run, LocalDate asOf, String settings, Optional<ScoreBasis.Basis> last,
                                               ScoreBasis.Activity activity, Set<String> active, Map<String, Object[]> stored) {
        Optional<String> why = run.profilesInScope().isEmpty() ? Optional.of("this run resolved every record")
                : last.isEmpty() ? Optional.of("no scoring before")
                : !last.get().asOf().equals(asOf) ? Optional.of("the as-of day moved from " + last.get().asOf())
                : !last.get().settings().equals(settings) ? Optional.of("the scoring settings changed")
                : last.get().fitRunId().isEmpty() ? Optional.of("the last scoring valued nobody")
                : last.get().unconverted() > 0 ? Optional.of("the last scoring met purchases without an fx rate")
                : Optional.empty();
        if (why.isPresent()) {
            run.report().note("scored", EVERY_PROFILE + why.get());
            return Optional.empty();
        }
        Set<String> changed = new HashSet<>(run.profilesInScope().get());
        changed.addAll(basis.withActivityBetween(last.get().activity(), activity));
        changed.retainAll(active);
        active.stream().filter(golden -> !stored.containsKey(golden)).forEach(changed::add);
        if (changed.size() > REWRITE_ALL_ABOVE * active.size()) {
            run.report().note("scored", EVERY_PROFILE + changed.size() + " of " + active.size() + " profiles changed");
            return Optional.empty();
        }
        return Optional.of(changed);
    }

    private static final String EVERY_PROFILE = "every profile's purchases and events read: ";

    /**
     * Scores again only {@code changed}: their purchases and events are read, every other active
     * profile's totals, events and CLV values are its stored ones (nothing they are made of moved).
     * RFM cut points are still those of the whole population. Empty when the last scoring's fit
     * does not serve this run (the whole population is then fitted again, from every purchase).
     */
    private Optional<Scored> scoreChanged(Set<String> changed, Set<String> active, Map<String, Object[]> stored, ScoreBasis.Basis was,
                                          LocalDate asOf, SyncRun run) {
        Histories histories = new Histories();
        read(histories, active, asOf, Optional.of(changed));
        Map<String, Lifetime> kept = new HashMap<>();
        for (String golden : active) {
            Object[] row = stored.get(golden);
            if (changed.contains(golden) || row == null) {
                continue;
            }
            if ((int) row[ORDERS] > 0) {
                Totals t = new Totals();
                t.orders = (int) row[ORDERS];
                t.revenue = (BigDecimal) row[REVENUE];
                t.last = (LocalDate) row[LAST_PURCHASE];
                t.first = (LocalDate) row[FIRST_PURCHASE];
                histories.totals.put(golden, t);
            }
            if ((long) row[EVENTS] > 0) {
                histories.events.put(golden, (long) row[EVENTS]);
            }
            if (row[P_ALIVE] != null) {
                BigDecimal clv = (BigDecimal) row[CLV];
                kept.put(golden, new Lifetime(clv == null ? OptionalDouble.empty() : OptionalDouble.of(clv.doubleValue()),
                        (double) row[P_ALIVE], (double) row[EXPECTED_PURCHASES]));
            }
        }
        long changedBuyers = changedBuyers(histories.totals, stored, changed, active);
        var settings = config.hub().scoring().clv();
        String currency = config.hub().scoring().currency();
        // a buyer who changed may have left the population or stopped repeating: the fit's counts less every change since are a floor
        Optional<ClvFits.Fit> fit = fits.latest().filter(f -> was.fitRunId().get().equals(f.runId())
                && f.servesFor(asOf, currency, changedBuyers, settings.refitShare())
                && f.buyers() - f.changedSince() - changedBuyers >= MINIMUM_BUYERS
                && f.repeatBuyers() - f.changedSince() - changedBuyers >= MINIMUM_REPEAT_BUYERS);
        if (fit.isEmpty()) {
            run.report().note("scored", EVERY_PROFILE + "the CLV fit of run " + was.fitRunId().get() + " does not serve this run");
            return Optional.empty();
        }
        try {
            kept.putAll(value(PurchaseSummaries.fromTransactions(histories.purchases, asOf), fit.get().frequency(), fit.get().spend()));
        } catch (IllegalArgumentException | ArithmeticException e) {
            run.report().note("scored", EVERY_PROFILE + "the kept CLV fit gave no value");
            return Optional.empty(); // scoring everyone says why in the clv note
        }
        fits.kept(fit.get(), changedBuyers);
        noteClv(run, fit.get().frequency(), fit.get().spend(), kept, fit, changedBuyers);
        run.report().note("scored", "incremental: " + changed.size() + " profiles whose records, purchases or events changed since run "
                + was.runId() + " read again, the other " + (active.size() - changed.size()) + " kept their stored histories");
        return Optional.of(new Scored(histories, new Valued(kept, fit.map(ClvFits.Fit::runId)), changed));
    }

    /** Reads every active profile's purchases and events and values every buyer, fitting the CLV models again when the kept fit does not serve. */
    private Scored scoreAll(Set<String> active, Map<String, Object[]> stored, LocalDate asOf, SyncRun run) {
        Histories histories = new Histories();
        read(histories, active, asOf, Optional.empty());
        return new Scored(histories, lifetimes(histories.purchases, asOf, run, changedBuyers(histories.totals, stored, active, active)), active);
    }

    /** Reads the purchases and event counts of the active profiles, or of {@code only} those. */
    private void read(Histories into, Set<String> active, LocalDate asOf, Optional<Set<String>> only) {
        var scoring = config.hub().scoring();
        String purchases = """
                SELECT g.golden_id, p.occurred_on, p.amount, p.currency
                FROM purchase p JOIN source_record r ON r.system = p.system AND r.record_id = p.record_id
                JOIN record_golden g ON g.source_record_id = r.id""";
        RowCallbackHandler purchase = rs -> {
            String golden = rs.getString(1);
            if (!active.contains(golden)) {
                return;
            }
            Optional<BigDecimal> amount = convert(rs.getBigDecimal(3), rs.getString(4).trim(), scoring.currency(), scoring.fxRates());
            if (amount.isEmpty()) {
                into.unconverted++;
                return;
            }
            Totals t = into.totals.computeIfAbsent(golden, k -> new Totals());
            LocalDate on = rs.getObject(2, LocalDate.class);
            t.last = t.last == null || on.isAfter(t.last) ? on : t.last;
            t.first = t.first == null || on.isBefore(t.first) ? on : t.first;
            t.orders++;
            t.revenue = t.revenue.add(amount.get());
            if (!on.isAfter(asOf)) {
                into.purchases.add(new Purchase(golden, on, amount.get()));
            }
        };
        String events = """
                SELECT g.golden_id, COUNT(*) FROM engagement_event e
                JOIN source_record r ON r.system = e.system AND r.record_id = e.record_id
                JOIN record_golden g ON g.source_record_id = r.id""";
        RowCallbackHandler event = rs -> {
            if (active.contains(rs.getString(1))) {
                into.events.put(rs.getString(1), rs.getLong(2));
            }
        };
        if (only.isEmpty()) {
            jdbc.sql(purchases).query(purchase);
            jdbc.sql(events + " GROUP BY g.golden_id").query(event);
            return;
        }
        List<String> wanted = List.copyOf(new TreeSet<>(only.get()));
        if (postgres && !wanted.isEmpty()) {
            // each profile looked up by index (see InLists.eachLookedUp): IN lists had PostgreSQL read the whole tables, some 80 ms a slice
            String[] ids = wanted.toArray(String[]::new);
            jdbc.sql("SELECT found.* FROM " + InLists.eachLookedUp(":ids", "golden_id", purchases + " WHERE g.golden_id = wanted.golden_id"))
                    .param("ids", ids).query(purchase);
            jdbc.sql("SELECT found.* FROM " + InLists.eachLookedUp(":ids", "golden_id", events
                    + " WHERE g.golden_id = wanted.golden_id GROUP BY g.golden_id")).param("ids", ids).query(event);
            return;
        }
        for (List<String> slice : InLists.of(wanted)) {
            jdbc.sql(purchases + " WHERE g.golden_id IN (:ids)").param("ids", slice).query(purchase);
            jdbc.sql(events + " WHERE g.golden_id IN (:ids) GROUP BY g.golden_id").param("ids", slice).query(event);
        }
    }

    /**
     * The stored scores by golden id, in {@link #COLUMNS}' order, run id and all, as {@link #sameScores}
     * compares them: a map of the caller's own. Every run needs them all (the cut points are taken over
     * every buyer) and a re-run changes few, so the rows as this instance's last scoring left them are
     * kept between runs and used again while they are what the store holds: the last scoring is still
     * that one (a scoring since, here or on another instance, saves a basis of its own) and no row has
     * been taken away since (an erasure deletes its profile's row; nothing but scoring writes one).
     * Read whole otherwise.
     */
    private Map<String, Object[]> stored(Optional<ScoreBasis.Basis> last, SyncRun run) {
        Written was = written.get();
        if (was != null && last.isPresent() && last.get().runId().equals(was.runId())
                && jdbc.sql("SELECT COUNT(*) FROM profile_score").query(Long.class).single() == was.rows().size()) {
            run.report().note("stored scores", was.rows().size() + " as scored by run " + was.runId() + ", kept since");
            return new HashMap<>(was.rows());
        }
        Map<String, Object[]> stored = new HashMap<>();
        jdbc.sql("SELECT " + String.join(", ", COLUMNS) + " FROM profile_score").query(rs -> {
            double alive = rs.getDouble(13);
            Double pAlive = rs.wasNull() ? null : alive;
            double expected = rs.getDouble(14);
            Double expectedPurchases = rs.wasNull() ? null : expected;
            stored.put(rs.getString(1), new Object[]{rs.getString(1), rs.getString(2), rs.getInt(3), rs.getBigDecimal(4),
                    rs.getObject(5, LocalDate.class), rs.getLong(6), rs.getInt(7), rs.getInt(8), rs.getInt(9), rs.getString(10),
                    rs.getString(11), rs.getBigDecimal(12), pAlive, expectedPurchases, rs.getObject(15, LocalDate.class)});
        });
        return stored;
    }

    /**
     * Buyers among {@code among} whose purchases are not what the stored scores were made of
     * (orders, revenue, first or last purchase differ, or the profile is new), and stored buyers
     * who bought nothing now or are no longer active: the histories a kept CLV fit has not seen.
     */
    private static long changedBuyers(Map<String, Totals> totals, Map<String, Object[]> stored, Set<String> among, Set<String> active) {
        long changed = 0;
        for (String golden : among) {
            Totals t = totals.get(golden);
            Object[] was = stored.get(golden);
            if (t == null) {
                changed += was != null && (int) was[ORDERS] > 0 ? 1 : 0;
            } else if (was == null || (int) was[ORDERS] != t.orders
                    || ((BigDecimal) was[REVENUE]).compareTo(t.storedRevenue()) != 0
                    || !t.last.equals(was[LAST_PURCHASE]) || !t.first.equals(was[FIRST_PURCHASE])) {
                changed++;
            }
        }
        for (Map.Entry<String, Object[]> e : stored.entrySet()) {
            if (!active.contains(e.getKey()) && (int) e.getValue()[ORDERS] > 0) {
                changed++;
            }
        }
        return changed;
    }

    /** Whether a stored row holds these RFM scores (none: zeros, no segment, value type "none"). */
    private static boolean sameRfm(RfmScore score, Object[] stored) {
        if (stored == null) {
            return false;
        }
        return score == null
                ? same(0, stored[RECENCY]) && same(0, stored[RECENCY + 1]) && same(0, stored[RECENCY + 2]) && "".equals(stored[RECENCY + 3])
                        && "none".equals(stored[RECENCY + 4])
                : same(score.recency(), stored[RECENCY]) && same(score.frequency(), stored[RECENCY + 1])
                        && same(score.monetary(), stored[RECENCY + 2]) && score.segment().equals(stored[RECENCY + 3])
                        && score.valueType().key().equals(stored[RECENCY + 4]);
    }

    /**
     * Writes the rows that differ from the stored ones (the run id aside) and deletes the scores of
     * profiles no longer active. When most profiles changed (a first run, a new as-of day, a new
     * fit) the table is cleared and written whole, by COPY on PostgreSQL. Either way no profile
     * keeps a behaviour cluster: the cluster stage, when on, gives every clustered profile its own.
     * Returns the rows the store then holds, by golden id ({@code stored} is left as it was).
     */
    private Map<String, Object[]> write(List<Object[]> rows, Set<String> active, Map<String, Object[]> stored, Supplier<List<Object[]>> all,
                                        SyncRun run) {
        List<Object[]> changed = new ArrayList<>();
        for (Object[] row : rows) {
            Object[] was = stored.get((String) row[0]);
            if (was == null || !sameScores(row, was)) {
                changed.add(row);
            }
        }
        List<String> gone = stored.keySet().stream().filter(g -> !active.contains(g)).toList();
        if (changed.size() + gone.size() > REWRITE_ALL_ABOVE * Math.max(active.size(), stored.size())) {
            List<Object[]> every = all.get();
            jdbc.sql("DELETE FROM profile_score").update();
            // a million source rows make some 370,000 profiles: COPY on PostgreSQL, positional rows in slices on H2
            bulk.insert("profile_score", COLUMNS, every);
            run.report().note("scores written", every.size() + " (all)");
            return byGolden(every);
        }
        List<String> replaced = new ArrayList<>(gone);
        changed.stream().map(row -> (String) row[0]).filter(stored::containsKey).forEach(replaced::add);
        for (List<String> slice : InLists.of(replaced)) {
            jdbc.sql("DELETE FROM profile_score WHERE golden_id IN (:ids)").param("ids", slice).update();
        }
        jdbc.sql("UPDATE profile_score SET cluster_id = NULL WHERE cluster_id IS NOT NULL").update();
        bulk.insert("profile_score", COLUMNS, changed);
        run.report().note("scores written", changed.size() + " changed of " + active.size() + ", " + gone.size() + " removed");
        Map<String, Object[]> now = new HashMap<>(stored);
        gone.forEach(now::remove);
        now.putAll(byGolden(changed));
        return now;
    }

    private static Map<String, Object[]> byGolden(List<Object[]> rows) {
        Map<String, Object[]> byGolden = new HashMap<>(rows.size() * 4 / 3 + 1);
        rows.forEach(row -> byGolden.put((String) row[0], row));
        return byGolden;
    }

    /** Whether two score rows hold the same scores, whatever run wrote them. */
    static boolean sameScores(Object[] row, Object[] stored) {
        for (int i = ORDERS; i < row.length; i++) {
            if (!same(row[i], stored[i])) {
                return false;
            }
        }
        return true;
    }

    /** Decimals by value (2.5 is 2.50), other numbers by value whatever their boxed type (an int count read back as a long). */
    private static boolean same(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            return x.compareTo(y) == 0;
        }
        if (a instanceof Number x && b instanceof Number y && !(a instanceof BigDecimal) && !(b instanceof BigDecimal)) {
            return x.doubleValue() == y.doubleValue();
        }
        return a.equals(b);
    }

    /**
     * Fits BG/NBD and Gamma-Gamma on this run's purchase histories (calibration ends on the as-of
     * day) and values every profile that has bought; or, when the last fit was for this day and
     * currency and no more than {@code refit-when-changed-share} of its buyers' histories have
     * changed since, values them with that fit, so that a customer whose history did not change
     * keeps the same value and a small change does not refit the whole population. A fit that fails
     * (too few buyers, no repeat buyers) leaves CLV empty for the run and says why in the report,
     * rather than a wild number.
     */
    private Valued lifetimes(List<Purchase> purchases, LocalDate asOf, SyncRun run, long changedBuyers) {
        if (purchases.isEmpty()) {
            return Valued.NONE;
        }
        var settings = config.hub().scoring().clv();
        PurchaseSummaries summaries = PurchaseSummaries.fromTransactions(purchases, asOf);
        if (summaries.all().size() < MINIMUM_BUYERS || summaries.repeatBuyers().size() < MINIMUM_REPEAT_BUYERS) {
            run.report().note("clv", "not computed this run: " + summaries.all().size() + " buyers and " + summaries.repeatBuyers().size()
                    + " repeat buyers are too few to fit the models (at least " + MINIMUM_BUYERS + " and " + MINIMUM_REPEAT_BUYERS + ")");
            return Valued.NONE;
        }
        String currency = config.hub().scoring().currency();
        Optional<ClvFits.Fit> kept = fits.latest().filter(fit -> fit.servesFor(asOf, currency, changedBuyers, settings.refitShare()));
        try {
            BgNbdModel frequency = kept.isPresent() ? kept.get().frequency() : BgNbdModel.fit(summaries.all());
            GammaGammaModel spend = kept.isPresent() ? kept.get().spend() : GammaGammaModel.fit(summaries.repeatBuyers());
            Map<String, Lifetime> values = value(summaries, frequency, spend);
            if (kept.isPresent()) {
                fits.kept(kept.get(), changedBuyers);
            } else {
                fits.save(run.id(), asOf, currency, summaries.all().size(), summaries.repeatBuyers().size(), frequency, spend, clock.instant());
            }
            noteClv(run, frequency, spend, values, kept, changedBuyers);
            return new Valued(values, Optional.of(kept.map(ClvFits.Fit::runId).orElse(run.id())));
        } catch (ClvFitException | IllegalArgumentException | ArithmeticException e) {
            // a fit that lands on degenerate parameters gives no trustworthy value: none, and say why
            run.report().note("clv", "not computed this run: " + e.getMessage());
            return Valued.NONE;
        }
    }

    /** Each summarised buyer's lifetime value figures under the given models. */
    private Map<String, Lifetime> value(PurchaseSummaries summaries, BgNbdModel frequency, GammaGammaModel spend) {
        var settings = config.hub().scoring().clv();
        int horizon = settings.horizon();
        var clv = new CustomerLifetimeValue(frequency, spend, horizon, settings.discount(), settings.minimumAge());
        double horizonWeeks = horizon * CustomerLifetimeValue.WEEKS_PER_MONTH;
        Map<String, Lifetime> values = new HashMap<>();
        for (PurchaseSummary s : summaries.all()) {
            OptionalDouble value = summaries.spendOf(s.customerId()).map(rs -> clv.estimate(s, rs)).orElseGet(() -> clv.estimate(s, 0.0));
            values.put(s.customerId(), new Lifetime(value, frequency.probabilityAlive(s), frequency.conditionalExpectedPurchases(horizonWeeks, s)));
        }
        return values;
    }

    private void noteClv(SyncRun run, BgNbdModel frequency, GammaGammaModel spend, Map<String, Lifetime> values, Optional<ClvFits.Fit> kept,
                         long changedBuyers) {
        var settings = config.hub().scoring().clv();
        long flagged = values.values().stream().filter(v -> v.clv().isEmpty()).count();
        String fitted = kept.map(fit -> String.format(Locale.ROOT, "; the fit of run %s kept (%d of its %d buyers' histories changed"
                + " since, %d in this run; fitted again above %.1f %%)", fit.runId(), fit.changedSince() + changedBuyers, fit.buyers(),
                changedBuyers, settings.refitShare() * 100)).orElse("; fitted this run");
        run.report().note("clv", String.format(Locale.ROOT, "BG/NBD r=%.3f alpha=%.3f a=%.3f b=%.3f; Gamma-Gamma p=%.3f q=%.3f gamma=%.3f;"
                        + " %d profiles valued over %d months, %d with too little history (no CLV)", frequency.r(), frequency.alpha(),
                frequency.a(), frequency.b(), spend.p(), spend.q(), spend.gamma(), values.size() - flagged, settings.horizon(), flagged) + fitted);
    }

    static Optional<BigDecimal> convert(BigDecimal amount, String currency, String target, Map<String, BigDecimal> fxRates) {
        if (currency.equals(target)) {
            return Optional.of(amount);
        }
        return Optional.ofNullable(fxRates.get(currency)).map(amount::multiply);
    }
}
