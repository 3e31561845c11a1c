package io.segmenthub.profile.matching;

import com.ibm.icu.text.Transliterator;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.commons.codec.language.DoubleMetaphone;
import org.apache.commons.codec.language.Soundex;

/** Key functions that {@link BlockingRule#on} combines into rules. Each returns no key for a missing value. */
public final class BlockingKeys {

    private static final DoubleMetaphone DOUBLE_METAPHONE = new DoubleMetaphone();
    private static final List<Memo<?>> MEMOS = new CopyOnWriteArrayList<>();

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
            return v == null ? Set.of() : DOUBLE_METAPHONE_CODES.of(v);
        };
    }

    private static final Memo<Set<String>> DOUBLE_METAPHONE_CODES = new Memo<>(v -> {
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
        return Collections.unmodifiableSet(codes);
    });

    public static Function<MatchRecord, Set<String>> soundex(String field) {
        return r -> {
            String v = r.value(field);
            return v == null ? Set.of() : SOUNDEX_CODES.of(v);
        };
    }

    private static final Memo<Set<String>> SOUNDEX_CODES = new Memo<>(v -> {
        try {
            String code = Soundex.US_ENGLISH.encode(Names.latin(v));
            return code == null || code.isEmpty() ? Set.of() : Set.of(code);
        } catch (IllegalArgumentException unmappable) {
            return Set.of();
        }
    });

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
            return joined.isBlank() ? Set.of() : PINYIN_NAMES.of(joined);
        };
    }

    private static final Memo<Set<String>> PINYIN_NAMES = new Memo<>(joined -> {
        String key = Arrays.stream(Names.latin(joined).split("[\\s\\-']+"))
                .filter(t -> !t.isEmpty()).sorted().collect(Collectors.joining(" "));
        return key.isEmpty() ? Set.of() : Set.of(key);
    });

    /**
     * Empties what the key functions remember of the values they were given (names, in the clear):
     * called when a run has resolved, so that no personal data stays in memory past the stage.
     */
    public static void forgetValues() {
        MEMOS.forEach(Memo::clear);
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

    /**
     * What a key function made of each value, while a run resolves: names repeat across records (the
     * store hands a repeated value over as one instance, its hash computed once), and romanising or
     * coding one costs a microsecond or more where a look-up costs a few nanoseconds. Emptied past
     * 100,000 values, so it stays small whatever the population.
     */
    static final class Memo<V> {

        private static final int LIMIT = 100_000;
        private final Map<String, V> values = new ConcurrentHashMap<>();
        private final Function<String, V> compute;

        Memo(Function<String, V> compute) {
            this.compute = compute;
            MEMOS.add(this);
        }

        void clear() {
            values.clear();
        }

        V of(String value) {
            V known = values.get(value);
            if (known != null) {
                return known;
            }
            if (values.size() > LIMIT) {
                values.clear();
            }
            // computed outside the map, so that threads coding other values do not wait for this one
            V computed = compute.apply(value);
            values.putIfAbsent(value, computed);
            return computed;
        }
    }

    /** Romanisation shared by blocking keys and name comparisons. */
    static final class Names {

        private static final Memo<String> LATIN = new Memo<>(value ->
                Romaniser.TO_LATIN.get().transliterate(value).toLowerCase(Locale.ROOT).trim().replaceAll("\\s+", " "));

        private Names() {
        }

        /** Lower-case ASCII; Han characters become pinyin syllables separated by spaces. */
        static String latin(String value) {
            boolean ascii = true;
            for (int i = 0; i < value.length() && ascii; i++) {
                ascii = value.charAt(i) < 128;
            }
            return ascii ? value.toLowerCase(Locale.ROOT) : LATIN.of(value);
        }
    }
}
