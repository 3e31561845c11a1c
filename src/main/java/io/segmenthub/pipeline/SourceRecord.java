package io.segmenthub.pipeline;

import io.segmenthub.profile.Attribute;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One record as a connector pulled it, mapped onto the canonical shape: who the person is
 * (raw identity attributes, not yet cleaned), what they consented to, what they bought and
 * how they engaged. {@code system} and {@code recordId} name the record in its own system,
 * which is how lineage, transactions and pushes refer back to it.
 */
public record SourceRecord(
        String system,
        String recordId,
        Instant updatedAt,
        Map<Attribute, String> identity,
        Map<String, String> metrics,
        List<ConsentSignal> consents,
        List<Transaction> transactions,
        List<EngagementEvent> events) {

    public SourceRecord {
        identity = identity.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(identity));
        metrics = Map.copyOf(metrics);
        consents = List.copyOf(consents);
        transactions = List.copyOf(transactions);
        events = List.copyOf(events);
    }

    public boolean hasIdentity() {
        return !identity.isEmpty();
    }
}
