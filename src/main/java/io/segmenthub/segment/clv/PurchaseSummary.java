package io.segmenthub.segment.clv;

import java.util.Objects;

/**
 * What the buy-till-you-die models need to know about one customer's purchases in a calibration
 * period, in the convention of Fader, Hardie &amp; Lee (2005) and the lifetimes library:
 * {@code frequency} x is the number of <em>repeat</em> purchase days, {@code recency} t<sub>x</sub>
 * the weeks from the first purchase to the last one, and {@code age} T the weeks from the first
 * purchase to the end of the calibration period. A one-time buyer has x = 0 and t<sub>x</sub> = 0.
 */
public record PurchaseSummary(String customerId, int frequency, double recency, double age) {

    public PurchaseSummary {
        Objects.requireNonNull(customerId, "customerId");
        if (frequency < 0) {
            throw new IllegalArgumentException("frequency must not be negative for customer " + customerId + ", got " + frequency);
        }
        if (!(recency >= 0 && recency <= age)) {
            throw new IllegalArgumentException(
                    "recency must lie between 0 and age for customer " + customerId + ", got " + recency + " and " + age);
        }
        if (frequency == 0 && recency != 0) {
            throw new IllegalArgumentException("a customer without repeat purchases has recency 0, customer " + customerId + " has " + recency);
        }
    }
}
