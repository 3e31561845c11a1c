package io.segmenthub.segment;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;

/** What RFM scoring needs to know about one golden profile's purchases. */
public record PurchaseHistory(String goldenId, LocalDate lastPurchase, int orders, BigDecimal revenue) {

    public PurchaseHistory {
        Objects.requireNonNull(goldenId, "goldenId");
        Objects.requireNonNull(lastPurchase, "lastPurchase");
        Objects.requireNonNull(revenue, "revenue");
        if (orders < 1) {
            // A profile without orders has no history to score; it gets no RfmScore at all.
            throw new IllegalArgumentException(
                    "orders must be at least 1 for golden profile " + goldenId + ", got " + orders);
        }
    }
}
