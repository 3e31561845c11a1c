package io.segmenthub.profile.matching;

/** String measures used by comparison levels. */
final class Similarity {

    private Similarity() {
    }

    /** Per thread: the last arguments and result, and the match flags reused between calls. */
    private static final class Scratch {
        String a;
        String b;
        double similarity;
        boolean[] flags = new boolean[64];
        char[] matchedA = new char[64];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * Jaro-Winkler similarity (Winkler 1990), the same figures as Apache Commons Text's
     * {@code JaroWinklerSimilarity} (prefix of up to four characters, scaling 0.1, boost from Jaro
     * 0.7), without its allocations: this runs for every candidate and random pair, millions of
     * times per run. A comparison's levels ask for the same pair in turn, so the last result is kept.
     */
    static double jaroWinkler(String a, String b) {
        if (a.equals(b)) {
            return 1;
        }
        Scratch scratch = SCRATCH.get();
        if (scratch.a == a && scratch.b == b) {
            return scratch.similarity;
        }
        double similarity = computeJaroWinkler(a, b, scratch);
        scratch.a = a;
        scratch.b = b;
        scratch.similarity = similarity;
        return similarity;
    }

    private static double computeJaroWinkler(String first, String second, Scratch scratch) {
        String max = first.length() > second.length() ? first : second;
        String min = max == first ? second : first;
        int maxLength = max.length();
        int minLength = min.length();
        if (scratch.flags.length < maxLength) {
            scratch.flags = new boolean[maxLength * 2];
        }
        if (scratch.matchedA.length < minLength) {
            scratch.matchedA = new char[minLength * 2];
        }
        boolean[] flags = scratch.flags;
        java.util.Arrays.fill(flags, 0, maxLength, false);
        char[] matchedMin = scratch.matchedA;
        int range = Math.max(maxLength / 2 - 1, 0);
        int matches = 0;
        for (int mi = 0; mi < minLength; mi++) {
            char c = min.charAt(mi);
            for (int xi = Math.max(mi - range, 0), xn = Math.min(mi + range + 1, maxLength); xi < xn; xi++) {
                if (!flags[xi] && c == max.charAt(xi)) {
                    flags[xi] = true;
                    matchedMin[matches++] = c;
                    break;
                }
            }
        }
        if (matches == 0) {
            return 0;
        }
        int transpositions = 0;
        for (int xi = 0, k = 0; xi < maxLength; xi++) {
            if (flags[xi]) {
                if (matchedMin[k++] != max.charAt(xi)) {
                    transpositions++;
                }
            }
        }
        int prefix = 0;
        for (int i = 0, n = Math.min(4, minLength); i < n && first.charAt(i) == second.charAt(i); i++) {
            prefix++;
        }
        double m = matches;
        double jaro = (m / first.length() + m / second.length() + (m - transpositions / 2.0) / m) / 3;
        return jaro < 0.7 ? jaro : jaro + 0.1 * prefix * (1 - jaro);
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
