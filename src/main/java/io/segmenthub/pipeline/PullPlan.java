package io.segmenthub.pipeline;

import io.segmenthub.connector.ConnectorConfig;
import io.segmenthub.connector.ConnectorKind;
import io.segmenthub.consent.Purpose;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * In what order a run pulls its connectors, and which of them side by side. Storing a batch
 * mostly waits on the store, one statement after another on one connection, so connectors pulled
 * side by side keep it busier. What a run pulled one at a time it still pulls in the same order
 * where the order can change what is stored:
 * <ul>
 *   <li>consent sources come first, one at a time, so this run's opt-ins and withdrawals gate this
 *       run's data;</li>
 *   <li>the connectors of one source system stay one lane, pulled one after another in the order
 *       listed: they share record ids (the ERP's customers and its orders), and a batch must see
 *       the records of the one before;</li>
 *   <li>a lane waits for every lane listed before it that carries consent (opt-in fields, TCF
 *       strings) for a purpose one of its connectors is gated by, as it did when connectors were
 *       pulled in the order listed.</li>
 * </ul>
 * Lanes of one wave are pulled side by side, at most {@code segmenthub.pull-lanes} at once.
 */
public record PullPlan(List<List<List<String>>> waves) {

    public PullPlan {
        waves = waves.stream().map(w -> w.stream().map(List::copyOf).toList()).toList();
    }

    /** The plan for {@code connectors}, in the order they are listed, under the hub's {@code purposes}. */
    public static PullPlan of(List<ConnectorConfig> connectors, Map<String, Purpose> purposes) {
        List<List<List<String>>> waves = new ArrayList<>();
        List<String> consentSources = connectors.stream().filter(c -> c.kindOrDefault() == ConnectorKind.CONSENT)
                .map(ConnectorConfig::id).toList();
        if (!consentSources.isEmpty()) {
            waves.add(List.of(consentSources));
        }
        List<ConnectorConfig> people = connectors.stream().filter(c -> c.kindOrDefault() != ConnectorKind.CONSENT).toList();
        Set<String> tcfPurposes = new HashSet<>();
        purposes.forEach((id, p) -> {
            if (!p.tcfPurposes().isEmpty()) {
                tcfPurposes.add(id);
            }
        });
        // before[a][b]: connector b, listed after a, is gated by a purpose a's records carry consent for
        boolean[][] before = new boolean[people.size()][people.size()];
        for (int a = 0; a < people.size(); a++) {
            Set<String> carried = carriesConsent(people.get(a), tcfPurposes);
            for (int b = a + 1; b < people.size(); b++) {
                before[a][b] = carried.contains(people.get(b).purpose());
            }
        }
        // a lane per source system, its connectors by position in the list; lanes that must each go
        // before the other become one lane, in the order listed
        Map<String, TreeSet<Integer>> bySystem = new LinkedHashMap<>();
        for (int i = 0; i < people.size(); i++) {
            bySystem.computeIfAbsent(people.get(i).systemName(), s -> new TreeSet<>()).add(i);
        }
        List<TreeSet<Integer>> lanes = new ArrayList<>(bySystem.values());
        for (List<Integer> cycle = cycle(lanes, before); !cycle.isEmpty(); cycle = cycle(lanes, before)) {
            TreeSet<Integer> merged = new TreeSet<>();
            cycle.forEach(l -> merged.addAll(lanes.get(l)));
            List<TreeSet<Integer>> rest = new ArrayList<>();
            for (int l = 0; l < lanes.size(); l++) {
                if (!cycle.contains(l)) {
                    rest.add(lanes.get(l));
                }
            }
            rest.add(merged);
            rest.sort(Comparator.comparing(TreeSet::first));
            lanes.clear();
            lanes.addAll(rest);
        }
        // each lane in the wave after the last lane it must follow (no cycles are left)
        int[] wave = new int[lanes.size()];
        Arrays.fill(wave, -1);
        int first = waves.size();
        for (int b = 0; b < lanes.size(); b++) {
            int w = wave(b, lanes, before, wave);
            while (waves.size() <= first + w) {
                waves.add(new ArrayList<>());
            }
            waves.get(first + w).add(lanes.get(b).stream().map(i -> people.get(i).id()).toList());
        }
        return new PullPlan(waves);
    }

    private static int wave(int lane, List<TreeSet<Integer>> lanes, boolean[][] before, int[] wave) {
        if (wave[lane] < 0) {
            int w = 0;
            for (int other = 0; other < lanes.size(); other++) {
                if (other != lane && follows(lanes.get(lane), lanes.get(other), before)) {
                    w = Math.max(w, wave(other, lanes, before, wave) + 1);
                }
            }
            wave[lane] = w;
        }
        return wave[lane];
    }

    /** Whether some connector of {@code lane} must wait for one of {@code other}. */
    private static boolean follows(Set<Integer> lane, Set<Integer> other, boolean[][] before) {
        return other.stream().anyMatch(a -> lane.stream().anyMatch(b -> before[a][b]));
    }

    /** The lanes of a cycle of lanes that must each wait for the one before, or none. */
    private static List<Integer> cycle(List<TreeSet<Integer>> lanes, boolean[][] before) {
        int[] state = new int[lanes.size()]; // 0 unseen, 1 on the path, 2 done
        java.util.Deque<Integer> path = new java.util.ArrayDeque<>();
        for (int start = 0; start < lanes.size(); start++) {
            List<Integer> found = cycleFrom(start, lanes, before, state, path);
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    private static List<Integer> cycleFrom(int lane, List<TreeSet<Integer>> lanes, boolean[][] before, int[] state,
                                           java.util.Deque<Integer> path) {
        if (state[lane] == 2) {
            return List.of();
        }
        if (state[lane] == 1) {
            List<Integer> cycle = new ArrayList<>();
            for (int l : path) { // the path, newest first: up to where it came back
                cycle.add(l);
                if (l == lane) {
                    break;
                }
            }
            return cycle;
        }
        state[lane] = 1;
        path.push(lane);
        for (int next = 0; next < lanes.size(); next++) {
            if (next != lane && follows(lanes.get(next), lanes.get(lane), before)) {
                List<Integer> found = cycleFrom(next, lanes, before, state, path);
                if (!found.isEmpty()) {
                    return found;
                }
            }
        }
        path.pop();
        state[lane] = 2;
        return List.of();
    }

    /** The purposes a person connector's records carry consent for. */
    static Set<String> carriesConsent(ConnectorConfig connector, Set<String> tcfPurposes) {
        Set<String> purposes = new HashSet<>(connector.mapping().consent().keySet());
        if (connector.mapping().tcfString() != null) {
            purposes.addAll(tcfPurposes);
        }
        return purposes;
    }

    /** The plan as the run's log shows it: waves by "then", lanes of a wave by "|". */
    public String describe() {
        return waves.stream().map(w -> w.stream().map(l -> String.join(", ", l)).collect(Collectors.joining(" | ")))
                .collect(Collectors.joining(", then "));
    }

    /** Every connector, in the order the plan starts them. */
    public List<String> connectorIds() {
        return waves.stream().flatMap(List::stream).flatMap(List::stream).toList();
    }
}
