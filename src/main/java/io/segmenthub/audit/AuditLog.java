package io.segmenthub.audit;

import io.segmenthub.system.BulkInsert;
import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * Append-only audit log: consent changes, pushes, personal-data access and erasures. Each entry's
 * hash covers the previous entry's hash, so a changed or deleted entry breaks the chain from that
 * point on ({@link #verify()}). Subjects are blind indexes or golden ids, never plaintext.
 */
@Repository
public class AuditLog {

    static final String GENESIS = "0".repeat(64);
    private static final List<String> COLUMNS = List.of("at", "run_id", "actor", "action", "subject", "detail", "prev_hash", "hash");

    public record Entry(String runId, String actor, String action, String subject, String detail) {
    }

    /**
     * The chain recomputed. When it breaks at an entry that is itself unchanged but chains to an
     * earlier entry than the one before it, {@code chainsTo} names that entry: the mark two appends
     * at once left before the chain's lock (migration V19), or of entries inserted in between.
     * {@code hashesAt} holds the hash at each position {@link #verify(Set)} was asked for, as far
     * as the chain held.
     */
    public record Verification(boolean intact, long entries, Optional<Long> firstBrokenId, Optional<Long> chainsTo,
                               Map<Long, String> hashesAt) {
        public Verification(boolean intact, long entries, Optional<Long> firstBrokenId) {
            this(intact, entries, firstBrokenId, Optional.empty(), Map.of());
        }
    }

    /** How many entries the log holds and the last one's hash ({@link #GENESIS} for an empty log): what a checkpoint signs. */
    public record Head(long entries, String hash) {
    }

    /** The transaction's entries to append at its commit ({@link #appendAtCommit}). */
    private static final Object PENDING = new Object();

    /** Entries read at a time when the whole log is verified: it only grows, and must not have to fit in memory. */
    static final int PAGE = 10_000;

    private final JdbcClient jdbc;
    private final BulkInsert bulk;
    private final Clock clock;

    public AuditLog(JdbcClient jdbc, BulkInsert bulk, Clock clock) {
        this.jdbc = jdbc;
        this.bulk = bulk;
        this.clock = clock;
    }

    /**
     * Appends entries to the chain, after the last committed entry. The chain's lock row is held
     * until the caller's transaction ends, so an append from another transaction (a console search
     * during a sync's batch, another hub instance's run) waits for it and chains to what it
     * committed, where both would otherwise chain to the same entry and fork the log.
     */
    @Transactional
    public void append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        lockChain();
        String prev = jdbc.sql("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
                .query(String.class).optional().orElse(GENESIS);
        Instant at = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        // a first run audits hundreds of thousands of consent events: in chain order, by COPY on
        // PostgreSQL (ids follow the rows' order), as a batch elsewhere; not a round trip per entry
        List<Object[]> rows = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            String hash = hash(prev, at, e);
            rows.add(new Object[]{Timestamps.utc(at), e.runId(), e.actor(), e.action(), e.subject(), e.detail(), prev, hash});
            prev = hash;
        }
        bulk.insert("audit_log", COLUMNS, rows);
    }

    /**
     * Appends entries just before the caller's transaction commits, in the order given, after any
     * it appended directly: the chain's lock is then held for the append and the commit only, not
     * for the rest of a long transaction (a sync's batch), which other appends would wait out. The
     * entries go with the transaction: none if it rolls back. Outside a transaction, appends at once.
     */
    public void appendAtCommit(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            append(entries);
            return;
        }
        @SuppressWarnings("unchecked")
        List<Entry> pending = (List<Entry>) TransactionSynchronizationManager.getResource(PENDING);
        if (pending == null) {
            List<Entry> atCommit = new ArrayList<>();
            TransactionSynchronizationManager.bindResource(PENDING, atCommit);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void beforeCommit(boolean readOnly) {
                    append(atCommit); // still inside the transaction, on its connection
                }

                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(PENDING);
                }
            });
            pending = atCommit;
        }
        pending.addAll(entries);
    }

    /**
     * Holds the chain's lock for the rest of the caller's transaction, for a caller that decides
     * what to append from what the log holds: no other append comes in between its read and its
     * commit (two instances starting at once would otherwise both record the same config change).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void holdChain() {
        lockChain();
    }

    private void lockChain() {
        jdbc.sql("SELECT id FROM audit_chain_lock WHERE id = 1 FOR UPDATE").query(Integer.class).optional()
                .orElseThrow(() -> new IllegalStateException("table audit_chain_lock has lost its row (id 1), which keeps the audit "
                        + "log one chain; restore it with INSERT INTO audit_chain_lock (id) VALUES (1)"));
    }

    public void append(Entry entry) {
        append(List.of(entry));
    }

    /**
     * The log's size and last hash, read while holding the chain, so that no append commits between
     * the two reads and the pair is one the log really had.
     */
    @Transactional
    public Head head() {
        lockChain();
        long entries = jdbc.sql("SELECT COUNT(*) FROM audit_log").query(Long.class).single();
        String last = jdbc.sql("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").query(String.class).optional().orElse(GENESIS);
        return new Head(entries, last);
    }

    /** Recomputes the chain from the first entry. */
    public Verification verify() {
        return verify(Set.of());
    }

    /**
     * Recomputes the chain from the first entry, a page of entries at a time, and notes the hash of
     * the entry at each position asked for (1 is the first entry): where checkpoints are checked.
     */
    public Verification verify(Set<Long> positions) {
        record Row(long id, Instant at, Entry entry, String prev, String hash) { }
        Map<Long, String> hashesAt = new TreeMap<>();
        String prev = GENESIS;
        long position = 0;
        Stream<Row> rows = byId(after -> jdbc.sql("SELECT id, at, run_id, actor, action, subject, detail, prev_hash, hash FROM audit_log "
                        + "WHERE id > :after ORDER BY id LIMIT :page")
                .param("page", PAGE).param("after", after)
                .query((rs, n) -> new Row(rs.getLong("id"), Timestamps.read(rs, "at"),
                        new Entry(rs.getString("run_id"), rs.getString("actor"), rs.getString("action"),
                                rs.getString("subject"), rs.getString("detail")),
                        rs.getString("prev_hash"), rs.getString("hash")))
                .list(), Row::id);
        for (Row row : (Iterable<Row>) rows::iterator) {
            if (!row.prev().equals(prev) || !row.hash().equals(hash(prev, row.at(), row.entry()))) {
                Optional<Long> chainsTo = row.hash().equals(hash(row.prev(), row.at(), row.entry()))
                        ? jdbc.sql("SELECT id FROM audit_log WHERE hash = :prev AND id < :id ORDER BY id DESC")
                                .param("prev", row.prev()).param("id", row.id()).query(Long.class).list().stream().findFirst()
                        : Optional.empty();
                long entries = jdbc.sql("SELECT COUNT(*) FROM audit_log").query(Long.class).single();
                return new Verification(false, entries, Optional.of(row.id()), chainsTo, Map.copyOf(hashesAt));
            }
            prev = row.hash();
            position++;
            if (positions.contains(position)) {
                hashesAt.put(position, row.hash());
            }
        }
        return new Verification(true, position, Optional.empty(), Optional.empty(), Map.copyOf(hashesAt));
    }

    /**
     * Entries in a time window, optionally of one action only, oldest first, handed to {@code each}
     * a page at a time: for export to a regulator, of a log that need not fit in memory.
     */
    public void between(Instant from, Instant to, Optional<String> action, java.util.function.Consumer<Map<String, Object>> each) {
        byId(after -> jdbc.sql("""
                        SELECT id, at, run_id, actor, action, subject, detail, prev_hash, hash FROM audit_log
                        WHERE id > :after AND at >= :from AND at < :to AND (:anyAction = TRUE OR action = :action)
                        ORDER BY id LIMIT :page""")
                .param("page", PAGE).param("after", after).param("from", Timestamps.utc(from)).param("to", Timestamps.utc(to))
                .param("anyAction", action.isEmpty()).param("action", action.orElse(""))
                .query((rs, n) -> row(rs, true)).list(), row -> (long) row.get("id"))
                .forEach(each);
    }

    /**
     * A query's rows in id order, read {@link #PAGE} at a time: {@code page} reads the rows after
     * the id it is given (the first page after {@link Long#MIN_VALUE}). The next page is read only
     * once the one before is used up, so a caller that stops early reads no further.
     */
    private static <T> Stream<T> byId(LongFunction<List<T>> page, ToLongFunction<T> id) {
        return Stream.iterate(page.apply(Long.MIN_VALUE), rows -> !rows.isEmpty(),
                        rows -> rows.size() < PAGE ? List.of() : page.apply(id.applyAsLong(rows.get(rows.size() - 1))))
                .flatMap(List::stream);
    }

    /** Entries about one subject (a blind index or a golden id), oldest first. */
    public List<Map<String, Object>> about(java.util.Collection<String> subjects) {
        if (subjects.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT id, at, run_id, actor, action, subject, detail FROM audit_log WHERE subject IN (:s) ORDER BY id")
                .param("s", subjects)
                .query((rs, n) -> row(rs, false)).list();
    }

    private static Map<String, Object> row(java.sql.ResultSet rs, boolean withHashes) throws java.sql.SQLException {
        Map<String, Object> row = new java.util.LinkedHashMap<>();
        row.put("id", rs.getLong("id"));
        row.put("at", Timestamps.read(rs, "at").toString());
        row.put("runId", rs.getString("run_id"));
        row.put("actor", rs.getString("actor"));
        row.put("action", rs.getString("action"));
        row.put("subject", rs.getString("subject"));
        row.put("detail", rs.getString("detail"));
        if (withHashes) {
            row.put("prevHash", rs.getString("prev_hash"));
            row.put("hash", rs.getString("hash"));
        }
        return row;
    }

    public long count(String action) {
        return jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE action = :action").param("action", action)
                .query(Long.class).single();
    }

    private static String orNul(String value) {
        return value == null ? "\u0000" : value;
    }

    static String hash(String prev, Instant at, Entry e) {
        // absent values hash as NUL, so an absent subject and the text "null" cannot be swapped
        String canonical = String.join("\u001f", prev, at.toString(), orNul(e.runId()), e.actor(), e.action(),
                orNul(e.subject()), e.detail());
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException missing) {
            throw new IllegalStateException("SHA-256 is part of every JDK", missing);
        }
    }
}
