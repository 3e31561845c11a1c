package io.segmenthub.system;

import io.segmenthub.connector.ConnectorConfig;
import io.segmenthub.connector.DestinationConfig;
import io.segmenthub.consent.Purpose;
import io.segmenthub.consent.TcfConsent;
import io.segmenthub.profile.Attribute;
import io.segmenthub.segment.SegmentDefinition;
import io.segmenthub.segment.TagDefinition;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Everything a user edits in the config folder, parsed, validated and cross-checked. */
public record HubConfig(
        Path dir,
        HubSettings hub,
        List<SyncSchedule> syncs,
        List<ConnectorConfig> connectors,
        List<DestinationConfig> destinations,
        Map<String, Purpose> purposes,
        List<SegmentDefinition> segments,
        List<TagDefinition> tags) {

    public HubConfig {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    public HubConfig(Path dir, HubSettings hub, List<SyncSchedule> syncs, List<ConnectorConfig> connectors,
                     List<DestinationConfig> destinations, Map<String, Purpose> purposes, List<SegmentDefinition> segments) {
        this(dir, hub, syncs, connectors, destinations, purposes, segments, List.of());
    }

    public ConnectorConfig connector(String id) {
        return connectors.stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no connector '" + id + "'"));
    }

    public DestinationConfig destination(String id) {
        return destinations.stream().filter(d -> d.id().equals(id)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no destination '" + id + "'"));
    }

    public Optional<SyncSchedule> sync(String id) {
        return syncs.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    public Purpose purpose(String id) {
        return Optional.ofNullable(purposes.get(id))
                .orElseThrow(() -> new NoSuchElementException("no purpose '" + id + "'"));
    }

    public Map<String, SegmentDefinition> segmentsById() {
        return segments.stream().collect(Collectors.toMap(SegmentDefinition::id, Function.identity()));
    }

    public Map<String, TagDefinition> tagsById() {
        return tags.stream().collect(Collectors.toMap(TagDefinition::id, Function.identity()));
    }

    /** The TCF reader for this config: purposes that declare tcf-purposes, and the hub's TCF settings. */
    public TcfConsent tcfConsent() {
        Map<String, List<Integer>> mapped = new java.util.LinkedHashMap<>();
        purposes.forEach((id, p) -> {
            if (!p.tcfPurposes().isEmpty()) {
                mapped.put(id, p.tcfPurposes());
            }
        });
        return new TcfConsent(mapped, Optional.ofNullable(hub.tcf().vendorId()), hub.tcf().minPolicyVersionOrDefault());
    }

    public Set<Attribute> personalAttributes() {
        Set<Attribute> personal = EnumSet.noneOf(Attribute.class);
        hub.personalData().forEach(key -> Attribute.fromKey(key).ifPresent(personal::add));
        return personal;
    }
}
