package io.segmenthub.schedule;

import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code run_lease} rows. Every change is a compare-and-set on the row's token, so it is one
 * atomic statement on H2 and PostgreSQL alike: whoever updates the row first wins, the other
 * statement matches no row.
 */
@Repository
class LeaseStore {

    /** A lease row as read; {@code token} empty = never taken. */
    record Row(String name, Optional<String> token, Optional<String> holder, Optional<String> syncId, Optional<String> runId,
               Optional<Instant> acquiredAt, Optional<Instant> heartbeatAt, Optional<Instant> expiresAt,
               Optional<Instant> releasedAt) {

        boolean heldAt(Instant now) {
            return token.isPresent() && releasedAt.isEmpty() && expiresAt.map(now::isBefore).orElse(false);
        }
    }

    private final JdbcClient jdbc;

    LeaseStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Row> read(String name) {
        return jdbc.sql("SELECT name, token, holder, sync_id, run_id, acquired_at, heartbeat_at, expires_at, released_at "
                        + "FROM run_lease WHERE name = :name")
                .param("name", name).query((rs, n) -> map(rs)).optional();
    }

    /** Takes the lease if its token is still the one read (empty: a row never taken). */
    boolean take(String name, Optional<String> seenToken, String token, String holder, String syncId, Instant now, Instant expires) {
        String sql = "UPDATE run_lease SET token = :token, holder = :holder, sync_id = :sync, run_id = NULL, acquired_at = :now, "
                + "heartbeat_at = :now, expires_at = :expires, released_at = NULL WHERE name = :name AND "
                + (seenToken.isPresent() ? "token = :seen" : "token IS NULL");
        var statement = jdbc.sql(sql).param("token", token).param("holder", holder).param("sync", syncId)
                .param("now", Timestamps.utc(now)).param("expires", Timestamps.utc(expires)).param("name", name);
        if (seenToken.isPresent()) {
            statement = statement.param("seen", seenToken.get());
        }
        return statement.update() == 1;
    }

    /** Creates the row of a lease name the migration did not seed; false if another process did so first. */
    boolean create(String name) {
        try {
            return jdbc.sql("INSERT INTO run_lease (name) VALUES (:name)").param("name", name).update() == 1;
        } catch (org.springframework.dao.DuplicateKeyException e) {
            return false;
        }
    }

    boolean renew(String name, String token, Instant now, Instant expires) {
        return jdbc.sql("UPDATE run_lease SET heartbeat_at = :now, expires_at = :expires "
                        + "WHERE name = :name AND token = :token AND released_at IS NULL")
                .param("now", Timestamps.utc(now)).param("expires", Timestamps.utc(expires))
                .param("name", name).param("token", token).update() == 1;
    }

    void running(String name, String token, String runId, String holder) {
        jdbc.sql("UPDATE run_lease SET run_id = :run WHERE name = :name AND token = :token")
                .param("run", runId).param("name", name).param("token", token).update();
        jdbc.sql("UPDATE sync_run SET instance_id = :holder WHERE id = :run").param("holder", holder).param("run", runId).update();
    }

    void release(String name, String token, Instant now) {
        jdbc.sql("UPDATE run_lease SET released_at = :now, expires_at = :now WHERE name = :name AND token = :token AND released_at IS NULL")
                .param("now", Timestamps.utc(now)).param("name", name).param("token", token).update();
    }

    private static Row map(ResultSet rs) throws SQLException {
        return new Row(rs.getString("name"), Optional.ofNullable(rs.getString("token")), Optional.ofNullable(rs.getString("holder")),
                Optional.ofNullable(rs.getString("sync_id")), Optional.ofNullable(rs.getString("run_id")),
                Optional.ofNullable(Timestamps.read(rs, "acquired_at")), Optional.ofNullable(Timestamps.read(rs, "heartbeat_at")),
                Optional.ofNullable(Timestamps.read(rs, "expires_at")), Optional.ofNullable(Timestamps.read(rs, "released_at")));
    }
}
