package io.segmenthub.profile;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Countries as ISO 3166-1 alpha-2 codes, the form phone numbering (libphonenumber regions),
 * postcode rules and push destinations all key on. Codes and names come from the JDK's copy of
 * ISO 3166-1 and CLDR display names in English and Simplified Chinese, so the table follows the
 * standard as the JDK is updated; the aliases below are names people write that CLDR does not use.
 *
 * <p>Lookup ignores case, accents, dots and spacing ({@code U.S.A.}, {@code cote d'ivoire}).
 */
final class Countries {

    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("UK", "GB"),
            Map.entry("Great Britain", "GB"),
            Map.entry("USA", "US"),
            Map.entry("United States of America", "US"),
            Map.entry("America", "US"),
            Map.entry("PRC", "CN"),
            Map.entry("People's Republic of China", "CN"),
            Map.entry("中华人民共和国", "CN"),
            Map.entry("中国大陆", "CN"),
            Map.entry("Hong Kong", "HK"),
            Map.entry("香港", "HK"),
            Map.entry("Macau", "MO"),
            Map.entry("Macao", "MO"),
            Map.entry("澳门", "MO"),
            Map.entry("Deutschland", "DE"));

    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern IGNORED = Pattern.compile("[.\\s\\p{Z}]+");

    /** Lookup key to alpha-2 code. Built once; read-only afterwards, so safe to share. */
    private final Map<String, String> codes;

    Countries() {
        Map<String, String> table = new HashMap<>();
        for (String alpha2 : Locale.getISOCountries()) {
            table.put(key(alpha2), alpha2);
        }
        for (String alpha2 : Locale.getISOCountries()) {
            Locale country = new Locale("", alpha2);
            alpha3(country).ifPresent(alpha3 -> table.putIfAbsent(key(alpha3), alpha2));
            table.putIfAbsent(key(country.getDisplayCountry(Locale.ENGLISH)), alpha2);
            table.putIfAbsent(key(country.getDisplayCountry(Locale.SIMPLIFIED_CHINESE)), alpha2);
        }
        ALIASES.forEach((alias, alpha2) -> table.putIfAbsent(key(alias), alpha2));
        codes = Map.copyOf(table);
    }

    Optional<String> alpha2(String raw) {
        return Optional.ofNullable(codes.get(key(raw)));
    }

    Cleaned clean(String raw) {
        return alpha2(raw).map(Cleaned::valid).orElseGet(() -> Cleaned.invalid(raw));
    }

    private static Optional<String> alpha3(Locale country) {
        try {
            return Optional.of(country.getISO3Country()).filter(code -> !code.isEmpty());
        } catch (MissingResourceException noAlpha3) {
            return Optional.empty();
        }
    }

    private static String key(String name) {
        String decomposed = Normalizer.normalize(Text.nfkc(name), Normalizer.Form.NFD);
        String folded = MARKS.matcher(decomposed).replaceAll("").replace('\u2019', '\'');
        return IGNORED.matcher(folded).replaceAll("").toUpperCase(Locale.ROOT);
    }
}
