package io.segmenthub.segment.clv;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;

/** One transaction line as the CLV models read it: who bought, on which day, for how much. */
public record Purchase(String customerId, LocalDate date, BigDecimal amount) {

    public Purchase {
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(amount, "amount");
    }
}
