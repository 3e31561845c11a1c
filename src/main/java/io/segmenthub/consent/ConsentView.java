package io.segmenthub.consent;

import io.segmenthub.crypto.BlindIndex;
import io.segmenthub.system.Futures;
import io.segmenthub.system.HubConfig;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * What each golden profile may be used for right now. A profile's consent per purpose is the
 * ledger's rule applied across all the identifiers of all its records (e-mails, phones, the
 * records themselves): the latest event wins, ties go to the more restrictive, and the purpose's
 * lawful basis decides whether no event at all permits it.
 */
@Component
public class ConsentView {

    private final JdbcClient jdbc;
    private final ConsentLedger ledger;
    private final BlindIndex blindIndex;
    private final HubConfig config;

    public ConsentView(JdbcClient jdbc, ConsentLedger ledger, BlindIndex blindIndex, HubConfig config) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.blindIndex = blindIndex;
        this.config = config;
    }

    /**
     * golden id to purpose to permitted, for every active golden profile and every configured purpose.
     * Called for the segments and again for each destination's push, so that a consent change
     * between them still reaches the push: it reads the ledger once, keeps only each identifier's
     * deciding event per purpose, and folds those into each profile's as its identifiers are read.
     * The latest-wins rule is a maximum, so the deciding event of a profile's deciding events is
     * the one over all its events.
     */
    public Map<String, Map<String, Boolean>> permitted(Instant at) {
        return permitted(at, golden -> true);
    }

    /**
     * The same for the profiles {@code wanted} accepts, the others left out: a push asks only
     * about its segments' members, so the records of everyone else are neither hashed nor folded.
     * The ledger and the identifiers are still read whole.
     */
    public Map<String, Map<String, Boolean>> permitted(Instant at, Predicate<String> wanted) {
        List<String> purposes = List.copyOf(config.purposes().keySet());
        List<LawfulBasis> bases = purposes.stream().map(id -> config.purposes().get(id).basis()).toList();
        // the records and their own identifiers are read on a connection of their own while the ledger and the other
        // identifiers are read here (the push: each read is a statement of its own anyway); inside a transaction
        // (the segments) every read must see its uncommitted profiles, so they run in turn on its connection
        CompletableFuture<RecordSubjects> recordsRead = TransactionSynchronizationManager.isActualTransactionActive()
                ? CompletableFuture.completedFuture(recordSubjects(wanted))
                : Futures.beside(() -> recordSubjects(wanted));
        Map<String, ConsentEvent[]> bySubject = ledger.decidingBySubject(purposes);
        Map<String, ConsentEvent[]> byProfile = new HashMap<>();
        // most identifiers have no events, and a profile without any is decided by the purposes' bases alone
        jdbc.sql("""
                        SELECT g.golden_id, i.hashed FROM record_index i JOIN record_golden g ON g.source_record_id = i.source_record_id""")
                .query(rs -> {
                    String golden = rs.getString(1);
                    if (wanted.test(golden)) {
                        fold(byProfile, golden, bySubject.get(rs.getString(2)));
                    }
                });
        RecordSubjects records = Futures.awaited(recordsRead);
        Set<String> profiles = new HashSet<>();
        for (int i = 0; i < records.goldens().size(); i++) {
            String golden = records.goldens().get(i);
            profiles.add(golden);
            fold(byProfile, golden, bySubject.get(records.subjects().get(i)));
        }
        // a handful of purposes make few distinct answers: profiles share one map per answer
        Map<List<Boolean>, Map<String, Boolean>> answers = new ConcurrentHashMap<>();
        Map<String, Map<String, Boolean>> result = new ConcurrentHashMap<>();
        profiles.parallelStream().forEach(golden -> {
            ConsentEvent[] deciding = byProfile.get(golden);
            List<Boolean> permits = new ArrayList<>(purposes.size());
            for (int p = 0; p < purposes.size(); p++) {
                Optional<ConsentStatus> state = deciding == null || deciding[p] == null ? Optional.empty() : deciding[p].effectiveAt(at);
                permits.add(bases.get(p).permits(state));
            }
            result.put(golden, answers.computeIfAbsent(permits, k -> answer(purposes, k)));
        });
        return result;
    }

    /** Each wanted profile's records, as their golden ids and their own identifiers, in the same order. */
    private record RecordSubjects(List<String> goldens, List<String> subjects) {
    }

    private RecordSubjects recordSubjects(Predicate<String> wanted) {
        List<String> goldens = new ArrayList<>();
        List<String> names = new ArrayList<>();
        jdbc.sql("SELECT g.golden_id, r.system, r.record_id FROM source_record r JOIN record_golden g ON g.source_record_id = r.id")
                .query(rs -> {
                    String golden = rs.getString(1);
                    if (wanted.test(golden)) {
                        goldens.add(golden);
                        names.add(rs.getString(2) + "/" + rs.getString(3));
                    }
                });
        // the records' own identifiers are keyed hashes: computed on both cores
        return new RecordSubjects(goldens, names.parallelStream().map(name -> blindIndex.of("record", name)).toList());
    }

    /** Takes an identifier's deciding events (by purpose) into its profile's. */
    private static void fold(Map<String, ConsentEvent[]> byProfile, String golden, ConsentEvent[] deciding) {
        if (deciding == null) {
            return;
        }
        ConsentEvent[] profile = byProfile.get(golden);
        if (profile == null) {
            byProfile.put(golden, deciding.clone());
            return;
        }
        for (int p = 0; p < deciding.length; p++) {
            profile[p] = ConsentLedger.deciding(profile[p], deciding[p]);
        }
    }

    private static Map<String, Boolean> answer(List<String> purposes, List<Boolean> permits) {
        Map<String, Boolean> answer = new TreeMap<>();
        for (int p = 0; p < purposes.size(); p++) {
            answer.put(purposes.get(p), permits.get(p));
        }
        return Collections.unmodifiableMap(answer);
    }
}
