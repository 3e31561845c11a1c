package io.segmenthub;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds known personal data (e-mails, phone digits, names, handles) in large texts quickly: it
 * pulls every candidate out of the text (e-mail-shaped tokens, 8-digit windows of digit runs,
 * pairs of words, runs of Han characters, handles) and looks each up in a set, instead of
 * searching the text once per value.
 */
final class PlaintextFinder {

    private static final Pattern EMAIL = Pattern.compile("[a-z0-9._%+-]+@[a-z0-9.-]+");
    // a run of digits that is not the fraction of a decimal number (scores such as p_alive are stored as doubles)
    private static final Pattern DIGITS = Pattern.compile("(?<![.\\d])\\d{8,}");
    // hashes and keys in hex (audit chain, blind indexes): their digit runs match a phone by chance
    // (about one run in ten over the quickstart's audit log), so they are blanked before the digit scan
    private static final Pattern HEX_TOKEN = Pattern.compile("(?<![0-9a-z])[0-9a-f]{32,}(?![0-9a-z])");
    private static final Pattern WORD_PAIR = Pattern.compile("(?=(\\b[\\p{L}'-]+ [\\p{L}'-]+\\b))");
    private static final Pattern HAN = Pattern.compile("\\p{IsHan}{2,}");
    private static final Pattern HANDLE = Pattern.compile("@[\\w.]+");

    private final Set<String> needles = new HashSet<>();

    PlaintextFinder(Collection<String> values) {
        values.forEach(v -> needles.add(v.toLowerCase(Locale.ROOT)));
    }

    List<String> find(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> found = new ArrayList<>();
        collect(EMAIL.matcher(lower), 0, found);
        collect(HANDLE.matcher(lower), 0, found);
        collect(WORD_PAIR.matcher(lower), 1, found);
        Matcher digits = DIGITS.matcher(HEX_TOKEN.matcher(lower).replaceAll(" "));
        while (digits.find()) {
            String run = digits.group();
            for (int i = 0; i + 8 <= run.length(); i++) {
                if (needles.contains(run.substring(i, i + 8))) {
                    found.add("phone digits");
                }
            }
        }
        Matcher han = HAN.matcher(text);
        while (han.find()) {
            String run = han.group();
            for (int len = 2; len <= 4; len++) {
                for (int i = 0; i + len <= run.length(); i++) {
                    if (needles.contains(run.substring(i, i + len))) {
                        found.add("a Chinese name");
                    }
                }
            }
        }
        return found;
    }

    private void collect(Matcher m, int group, List<String> found) {
        while (m.find()) {
            String candidate = m.group(group);
            if (needles.contains(candidate)) {
                found.add("a known value");
            }
        }
    }

    /** Every table of the store, every value, as "table.column: what". */
    List<String> scan(DataSource ds) {
        List<String> found = new ArrayList<>();
        StoreUnderTest.eachValue(ds, (where, text) -> find(text).forEach(what -> found.add(where + ": " + what)));
        return found;
    }
}
