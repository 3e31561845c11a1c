package io.segmenthub.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IdentityResolverComponentsTest {

    static final Instant T = Instant.parse("2026-01-15T10:00:00Z");

    static SourceRecordStore.Facts record(long id) {
        return new SourceRecordStore.Facts(id, "crm", "c-" + id, T, List.of("email"), List.of(), Optional.empty(), "run-1");
    }

    static SourceRecordStore.IndexEntry email(String hashed) {
        return new SourceRecordStore.IndexEntry("email", hashed);
    }

    static SourceRecordStore.IndexEntry phone(String hashed) {
        return new SourceRecordStore.IndexEntry("phone", hashed);
    }

    static List<List<Long>> ids(List<List<SourceRecordStore.Facts>> components) {
        return components.stream().map(c -> c.stream().map(SourceRecordStore.Facts::id).sorted().toList()).toList();
    }

    @Test
    void recordsSharingAnEmailIndexJoin() {
        var components = IdentityResolver.components(List.of(record(1), record(2), record(3)),
                Map.of(1L, List.of(email("e-ann")), 2L, List.of(email("e-bob")), 3L, List.of(email("e-ann"))));

        assertThat(ids(components)).containsExactlyInAnyOrder(List.of(1L, 3L), List.of(2L));
    }

    @Test
    void recordsSharingAPhoneIndexJoin() {
        var components = IdentityResolver.components(List.of(record(1), record(2)),
                Map.of(1L, List.of(email("e-ann"), phone("p-1")), 2L, List.of(phone("p-1"))));

        assertThat(ids(components)).containsExactly(List.of(1L, 2L));
    }

    @Test
    void joinsAreTransitive() {
        // 1 and 2 share an e-mail, 2 and 3 a phone, 3 and 4 another e-mail: one person
        var components = IdentityResolver.components(List.of(record(4), record(1), record(3), record(2), record(5)),
                Map.of(1L, List.of(email("e-ann")),
                        2L, List.of(email("e-ann"), phone("p-1")),
                        3L, List.of(phone("p-1"), email("e-ann-work")),
                        4L, List.of(email("e-ann-work")),
                        5L, List.of(email("e-cy"))));

        assertThat(ids(components)).containsExactlyInAnyOrder(List.of(1L, 2L, 3L, 4L), List.of(5L));
    }

    @Test
    void anEmailAndAPhoneWithTheSameIndexValueDoNotJoin() {
        var components = IdentityResolver.components(List.of(record(1), record(2)),
                Map.of(1L, List.of(email("same-hash")), 2L, List.of(phone("same-hash"))));

        assertThat(ids(components)).containsExactlyInAnyOrder(List.of(1L), List.of(2L));
    }

    @Test
    void aRecordWithoutAnyIndexIsItsOwnComponent() {
        var components = IdentityResolver.components(List.of(record(1), record(2), record(3)),
                Map.of(1L, List.of(email("e-ann")), 3L, List.of(email("e-ann"))));

        assertThat(ids(components)).containsExactlyInAnyOrder(List.of(1L, 3L), List.of(2L));
    }

    @Test
    void everyRecordLandsInExactlyOneComponent() {
        var components = IdentityResolver.components(List.of(record(1), record(2), record(3), record(4)),
                Map.of(1L, List.of(phone("p-1")), 2L, List.of(phone("p-2")), 3L, List.of(phone("p-1"), phone("p-2"))));

        assertThat(ids(components)).containsExactlyInAnyOrder(List.of(1L, 2L, 3L), List.of(4L));
    }

    @Test
    void noRecordsNoComponents() {
        assertThat(IdentityResolver.components(List.of(), Map.of())).isEmpty();
    }
}
