package io.segmenthub.pipeline;

import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

import java.util.Arrays;
import java.util.List;

/**
 * Purchases and engagement events, each stored once per id in its source system however often a
 * source sends it again (a re-read file, an overlapping watermark window).
 */
@Repository
public class ActivityStore {

    private final NamedParameterJdbcTemplate named;

    public ActivityStore(NamedParameterJdbcTemplate named) {
        this.named = named;
    }

    public record Owned<T>(String system, String recordId, T item) {
    }

    public int addPurchases(List<Owned<Transaction>> purchases, String runId) {
        if (purchases.isEmpty()) {
            return 0;
        }
        int[] n = named.batchUpdate("""
                        INSERT INTO purchase (system, tx_id, record_id, occurred_on, amount, currency, run_id)
                        SELECT :system, :tx, :record, :on, :amount, :currency, :run
                        WHERE NOT EXISTS (SELECT 1 FROM purchase WHERE system = :system AND tx_id = :tx)""",
                purchases.stream().map(p -> new MapSqlParameterSource()
                        .addValue("system", p.system()).addValue("tx", p.item().id()).addValue("record", p.recordId())
                        .addValue("on", p.item().date()).addValue("amount", p.item().amount())
                        .addValue("currency", p.item().currency()).addValue("run", runId)).toArray(MapSqlParameterSource[]::new));
        return Arrays.stream(n).map(i -> Math.max(i, 0)).sum();
    }

    public int addEvents(List<Owned<EngagementEvent>> events, String runId) {
        if (events.isEmpty()) {
            return 0;
        }
        int[] n = named.batchUpdate("""
                        INSERT INTO engagement_event (system, event_id, record_id, event_type, occurred_at, run_id)
                        SELECT :system, :event, :record, :type, :at, :run
                        WHERE NOT EXISTS (SELECT 1 FROM engagement_event WHERE system = :system AND event_id = :event)""",
                events.stream().map(e -> new MapSqlParameterSource()
                        .addValue("system", e.system()).addValue("event", e.item().id()).addValue("record", e.recordId())
                        .addValue("type", e.item().type()).addValue("at", Timestamps.utc(e.item().occurredAt()))
                        .addValue("run", runId)).toArray(MapSqlParameterSource[]::new));
        return Arrays.stream(n).map(i -> Math.max(i, 0)).sum();
    }
}
