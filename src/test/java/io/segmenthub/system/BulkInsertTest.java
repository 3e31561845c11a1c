package io.segmenthub.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The same rows arrive whichever way they are sent: COPY on PostgreSQL, a JDBC batch elsewhere. */
class BulkInsertTest {

    /** Values COPY's text format must escape, a null, and more rows than one write of COPY text holds. */
    static List<Object[]> rows() {
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[]{1L, "tab\there", "back\\slash \\N"});
        rows.add(new Object[]{2L, "new\nline\r", null});
        rows.add(new Object[]{3L, "王伟 Zhang Wei", "ePO8USxdzeo0PdihusU3uM_Im2zz6ewb2HPCP5Bi1yo"});
        for (long id = 4; id <= 120_000; id++) {
            rows.add(new Object[]{id, "block", "k" + id});
        }
        return rows;
    }

    static void insertsEveryRowExactly(DataSource ds) {
        JdbcClient jdbc = JdbcClient.create(ds);
        String table = "bulk_" + UUID.randomUUID().toString().replace("-", "");
        jdbc.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, kind VARCHAR(40), hashed VARCHAR(64))").update();
        try {
            new BulkInsert(ds, new NamedParameterJdbcTemplate(ds)).insert(table, List.of("id", "kind", "hashed"), rows());

            assertThat(jdbc.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single()).isEqualTo(120_000L);
            assertThat(jdbc.sql("SELECT kind, hashed FROM " + table + " WHERE id <= 3 ORDER BY id")
                    .query((rs, n) -> rs.getString(1) + "|" + rs.getString(2)).list())
                    .containsExactly("tab\there|back\\slash \\N", "new\nline\r|null", "王伟 Zhang Wei|ePO8USxdzeo0PdihusU3uM_Im2zz6ewb2HPCP5Bi1yo");
            assertThat(jdbc.sql("SELECT hashed FROM " + table + " WHERE id = 120000").query(String.class).single()).isEqualTo("k120000");
        } finally {
            jdbc.sql("DROP TABLE " + table).update();
        }
    }

    /**
     * A score row's kinds of value: money with two decimals, a date, doubles large, tiny and exact,
     * ints and nulls; a source record's: sealed bytes (every byte value, a backslash's among them)
     * and UTC instants to the microsecond; dates past the year 9999.
     */
    static void typedValuesArriveAsTheyWere(DataSource ds) {
        JdbcClient jdbc = JdbcClient.create(ds);
        String table = "typed_" + UUID.randomUUID().toString().replace("-", "");
        jdbc.sql("CREATE TABLE " + table + " (id BIGINT, revenue DECIMAL(16, 2), on_day DATE, p DOUBLE PRECISION, n INT, "
                + "sealed BYTEA, at TIMESTAMP WITH TIME ZONE)").update();
        byte[] everyByte = new byte[256];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) i;
        }
        var at = java.time.OffsetDateTime.of(2026, 12, 6, 6, 20, 4, 123_456_000, java.time.ZoneOffset.UTC);
        try {
            new BulkInsert(ds, new NamedParameterJdbcTemplate(ds)).insert(table, List.of("id", "revenue", "on_day", "p", "n", "sealed", "at"),
                    List.of(new Object[]{1L, new java.math.BigDecimal("12345678.90"), java.time.LocalDate.of(2026, 2, 28), 0.000012345, 7,
                                    everyByte, at},
                            new Object[]{2L, java.math.BigDecimal.ZERO.setScale(2), null, 1.0, null, new byte[0], null},
                            new Object[]{3L, null, java.time.LocalDate.of(1999, 12, 31), 1.5e300, -1, null, at.minusYears(30)},
                            new Object[]{4L, null, java.time.LocalDate.of(10_000, 1, 1), 0.0, 0, null, at.withYear(12_026)}));

            assertThat(jdbc.sql("SELECT id, revenue, on_day, p, n FROM " + table + " ORDER BY id")
                    .query((rs, n) -> rs.getLong(1) + "|" + rs.getBigDecimal(2) + "|" + rs.getObject(3, java.time.LocalDate.class)
                            + "|" + rs.getDouble(4) + "|" + rs.getObject(5)).list())
                    .containsExactly("1|12345678.90|2026-02-28|1.2345E-5|7", "2|0.00|null|1.0|null", "3|null|1999-12-31|1.5E300|-1",
                            "4|null|+10000-01-01|0.0|0");
            assertThat(jdbc.sql("SELECT sealed FROM " + table + " ORDER BY id").query((rs, n) -> rs.getBytes(1)).list())
                    .containsExactly(everyByte, new byte[0], null, null);
            assertThat(jdbc.sql("SELECT at FROM " + table + " ORDER BY id").query((rs, n) -> Timestamps.read(rs, "at")).list())
                    .containsExactly(at.toInstant(), null, at.minusYears(30).toInstant(), at.withYear(12_026).toInstant());
        } finally {
            jdbc.sql("DROP TABLE " + table).update();
        }
    }

    @Test
    void onH2AsABatch() {
        insertsEveryRowExactly(MemoryStore.empty("bulk"));
        typedValuesArriveAsTheyWere(MemoryStore.empty("bulk-typed"));
    }

    /** Against the PostgreSQL CI runs the suite on (skipped when it is not there). */
    @Test
    void onPostgresWithCopy() {
        try (HikariDataSource pool = TestPostgres.poolOrSkip(null)) {
            insertsEveryRowExactly(pool);
            typedValuesArriveAsTheyWere(pool);
        }
    }

    /**
     * A row the table refuses fails the whole insert, naming the table, with the exception Spring's
     * translator gives the JDBC batch (so the routes retry what is transient, as before COPY), and
     * leaves the connection usable.
     */
    @Test
    void aRefusedRowFailsTheInsertAndTheConnectionServesOn() {
        try (HikariDataSource pool = TestPostgres.poolOrSkip(null)) {
            pool.setMaximumPoolSize(1);
            JdbcClient jdbc = JdbcClient.create(pool);
            String table = "refused_" + UUID.randomUUID().toString().replace("-", "");
            jdbc.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, kind VARCHAR(40), hashed VARCHAR(64))").update();
            try {
                List<Object[]> rows = rows();
                rows.add(new Object[]{60_000L, "block", "the same id twice"});
                assertThatThrownBy(() -> new BulkInsert(pool, new NamedParameterJdbcTemplate(pool)).insert(table, List.of("id", "kind", "hashed"), rows))
                        .isInstanceOf(org.springframework.dao.DuplicateKeyException.class)
                        .hasMessageStartingWith("bulk insert into " + table + " failed");
                assertThat(jdbc.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single()).isZero();
            } finally {
                jdbc.sql("DROP TABLE " + table).update();
            }
        }
    }

    @Test
    void escapesWhatCopysTextFormatWouldReadAsSyntax() {
        StringBuilder text = new StringBuilder();
        BulkInsert.appendValue(text, "a\\b\tc\nd\re");
        text.append('|');
        BulkInsert.appendValue(text, null);
        text.append('|');
        BulkInsert.appendValue(text, 42L);
        text.append('|');
        BulkInsert.appendValue(text, new byte[]{0, '\\', (byte) 0xff});
        assertThat(text).hasToString("a\\\\b\\tc\\nd\\re|\\N|42|\\\\x005cff");
    }

    @Test
    void writesDateTimesAsTheFormatterDoesWhateverTheirYearOrOffset() {
        var formatter = new java.time.format.DateTimeFormatterBuilder()
                .appendValue(java.time.temporal.ChronoField.YEAR, 4, 9, java.time.format.SignStyle.NORMAL)
                .appendPattern("-MM-dd HH:mm:ss.SSSSSSxxx").toFormatter(java.util.Locale.ROOT);
        var utc = java.time.ZoneOffset.UTC;
        for (var at : List.of(java.time.OffsetDateTime.of(2026, 12, 6, 6, 20, 4, 123_456_789, utc),
                java.time.OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, utc), java.time.OffsetDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_999, utc),
                java.time.OffsetDateTime.of(2024, 2, 29, 12, 0, 0, 1_000, utc), java.time.OffsetDateTime.of(33658, 9, 27, 1, 46, 40, 0, utc),
                java.time.OffsetDateTime.of(2026, 12, 6, 6, 20, 4, 0, java.time.ZoneOffset.ofHours(8)))) {
            StringBuilder text = new StringBuilder();
            BulkInsert.appendValue(text, at);
            assertThat(text).hasToString(formatter.format(at));
        }
    }
}
