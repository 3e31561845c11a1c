package io.segmenthub.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

class InListsTest {

    @Test
    void valuesAreSlicedInOrderIntoListsOfAThousand() {
        List<Integer> values = IntStream.range(0, 2_500).boxed().toList();

        List<List<Integer>> slices = InLists.of(values);

        assertThat(slices).extracting(List::size).containsExactly(1_000, 1_000, 500);
        assertThat(slices.stream().flatMap(List::stream).toList()).isEqualTo(values);
        assertThat(InLists.of(List.of())).isEmpty();
    }

    @Test
    void aValuesTableHasOneRowPerValue() {
        assertThat(InLists.valuesTable(3)).isEqualTo("(VALUES (?), (?), (?))");
        assertThat(InLists.valuesTable(2, "CAST(? AS BYTEA)")).isEqualTo("(VALUES (CAST(? AS BYTEA)), (CAST(? AS BYTEA)))");
        assertThatThrownBy(() -> InLists.valuesTable(0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A batch of thousands of values against a table of tens of thousands of rows: joined to the
     * values (or asked as {@code = ANY(?)}), PostgreSQL hashes the batch and reads the whole table,
     * every batch; each value looked up in turn, it uses the index, and finds exactly the stored
     * values.
     */
    @Test
    void onPostgresEachValueOfABatchIsLookedUpByIndex() throws Exception {
        TestPostgres.inSchema("in_lists", (pool, schema) -> {
            JdbcClient jdbc = JdbcClient.create(pool);
            jdbc.sql("CREATE TABLE item (system VARCHAR(64) NOT NULL, item_id VARCHAR(64) NOT NULL, UNIQUE (system, item_id))").update();
            jdbc.sql("INSERT INTO item SELECT 'erp', 'tx-' || n FROM generate_series(1, 60000) AS n").update();
            jdbc.sql("ANALYZE item").update();
            String[] batch = IntStream.range(0, 6_000).mapToObj(n -> "tx-" + (n * 9)).toArray(String[]::new);
            String sql = "SELECT found.item_id FROM " + InLists.eachLookedUp("?", "id",
                    "SELECT item_id FROM item WHERE system = ? AND item_id = wanted.id");

            String plan = String.join("\n", jdbc.sql("EXPLAIN " + sql).params(batch, "erp").query(String.class).list());
            List<String> found = jdbc.sql(sql).params(batch, "erp").query(String.class).list();

            assertThat(plan).contains("Index").doesNotContain("Seq Scan on item");
            assertThat(found).as("tx-0 is not stored; the other 5,999 are").hasSize(5_999).doesNotContain("tx-0")
                    .contains("tx-9", "tx-53991");
        });
    }
}
