package io.segmenthub.pipeline;

import io.segmenthub.system.BulkInsert;
import io.segmenthub.system.InLists;
import io.segmenthub.system.SlicedBatch;
import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Purchases and engagement events, each stored once per id in its source system however often a
 * source sends it again (a re-read file, an overlapping watermark window).
 */
@Repository
public class ActivityStore {

    private static final char KEY_SEPARATOR = '\u0000';

    private final NamedParameterJdbcTemplate named;
    private final BulkInsert bulk;
    private final boolean postgres;

    public ActivityStore(NamedParameterJdbcTemplate named, BulkInsert bulk) {
        this.named = named;
        this.bulk = bulk;
        this.postgres = SlicedBatch.postgres(named.getJdbcTemplate());
    }

    public record Owned<T>(String system, String recordId, T item) {
    }

    /** Stores the purchases not stored yet; returns how many were new. */
    public int addPurchases(List<Owned<Transaction>> purchases, String runId) {
        List<Owned<Transaction>> fresh = unseen(purchases, Transaction::id, "purchase", "tx_id");
        if (fresh.isEmpty()) {
            return 0;
        }
        bulk.insert("purchase", List.of("system", "tx_id", "record_id", "occurred_on", "amount", "currency", "run_id"),
                fresh.stream().map(p -> new Object[]{p.system(), p.item().id(), p.recordId(), p.item().date(), p.item().amount(),
                        p.item().currency(), runId}).toList());
        return fresh.size();
    }

    /** Stores the events not stored yet; returns how many were new. */
    public int addEvents(List<Owned<EngagementEvent>> events, String runId) {
        List<Owned<EngagementEvent>> fresh = unseen(events, EngagementEvent::id, "engagement_event", "event_id");
        if (fresh.isEmpty()) {
            return 0;
        }
        bulk.insert("engagement_event", List.of("system", "event_id", "record_id", "event_type", "occurred_at", "run_id"),
                fresh.stream().map(e -> new Object[]{e.system(), e.item().id(), e.recordId(), e.item().type(),
                        Timestamps.utc(e.item().occurredAt()), runId}).toList());
        return fresh.size();
    }

    /**
     * The items whose id is not stored yet for their system, each id once (the first wins), in the
     * order given. Read in a few queries (on PostgreSQL one, each id looked up by index, see
     * {@link InLists#eachLookedUp}; on H2 joined to a values table, see {@link InLists#valuesTable}),
     * so that the new rows go in as one bulk insert ({@code COPY} on PostgreSQL, see {@link BulkInsert}); an insert per row guarded by
     * {@code WHERE NOT EXISTS} cost a round trip each. The unique constraint on (system, id) still
     * refuses a duplicate, should another writer slip one in between.
     */
    private <T> List<Owned<T>> unseen(List<Owned<T>> items, Function<T, String> id, String table, String idColumn) {
        Map<String, List<String>> idsBySystem = new HashMap<>();
        for (Owned<T> item : items) {
            idsBySystem.computeIfAbsent(item.system(), k -> new ArrayList<>()).add(id.apply(item.item()));
        }
        Set<String> stored = new HashSet<>();
        idsBySystem.forEach((system, ids) -> {
            List<String> wanted = List.copyOf(new LinkedHashSet<>(ids));
            if (postgres) { // the batch as one array, each id looked up by index (see InLists.eachLookedUp)
                named.getJdbcTemplate().query("SELECT found." + idColumn + " FROM " + InLists.eachLookedUp("?", "id",
                                "SELECT t." + idColumn + " FROM " + table + " t WHERE t.system = ? AND t." + idColumn + " = wanted.id"),
                        rs -> {
                            stored.add(system + KEY_SEPARATOR + rs.getString(1));
                        }, wanted.toArray(String[]::new), system);
                return;
            }
            for (List<String> chunk : InLists.of(wanted)) {
                List<Object> params = new ArrayList<>(chunk);
                params.add(system);
                named.getJdbcTemplate().query("SELECT t." + idColumn + " FROM " + InLists.valuesTable(chunk.size()) + " AS wanted(id) JOIN "
                                + table + " t ON t." + idColumn + " = wanted.id WHERE t.system = ?",
                        rs -> {
                            stored.add(system + KEY_SEPARATOR + rs.getString(1));
                        }, params.toArray());
            }
        });
        List<Owned<T>> fresh = new ArrayList<>();
        for (Owned<T> item : items) {
            if (stored.add(item.system() + KEY_SEPARATOR + id.apply(item.item()))) {
                fresh.add(item);
            }
        }
        return fresh;
    }
}
