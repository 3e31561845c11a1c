package io.segmenthub.profile.matching;

import org.apache.commons.text.similarity.JaroWinklerSimilarity;

/** String measures used by comparison levels. */
final class Similarity {

    private static final JaroWinklerSimilarity JARO_WINKLER = new JaroWinklerSimilarity();

    private Similarity() {
    }

    /** Last arguments and result per thread: a comparison's levels ask for the same pair's similarity in turn. */
    private static final ThreadLocal<Object[]> LAST = ThreadLocal.withInitial(() -> new Object[3]);

    static double jaroWinkler(String a, String b) {
        if (a.equals(b)) {
            return 1;
        }
        Object[] last = LAST.get();
        if (last[0] == a && last[1] == b) {
            return (Double) last[2];
        }
        double similarity = JARO_WINKLER.apply(a, b);
        last[0] = a;
        last[1] = b;
        last[2] = similarity;
        return similarity;
    }

    /**
     * Optimal string alignment distance (Damerau-Levenshtein where no substring is edited twice):
     * insertions, deletions, substitutions and swaps of two neighbouring characters each cost one.
     * Stops early and returns {@code limit + 1} once the distance must exceed {@code limit}.
     */
    static int editDistance(String a, String b, int limit) {
        int n = a.length();
        int m = b.length();
        if (Math.abs(n - m) > limit) {
            return limit + 1;
        }
        int[] prev2 = new int[m + 1];
        int[] prev = new int[m + 1];
        int[] cur = new int[m + 1];
        for (int j = 0; j <= m; j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= n; i++) {
            cur[0] = i;
            int rowMin = cur[0];
            for (int j = 1; j <= m; j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int d = Math.min(Math.min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d = Math.min(d, prev2[j - 2] + 1);
                }
                cur[j] = d;
                rowMin = Math.min(rowMin, d);
            }
            if (rowMin > limit) {
                return limit + 1;
            }
            int[] t = prev2;
            prev2 = prev;
            prev = cur;
            cur = t;
        }
        return Math.min(prev[m], limit + 1);
    }

    /** The digits of a value, in order; empty for {@code null}. */
    static String digits(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder digits = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            }
        }
        return digits.toString();
    }
}
