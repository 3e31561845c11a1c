package io.segmenthub.subject;

import io.segmenthub.system.InLists;
import io.segmenthub.system.SlicedBatch;
import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What is left of an erased person: for each of their identifiers (blind indexes), when it was
 * erased. Ingest consults it so a source that still holds the person does not bring them back.
 */
@Repository
public class Tombstones {

    private final JdbcClient jdbc;
    private final boolean postgres;

    public Tombstones(JdbcClient jdbc, NamedParameterJdbcTemplate named) {
        this.jdbc = jdbc;
        this.postgres = SlicedBatch.postgres(named.getJdbcTemplate());
    }

    /** The latest erasure of any of these identifiers, if one was erased. */
    public Optional<Instant> erasedAt(Collection<String> subjects) {
        if (subjects.isEmpty()) {
            return Optional.empty();
        }
        return erasures(subjects).values().stream().max(Instant::compareTo);
    }

    /**
     * When each of these identifiers was erased, for those that were: for a whole batch of records
     * in one query on PostgreSQL (each identifier looked up by index, see {@link InLists#eachLookedUp}),
     * in {@code IN} lists of a thousand on H2.
     */
    public Map<String, Instant> erasures(Collection<String> subjects) {
        Map<String, Instant> erased = new HashMap<>();
        List<String> wanted = List.copyOf(new LinkedHashSet<>(subjects));
        if (wanted.isEmpty()) {
            return erased;
        }
        for (List<String> chunk : postgres ? List.of(wanted) : InLists.of(wanted)) {
            var query = postgres
                    ? jdbc.sql("SELECT found.* FROM " + InLists.eachLookedUp(":subjects", "subject",
                            "SELECT subject, erased_at FROM erasure_tombstone WHERE subject = wanted.subject"))
                    .param("subjects", chunk.toArray(String[]::new))
                    : jdbc.sql("SELECT subject, erased_at FROM erasure_tombstone WHERE subject IN (:subjects)").param("subjects", chunk);
            query.query(rs -> {
                erased.merge(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant(), (a, b) -> a.isAfter(b) ? a : b);
            });
        }
        return erased;
    }

    void add(Collection<String> subjects, String requestId, Instant at) {
        for (String subject : subjects) {
            jdbc.sql("""
                            INSERT INTO erasure_tombstone (subject, request_id, erased_at)
                            SELECT :subject, :request, :at WHERE NOT EXISTS (SELECT 1 FROM erasure_tombstone WHERE subject = :subject)""")
                    .param("subject", subject).param("request", requestId).param("at", Timestamps.utc(at)).update();
        }
    }
}
