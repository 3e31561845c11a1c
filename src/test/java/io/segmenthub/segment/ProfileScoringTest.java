package io.segmenthub.segment;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProfileScoringTest {

    private static final Map<String, BigDecimal> RATES = Map.of("GBP", new BigDecimal("9.00"), "USD", new BigDecimal("7.10"));

    @Test
    void amountsInTheScoringCurrencyAreKeptAsTheyAre() {
        assertThat(ProfileScoring.convert(new BigDecimal("88.00"), "CNY", "CNY", RATES)).contains(new BigDecimal("88.00"));
    }

    @Test
    void otherCurrenciesAreConvertedWithTheConfiguredRate() {
        assertThat(ProfileScoring.convert(new BigDecimal("100.00"), "GBP", "CNY", RATES))
                .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("900"));
    }

    @Test
    void aCurrencyWithoutARateIsLeftOutRatherThanGuessed() {
        assertThat(ProfileScoring.convert(new BigDecimal("100.00"), "EUR", "CNY", RATES)).isEmpty();
    }
}
