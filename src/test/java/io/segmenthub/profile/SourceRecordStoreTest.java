package io.segmenthub.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmenthub.system.BulkInsert;
import io.segmenthub.system.MemoryStore;
import io.segmenthub.system.TestPostgres;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Stored records replaced in place: every column and blind index as asked, the same on H2 and PostgreSQL. */
class SourceRecordStoreTest {

    static final Instant FIRST = Instant.parse("2026-11-01T08:00:00Z");
    static final Instant LATER = Instant.parse("2026-12-07T22:30:00.123456Z");

    @Test
    void changedRecordsTakeTheirNewContentAndIndexesAndOthersKeepTheirs() {
        replaceOn(MemoryStore.migrated("source-record-store"));
    }

    @Test
    void onPostgresTheBatchIsReplacedInOneStatementWithTheSameResult() throws Exception {
        TestPostgres.inMigratedSchema("source_record_store", (pool, schema) -> replaceOn(pool));
    }

    void replaceOn(DataSource ds) {
        JdbcClient jdbc = JdbcClient.create(ds);
        var named = new NamedParameterJdbcTemplate(ds);
        SourceRecordStore store = new SourceRecordStore(jdbc, named, new BulkInsert(ds, named));
        jdbc.sql("INSERT INTO data_key (master_key_id, wrapped, created_at) VALUES ('m1', :w, :at)")
                .param("w", new byte[]{1}).param("at", Timestamp.from(FIRST)).update();
        long dataKey = jdbc.sql("SELECT MAX(id) FROM data_key").query(Long.class).single();
        List<SourceRecordStore.Protected> first = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            first.add(new SourceRecordStore.Protected("crm", "C-" + i, "crm", FIRST, Optional.of(dataKey), Optional.of(new byte[]{(byte) i, 9}),
                    "{\"city\":\"Leeds\"}", "email,phone", "", "content-" + i,
                    List.of(new SourceRecordStore.IndexEntry("email", "e" + i), new SourceRecordStore.IndexEntry("phone", "p" + i)), "pulled-" + i));
        }
        List<Long> ids = store.insertAll(first, "run-1", FIRST);

        store.updateAll(List.of(
                // C-1 lost its personal data and its phone: no data key, no sealed bytes, one index left
                new SourceRecordStore.Changed(ids.get(0), new SourceRecordStore.Protected("crm", "C-1", "crm-2", LATER, Optional.empty(),
                        Optional.empty(), "{}", "email", "phone", "content-1b", List.of(new SourceRecordStore.IndexEntry("email", "e1b")),
                        "pulled-1b")),
                new SourceRecordStore.Changed(ids.get(2), new SourceRecordStore.Protected("crm", "C-3", "crm", LATER, Optional.of(dataKey),
                        Optional.of(new byte[]{3, 3, 3}), "{\"city\":\"York\"}", "email,phone", "", "content-3b",
                        List.of(new SourceRecordStore.IndexEntry("email", "e3"), new SourceRecordStore.IndexEntry("email", "e3b")), "pulled-3b"))),
                "run-2", LATER);

        List<String> rows = jdbc.sql("""
                        SELECT record_id, connector_id, source_updated_at, ingested_at, run_id, data_key_id, pii, attributes, present, invalid,
                               content_hash, pulled_hash FROM source_record ORDER BY record_id""")
                .query((rs, n) -> String.join("|", rs.getString(1), rs.getString(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant().toString(),
                        rs.getObject(4, OffsetDateTime.class).toInstant().toString(), rs.getString(5),
                        String.valueOf(rs.getObject(6) == null ? null : rs.getLong(6) == dataKey ? "key" : "other key"),
                        Arrays.toString(rs.getBytes(7)), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
                        rs.getString(12))).list();
        assertThat(rows).containsExactly(
                "C-1|crm-2|2026-12-07T22:30:00.123456Z|2026-12-07T22:30:00.123456Z|run-2|null|null|{}|email|phone|content-1b|pulled-1b",
                "C-2|crm|2026-11-01T08:00:00Z|2026-11-01T08:00:00Z|run-1|key|[2, 9]|{\"city\":\"Leeds\"}|email,phone||content-2|pulled-2",
                "C-3|crm|2026-12-07T22:30:00.123456Z|2026-12-07T22:30:00.123456Z|run-2|key|[3, 3, 3]|{\"city\":\"York\"}|email,phone||content-3b|pulled-3b");
        assertThat(jdbc.sql("SELECT r.record_id || ' ' || i.kind || ' ' || i.hashed FROM record_index i JOIN source_record r ON r.id = i.source_record_id"
                + " ORDER BY 1").query(String.class).list())
                .containsExactly("C-1 email e1b", "C-2 email e2", "C-2 phone p2", "C-3 email e3", "C-3 email e3b");
    }
}
