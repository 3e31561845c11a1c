package io.segmenthub.consent;

import java.util.Locale;
import java.util.Optional;

/**
 * A consent decision. The order is restrictiveness: when two events for one subject and purpose
 * happen at the same instant, the more restrictive one wins.
 */
public enum ConsentStatus {
    GRANTED(0), DENIED(1), WITHDRAWN(2);

    private final int restrictiveness;

    ConsentStatus(int restrictiveness) {
        this.restrictiveness = restrictiveness;
    }

    public int restrictiveness() {
        return restrictiveness;
    }

    public boolean permits() {
        return this == GRANTED;
    }

    public static Optional<ConsentStatus> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "granted", "grant", "given", "opt-in", "optin", "yes", "true", "1" -> Optional.of(GRANTED);
            case "denied", "deny", "refused", "opt-out", "optout", "no", "false", "0" -> Optional.of(DENIED);
            case "withdrawn", "withdraw", "revoked" -> Optional.of(WITHDRAWN);
            default -> Optional.empty();
        };
    }
}
