package io.segmenthub.consent;

import java.time.Instant;
import java.util.Optional;

/**
 * One entry of the consent ledger. {@code subject} is a blind index (of an e-mail, a phone, or a
 * source record), never the plaintext identifier.
 */
public record ConsentEvent(String subject, String purpose, ConsentStatus status, Instant occurredAt,
                           String sourceSystem, String evidence, Optional<Instant> expiresAt) {

    /**
     * Latest {@code occurredAt} wins; at the same instant the more restrictive status wins, and with
     * the same status the event that expires first (a grant that lapses gives less than one that does
     * not). So the rule picks one event whatever order the events come in.
     */
    public boolean supersedes(ConsentEvent other) {
        int byTime = occurredAt.compareTo(other.occurredAt);
        if (byTime != 0) {
            return byTime > 0;
        }
        int byRestriction = Integer.compare(status.restrictiveness(), other.status.restrictiveness());
        if (byRestriction != 0) {
            return byRestriction > 0;
        }
        return expiresAt.isPresent() && (other.expiresAt.isEmpty() || expiresAt.get().isBefore(other.expiresAt.get()));
    }

    /** An expired grant counts as no consent at all. */
    public Optional<ConsentStatus> effectiveAt(Instant at) {
        if (status == ConsentStatus.GRANTED && expiresAt.map(e -> !e.isAfter(at)).orElse(false)) {
            return Optional.empty();
        }
        return Optional.of(status);
    }
}
