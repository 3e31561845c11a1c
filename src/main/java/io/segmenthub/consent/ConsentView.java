package io.segmenthub.consent;

import io.segmenthub.crypto.BlindIndex;
import io.segmenthub.system.HubConfig;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

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
import java.util.concurrent.ConcurrentHashMap;

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

    /** golden id to purpose to permitted, for every active golden profile and every configured purpose. */
    public Map<String, Map<String, Boolean>> permitted(Instant at) {
        Map<String, List<ConsentEvent>> ledgerEvents = ledger.all();
        // each profile's events, gathered through the identifiers of its records as they are read;
        // most identifiers have none, and a profile without any is decided by the purposes' bases alone
        Map<String, List<ConsentEvent>> eventsOf = new HashMap<>();
        jdbc.sql("""
                        SELECT r.golden_id, i.hashed FROM record_index i JOIN source_record r ON r.id = i.source_record_id
                        WHERE r.golden_id IS NOT NULL""")
                .query(rs -> {
                    collect(eventsOf, rs.getString(1), ledgerEvents.get(rs.getString(2)));
                });
        List<String[]> records = new ArrayList<>();
        jdbc.sql("SELECT golden_id, system, record_id FROM source_record WHERE golden_id IS NOT NULL")
                .query(rs -> {
                    records.add(new String[]{rs.getString(1), rs.getString(2) + "/" + rs.getString(3)});
                });
        // the records' own identifiers are keyed hashes: computed on both cores
        List<String> recordSubjects = records.parallelStream().map(r -> blindIndex.of("record", r[1])).toList();
        Set<String> profiles = new HashSet<>();
        for (int i = 0; i < records.size(); i++) {
            profiles.add(records.get(i)[0]);
            collect(eventsOf, records.get(i)[0], ledgerEvents.get(recordSubjects.get(i)));
        }
        Map<String, Boolean> withoutEvents = Collections.unmodifiableMap(decide(List.of(), at));
        Map<String, Map<String, Boolean>> result = new ConcurrentHashMap<>();
        profiles.parallelStream().forEach(golden -> {
            List<ConsentEvent> events = eventsOf.get(golden);
            result.put(golden, events == null ? withoutEvents : decide(events, at));
        });
        return result;
    }

    private static void collect(Map<String, List<ConsentEvent>> eventsOf, String golden, List<ConsentEvent> events) {
        if (events != null) {
            eventsOf.computeIfAbsent(golden, k -> new ArrayList<>()).addAll(events);
        }
    }

    /** Purpose to permitted, for one profile's events (of all its identifiers) by the ledger's rule. */
    private Map<String, Boolean> decide(List<ConsentEvent> events, Instant at) {
        Map<String, List<ConsentEvent>> byPurpose = new HashMap<>();
        for (ConsentEvent e : events) {
            byPurpose.computeIfAbsent(e.purpose(), k -> new ArrayList<>()).add(e);
        }
        Map<String, Boolean> permits = new TreeMap<>();
        config.purposes().forEach((purposeId, purpose) -> {
            Optional<ConsentStatus> state = ConsentLedger.latest(byPurpose.getOrDefault(purposeId, List.of()))
                    .flatMap(e -> e.effectiveAt(at));
            permits.put(purposeId, purpose.basis().permits(state));
        });
        return permits;
    }
}
