package io.segmenthub.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The kept term counts (V23) held to the match keys themselves. */
public final class KeptTermCounts {

    private KeptTermCounts() {
    }

    /** Every term value's kept count and every term kind's total equal what counting the keys gives. */
    public static void areThoseOfTheKeys(JdbcClient jdbc) {
        Function<String, Map<String, Long>> counted = sql -> {
            Map<String, Long> found = new TreeMap<>();
            jdbc.sql(sql).query(rs -> {
                found.put(rs.getString(1) + "/" + Base64.getEncoder().encodeToString(rs.getBytes(2)), rs.getLong(3));
            });
            return found;
        };
        Map<String, Long> fromKeys = counted.apply("SELECT kind, hashed, COUNT(*) FROM match_key WHERE kind LIKE 'tf:%' GROUP BY kind, hashed");
        assertThat(fromKeys).isNotEmpty();
        assertThat(counted.apply("SELECT kind, hashed, holders FROM match_term_count")).isEqualTo(fromKeys);
        assertThat(jdbc.sql("SELECT kind, holders FROM match_term_total WHERE holders <> 0").query(
                (rs, n) -> Map.entry(rs.getString(1), rs.getLong(2))).list())
                .containsExactlyInAnyOrderElementsOf(jdbc.sql("SELECT kind, COUNT(*) FROM match_key WHERE kind LIKE 'tf:%' GROUP BY kind")
                        .query((rs, n) -> Map.entry(rs.getString(1), rs.getLong(2))).list());
    }
}
