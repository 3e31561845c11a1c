package io.segmenthub.profile;

import java.text.Normalizer;
import java.util.regex.Pattern;

/**
 * Unicode text as sources send it. NFKC (Unicode Standard Annex #15) folds compatibility forms
 * to their plain equivalents, so full-width digits and letters ({@code １３８}, {@code ＡＢＣ}) and the
 * ideographic space typed by Chinese and Japanese input methods compare equal to ASCII ones.
 */
final class Text {

    private static final Pattern WHITESPACE = Pattern.compile("[\\s\\p{Z}]+");

    private Text() {
    }

    static String nfkc(String value) {
        return Normalizer.normalize(value, Normalizer.Form.NFKC);
    }

    /** NFKC, trimmed, with every run of inner whitespace turned into one space. */
    static String tidy(String value) {
        return WHITESPACE.matcher(nfkc(value).strip()).replaceAll(" ");
    }

    static boolean isBlank(String value) {
        return value == null || nfkc(value).isBlank();
    }
}
