package io.segmenthub.profile;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Postal codes, checked against the national format when the record's country is known and is
 * one whose format is fixed (China Post, USPS ZIP and ZIP+4, Royal Mail, Deutsche Post, La Poste,
 * Australia Post, Japan Post). Elsewhere only a general shape is checked (2 to 10 letters, digits,
 * spaces or hyphens), because a wrongly guessed national rule would flag good addresses.
 */
final class Postcodes {

    private static final Map<String, Pattern> NATIONAL = Map.of(
            "CN", Pattern.compile("\\d{6}"),
            "US", Pattern.compile("\\d{5}(-\\d{4})?"),
            "DE", Pattern.compile("\\d{5}"),
            "FR", Pattern.compile("\\d{5}"),
            "AU", Pattern.compile("\\d{4}"));

    /**
     * Royal Mail's postcode format (BS 7666): outward code of area and district, inward code of
     * sector digit and two unit letters that never include C, I, K, M, O or V. GIR 0AA is the one
     * historic exception still in use.
     */
    private static final Pattern UNITED_KINGDOM = Pattern.compile(
            "GIR0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|[A-HK-Y][0-9][ABEHMNPRV-Y])"
                    + "[0-9][ABD-HJLNP-UW-Z]{2}");
    private static final Pattern JAPAN = Pattern.compile("(\\d{3})-?(\\d{4})");
    private static final Pattern ANYWHERE = Pattern.compile("[A-Z0-9][A-Z0-9 -]{0,8}[A-Z0-9]");

    private Postcodes() {
    }

    /** @param country the record's valid ISO 3166-1 alpha-2 country, if it has one */
    static Cleaned clean(String raw, Optional<String> country) {
        String code = Text.tidy(raw).toUpperCase(Locale.ROOT);
        String region = country.orElse("");
        if (region.equals("GB")) {
            return unitedKingdom(raw, code);
        }
        if (region.equals("JP")) {
            var m = JAPAN.matcher(code);
            return m.matches() ? Cleaned.valid(m.group(1) + "-" + m.group(2)) : Cleaned.invalid(raw);
        }
        Pattern format = NATIONAL.getOrDefault(region, ANYWHERE);
        return format.matcher(code).matches() ? Cleaned.valid(code) : Cleaned.invalid(raw);
    }

    /** Written with one space before the three-character inward code, as Royal Mail prints it. */
    private static Cleaned unitedKingdom(String raw, String code) {
        String compact = code.replace(" ", "");
        return UNITED_KINGDOM.matcher(compact).matches()
                ? Cleaned.valid(compact.substring(0, compact.length() - 3) + " " + compact.substring(compact.length() - 3))
                : Cleaned.invalid(raw);
    }
}
