package io.segmenthub.pipeline;

import io.segmenthub.consent.ConsentStatus;

import java.time.Instant;

/** A consent decision carried by a source record (an opt-in flag) or a consent platform row. */
public record ConsentSignal(String purpose, ConsentStatus status, Instant occurredAt, String evidence) {
}
