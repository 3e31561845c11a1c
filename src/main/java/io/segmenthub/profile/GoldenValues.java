package io.segmenthub.profile;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.crypto.PersonalDataVault;
import io.segmenthub.system.InLists;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A golden profile's surviving attribute values, opened from the source records survivorship
 * chose. Values that are personal data are decrypted in memory only; the caller decides whether
 * they leave the process (a push, a compliance reveal) or are masked.
 */
@Component
public class GoldenValues {

    private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() { };

    private final JdbcClient jdbc;
    private final PersonalDataVault vault;
    private final ObjectMapper json;

    public GoldenValues(JdbcClient jdbc, PersonalDataVault vault, ObjectMapper json) {
        this.jdbc = jdbc;
        this.vault = vault;
        this.json = json;
    }

    public Map<Attribute, String> all(String goldenId) {
        return of(goldenId, EnumSet.allOf(Attribute.class));
    }

    /** The surviving values of the wanted attributes, by attribute; absent when the profile has none. */
    public Map<Attribute, String> of(String goldenId, Set<Attribute> wanted) {
        Map<Attribute, String> values = new TreeMap<>();
        jdbc.sql("""
                        SELECT a.attribute, r.system, r.record_id, k.master_key_id, r.pii, r.attributes, k.wrapped
                        FROM golden_attribute a JOIN source_record r ON r.id = a.source_record_id
                        LEFT JOIN data_key k ON k.id = r.data_key_id
                        WHERE a.golden_id = :g""")
                .param("g", goldenId)
                .query(rs -> {
                    Optional<Attribute> attribute = Attribute.fromKey(rs.getString(1));
                    if (attribute.isEmpty() || !wanted.contains(attribute.get())) {
                        return;
                    }
                    String key = attribute.get().key();
                    Map<String, String> open = read(rs.getString(6));
                    if (open.containsKey(key)) {
                        values.put(attribute.get(), open.get(key));
                        return;
                    }
                    byte[] pii = rs.getBytes(5);
                    if (pii == null) {
                        return;
                    }
                    vault.open(rs.getString(4), rs.getBytes(7), pii, rs.getString(2) + "/" + rs.getString(3))
                            .map(bytes -> read(new String(bytes, StandardCharsets.UTF_8)))
                            .map(m -> m.get(key))
                            .ifPresent(v -> values.put(attribute.get(), v));
                });
        return values;
    }

    /** The attribute values of the given records (open and sealed), in memory only, by record id. */
    public Map<Long, Map<String, String>> openRecords(java.util.Collection<Long> recordIds) {
        Map<Long, Map<String, String>> out = new java.util.HashMap<>();
        List<Long> ids = new java.util.ArrayList<>(new java.util.TreeSet<>(recordIds));
        for (List<Long> chunk : InLists.of(ids)) {
            jdbc.sql("""
                            SELECT r.id, r.system, r.record_id, k.master_key_id, r.pii, r.attributes, k.wrapped
                            FROM source_record r LEFT JOIN data_key k ON k.id = r.data_key_id WHERE r.id IN (:ids)""")
                    .param("ids", chunk)
                    .query(rs -> {
                        Map<String, String> values = new java.util.HashMap<>(read(rs.getString(6)));
                        byte[] pii = rs.getBytes(5);
                        if (pii != null) {
                            vault.open(rs.getString(4), rs.getBytes(7), pii, rs.getString(2) + "/" + rs.getString(3))
                                    .map(bytes -> read(new String(bytes, StandardCharsets.UTF_8))).ifPresent(values::putAll);
                        }
                        out.put(rs.getLong(1), values);
                    });
        }
        return out;
    }

    private Map<String, String> read(String text) {
        if (text == null) {
            return Map.of();
        }
        try {
            return json.readValue(text, STRINGS);
        } catch (IOException e) {
            throw new IllegalStateException("stored attributes are not a JSON object of strings", e);
        }
    }
}
