package io.segmenthub.fault;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What a world's runs left behind, in a form two worlds can be compared by: golden ids are random,
 * so every profile is named by its source records ({@code [crm:C-2, erp:K-2]}); the rest is sets
 * and counts. Also replays the file destination's changes files to find a member added twice
 * without a remove between, or removed while not there.
 */
record Outcome(TreeSet<String> profiles, TreeMap<String, TreeSet<String>> memberships, TreeMap<String, TreeSet<String>> pushState,
               TreeMap<String, String> watermarks, TreeMap<String, Long> counts, TreeSet<String> newsletterList,
               TreeSet<String> destinationTable, List<String> changeAnomalies, long outboxRows) {

    /** The same results: what a clean run's outcome is compared with after faults and reruns. */
    Map<String, Object> results() {
        Map<String, Object> results = new TreeMap<>();
        results.put("profiles", profiles);
        results.put("memberships", memberships);
        results.put("push state", pushState);
        results.put("watermarks", watermarks);
        results.put("counts", counts);
        results.put("newsletter list", newsletterList);
        results.put("destination table", destinationTable);
        return results;
    }

    static Outcome read(String storeUrl, String storeUser, FaultWorld world) {
        try (Connection store = DriverManager.getConnection(storeUrl, storeUser, "")) {
            return read(store, world);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static Outcome read(Connection store, FaultWorld world) throws SQLException {
        Map<String, TreeSet<String>> recordsByGolden = new HashMap<>();
        Map<String, String> mergedInto = new HashMap<>();
        query(store, "SELECT golden_id, merged_into FROM golden_profile WHERE merged_into IS NOT NULL",
                rs -> mergedInto.put(rs.getString(1), rs.getString(2)));
        query(store, "SELECT g.golden_id, r.system, r.record_id FROM source_record r JOIN record_golden g ON g.source_record_id = r.id",
                rs -> recordsByGolden.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(rs.getString(2) + ":" + rs.getString(3)));
        Map<String, String> name = new HashMap<>();
        recordsByGolden.forEach((golden, records) -> name.put(golden, records.toString()));
        mergedInto.forEach((from, to) -> name.putIfAbsent(from, name.getOrDefault(to, "merged:" + to)));

        TreeSet<String> profiles = new TreeSet<>(name.values());
        TreeMap<String, TreeSet<String>> memberships = new TreeMap<>();
        query(store, "SELECT segment_id, golden_id FROM segment_membership WHERE exited_at IS NULL",
                rs -> memberships.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(name.getOrDefault(rs.getString(2), "?")));
        TreeMap<String, TreeSet<String>> pushState = new TreeMap<>();
        query(store, "SELECT destination_id, segment_id, golden_id FROM push_state",
                rs -> pushState.computeIfAbsent(rs.getString(1) + "/" + rs.getString(2), k -> new TreeSet<>())
                        .add(name.getOrDefault(rs.getString(3), "?")));
        TreeMap<String, String> watermarks = new TreeMap<>();
        query(store, "SELECT connector_id, position FROM watermark", rs -> watermarks.put(rs.getString(1), rs.getString(2)));
        TreeMap<String, Long> counts = new TreeMap<>();
        for (String table : List.of("source_record", "purchase", "consent_event", "golden_attribute", "profile_score")) {
            query(store, "SELECT COUNT(*) FROM " + table, rs -> counts.put(table, rs.getLong(1)));
        }
        query(store, "SELECT COUNT(*) FROM golden_profile WHERE merged_into IS NULL AND erased_at IS NULL",
                rs -> counts.put("active profiles", rs.getLong(1)));
        long[] outbox = {0};
        query(store, "SELECT COUNT(*) FROM push_outbox", rs -> outbox[0] = rs.getLong(1));

        TreeSet<String> list = new TreeSet<>();
        Path listFile = world.out.resolve("buyers.csv");
        if (Files.exists(listFile)) {
            csv(listFile).forEach(r -> list.add(name.getOrDefault(r.get("golden_id"), "?")));
        }
        TreeSet<String> table = new TreeSet<>();
        try (Connection destination = DriverManager.getConnection(world.destinationUrl, "sa", "")) {
            query(destination, "SELECT segment_id, golden_id, external_id FROM hub_segment_members", rs -> table.add(
                    rs.getString(1) + " " + name.getOrDefault(rs.getString(2), "?") + " " + rs.getString(3)));
        } catch (SQLException e) {
            if (!String.valueOf(e.getMessage()).contains("HUB_SEGMENT_MEMBERS")) {
                throw e;
            }
        }
        return new Outcome(profiles, memberships, pushState, watermarks, counts, list, table, replayChanges(world, name), outbox[0]);
    }

    /** Applies every changes file of the newsletter in run order; an add of a member already there is a duplicate. */
    static List<String> replayChanges(FaultWorld world, Map<String, String> name) {
        List<String> anomalies = new ArrayList<>();
        Path dir = world.out.resolve("buyers");
        if (!Files.isDirectory(dir)) {
            return anomalies;
        }
        TreeSet<String> members = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith("-changes.csv")).sorted().toList()) {
                for (CSVRecord r : csv(file)) {
                    String who = name.getOrDefault(r.get("golden_id"), r.get("golden_id"));
                    if (r.get("action").equals("add") && !members.add(who)) {
                        anomalies.add(file.getFileName() + ": duplicate add of " + who);
                    } else if (r.get("action").equals("remove") && !members.remove(who)) {
                        anomalies.add(file.getFileName() + ": remove of " + who + " who was not there");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TreeSet<String> list = new TreeSet<>();
        Path listFile = world.out.resolve("buyers.csv");
        if (Files.exists(listFile)) {
            csv(listFile).forEach(r -> list.add(name.getOrDefault(r.get("golden_id"), "?")));
        }
        if (!members.equals(list)) {
            anomalies.add("replayed changes " + members.size() + " members differ from the list file's " + list.size());
        }
        return anomalies;
    }

    private static List<CSVRecord> csv(Path file) {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
            return parser.getRecords();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    static void query(Connection c, String sql, Row row) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                row.accept(rs);
            }
        }
    }
}
