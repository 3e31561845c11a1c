package io.segmenthub.profile;

/**
 * The outcome of cleaning one attribute value: the normalised value when it passed validation, or
 * the value as the source gave it (trimmed) when it did not, so a steward can see and fix it.
 */
record Cleaned(String value, boolean valid) {

    static Cleaned valid(String normalised) {
        return new Cleaned(normalised, true);
    }

    /** Flags a value without guessing at a repair: only surrounding whitespace is dropped. */
    static Cleaned invalid(String raw) {
        return new Cleaned(raw.strip(), false);
    }
}
