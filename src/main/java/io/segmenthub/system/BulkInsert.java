package io.segmenthub.system;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.SignStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.List;

/**
 * Inserts many rows into one table, inside the caller's transaction: with PostgreSQL's
 * {@code COPY … FROM STDIN} when the store is PostgreSQL, else as a JDBC batch. A first sync writes
 * about ten blocking keys per record; as batched inserts they took 9 of the 43 s the resolve stage
 * spent on 100,000 records, where COPY loads the same rows several times faster.
 */
@Component
public class BulkInsert {

    /**
     * Characters of COPY text built before they are sent: one COPY per call, streamed, instead of
     * a 50,000-row string (60 MB for source records) built, copied and encoded whole per slice.
     */
    private static final int CHARS_PER_WRITE = 1 << 16;
    private static final DateTimeFormatter DATE = new DateTimeFormatterBuilder()
            .appendValue(ChronoField.YEAR, 4, 9, SignStyle.NORMAL).appendPattern("-MM-dd").toFormatter(Locale.ROOT);
    private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder()
            .append(DATE).appendPattern(" HH:mm:ss.SSSSSSxxx").toFormatter(Locale.ROOT);
    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();
    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000};

    private final DataSource dataSource;
    private final NamedParameterJdbcTemplate named;

    public BulkInsert(DataSource dataSource, NamedParameterJdbcTemplate named) {
        this.dataSource = dataSource;
        this.named = named;
    }

    /**
     * @param table   the table, a constant of the caller's (never user input)
     * @param columns its columns, in the order of each row's values
     * @param rows    values: strings, numbers, dates, UTC date-times, bytes or null
     */
    public void insert(String table, List<String> columns, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            if (connection.isWrapperFor(PGConnection.class)) {
                copy(connection.unwrap(PGConnection.class), table, columns, rows);
                return;
            }
        } catch (SQLException e) {
            // translated as JdbcTemplate translates the batch's failures, so that a transient one (a
            // deadlock, a serialisation failure) is retried by the routes' error handling as before COPY
            String task = "bulk insert into " + table + " failed";
            DataAccessException translated = named.getJdbcTemplate().getExceptionTranslator().translate(task, null, e);
            throw translated != null ? translated : new UncategorizedSQLException(task, null, e);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
        SlicedBatch.run(named.getJdbcTemplate(), "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", java.util.Collections.nCopies(columns.size(), "?")) + ")", rows);
    }

    private static void copy(PGConnection connection, String table, List<String> columns, List<Object[]> rows)
            throws SQLException {
        CopyIn in = connection.getCopyAPI().copyIn("COPY " + table + " (" + String.join(", ", columns) + ") FROM STDIN");
        try {
            StringBuilder text = new StringBuilder(CHARS_PER_WRITE + CHARS_PER_WRITE / 4);
            for (Object[] row : rows) {
                for (int c = 0; c < row.length; c++) {
                    if (c > 0) {
                        text.append('\t');
                    }
                    appendValue(text, row[c]);
                }
                text.append('\n');
                if (text.length() >= CHARS_PER_WRITE) {
                    write(in, text);
                }
            }
            write(in, text);
            in.endCopy();
        } catch (SQLException | RuntimeException e) {
            if (in.isActive()) { // the connection stays usable for the rollback that follows
                try {
                    in.cancelCopy();
                } catch (SQLException cancel) {
                    e.addSuppressed(cancel);
                }
            }
            throw e;
        }
    }

    private static void write(CopyIn in, StringBuilder text) throws SQLException {
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        in.writeToCopy(bytes, 0, bytes.length);
        text.setLength(0);
    }

    /**
     * COPY's text format: \N for null; backslash, tab, newline and carriage return escaped; bytes
     * in {@code bytea}'s hex form; dates and date-times with the year unsigned past 9999 (ISO's
     * {@code +10000-01-01} is refused); anything else, numbers included, as its {@code toString}.
     */
    static void appendValue(StringBuilder text, Object value) {
        if (value == null) {
            text.append("\\N");
            return;
        }
        if (value instanceof byte[] bytes) {
            text.append("\\\\x"); // \\x: the backslash of \x, escaped
            appendHex(text, bytes);
            return;
        }
        if (value instanceof OffsetDateTime at) {
            if (at.getOffset().equals(ZoneOffset.UTC) && at.getYear() >= 0 && at.getYear() <= 9999) {
                appendUtc(text, at);
            } else {
                text.append(DATE_TIME.format(at));
            }
            return;
        }
        if (value instanceof LocalDate day) {
            text.append(DATE.format(day));
            return;
        }
        String s = value.toString();
        if (!needsEscape(s)) {
            text.append(s);
            return;
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> text.append("\\\\");
                case '\t' -> text.append("\\t");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                default -> text.append(ch);
            }
        }
    }

    /**
     * A UTC date-time of years 0 to 9999 as {@link #DATE_TIME} writes it, digit by digit: every
     * record, consent event, audit entry and purchase of a first sync carries one or two, and the
     * formatter was a fifth of writing the COPY text.
     */
    private static void appendUtc(StringBuilder text, OffsetDateTime at) {
        digits(text, at.getYear(), 4);
        digits(text.append('-'), at.getMonthValue(), 2);
        digits(text.append('-'), at.getDayOfMonth(), 2);
        digits(text.append(' '), at.getHour(), 2);
        digits(text.append(':'), at.getMinute(), 2);
        digits(text.append(':'), at.getSecond(), 2);
        digits(text.append('.'), at.getNano() / 1000, 6);
        text.append("+00:00");
    }

    /** {@code value} (not negative) in exactly {@code width} digits, zeros in front. */
    private static void digits(StringBuilder text, int value, int width) {
        for (int power = width - 1; power >= 0; power--) {
            text.append((char) ('0' + value / POWERS_OF_TEN[power] % 10));
        }
    }

    /**
     * Lower-case hex digits straight into the text: a first sync copies a sealed value and a wrapped
     * key per record and a 16-byte match key for each of some five million blocking keys, and
     * {@code HexFormat.formatHex} made a string of each first (about 5 % of ingest's samples).
     */
    private static void appendHex(StringBuilder text, byte[] bytes) {
        text.ensureCapacity(text.length() + 2 * bytes.length);
        for (byte b : bytes) {
            text.append(HEX_DIGITS[(b >> 4) & 0xF]).append(HEX_DIGITS[b & 0xF]);
        }
    }

    private static boolean needsEscape(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r') {
                return true;
            }
        }
        return false;
    }
}
