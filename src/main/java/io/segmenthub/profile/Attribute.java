package io.segmenthub.profile;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The identity attributes a source record can carry. Which of them are personal data (and so
 * encrypted at rest, masked and shredded) is declared in config ({@code personal-data} in
 * {@code hub.yml}), not here.
 */
public enum Attribute {
    GIVEN_NAME, FAMILY_NAME, FULL_NAME, EMAIL, PHONE, STREET, CITY, POSTCODE, COUNTRY, BIRTH_DATE;

    /**
     * Keys are asked for per pulled field of every row (mapping, the pulled hash, cleaning): made
     * once, not lower-cased on each call.
     */
    private final String key = name().toLowerCase(Locale.ROOT);

    private static final Map<String, Attribute> BY_KEY =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Attribute::key, Function.identity()));

    /** The name used in config files and APIs: {@code given_name}, {@code email}, ... */
    public String key() {
        return key;
    }

    public static Optional<Attribute> fromKey(String key) {
        return key == null ? Optional.empty() : Optional.ofNullable(BY_KEY.get(key));
    }
}
