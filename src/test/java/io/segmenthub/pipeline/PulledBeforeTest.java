package io.segmenthub.pipeline;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** When a pull reads a system's pulled hashes whole, and what it may then skip. */
class PulledBeforeTest {

    final List<Long> reads = new ArrayList<>();

    Optional<Map<String, String>> store(long rowsSoFar) {
        reads.add(rowsSoFar);
        return Optional.of(new HashMap<>(Map.of("C-1", "h1", "C-2", "h2", "C-3", "h3")));
    }

    @Test
    void readsTheHashesOnlyOnceEnoughRowsWereLookedUpAndHalfOfThemCameBackAsBefore() {
        PulledBefore known = new PulledBefore(4);

        known.lookedUp(2, 2, this::store);
        assertThat(reads).isEmpty(); // too few looked up yet
        assertThat(known.asBefore("C-1", "h1")).isFalse();

        known.lookedUp(2, 0, this::store);
        assertThat(reads).containsExactly(4L); // 2 of 4 as before: half is enough
        assertThat(known.held()).contains(3);
        assertThat(known.asBefore("C-1", "h1")).isTrue();
        assertThat(known.asBefore("C-1", "other")).isFalse();
        assertThat(known.asBefore("C-9", "h1")).isFalse();

        known.lookedUp(10, 10, this::store);
        assertThat(reads).hasSize(1); // read once
    }

    @Test
    void aPullOfMostlyNewOrChangedRowsNeverReadsTheHashes() {
        PulledBefore known = new PulledBefore(4);

        known.lookedUp(10, 4, this::store);
        known.lookedUp(10, 4, this::store);

        assertThat(reads).isEmpty();
        assertThat(known.held()).isEmpty();
        assertThat(known.asBefore("C-1", "h1")).isFalse();
    }

    @Test
    void aRecordExaminedByABatchIsLookedUpFromThenOn() {
        PulledBefore known = new PulledBefore(1);
        known.lookedUp(1, 1, this::store);

        known.forget(List.of("C-2"));

        assertThat(known.asBefore("C-2", "h2")).isFalse();
        assertThat(known.asBefore("C-3", "h3")).isTrue();
        assertThat(known.held()).contains(2);
    }

    @Test
    void aSystemTooLargeToHoldIsNotAskedForAgain() {
        PulledBefore known = new PulledBefore(1);
        List<Long> asked = new ArrayList<>();

        known.lookedUp(5, 5, rows -> {
            asked.add(rows);
            return Optional.empty();
        });
        known.lookedUp(5, 5, rows -> {
            asked.add(rows);
            return Optional.empty();
        });

        assertThat(asked).containsExactly(5L);
        assertThat(known.held()).isEmpty();
        assertThat(known.asBefore("C-1", "h1")).isFalse();
    }
}
