package io.segmenthub.system;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * The store's one convention for instants: {@code TIMESTAMP WITH TIME ZONE} columns written and
 * read as UTC {@link OffsetDateTime} at microsecond precision (what both databases keep), which H2 and the PostgreSQL driver both accept (neither
 * binds {@link Instant} the same way).
 */
public final class Timestamps {

    private Timestamps() {
    }

    public static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    public static Instant read(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
