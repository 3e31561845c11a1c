package io.segmenthub.segment.clv;

import java.util.Objects;

/**
 * The input of the Gamma-Gamma spend model for one customer: the number of repeat purchase days x
 * and the mean value of those repeat purchases. The first purchase is left out, as in Fader, Hardie
 * &amp; Lee (2005), because it is often different in kind (a welcome offer, a first basket).
 */
public record RepeatSpend(String customerId, int frequency, double meanValue) {

    public RepeatSpend {
        Objects.requireNonNull(customerId, "customerId");
        if (frequency < 0) {
            throw new IllegalArgumentException("frequency must not be negative for customer " + customerId + ", got " + frequency);
        }
        if (!Double.isFinite(meanValue) || meanValue < 0) {
            throw new IllegalArgumentException("mean value must be a finite amount of at least 0 for customer " + customerId);
        }
    }
}
