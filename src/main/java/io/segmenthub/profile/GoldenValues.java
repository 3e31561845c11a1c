package io.segmenthub.profile;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.crypto.PersonalDataVault;
import io.segmenthub.system.InLists;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

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
        return of(List.of(goldenId), wanted).getOrDefault(goldenId, new TreeMap<>());
    }

    /**
     * The surviving values of the wanted attributes of many profiles, by golden id (a profile with
     * none of them is absent): a push of a whole list reads them a slice of profiles at a time,
     * not one query per member, and opens a slice's sealed values on both cores.
     */
    public Map<String, Map<Attribute, String>> of(Collection<String> goldenIds, Set<Attribute> wanted) {
        Map<String, Map<Attribute, String>> values = new HashMap<>();
        for (List<String> slice : InLists.of(List.copyOf(new LinkedHashSet<>(goldenIds)))) {
            List<Surviving> rows = new ArrayList<>();
            jdbc.sql("""
                            SELECT a.golden_id, a.attribute, r.system, r.record_id, k.master_key_id, r.pii, r.attributes, k.wrapped
                            FROM golden_attribute a JOIN source_record r ON r.id = a.source_record_id
                            LEFT JOIN data_key k ON k.id = r.data_key_id
                            WHERE a.golden_id IN (:g)""")
                    .param("g", slice)
                    .query(rs -> {
                        Optional<Attribute> attribute = Attribute.fromKey(rs.getString(2)).filter(wanted::contains);
                        if (attribute.isPresent()) {
                            rows.add(new Surviving(rs.getString(1), attribute.get(), rs.getString(3) + "/" + rs.getString(4), rs.getString(5),
                                    rs.getBytes(8), rs.getBytes(6), rs.getString(7)));
                        }
                    });
            List<Optional<String>> opened = rows.parallelStream().map(this::open).toList();
            for (int i = 0; i < rows.size(); i++) {
                Surviving row = rows.get(i);
                opened.get(i).ifPresent(value -> values.computeIfAbsent(row.goldenId(), g -> new TreeMap<>()).put(row.attribute(), value));
            }
        }
        return values;
    }

    /** One surviving attribute as stored: its record's open attributes and sealed part, with the wrapped data key (null once shredded). */
    private record Surviving(String goldenId, Attribute attribute, String aad, String masterKeyId, byte[] wrappedKey, byte[] pii,
                             String openJson) {
    }

    /** The attribute's value in its record: open if stored open, else from its sealed part (empty once shredded). */
    private Optional<String> open(Surviving row) {
        String key = row.attribute().key();
        Map<String, String> open = read(row.openJson());
        if (open.containsKey(key)) {
            return Optional.of(open.get(key));
        }
        if (row.pii() == null) {
            return Optional.empty();
        }
        return vault.open(row.masterKeyId(), row.wrappedKey(), row.pii(), row.aad())
                .map(bytes -> read(new String(bytes, StandardCharsets.UTF_8)))
                .map(m -> m.get(key));
    }

    /** The attribute values of the given records (open and sealed), in memory only, by record id. */
    public Map<Long, Map<String, String>> openRecords(Collection<Long> recordIds) {
        Map<Long, Map<String, String>> out = new HashMap<>();
        List<Long> ids = new ArrayList<>(new TreeSet<>(recordIds));
        for (List<Long> chunk : InLists.of(ids)) {
            jdbc.sql("""
                            SELECT r.id, r.system, r.record_id, k.master_key_id, r.pii, r.attributes, k.wrapped
                            FROM source_record r LEFT JOIN data_key k ON k.id = r.data_key_id WHERE r.id IN (:ids)""")
                    .param("ids", chunk)
                    .query(rs -> {
                        Map<String, String> values = new HashMap<>(read(rs.getString(6)));
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
