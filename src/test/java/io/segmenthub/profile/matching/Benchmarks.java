package io.segmenthub.profile.matching;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Readers and settings for the benchmark files in {@code src/test/resources/matching}. Level
 * definitions, thresholds and training are the same for every data set; only the mapping of each
 * file's columns to comparisons and blocking rules differs.
 */
final class Benchmarks {

    /** Records with their ground-truth entity. */
    record Labelled(List<MatchRecord> records, Map<String, String> entityOf) {

        Collection<List<String>> truthClusters() {
            Map<String, List<String>> clusters = new TreeMap<>();
            for (MatchRecord r : records) {
                clusters.computeIfAbsent(entityOf.get(r.id()), k -> new ArrayList<>()).add(r.id());
            }
            return clusters.values();
        }
    }

    private Benchmarks() {
    }

    static List<String> lines(String resource) {
        try (InputStream in = Benchmarks.class.getResourceAsStream("/matching/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A FEBRL file: fields separated by ", ", every column a string, truth in rec-N-org / rec-N-dup-k. */
    static Labelled febrl(String resource) {
        return febrl(lines(resource), resource);
    }

    static Labelled febrl(List<String> lines, String resource) {
        String[] header = lines.get(0).split(", ", -1);
        List<MatchRecord> records = new ArrayList<>();
        Map<String, String> entityOf = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(", ", -1);
            if (cells.length != header.length) {
                throw new IllegalStateException("row with " + cells.length + " columns in " + resource);
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (int c = 1; c < header.length; c++) {
                fields.put(header[c], cells[c].strip());
            }
            String id = cells[0].strip();
            records.add(new MatchRecord(id, fields));
            entityOf.put(id, id.split("-")[1]);
        }
        return new Labelled(records, entityOf);
    }

    /** Splink's fake_1000: plain CSV without quoting, names lower-cased as the hub's cleaning would. */
    static Labelled fake1000() {
        return fake1000(lines("fake_1000.csv"));
    }

    static Labelled fake1000(List<String> lines) {
        String[] header = lines.get(0).split(",", -1);
        List<MatchRecord> records = new ArrayList<>();
        Map<String, String> entityOf = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            Map<String, String> fields = new LinkedHashMap<>();
            for (int c = 1; c < header.length - 1; c++) {
                fields.put(header[c], cells[c].strip().toLowerCase(Locale.ROOT));
            }
            records.add(new MatchRecord(cells[0], fields));
            entityOf.put(cells[0], cells[header.length - 1]);
        }
        return new Labelled(records, entityOf);
    }

    static MatchSettings febrlSettings() {
        return MatchSettings.of(
                List.of(
                        BlockingRule.exact("soc_sec_id"),
                        BlockingRule.exact("date_of_birth"),
                        BlockingRule.on("surname metaphone + birth year",
                                BlockingKeys.doubleMetaphone("surname"), BlockingKeys.year("date_of_birth")),
                        BlockingRule.on("given name prefix + postcode",
                                BlockingKeys.prefix("given_name", 3), BlockingKeys.exact("postcode")),
                        BlockingRule.on("name in pinyin", BlockingKeys.pinyinName("given_name", "surname")),
                        BlockingRule.on("given + surname metaphone",
                                BlockingKeys.doubleMetaphone("given_name"), BlockingKeys.doubleMetaphone("surname"))),
                List.of(
                        Comparisons.name("given_name", "surname"),
                        Comparisons.name("surname", "given_name"),
                        Comparisons.date("date_of_birth"),
                        Comparisons.identifier("soc_sec_id"),
                        Comparisons.identifier("street_number"),
                        Comparisons.text("address_1"),
                        Comparisons.text("address_2"),
                        Comparisons.text("suburb"),
                        Comparisons.identifier("postcode"),
                        Comparisons.exact("state", false)));
    }

    static MatchSettings fake1000Settings() {
        return MatchSettings.of(
                List.of(
                        BlockingRule.exact("email"),
                        BlockingRule.exact("dob"),
                        BlockingRule.on("surname metaphone + birth year",
                                BlockingKeys.doubleMetaphone("surname"), BlockingKeys.year("dob")),
                        BlockingRule.on("first name metaphone + birth year",
                                BlockingKeys.doubleMetaphone("first_name"), BlockingKeys.year("dob")),
                        BlockingRule.on("first name prefix + city",
                                BlockingKeys.prefix("first_name", 3), BlockingKeys.exact("city")),
                        BlockingRule.on("name in pinyin", BlockingKeys.pinyinName("first_name", "surname")),
                        BlockingRule.on("first name + surname metaphone",
                                BlockingKeys.doubleMetaphone("first_name"), BlockingKeys.doubleMetaphone("surname")),
                        BlockingRule.on("surname metaphone + city",
                                BlockingKeys.doubleMetaphone("surname"), BlockingKeys.exact("city")),
                        BlockingRule.on("birth year + city", BlockingKeys.year("dob"), BlockingKeys.exact("city"))),
                List.of(
                        Comparisons.name("first_name", "surname"),
                        Comparisons.name("surname", "first_name"),
                        Comparisons.date("dob"),
                        Comparisons.text("city"),
                        Comparisons.email("email")));
    }

    /**
     * Splink's historical_50k (Wikidata people with errors added): many records per person, name
     * variants, missing and damaged dates. Full names are left out: they repeat the other name fields
     * with titles, which would count the same evidence twice against the independence assumption.
     */
    static MatchSettings historicalSettings() {
        return MatchSettings.of(
                List.of(
                        BlockingRule.exact("dob"),
                        BlockingRule.on("first name + surname metaphone",
                                BlockingKeys.doubleMetaphone("first_name"), BlockingKeys.doubleMetaphone("surname")),
                        BlockingRule.on("surname metaphone + birth year",
                                BlockingKeys.doubleMetaphone("surname"), BlockingKeys.year("dob")),
                        BlockingRule.on("first name metaphone + birth year",
                                BlockingKeys.doubleMetaphone("first_name"), BlockingKeys.year("dob")),
                        BlockingRule.exact("postcode_fake"),
                        BlockingRule.on("first name prefix + birth place",
                                BlockingKeys.prefix("first_name", 3), BlockingKeys.exact("birth_place"))),
                List.of(
                        Comparisons.name("first_name", "surname"),
                        Comparisons.name("surname", "first_name"),
                        Comparisons.date("dob"),
                        Comparisons.text("birth_place"),
                        Comparisons.identifier("postcode_fake"),
                        Comparisons.exact("gender", false),
                        Comparisons.exact("occupation", true)))
                .withGuard("first_name", "dob");
    }
}
