package io.segmenthub.profile.matching;

import com.ibm.icu.text.Transliterator;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.commons.codec.language.DoubleMetaphone;
import org.apache.commons.codec.language.Soundex;

/** Key functions that {@link BlockingRule#on} combines into rules. Each returns no key for a missing value. */
public final class BlockingKeys {

    private static final DoubleMetaphone DOUBLE_METAPHONE = new DoubleMetaphone();

    private BlockingKeys() {
    }

    public static Function<MatchRecord, Set<String>> exact(String field) {
        return r -> one(r.value(field));
    }

    /** The first {@code n} characters (all of a shorter value). */
    public static Function<MatchRecord, Set<String>> prefix(String field, int n) {
        return r -> {
            String v = r.value(field);
            return v == null ? Set.of() : Set.of(v.substring(0, Math.min(n, v.length())));
        };
    }

    /** Both Double Metaphone codes (primary and alternate), so either spelling family meets. */
    public static Function<MatchRecord, Set<String>> doubleMetaphone(String field) {
        return r -> {
            String v = r.value(field);
            if (v == null) {
                return Set.of();
            }
            String latin = Names.latin(v);
            Set<String> codes = new LinkedHashSet<>();
            String primary = DOUBLE_METAPHONE.doubleMetaphone(latin);
            String alternate = DOUBLE_METAPHONE.doubleMetaphone(latin, true);
            if (primary != null && !primary.isEmpty()) {
                codes.add(primary);
            }
            if (alternate != null && !alternate.isEmpty()) {
                codes.add(alternate);
            }
            return codes;
        };
    }

    public static Function<MatchRecord, Set<String>> soundex(String field) {
        return r -> {
            String v = r.value(field);
            if (v == null) {
                return Set.of();
            }
            try {
                String code = Soundex.US_ENGLISH.encode(Names.latin(v));
                return code == null || code.isEmpty() ? Set.of() : Set.of(code);
            } catch (IllegalArgumentException unmappable) {
                return Set.of();
            }
        };
    }

    /** The year of an ISO date (or of any value whose first four digits are a year). */
    public static Function<MatchRecord, Set<String>> year(String field) {
        return r -> {
            String digits = Similarity.digits(r.value(field));
            return digits.length() < 4 ? Set.of() : Set.of(digits.substring(0, 4));
        };
    }

    /**
     * The name written in Latin letters with its words in sorted order, so that {@code 张伟},
     * {@code 张 / 伟} in family/given fields, {@code Zhang Wei} and {@code Wei Zhang} share a key. Han
     * characters are romanised with ICU's {@code Han-Latin} (Hanyu Pinyin) without tone marks.
     */
    public static Function<MatchRecord, Set<String>> pinyinName(String... fields) {
        return r -> {
            String joined = Arrays.stream(fields).map(r::value).filter(v -> v != null)
                    .collect(Collectors.joining(" "));
            if (joined.isBlank()) {
                return Set.of();
            }
            String key = Arrays.stream(Names.latin(joined).split("[\\s\\-']+"))
                    .filter(t -> !t.isEmpty()).sorted().collect(Collectors.joining(" "));
            return key.isEmpty() ? Set.of() : Set.of(key);
        };
    }

    private static Set<String> one(String v) {
        return v == null ? Set.of() : Set.of(v);
    }

    /**
     * Loaded on first use only: ICU's Han-Latin rules take a while to load and ASCII data never
     * needs them. One per thread, as ICU's transliterators are not safe for concurrent use: shared
     * under a lock, they kept blocking keys on one core at a time.
     */
    private static final class Romaniser {
        static final ThreadLocal<Transliterator> TO_LATIN =
                ThreadLocal.withInitial(() -> Transliterator.getInstance("Han-Latin; Latin-ASCII"));
    }

    /** Romanisation shared by blocking keys and name comparisons. */
    static final class Names {

        private static final java.util.Map<String, String> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

        private Names() {
        }

        /** Lower-case ASCII; Han characters become pinyin syllables separated by spaces. */
        static String latin(String value) {
            boolean ascii = true;
            for (int i = 0; i < value.length() && ascii; i++) {
                ascii = value.charAt(i) < 128;
            }
            if (ascii) {
                return value.toLowerCase(Locale.ROOT);
            }
            if (CACHE.size() > 100_000) {
                CACHE.clear();
            }
            String cached = CACHE.get(value);
            if (cached != null) {
                return cached;
            }
            // computed outside the map, so that threads romanising other names do not wait for this one
            String latin = Romaniser.TO_LATIN.get().transliterate(value).toLowerCase(Locale.ROOT).trim().replaceAll("\\s+", " ");
            CACHE.putIfAbsent(value, latin);
            return latin;
        }
    }
}
