package io.segmenthub.pipeline;

import java.math.BigDecimal;
import java.time.LocalDate;

/** A purchase, identified in its source system by {@code id}. */
public record Transaction(String id, LocalDate date, BigDecimal amount, String currency) {
}
