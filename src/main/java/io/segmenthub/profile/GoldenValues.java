package io.segmenthub.profile;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.crypto.PersonalDataVault;
import io.segmenthub.system.InLists;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

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
     * not one query per member, and opens each record's sealed part once (a record often holds
     * several of the pushed fields), the slice's records on both cores.
     */
    public Map<String, Map<Attribute, String>> of(Collection<String> goldenIds, Set<Attribute> wanted) {
        Map<String, Map<Attribute, String>> values = new HashMap<>();
        for (List<String> slice : InLists.of(List.copyOf(new LinkedHashSet<>(goldenIds)))) {
            List<Surviving> rows = new ArrayList<>();
            Map<String, Stored> records = new HashMap<>();
            jdbc.sql("""
                            SELECT a.golden_id, a.attribute, r.system, r.record_id, k.master_key_id, r.pii, r.attributes, k.wrapped
                            FROM golden_attribute a JOIN source_record r ON r.id = a.source_record_id
                            LEFT JOIN data_key k ON k.id = r.data_key_id
                            WHERE a.golden_id IN (:g)""")
                    .param("g", slice)
                    .query(rs -> {
                        Optional<Attribute> attribute = Attribute.fromKey(rs.getString(2)).filter(wanted::contains);
                        if (attribute.isEmpty()) {
                            return;
                        }
                        String aad = rs.getString(3) + "/" + rs.getString(4);
                        Stored record = records.get(aad);
                        if (record == null) {
                            record = new Stored(aad, rs.getString(5), rs.getBytes(8), rs.getBytes(6), read(rs.getString(7)));
                            records.put(aad, record);
                        }
                        rows.add(new Surviving(rs.getString(1), attribute.get(), record));
                    });
            Map<String, Map<String, String>> sealed = new ConcurrentHashMap<>();
            rows.stream().filter(row -> !row.record().open().containsKey(row.attribute().key())).map(Surviving::record).distinct()
                    .toList().parallelStream()
                    .forEach(r -> openSealed(r.masterKeyId(), r.wrappedKey(), r.pii(), r.aad()).ifPresent(opened -> sealed.put(r.aad(), opened)));
            for (Surviving row : rows) {
                String key = row.attribute().key();
                Map<String, String> from = row.record().open().containsKey(key) ? row.record().open() : sealed.getOrDefault(row.record().aad(), Map.of());
                String value = from.get(key);
                if (value != null) {
                    values.computeIfAbsent(row.goldenId(), g -> new TreeMap<>()).put(row.attribute(), value);
                }
            }
        }
        return values;
    }

    /** A stored record as far as opening it needs: its open attributes, sealed part and wrapped data key (null once shredded). */
    private record Stored(String aad, String masterKeyId, byte[] wrappedKey, byte[] pii, Map<String, String> open) {
    }

    /** One surviving attribute of a profile and the record it survives from. */
    private record Surviving(String goldenId, Attribute attribute, Stored record) {
    }

    /** A record's sealed attributes, in memory only; empty when it has none or its data key was shredded. */
    private Optional<Map<String, String>> openSealed(String masterKeyId, byte[] wrappedKey, byte[] pii, String aad) {
        if (pii == null) {
            return Optional.empty();
        }
        return vault.open(masterKeyId, wrappedKey, pii, aad).map(bytes -> read(new String(bytes, StandardCharsets.UTF_8)));
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
                        openSealed(rs.getString(4), rs.getBytes(7), rs.getBytes(5), rs.getString(2) + "/" + rs.getString(3)).ifPresent(values::putAll);
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
