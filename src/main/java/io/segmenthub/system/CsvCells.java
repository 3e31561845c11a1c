package io.segmenthub.system;

/**
 * Guards CSV cells against formula injection (OWASP "CSV Injection"): a cell that a spreadsheet
 * would run as a formula gets a leading apostrophe.
 */
public final class CsvCells {

    private CsvCells() {
    }

    public static String safe(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        char first = value.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
                ? "'" + value : value;
    }
}
