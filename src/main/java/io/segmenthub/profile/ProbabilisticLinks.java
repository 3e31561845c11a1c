package io.segmenthub.profile;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.crypto.PersonalDataVault;
import io.segmenthub.profile.matching.BlockingKeys;
import io.segmenthub.profile.matching.BlockingRule;
import io.segmenthub.profile.matching.Comparisons;
import io.segmenthub.profile.matching.MatchEngine;
import io.segmenthub.profile.matching.MatchRecord;
import io.segmenthub.profile.matching.MatchResult;
import io.segmenthub.profile.matching.MatchSettings;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Probabilistic links between source records (Fellegi-Sunter with weights learned by EM on the
 * store's own records, see {@link MatchEngine}): names with typos, nicknames, swapped fields and
 * pinyin versus hanzi, birth dates with transposed digits, shared postcodes and streets. The
 * records' personal data is opened only in memory, for the length of the resolution; nothing
 * plaintext is written back.
 */
@Component
public class ProbabilisticLinks {

    private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() { };
    private static final Pattern HAN = Pattern.compile("\\p{IsHan}+");

    /** What the engine found, without personal data: pairs of source-record ids and counts. */
    public record Links(List<long[]> pairs, long candidatePairs, int skippedBlocks, int records) {
    }

    private final JdbcClient jdbc;
    private final PersonalDataVault vault;
    private final ObjectMapper json;
    private final MatchEngine engine = new MatchEngine(settings());

    public ProbabilisticLinks(JdbcClient jdbc, PersonalDataVault vault, ObjectMapper json) {
        this.jdbc = jdbc;
        this.vault = vault;
        this.json = json;
    }

    /** Blocking and comparisons over the hub's canonical, cleaned attributes. */
    static MatchSettings settings() {
        return MatchSettings.of(
                List.of(
                        BlockingRule.exact("email"),
                        BlockingRule.exact("phone"),
                        BlockingRule.exact("birth_date"),
                        BlockingRule.on("family name metaphone + birth year",
                                BlockingKeys.doubleMetaphone("family_name"), BlockingKeys.year("birth_date")),
                        BlockingRule.on("given name prefix + postcode", BlockingKeys.prefix("given_name", 3), BlockingKeys.exact("postcode")),
                        BlockingRule.on("name in pinyin", BlockingKeys.pinyinName("given_name", "family_name")),
                        BlockingRule.on("given + family name metaphone",
                                BlockingKeys.doubleMetaphone("given_name"), BlockingKeys.doubleMetaphone("family_name")),
                        BlockingRule.on("family name metaphone + city", BlockingKeys.doubleMetaphone("family_name"), BlockingKeys.exact("city"))),
                List.of(
                        Comparisons.name("given_name", "family_name"),
                        Comparisons.name("family_name", "given_name"),
                        Comparisons.date("birth_date"),
                        Comparisons.email("email"),
                        Comparisons.identifier("phone"),
                        Comparisons.text("street"),
                        Comparisons.identifier("postcode"),
                        Comparisons.text("city")));
    }

    public Links find() {
        List<MatchRecord> records = new ArrayList<>();
        jdbc.sql("SELECT id, system, record_id, data_key_id, pii, attributes, invalid FROM source_record WHERE present <> '' ORDER BY id")
                .query(rs -> {
                    Map<String, String> values = new HashMap<>(read(rs.getString("attributes")));
                    long dataKey = rs.getLong("data_key_id");
                    boolean hasKey = !rs.wasNull();
                    byte[] pii = rs.getBytes("pii");
                    if (hasKey && pii != null) {
                        vault.open(dataKey, pii, rs.getString("system") + "/" + rs.getString("record_id"))
                                .map(b -> read(new String(b, StandardCharsets.UTF_8))).ifPresent(values::putAll);
                    }
                    for (String invalid : rs.getString("invalid").split(",")) {
                        values.remove(invalid); // an invalid value is no evidence either way
                    }
                    records.add(new MatchRecord(String.valueOf(rs.getLong("id")), fields(values)));
                });
        if (records.size() < 2) {
            return new Links(List.of(), 0, 0, records.size());
        }
        MatchResult result = engine.resolve(records);
        // link the members of each of the engine's clusters, not every pair above the threshold:
        // the clusters come from average linkage, which is what keeps one weak link from chaining people
        List<long[]> pairs = new ArrayList<>();
        for (List<String> cluster : result.clusters()) {
            for (int i = 1; i < cluster.size(); i++) {
                pairs.add(new long[]{Long.parseLong(cluster.get(0)), Long.parseLong(cluster.get(i))});
            }
        }
        return new Links(pairs, result.candidatePairs(), result.skippedBlocks().size(), records.size());
    }

    /** The fields the comparisons read, lower-cased; a full name alone is split into given and family name. */
    static Map<String, String> fields(Map<String, String> values) {
        Map<String, String> fields = new HashMap<>();
        for (String key : List.of("given_name", "family_name", "email", "phone", "birth_date", "street", "postcode", "city")) {
            String v = values.get(key);
            if (v != null && !v.isBlank()) {
                fields.put(key, v.toLowerCase(Locale.ROOT));
            }
        }
        String full = values.get("full_name");
        if (full != null && !full.isBlank() && !fields.containsKey("given_name") && !fields.containsKey("family_name")) {
            String name = full.strip().toLowerCase(Locale.ROOT);
            if (HAN.matcher(name).matches() && name.length() >= 2) {
                fields.put("family_name", name.substring(0, 1)); // Chinese order: family name first
                fields.put("given_name", name.substring(1));
            } else if (name.contains(" ")) {
                fields.put("given_name", name.substring(0, name.indexOf(' ')));
                fields.put("family_name", name.substring(name.lastIndexOf(' ') + 1));
            } else {
                fields.put("given_name", name);
            }
        }
        return fields;
    }

    private Map<String, String> read(String text) {
        try {
            return json.readValue(text, STRINGS);
        } catch (IOException e) {
            throw new IllegalStateException("stored attributes are not a JSON object of strings", e);
        }
    }
}
