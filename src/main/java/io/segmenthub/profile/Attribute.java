package io.segmenthub.profile;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The identity attributes a source record can carry. Which of them are personal data (and so
 * encrypted at rest, masked and shredded) is declared in config ({@code personal-data} in
 * {@code hub.yml}), not here.
 */
public enum Attribute {
    GIVEN_NAME, FAMILY_NAME, FULL_NAME, EMAIL, PHONE, STREET, CITY, POSTCODE, COUNTRY, BIRTH_DATE;

    /** The name used in config files and APIs: {@code given_name}, {@code email}, ... */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Attribute> fromKey(String key) {
        return Arrays.stream(values()).filter(a -> a.key().equals(key)).findFirst();
    }
}
