package io.segmenthub.pipeline;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import io.segmenthub.crypto.BlindIndex;
import io.segmenthub.crypto.PersonalDataVault;
import io.segmenthub.system.HubConfig;
import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rows that could not be used, kept with their reason so nothing is lost. The raw row may hold
 * personal data, so it is sealed like a source record, under its own data key.
 */
@Repository
public class QuarantineStore {

    public record Entry(long id, String runId, String connectorId, String ref, String reason) {
    }

    private static final Pattern EMAIL = Pattern.compile("[\\p{L}\\p{N}._%+-]+@[\\p{L}\\p{N}.-]+\\.[\\p{L}]{2,}");

    private final JdbcClient jdbc;
    private final PersonalDataVault vault;
    private final BlindIndex blindIndex;
    private final HubConfig config;
    private final Clock clock;

    public QuarantineStore(JdbcClient jdbc, PersonalDataVault vault, BlindIndex blindIndex, HubConfig config, Clock clock) {
        this.jdbc = jdbc;
        this.vault = vault;
        this.blindIndex = blindIndex;
        this.config = config;
        this.clock = clock;
    }

    /**
     * The blind indexes of the e-mail addresses and phone numbers found in a raw row (libphonenumber's
     * own finder for phones), so the row can be found again for an erasure without reading it.
     */
    Set<String> subjectsIn(String payload, String region) {
        Set<String> subjects = new LinkedHashSet<>();
        Matcher m = EMAIL.matcher(payload);
        while (m.find()) {
            subjects.add(blindIndex.of("email", m.group().toLowerCase(Locale.ROOT)));
        }
        PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
        for (PhoneNumberMatch match : phones.findNumbers(payload, region)) {
            subjects.add(blindIndex.of("phone", phones.format(match.number(), PhoneNumberUtil.PhoneNumberFormat.E164)));
        }
        return subjects;
    }

    public void add(String runId, String connectorId, Quarantined q) {
        Long dataKey = null;
        byte[] payload = null;
        if (!q.payload().isEmpty()) {
            var sealed = vault.sealNew(q.payload().getBytes(StandardCharsets.UTF_8), aad(connectorId, q.ref()));
            dataKey = sealed.dataKeyId();
            payload = sealed.ciphertext();
        }
        var holder = new GeneratedKeyHolder();
        jdbc.sql("""
                        INSERT INTO quarantine (run_id, connector_id, record_ref, reason, data_key_id, payload, created_at)
                        VALUES (:run, :connector, :ref, :reason, :key, :payload, :at)""")
                .param("run", runId).param("connector", connectorId).param("ref", truncate(q.ref(), 300))
                .param("reason", truncate(q.reason(), 500)).param("key", dataKey).param("payload", payload)
                .param("at", Timestamps.utc(clock.instant()))
                .update(holder, "id");
        long id = holder.getKey().longValue();
        String region = config.connectors().stream().filter(c -> c.id().equals(connectorId)).findFirst()
                .map(c -> c.region() == null ? config.hub().defaultRegion() : c.region()).orElse(config.hub().defaultRegion());
        for (String subject : subjectsIn(q.payload(), region)) {
            jdbc.sql("INSERT INTO quarantine_subject (quarantine_id, subject) VALUES (:id, :subject)")
                    .param("id", id).param("subject", subject).update();
        }
    }

    /** Shreds every quarantined row that holds one of these identifiers; returns how many. */
    public int shredFor(java.util.Collection<String> subjects) {
        if (subjects.isEmpty()) {
            return 0;
        }
        List<Long> keys = jdbc.sql("""
                        SELECT q.data_key_id FROM quarantine q JOIN quarantine_subject s ON s.quarantine_id = q.id
                        WHERE s.subject IN (:subjects) AND q.data_key_id IS NOT NULL""")
                .param("subjects", subjects).query(Long.class).list();
        keys.forEach(vault::shred);
        jdbc.sql("DELETE FROM quarantine_subject WHERE subject IN (:subjects)").param("subjects", subjects).update();
        return keys.size();
    }

    public List<Entry> forRun(String runId) {
        return jdbc.sql("SELECT id, run_id, connector_id, record_ref, reason FROM quarantine WHERE run_id = :run ORDER BY id")
                .param("run", runId)
                .query((rs, n) -> new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                .list();
    }

    static String aad(String connectorId, String ref) {
        return "quarantine/" + connectorId + "/" + ref;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
