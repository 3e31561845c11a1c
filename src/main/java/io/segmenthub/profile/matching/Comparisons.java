package io.segmenthub.profile.matching;

import io.segmenthub.profile.matching.BlockingKeys.Names;
import java.util.ArrayList;
import java.util.List;

/**
 * The comparison templates the hub uses, with level definitions fixed once for every data set
 * (after Splink's comparison library: {@code name_comparison}, {@code date_comparison},
 * {@code exact_match}, {@code email_comparison}).
 */
public final class Comparisons {

    static final double JW_HIGH = 0.92;
    static final double JW_LOW = 0.80;

    private Comparisons() {
    }

    /**
     * A personal name: exact (term-frequency adjusted) / given and family name swapped / nickname
     * (Robert–Bob) / Jaro-Winkler ≥ 0.92 / ≥ 0.80 / else. Names in Han script are compared in pinyin.
     *
     * @param swappedWith the other name field (family for given, given for family), or {@code null}
     *                    for no swap level
     */
    public static Comparison name(String field, String swappedWith) {
        List<ComparisonLevel> levels = new ArrayList<>();
        levels.add(new ComparisonLevel("exact", (l, r) -> latin(l, field).equals(latin(r, field)), true));
        if (swappedWith != null) {
            levels.add(ComparisonLevel.of("swapped with " + swappedWith, (l, r) ->
                    equalLatin(l.value(field), r.value(swappedWith)) || equalLatin(r.value(field), l.value(swappedWith))));
        }
        levels.add(ComparisonLevel.of("nickname", (l, r) -> Nicknames.variants(latin(l, field), latin(r, field))));
        levels.add(ComparisonLevel.of("jaro-winkler >= " + JW_HIGH,
                (l, r) -> Similarity.jaroWinkler(latin(l, field), latin(r, field)) >= JW_HIGH));
        levels.add(ComparisonLevel.of("jaro-winkler >= " + JW_LOW,
                (l, r) -> Similarity.jaroWinkler(latin(l, field), latin(r, field)) >= JW_LOW));
        levels.add(ComparisonLevel.otherwise());
        return new Comparison(field, field, levels);
    }

    /**
     * A date (ISO or any layout with year, month, day digits in that order): exact / day and month
     * transposed or one digit off (a typo, or two neighbouring digits swapped) / same year / else.
     */
    public static Comparison date(String field) {
        return new Comparison(field, field, List.of(
                ComparisonLevel.of("exact", (l, r) -> {
                    String a = digits(l, field);
                    return !a.isEmpty() && a.equals(digits(r, field));
                }),
                ComparisonLevel.of("day-month transposed or one digit off", (l, r) -> {
                    String a = digits(l, field);
                    String b = digits(r, field);
                    return dayMonthTransposed(a, b) || Similarity.editDistance(a, b, 1) <= 1;
                }),
                ComparisonLevel.of("same year", (l, r) -> {
                    String a = digits(l, field);
                    String b = digits(r, field);
                    return a.length() >= 4 && b.length() >= 4 && a.regionMatches(0, b, 0, 4);
                }),
                ComparisonLevel.otherwise()));
    }

    /** Exact agreement or not (phone, e-mail, state); optionally weighted by the value's rarity. */
    public static Comparison exact(String field, boolean termFrequencyAdjusted) {
        return new Comparison(field, field, List.of(
                new ComparisonLevel("exact", (l, r) -> l.value(field).equals(r.value(field)), termFrequencyAdjusted),
                ComparisonLevel.otherwise()));
    }

    /**
     * An identifier typed by hand (national id, postcode, house number): exact (term-frequency
     * adjusted) / one typo (one character changed, added, dropped or two neighbours swapped) / else.
     */
    public static Comparison identifier(String field) {
        return new Comparison(field, field, List.of(
                new ComparisonLevel("exact", (l, r) -> l.value(field).equals(r.value(field)), true),
                ComparisonLevel.of("one typo", (l, r) -> Similarity.editDistance(l.value(field), r.value(field), 1) <= 1),
                ComparisonLevel.otherwise()));
    }

    /** Free text such as a street or a town: exact (term-frequency adjusted) / Jaro-Winkler ≥ 0.92 / ≥ 0.80 / else. */
    public static Comparison text(String field) {
        return new Comparison(field, field, List.of(
                new ComparisonLevel("exact", (l, r) -> l.value(field).equals(r.value(field)), true),
                ComparisonLevel.of("jaro-winkler >= " + JW_HIGH,
                        (l, r) -> Similarity.jaroWinkler(l.value(field), r.value(field)) >= JW_HIGH),
                ComparisonLevel.of("jaro-winkler >= " + JW_LOW,
                        (l, r) -> Similarity.jaroWinkler(l.value(field), r.value(field)) >= JW_LOW),
                ComparisonLevel.otherwise()));
    }

    /** An e-mail address: exact / same mailbox name at another domain / Jaro-Winkler ≥ 0.92 / else. */
    public static Comparison email(String field) {
        return new Comparison(field, field, List.of(
                ComparisonLevel.of("exact", (l, r) -> l.value(field).equals(r.value(field))),
                ComparisonLevel.of("same mailbox name", (l, r) -> {
                    String a = mailbox(l.value(field));
                    return !a.isEmpty() && a.equals(mailbox(r.value(field)));
                }),
                ComparisonLevel.of("jaro-winkler >= " + JW_HIGH,
                        (l, r) -> Similarity.jaroWinkler(l.value(field), r.value(field)) >= JW_HIGH),
                ComparisonLevel.otherwise()));
    }

    private static String mailbox(String email) {
        int at = email.indexOf('@');
        return at < 0 ? "" : email.substring(0, at);
    }

    /** yyyyMMdd against yyyyddMM. */
    static boolean dayMonthTransposed(String a, String b) {
        return a.length() == 8 && b.length() == 8 && a.regionMatches(0, b, 0, 4)
                && a.regionMatches(4, b, 6, 2) && a.regionMatches(6, b, 4, 2);
    }

    private static String latin(MatchRecord r, String field) {
        return Names.latin(r.value(field));
    }

    private static boolean equalLatin(String a, String b) {
        return a != null && b != null && Names.latin(a).equals(Names.latin(b));
    }

    private static String digits(MatchRecord r, String field) {
        return Similarity.digits(r.value(field));
    }
}
