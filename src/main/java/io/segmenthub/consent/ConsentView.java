package io.segmenthub.consent;

import io.segmenthub.crypto.BlindIndex;
import io.segmenthub.system.HubConfig;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        Map<String, List<String>> subjects = new HashMap<>();
        jdbc.sql("""
                        SELECT r.golden_id, i.hashed FROM record_index i JOIN source_record r ON r.id = i.source_record_id
                        WHERE r.golden_id IS NOT NULL""")
                .query(rs -> {
                    subjects.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                });
        List<String[]> records = new ArrayList<>();
        jdbc.sql("SELECT golden_id, system, record_id FROM source_record WHERE golden_id IS NOT NULL")
                .query(rs -> {
                    records.add(new String[]{rs.getString(1), rs.getString(2) + "/" + rs.getString(3)});
                });
        // the records' own identifiers are keyed hashes: computed on both cores
        List<String> recordSubjects = records.parallelStream().map(r -> blindIndex.of("record", r[1])).toList();
        for (int i = 0; i < records.size(); i++) {
            subjects.computeIfAbsent(records.get(i)[0], k -> new ArrayList<>()).add(recordSubjects.get(i));
        }
        Map<String, List<ConsentEvent>> events = ledger.all();
        Map<String, Map<String, Boolean>> result = new ConcurrentHashMap<>();
        subjects.entrySet().parallelStream().forEach(entry -> {
            String golden = entry.getKey();
            List<String> ids = entry.getValue();
            Map<String, List<ConsentEvent>> byPurpose = new HashMap<>();
            for (String id : ids) {
                for (ConsentEvent e : events.getOrDefault(id, List.of())) {
                    byPurpose.computeIfAbsent(e.purpose(), k -> new ArrayList<>()).add(e);
                }
            }
            Map<String, Boolean> permits = new TreeMap<>();
            config.purposes().forEach((purposeId, purpose) -> {
                Optional<ConsentStatus> state = ConsentLedger.latest(byPurpose.getOrDefault(purposeId, List.of()))
                        .flatMap(e -> e.effectiveAt(at));
                permits.put(purposeId, purpose.basis().permits(state));
            });
            result.put(golden, permits);
        });
        return result;
    }
}
