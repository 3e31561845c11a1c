package io.segmenthub.consent;

import java.time.Instant;
import java.util.Optional;

/**
 * One entry of the consent ledger. {@code subject} is a blind index (of an e-mail, a phone, or a
 * source record), never the plaintext identifier.
 */
public record ConsentEvent(String subject, String purpose, ConsentStatus status, Instant occurredAt,
                           String sourceSystem, String evidence, Optional<Instant> expiresAt) {

    /** Latest {@code occurredAt} wins; at the same instant the more restrictive status wins. */
    public boolean supersedes(ConsentEvent other) {
        int byTime = occurredAt.compareTo(other.occurredAt);
        return byTime > 0 || (byTime == 0 && status.restrictiveness() > other.status.restrictiveness());
    }

    /** An expired grant counts as no consent at all. */
    public Optional<ConsentStatus> effectiveAt(Instant at) {
        if (status == ConsentStatus.GRANTED && expiresAt.map(e -> !e.isAfter(at)).orElse(false)) {
            return Optional.empty();
        }
        return Optional.of(status);
    }
}
