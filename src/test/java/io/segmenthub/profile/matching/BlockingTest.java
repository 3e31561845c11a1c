package io.segmenthub.profile.matching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class BlockingTest {

    static MatchRecord record(String id, String... fieldValues) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < fieldValues.length; i += 2) {
            fields.put(fieldValues[i], fieldValues[i + 1]);
        }
        return new MatchRecord(id, fields);
    }

    static Set<RecordPair> pairs(List<MatchRecord> records, List<BlockingRule> rules, int cap) {
        Blocking.Candidates candidates = Blocking.candidates(records, rules, cap);
        Set<RecordPair> pairs = new java.util.HashSet<>();
        for (long p : candidates.pairs()) {
            pairs.add(RecordPair.of(records.get(Blocking.left(p)).id(), records.get(Blocking.right(p)).id()));
        }
        return pairs;
    }

    @Test
    void hanziAndPinyinSpellingsOfANameShareAKey() {
        var pinyin = BlockingKeys.pinyinName("given", "family");

        assertThat(pinyin.apply(record("a", "given", "伟", "family", "张")))
                .isEqualTo(pinyin.apply(record("b", "given", "wei", "family", "zhang")))
                .isEqualTo(pinyin.apply(record("c", "given", "zhang", "family", "wei")))
                .containsExactly("wei zhang");
    }

    /**
     * Blocking keys are made on every core, each thread romanising with a transliterator of its own
     * (ICU documents them as unsafe to share; a shared one did not garble these names in practice,
     * so this checks the parallel path's results, not the race itself).
     */
    @Test
    void hanziNamesRomanisedOnManyThreadsAtOnceComeOutWhole() {
        String family = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗";
        String given = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕";
        List<String> names = new ArrayList<>();
        for (char f : family.toCharArray()) {
            for (char g : given.toCharArray()) {
                for (char h : "子文".toCharArray()) { // three-character names, unseen by the other tests
                    names.add("" + f + h + g);
                }
            }
        }
        var pinyin = BlockingKeys.pinyinName("family");

        List<Set<String>> together = names.parallelStream().map(n -> pinyin.apply(record(n, "family", n))).toList();

        com.ibm.icu.text.Transliterator alone = com.ibm.icu.text.Transliterator.getInstance("Han-Latin; Latin-ASCII");
        for (int i = 0; i < names.size(); i++) {
            String expected = String.join(" ", java.util.Arrays.stream(alone.transliterate(names.get(i)).strip().split("\\s+")).sorted().toList());
            assertThat(together.get(i)).as(names.get(i)).containsExactly(expected);
        }
    }

    @Test
    void hanziNameInOneFieldMeetsPinyinInTwo() {
        var rule = BlockingRule.on("name in pinyin", BlockingKeys.pinyinName("given", "family"));
        List<MatchRecord> records = List.of(record("a", "family", "张伟"), record("b", "given", "Wei", "family", "Zhang"),
                record("c", "given", "li", "family", "na"));

        assertThat(pairs(records, List.of(rule), 100)).containsExactly(RecordPair.of("a", "b"));
    }

    @Test
    void doubleMetaphoneBringsSpellingVariantsTogether() {
        var metaphone = BlockingKeys.doubleMetaphone("family");

        assertThat(metaphone.apply(record("a", "family", "smith")))
                .containsAnyElementsOf(metaphone.apply(record("b", "family", "smyth")));
        assertThat(metaphone.apply(record("a", "family", "smith")))
                .doesNotContainAnyElementsOf(metaphone.apply(record("b", "family", "jones")));
    }

    @Test
    void aValueIsCodedOnceWhileRememberedAndAgainOnceTheResolverHasForgottenIt() {
        List<String> coded = new java.util.concurrent.CopyOnWriteArrayList<>();
        var memo = new BlockingKeys.Memo<String>(v -> {
            coded.add(v);
            return v.toUpperCase(java.util.Locale.ROOT);
        });

        assertThat(List.of(memo.of("smith"), memo.of("smith"), memo.of("jones"))).containsExactly("SMITH", "SMITH", "JONES");
        assertThat(coded).containsExactly("smith", "jones");

        BlockingKeys.forgetValues();
        assertThat(memo.of("smith")).isEqualTo("SMITH");
        assertThat(coded).containsExactly("smith", "jones", "smith");
    }

    @Test
    void rememberedCodesAreTheCodesOfTheValueAsked() {
        var metaphone = BlockingKeys.doubleMetaphone("family");
        Set<String> smith = metaphone.apply(record("a", "family", "Smith"));

        assertThat(metaphone.apply(record("b", "family", "Smith"))).isEqualTo(smith);
        assertThat(metaphone.apply(record("c", "family", "Jones"))).isNotEqualTo(smith);
        assertThat(BlockingKeys.pinyinName("given", "family").apply(record("d", "given", "伟", "family", "张")))
                .containsExactly("wei zhang");
        assertThat(BlockingKeys.pinyinName("given", "family").apply(record("e", "given", "Wei", "family", "Zhang")))
                .containsExactly("wei zhang");
    }

    @Test
    void aRuleOfSeveralPartsKeysOnEveryPart() {
        var rule = BlockingRule.on("surname + year", BlockingKeys.soundex("family"), BlockingKeys.year("dob"));
        List<MatchRecord> records = List.of(
                record("a", "family", "robinson", "dob", "1980-01-02"),
                record("b", "family", "robenson", "dob", "1980-12-30"),
                record("c", "family", "robinson", "dob", "1981-01-02"),
                record("d", "family", "robinson"));

        assertThat(pairs(records, List.of(rule), 100)).containsExactly(RecordPair.of("a", "b"));
    }

    @Test
    void prefixKeysOnTheFirstCharacters() {
        var rule = BlockingRule.on("given prefix + postcode", BlockingKeys.prefix("given", 3),
                BlockingKeys.exact("postcode"));
        List<MatchRecord> records = List.of(record("a", "given", "jonathan", "postcode", "2000"),
                record("b", "given", "jon", "postcode", "2000"), record("c", "given", "jonathan", "postcode", "3000"));

        assertThat(pairs(records, List.of(rule), 100)).containsExactly(RecordPair.of("a", "b"));
    }

    @Test
    void candidatePairsAreTheUnionOfRulesEachPairOnce() {
        List<MatchRecord> records = List.of(
                record("a", "email", "ann@example.com", "phone", "+441632960001"),
                record("b", "email", "ann@example.com", "phone", "+441632960001"),
                record("c", "phone", "+441632960001"),
                record("d", "email", "dan@example.com"));
        Blocking.Candidates candidates = Blocking.candidates(records,
                List.of(BlockingRule.exact("email"), BlockingRule.exact("phone")), 100);

        assertThat(candidates.pairs()).hasSize(3);
        assertThat(pairs(records, List.of(BlockingRule.exact("email"), BlockingRule.exact("phone")), 100))
                .containsExactlyInAnyOrder(RecordPair.of("a", "b"), RecordPair.of("a", "c"), RecordPair.of("b", "c"));
    }

    @Test
    void aPairSharingTwoKeysOfOneRuleComesOnce() {
        // double metaphone gives "schmidt" two keys (XMT and SMT), both shared with its twin
        var rule = BlockingRule.on("family metaphone", BlockingKeys.doubleMetaphone("family"));
        List<MatchRecord> records = List.of(record("a", "family", "schmidt"), record("b", "family", "schmidt"));
        assertThat(rule.keys().apply(records.get(0))).hasSizeGreaterThan(1);

        Blocking.Candidates candidates = Blocking.candidates(records, List.of(rule), 100);

        assertThat(candidates.pairs()).hasSize(1);
        assertThat(candidates.perRule()).containsExactly(1);
    }

    @Test
    void eachRuleCountsOnlyThePairsNoEarlierRuleFound() {
        List<MatchRecord> records = List.of(
                record("a", "email", "ann@example.com", "phone", "+441632960001"),
                record("b", "email", "ann@example.com", "phone", "+441632960001"),
                record("c", "phone", "+441632960001"));

        Blocking.Candidates candidates = Blocking.candidates(records,
                List.of(BlockingRule.exact("email"), BlockingRule.exact("phone")), 100);

        assertThat(candidates.perRule()).containsExactly(1, 2);
        assertThat(candidates.count()).isEqualTo(3);
    }

    @Test
    void aPairInABlockOverTheCapIsStillFoundByALaterRule() {
        // four records share one phone (over the cap of 3); two of them also share an e-mail
        List<MatchRecord> records = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            records.add(record("r" + i, "phone", "+441632960001", "email", i < 2 ? "ann@example.com" : "x" + i + "@example.com"));
        }

        assertThat(pairs(records, List.of(BlockingRule.exact("phone"), BlockingRule.exact("email")), 3))
                .containsExactly(RecordPair.of("r0", "r1"));
    }

    @Test
    void theSamePairsAsTheUnionOfEveryRulesBlocks() {
        java.util.Random random = new java.util.Random(7);
        List<MatchRecord> records = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            records.add(record("r" + i, "a", "a" + random.nextInt(300), "b", "b" + random.nextInt(200),
                    "c", "c" + random.nextInt(50)));
        }
        List<BlockingRule> rules = List.of(BlockingRule.exact("a"), BlockingRule.exact("b"),
                BlockingRule.on("a+c", BlockingKeys.exact("a"), BlockingKeys.exact("c")), BlockingRule.exact("c"));
        int cap = 45; // some of the 50 c-blocks (40 records each on average) go over it
        Set<RecordPair> expected = new java.util.HashSet<>();
        for (BlockingRule rule : rules) {
            Map<String, List<String>> blocks = new LinkedHashMap<>();
            records.forEach(r -> rule.keys().apply(r).forEach(k -> blocks.computeIfAbsent(k, x -> new ArrayList<>()).add(r.id())));
            blocks.values().stream().filter(b -> b.size() <= cap).forEach(b -> {
                for (int x = 0; x < b.size(); x++) {
                    for (int y = x + 1; y < b.size(); y++) {
                        expected.add(RecordPair.of(b.get(x), b.get(y)));
                    }
                }
            });
        }

        Blocking.Candidates candidates = Blocking.candidates(records, rules, cap);

        assertThat(candidates.skipped()).isNotEmpty();
        assertThat(candidates.count()).isEqualTo(expected.size());
        assertThat(pairs(records, rules, cap)).isEqualTo(expected);
    }

    @Nested
    class OversizedBlocks {

        @Test
        void aBlockOverTheCapIsSkippedAndReported() {
            List<MatchRecord> records = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                records.add(record("placeholder-" + i, "email", "noreply@example.com"));
            }
            records.add(record("x", "email", "x@example.com"));
            records.add(record("y", "email", "x@example.com"));

            Blocking.Candidates candidates = Blocking.candidates(records, List.of(BlockingRule.exact("email")), 4);

            assertThat(candidates.skipped()).containsExactly(new SkippedBlock("email", 5));
            assertThat(candidates.pairs()).hasSize(1);
        }

        @Test
        void aBlockAtTheCapIsKept() {
            List<MatchRecord> records = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                records.add(record("r-" + i, "email", "shared@example.com"));
            }

            Blocking.Candidates candidates = Blocking.candidates(records, List.of(BlockingRule.exact("email")), 4);

            assertThat(candidates.skipped()).isEmpty();
            assertThat(candidates.pairs()).hasSize(6);
        }

        @Test
        void theEngineCountsSkippedBlocksInItsResult() {
            List<MatchRecord> records = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                records.add(record("r-" + i, "email", "noreply@example.com", "family", "name" + i));
            }
            records.add(record("s-1", "email", "s@example.com", "family", "smith"));
            records.add(record("s-2", "email", "s@example.com", "family", "smith"));
            MatchSettings settings = MatchSettings.of(List.of(BlockingRule.exact("email")),
                    List.of(Comparisons.name("family", null))).withMaxBlockSize(5);

            MatchResult result = new MatchEngine(settings).resolve(records);

            assertThat(result.skippedBlocks()).containsExactly(new SkippedBlock("email", 6));
            assertThat(result.candidatePairs()).isEqualTo(1);
        }
    }

    @Nested
    class RecordsWithoutAKey {

        @Test
        void aMissingValueGivesNoKey() {
            assertThat(BlockingKeys.exact("email").apply(record("a", "given", "ann"))).isEmpty();
            assertThat(BlockingKeys.doubleMetaphone("family").apply(record("a", "given", "ann"))).isEmpty();
            assertThat(BlockingKeys.pinyinName("given", "family").apply(record("a", "email", "a@b.c"))).isEmpty();
        }

        @Test
        void recordsMissingTheBlockedFieldAreNotPairedWithEachOther() {
            List<MatchRecord> records = List.of(record("a", "given", "ann"), record("b", "given", "ann"));

            assertThat(Blocking.candidates(records, List.of(BlockingRule.exact("email")), 10).pairs()).isEmpty();
        }
    }
}
