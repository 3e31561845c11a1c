package io.segmenthub.segment;

import java.util.Locale;

/**
 * The customer-value classes from our product guides, derived from the R, F and M scores. The
 * rules live in {@link RfmScorer#classify(int, int, int)}.
 */
public enum ValueType {
    /** Buys often, spends much, bought recently. */
    HIGH_VALUE,
    /** Buys often but spends little: room to grow the basket. */
    GROWTH_POTENTIAL,
    /** Spent much but has lapsed: worth winning back. */
    OPPORTUNITY,
    /** Everyone else. */
    GENERAL;

    /** Asked for per scored profile and per rule evaluation: made once. */
    private final String key = name().toLowerCase(Locale.ROOT);

    /** The name used in segment rules, config and APIs: {@code high_value}, ... */
    public String key() {
        return key;
    }
}
