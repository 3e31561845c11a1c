package io.segmenthub.segment.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

class PurchaseSummariesTest {

    private static final LocalDate END = LocalDate.of(2025, 3, 31);

    private static Purchase purchase(String customer, LocalDate date, String amount) {
        return new Purchase(customer, date, new BigDecimal(amount));
    }

    @Test
    void reproducesThePublishedCdnowCalibrationSummaryForEveryCustomer() {
        PurchaseSummaries summaries = PurchaseSummaries.fromTransactions(Cdnow.sampleTransactions(), Cdnow.CALIBRATION_END);
        Map<String, PurchaseSummary> byId = summaries.all().stream()
                .collect(Collectors.toMap(PurchaseSummary::customerId, Function.identity()));

        List<Cdnow.SummaryRow> published = Cdnow.summary();
        assertThat(published).hasSize(2357);
        assertThat(byId).hasSize(2357);
        SoftAssertions soft = new SoftAssertions();
        for (Cdnow.SummaryRow row : published) {
            PurchaseSummary mine = byId.get(row.id());
            soft.assertThat(mine).as("customer %s", row.id()).isNotNull();
            if (mine == null) {
                continue;
            }
            soft.assertThat(mine.frequency()).as("x of %s", row.id()).isEqualTo(row.x());
            soft.assertThat(mine.recency()).as("t_x of %s", row.id()).isCloseTo(row.tx(), within(0.01));
            soft.assertThat(mine.age()).as("T of %s", row.id()).isCloseTo(row.age(), within(0.01));
            soft.assertThat(summaries.spendOf(row.id()).orElseThrow().meanValue())
                    .as("zbar of %s", row.id()).isCloseTo(row.zbar(), within(0.01));
        }
        soft.assertAll();
        assertThat(summaries.repeatBuyers()).hasSize(946);
    }

    @Test
    void linesOnTheSameDayAreOnePurchaseWithTheirAmountsAdded() {
        LocalDate first = END.minusDays(70);
        LocalDate repeat = END.minusDays(35);
        PurchaseSummaries summaries = PurchaseSummaries.fromTransactions(List.of(
                purchase("c1", first, "10.00"),
                purchase("c1", first, "5.00"),
                purchase("c1", repeat, "20.00"),
                purchase("c1", repeat, "4.50")), END);

        assertThat(summaries.all()).containsExactly(new PurchaseSummary("c1", 1, 5.0, 10.0));
        assertThat(summaries.spendOf("c1")).contains(new RepeatSpend("c1", 1, 24.5));
    }

    @Test
    void meanValueLeavesOutTheFirstPurchase() {
        PurchaseSummaries summaries = PurchaseSummaries.fromTransactions(List.of(
                purchase("c1", END.minusDays(21), "1000.00"),
                purchase("c1", END.minusDays(14), "10.00"),
                purchase("c1", END.minusDays(7), "30.00")), END);

        assertThat(summaries.spendOf("c1").orElseThrow().meanValue()).isEqualTo(20.0);
        assertThat(summaries.repeatBuyers()).extracting(RepeatSpend::customerId).containsExactly("c1");
    }

    @Test
    void aOneTimeBuyerHasNoRepeatsNoRecencyAndNoMeanValue() {
        PurchaseSummaries summaries = PurchaseSummaries.fromTransactions(List.of(purchase("c1", END.minusDays(14), "10.00")), END);

        assertThat(summaries.all()).containsExactly(new PurchaseSummary("c1", 0, 0.0, 2.0));
        assertThat(summaries.spendOf("c1")).contains(new RepeatSpend("c1", 0, 0.0));
        assertThat(summaries.repeatBuyers()).isEmpty();
    }

    @Test
    void purchasesAfterTheCalibrationEndAreIgnored() {
        PurchaseSummaries summaries = PurchaseSummaries.fromTransactions(List.of(
                purchase("c1", END.minusDays(7), "10.00"),
                purchase("c1", END, "10.00"),
                purchase("c1", END.plusDays(1), "99.00"),
                purchase("late", END.plusDays(3), "10.00")), END);

        assertThat(summaries.all()).containsExactly(new PurchaseSummary("c1", 1, 1.0, 1.0));
        assertThat(summaries.spendOf("late")).isEmpty();
    }
}
