package io.segmenthub.consent;

/**
 * The lawful basis a purpose rests on (GDPR Art. 6(1); PIPL Art. 13). Only {@link #CONSENT}
 * needs a granted consent; under {@link #LEGITIMATE_INTEREST} a denial or withdrawal counts as
 * an objection (GDPR Art. 21) and stops the processing; {@link #CONTRACT} needs neither.
 */
public enum LawfulBasis {
    CONSENT, CONTRACT, LEGITIMATE_INTEREST;

    public boolean permits(java.util.Optional<ConsentStatus> current) {
        return switch (this) {
            case CONSENT -> current.map(ConsentStatus::permits).orElse(false);
            case LEGITIMATE_INTEREST -> current.map(ConsentStatus::permits).orElse(true);
            case CONTRACT -> true;
        };
    }
}
