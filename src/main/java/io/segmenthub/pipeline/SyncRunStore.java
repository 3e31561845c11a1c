package io.segmenthub.pipeline;

import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Run history: one row per sync run with its status, error and report (JSON, no personal data). */
@Repository
public class SyncRunStore {

    public record RunSummary(String id, String syncId, String trigger, String status, Instant startedAt,
                             Optional<Instant> finishedAt, Optional<String> error, Optional<String> reportJson) {
    }

    private final JdbcClient jdbc;

    public SyncRunStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void started(SyncRun run) {
        jdbc.sql("INSERT INTO sync_run (id, sync_id, trigger_kind, status, started_at) VALUES (:id, :sync, :trigger, 'RUNNING', :at)")
                .param("id", run.id()).param("sync", run.syncId()).param("trigger", run.trigger())
                .param("at", Timestamps.utc(run.startedAt())).update();
    }

    /**
     * Records how the run ended. Tried up to three times: when the store's connections were all
     * dropped (a database restart), the pool hands out dead ones, each failing once and being
     * evicted, and the run that failed for that very reason must still be recorded as failed.
     */
    public void finished(String runId, String status, Instant at, String error, String reportJson) {
        for (int attempt = 1; ; attempt++) {
            try {
                update(runId, status, at, error, reportJson);
                return;
            } catch (org.springframework.dao.DataAccessResourceFailureException | org.springframework.dao.TransientDataAccessException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private void update(String runId, String status, Instant at, String error, String reportJson) {
        jdbc.sql("UPDATE sync_run SET status = :status, finished_at = :at, error = :error, report = :report WHERE id = :id")
                .param("id", runId).param("status", status).param("at", Timestamps.utc(at))
                .param("error", error == null ? null : error.length() > 2000 ? error.substring(0, 2000) : error)
                .param("report", reportJson).update();
    }

    /**
     * Runs left RUNNING by a process that died: they did not commit their watermarks, so mark them
     * failed. {@code live} is the run the live run lease covers (on another instance): not that one.
     */
    public int abandonInterrupted(Instant at, Optional<String> live) {
        return jdbc.sql("UPDATE sync_run SET status = 'FAILED', finished_at = :at, error = 'interrupted: the hub stopped during the run' "
                + "WHERE status = 'RUNNING' AND id <> :live").param("at", Timestamps.utc(at)).param("live", live.orElse("")).update();
    }

    /** Marks one run failed if it is still RUNNING (its holder died); true if it was. */
    public boolean abandon(String runId, Instant at, String reason) {
        return jdbc.sql("UPDATE sync_run SET status = 'FAILED', finished_at = :at, error = :error WHERE id = :id AND status = 'RUNNING'")
                .param("at", Timestamps.utc(at)).param("error", reason).param("id", runId).update() == 1;
    }

    /**
     * The runs other than {@code current} that did not succeed and after which no run did: each may
     * have stored records (a pull commits batch by batch) and ended before its resolution committed.
     * A run that succeeds resolves whatever such runs left, so the runs before it are not asked for.
     */
    public List<String> failedSinceLastSuccess(String current) {
        return jdbc.sql("""
                        SELECT f.id FROM sync_run f WHERE f.id <> :current AND f.status <> 'SUCCEEDED'
                        AND NOT EXISTS (SELECT 1 FROM sync_run s WHERE s.status = 'SUCCEEDED' AND s.started_at > f.started_at)
                        ORDER BY f.started_at""")
                .param("current", current).query(String.class).list();
    }

    public List<RunSummary> recent(int limit) {
        return jdbc.sql("SELECT id, sync_id, trigger_kind, status, started_at, finished_at, error, report FROM sync_run "
                        + "ORDER BY started_at DESC LIMIT :limit")
                .param("limit", limit)
                .query((rs, n) -> map(rs)).list();
    }

    public Optional<RunSummary> find(String id) {
        return jdbc.sql("SELECT id, sync_id, trigger_kind, status, started_at, finished_at, error, report FROM sync_run WHERE id = :id")
                .param("id", id).query((rs, n) -> map(rs)).optional();
    }

    private static RunSummary map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new RunSummary(rs.getString("id"), rs.getString("sync_id"), rs.getString("trigger_kind"), rs.getString("status"),
                Timestamps.read(rs, "started_at"), Optional.ofNullable(Timestamps.read(rs, "finished_at")),
                Optional.ofNullable(rs.getString("error")), Optional.ofNullable(rs.getString("report")));
    }
}
