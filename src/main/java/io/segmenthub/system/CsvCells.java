package io.segmenthub.system;

import java.text.Normalizer;

/**
 * Guards CSV cells against formula injection (OWASP "CSV Injection"): a cell that a spreadsheet
 * would run as a formula gets a leading apostrophe. Spreadsheets skip leading blanks before a
 * formula ({@code "  =1+1"}), and some fold full-width forms ({@code ＝}, {@code ＋}, {@code －},
 * {@code ＠}, typed by Chinese and Japanese input methods) to their ASCII twins, so the first
 * character that is not whitespace is compared after NFKC.
 */
public final class CsvCells {

    private CsvCells() {
    }

    public static String safe(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        char first = value.charAt(0);
        if (first == '\t' || first == '\r' || first == '\n') {
            return "'" + value;
        }
        int i = 0;
        while (i < value.length() && (Character.isWhitespace(value.charAt(i)) || Character.isSpaceChar(value.charAt(i)))) {
            i++;
        }
        if (i == value.length()) {
            return value;
        }
        String trigger = Normalizer.normalize(value.substring(i, value.offsetByCodePoints(i, 1)), Normalizer.Form.NFKC);
        return trigger.startsWith("=") || trigger.startsWith("+") || trigger.startsWith("-") || trigger.startsWith("@")
                ? "'" + value : value;
    }
}
