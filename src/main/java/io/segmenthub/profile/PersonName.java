package io.segmenthub.profile;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Personal names, tidied without being rewritten. Only names a source sent in one case (legacy
 * systems that stored {@code SMITH} or forms that lower-cased everything) are re-cased, because
 * there the original capitalisation is already lost; a name typed in mixed case ({@code McDonald},
 * {@code van der Berg}) is the person's own spelling and is kept.
 *
 * <p>Han characters are not separated by spaces in Chinese writing; spaces between them come from
 * input methods or fixed-width exports and would make {@code 张 伟} and {@code 张伟} different people.
 */
final class PersonName {

    private static final Pattern SPACE_BETWEEN_HAN = Pattern.compile("(?<=\\p{IsHan}) (?=\\p{IsHan})");
    /**
     * Characters no one types as part of a name: control characters (whitespace ones become spaces), and the invisible
     * bidirectional embeddings, overrides and isolates (Unicode Standard Annex #9, the "Trojan
     * Source" trick, CVE-2021-42574) that make {@code Ada\u202Eecalevol} display as another name;
     * also the implicit direction marks, the zero-width space and the byte-order mark. Zero-width
     * joiners (U+200C, U+200D) stay: Persian, Indic scripts and emoji need them.
     */
    private static final Pattern INVISIBLE = Pattern.compile("[[\\p{Cc}&&[^\\s]]\\u200B\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\uFEFF]");

    private PersonName() {
    }

    static Cleaned clean(String raw) {
        String visible = INVISIBLE.matcher(raw).replaceAll("");
        String name = SPACE_BETWEEN_HAN.matcher(Text.tidy(visible)).replaceAll("");
        if (name.codePoints().anyMatch(Character::isDigit) || name.codePoints().noneMatch(Character::isLetter)) {
            return Cleaned.invalid(raw);
        }
        return Cleaned.valid(isLatinInOneCase(name) ? titleCase(name) : name);
    }

    private static boolean isLatinInOneCase(String name) {
        boolean latin = name.codePoints().filter(Character::isLetter)
                .allMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.LATIN);
        boolean hasUpper = name.codePoints().anyMatch(Character::isUpperCase);
        boolean hasLower = name.codePoints().anyMatch(Character::isLowerCase);
        return latin && !(hasUpper && hasLower);
    }

    /** Capitalises each word and each part after a hyphen or apostrophe: O'Brien, Mary-Jane. */
    private static String titleCase(String name) {
        StringBuilder cased = new StringBuilder(name.length());
        boolean startOfPart = true;
        for (int c : name.toLowerCase(Locale.ROOT).codePoints().toArray()) {
            cased.appendCodePoint(startOfPart ? Character.toTitleCase(c) : c);
            startOfPart = c == ' ' || c == '-' || c == '\'' || c == '\u2019';
        }
        return cased.toString();
    }
}
