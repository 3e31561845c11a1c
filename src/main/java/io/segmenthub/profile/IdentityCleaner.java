package io.segmenthub.profile;

import java.time.Clock;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Turns identity attributes as sources send them into one spelling per value, so that records of
 * the same person can be matched: e-mail per a simplified RFC 5322, phones in ITU-T E.164,
 * countries in ISO 3166-1 alpha-2, birth dates in ISO 8601. A value that does not pass is flagged
 * in {@link CleanIdentity#invalid()} and kept as given, never repaired by guessing, because a wrong
 * guess would merge two people while a flag only costs one match.
 *
 * <p>Instances are immutable and thread-safe; the phone metadata and country table are built once
 * per instance, so share one.
 */
public final class IdentityCleaner {

    private final Clock clock;
    private final PhoneNumbers phoneNumbers = new PhoneNumbers();
    private final Countries countries = new Countries();

    public IdentityCleaner() {
        this(Clock.systemUTC());
    }

    /** @param clock decides "today", after which no one can have been born */
    public IdentityCleaner(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param raw           attribute to value as the source gave it; absent attributes are not in
     *                      the map, and null or blank values count as absent
     * @param defaultRegion ISO 3166-1 alpha-2 region of the source, used for phone numbers written
     *                      without a country code (unless the record has a valid country of its own)
     *                      and for the field order of slash dates (US month first, elsewhere day first);
     *                      null or blank when unknown
     */
    public CleanIdentity clean(Map<Attribute, String> raw, String defaultRegion) {
        Objects.requireNonNull(raw, "raw");
        String region = defaultRegion == null ? "" : defaultRegion.strip().toUpperCase(Locale.ROOT);
        Optional<String> country = Optional.ofNullable(raw.get(Attribute.COUNTRY))
                .filter(value -> !Text.isBlank(value))
                .flatMap(countries::alpha2);

        Map<Attribute, String> values = new EnumMap<>(Attribute.class);
        Set<Attribute> invalid = EnumSet.noneOf(Attribute.class);
        raw.forEach((attribute, value) -> {
            if (attribute == null || Text.isBlank(value)) {
                return;
            }
            Cleaned cleaned = clean(attribute, value, country, region);
            values.put(attribute, cleaned.value());
            if (!cleaned.valid()) {
                invalid.add(attribute);
            }
        });
        return new CleanIdentity(values, invalid);
    }

    private Cleaned clean(Attribute attribute, String value, Optional<String> country, String region) {
        return switch (attribute) {
            case EMAIL -> EmailAddress.clean(value);
            case PHONE -> phoneNumbers.clean(value, country.orElse(region));
            case GIVEN_NAME, FAMILY_NAME, FULL_NAME -> PersonName.clean(value);
            case BIRTH_DATE -> BirthDate.clean(value, region.equals("US"), LocalDate.now(clock));
            case COUNTRY -> countries.clean(value);
            case POSTCODE -> Postcodes.clean(value, country);
            case STREET, CITY -> Cleaned.valid(Text.tidy(value));
        };
    }
}
