package io.segmenthub.segment;

import io.segmenthub.system.HubConfig;
import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Measures segments: for every stint that entered a segment, what the member did in the window
 * after entry (any purchase, a second purchase, revenue in the scoring currency), for the treated
 * members and for the holdout, with the lift in conversion and a 95 % confidence interval for the
 * difference of the two conversion rates (Wald interval for two independent proportions; wide or
 * undefined while the groups are small, which the report says rather than hides).
 */
@Component
public class SegmentKpis {

    /** One group's figures. */
    public record Group(long members, long converted, long repurchased, BigDecimal revenue) {
        public double conversion() {
            return members == 0 ? 0 : (double) converted / members;
        }

        public double repurchaseRate() {
            return members == 0 ? 0 : (double) repurchased / members;
        }

        public BigDecimal revenuePerMember() {
            return members == 0 ? BigDecimal.ZERO : revenue.divide(BigDecimal.valueOf(members), 2, java.math.RoundingMode.HALF_UP);
        }
    }

    /** A segment's report: treated versus holdout over the window. */
    public record Report(String segmentId, int windowDays, Group treated, Group holdout, Optional<Double> lift,
                         Optional<double[]> conversionDifference95) {
    }

    private record Stint(String goldenId, LocalDate entered, boolean holdout) {
    }

    private final JdbcClient jdbc;
    private final HubConfig config;

    public SegmentKpis(JdbcClient jdbc, HubConfig config) {
        this.jdbc = jdbc;
        this.config = config;
    }

    public List<Report> report(int windowDays) {
        var scoring = config.hub().scoring();
        Map<String, List<Object[]>> purchases = new HashMap<>();
        jdbc.sql("""
                        SELECT g.golden_id, p.occurred_on, p.amount, p.currency
                        FROM purchase p JOIN source_record r ON r.system = p.system AND r.record_id = p.record_id
                        JOIN record_golden g ON g.source_record_id = r.id""")
                .query(rs -> {
                    String golden = rs.getString(1);
                    LocalDate on = rs.getObject(2, LocalDate.class);
                    ProfileScoring.convert(rs.getBigDecimal(3), rs.getString(4).trim(), scoring.currency(), scoring.fxRates())
                            .ifPresent(amount -> purchases.computeIfAbsent(golden, k -> new ArrayList<>()).add(new Object[]{on, amount}));
                });
        List<Report> reports = new ArrayList<>();
        for (SegmentDefinition segment : config.segments()) {
            List<Stint> stints = jdbc.sql("SELECT golden_id, entered_at, holdout FROM segment_membership WHERE segment_id = :s")
                    .param("s", segment.id())
                    .query((rs, n) -> new Stint(rs.getString(1), Timestamps.read(rs, "entered_at").atOffset(ZoneOffset.UTC).toLocalDate(),
                            rs.getBoolean(3)))
                    .list();
            Group treated = group(stints.stream().filter(s -> !s.holdout()).toList(), purchases, windowDays);
            Group holdout = group(stints.stream().filter(Stint::holdout).toList(), purchases, windowDays);
            Optional<Double> lift = holdout.members() == 0 || holdout.conversion() == 0 ? Optional.empty()
                    : Optional.of(treated.conversion() / holdout.conversion() - 1);
            reports.add(new Report(segment.id(), windowDays, treated, holdout, lift, interval(treated, holdout)));
        }
        return reports;
    }

    private static Group group(List<Stint> stints, Map<String, List<Object[]>> purchases, int windowDays) {
        long converted = 0;
        long repurchased = 0;
        BigDecimal revenue = BigDecimal.ZERO;
        for (Stint s : stints) {
            LocalDate end = s.entered().plusDays(windowDays);
            long count = 0;
            for (Object[] p : purchases.getOrDefault(s.goldenId(), List.of())) {
                LocalDate on = (LocalDate) p[0];
                if (!on.isBefore(s.entered()) && on.isBefore(end)) {
                    count++;
                    revenue = revenue.add((BigDecimal) p[1]);
                }
            }
            converted += count > 0 ? 1 : 0;
            repurchased += count > 1 ? 1 : 0;
        }
        return new Group(stints.size(), converted, repurchased, revenue);
    }

    /** 95 % Wald interval for p_treated - p_holdout; empty when either group is empty. */
    static Optional<double[]> interval(Group treated, Group holdout) {
        if (treated.members() == 0 || holdout.members() == 0) {
            return Optional.empty();
        }
        double p1 = treated.conversion();
        double p2 = holdout.conversion();
        double se = Math.sqrt(p1 * (1 - p1) / treated.members() + p2 * (1 - p2) / holdout.members());
        double diff = p1 - p2;
        return Optional.of(new double[]{diff - 1.96 * se, diff + 1.96 * se});
    }

    /** The reports as CSV rows (header first), for the CLI and the API. */
    public static List<List<String>> csv(List<Report> reports) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("segment", "window_days", "group", "members", "converted", "conversion", "repurchase_rate", "revenue_per_member",
                "lift", "difference_ci95_low", "difference_ci95_high"));
        for (Report r : reports) {
            for (String name : List.of("treated", "holdout")) {
                Group g = name.equals("treated") ? r.treated() : r.holdout();
                rows.add(List.of(r.segmentId(), String.valueOf(r.windowDays()), name, String.valueOf(g.members()), String.valueOf(g.converted()),
                        String.format("%.4f", g.conversion()), String.format("%.4f", g.repurchaseRate()), g.revenuePerMember().toPlainString(),
                        name.equals("treated") ? r.lift().map(l -> String.format("%.4f", l)).orElse("") : "",
                        name.equals("treated") ? r.conversionDifference95().map(ci -> String.format("%.4f", ci[0])).orElse("") : "",
                        name.equals("treated") ? r.conversionDifference95().map(ci -> String.format("%.4f", ci[1])).orElse("") : ""));
            }
        }
        return rows;
    }
}
