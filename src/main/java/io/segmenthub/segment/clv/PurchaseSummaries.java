package io.segmenthub.segment.clv;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns transaction lines into the per-customer summaries the BG/NBD and Gamma-Gamma models are
 * fitted on, the way Fader, Hardie &amp; Lee (2005) built their CDNOW calibration data and lifetimes'
 * {@code summary_data_from_transaction_data} does:
 * <ul>
 * <li>time is counted in whole days and reported in weeks (days / 7);</li>
 * <li>all lines of a customer on one day are one purchase (their amounts add up), because the
 * models count purchase occasions, not order lines;</li>
 * <li>the first purchase starts the customer's clock and is not a repeat purchase, so
 * x = purchase days - 1, t<sub>x</sub> = last purchase day - first, T = calibration end - first;</li>
 * <li>the mean value is taken over the repeat purchase days only;</li>
 * <li>lines after the calibration end are ignored (they belong to a hold-out period).</li>
 * </ul>
 */
public final class PurchaseSummaries {

    private static final double DAYS_PER_WEEK = 7.0;

    private final List<PurchaseSummary> summaries;
    private final Map<String, RepeatSpend> spend;

    private PurchaseSummaries(List<PurchaseSummary> summaries, Map<String, RepeatSpend> spend) {
        this.summaries = summaries;
        this.spend = spend;
    }

    /**
     * Summarises the purchases made on or before {@code calibrationEnd}. Customers are listed in the
     * order of their first line in {@code purchases}.
     */
    public static PurchaseSummaries fromTransactions(Collection<Purchase> purchases, LocalDate calibrationEnd) {
        Objects.requireNonNull(calibrationEnd, "calibrationEnd");
        Map<String, TreeMap<LocalDate, BigDecimal>> days = new LinkedHashMap<>();
        for (Purchase purchase : purchases) {
            if (purchase.date().isAfter(calibrationEnd)) {
                continue;
            }
            days.computeIfAbsent(purchase.customerId(), id -> new TreeMap<>())
                    .merge(purchase.date(), purchase.amount(), BigDecimal::add);
        }
        List<PurchaseSummary> summaries = new ArrayList<>(days.size());
        Map<String, RepeatSpend> spend = new LinkedHashMap<>();
        for (Map.Entry<String, TreeMap<LocalDate, BigDecimal>> customer : days.entrySet()) {
            String id = customer.getKey();
            TreeMap<LocalDate, BigDecimal> byDay = customer.getValue();
            LocalDate first = byDay.firstKey();
            int repeats = byDay.size() - 1;
            double recency = weeks(first, byDay.lastKey());
            double age = weeks(first, calibrationEnd);
            summaries.add(new PurchaseSummary(id, repeats, recency, age));

            BigDecimal repeatTotal = byDay.tailMap(first, false).values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            double mean = repeats == 0 ? 0.0 : repeatTotal.divide(BigDecimal.valueOf(repeats), MathContext.DECIMAL64).doubleValue();
            spend.put(id, new RepeatSpend(id, repeats, mean));
        }
        return new PurchaseSummaries(Collections.unmodifiableList(summaries), Collections.unmodifiableMap(spend));
    }

    private static double weeks(LocalDate from, LocalDate to) {
        return ChronoUnit.DAYS.between(from, to) / DAYS_PER_WEEK;
    }

    /** One summary per customer with at least one purchase in the calibration period. */
    public List<PurchaseSummary> all() {
        return summaries;
    }

    /** The customer's repeat purchase count and mean repeat value (0 when there are no repeats). */
    public Optional<RepeatSpend> spendOf(String customerId) {
        return Optional.ofNullable(spend.get(customerId));
    }

    /** The input of the Gamma-Gamma model: every customer with at least one repeat purchase. */
    public List<RepeatSpend> repeatBuyers() {
        return spend.values().stream().filter(s -> s.frequency() > 0).toList();
    }
}
