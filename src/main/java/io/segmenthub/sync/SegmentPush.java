package io.segmenthub.sync;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The changes one segment needs at one destination since the last successful push: members to
 * add and members to remove, each with the columns the destination asked for. After the write,
 * {@code rejected} holds the members whose row the destination refused (golden id to a reason
 * without personal data): their change is not confirmed, so the next run plans it again, while
 * the rows that were accepted are confirmed and never sent twice.
 */
public record SegmentPush(String destinationId, String segmentId, List<String> fields, List<Row> adds, List<Row> removes,
                          long withheld, long unmapped, Map<String, String> removalReasons, Map<String, String> rejected) {

    public SegmentPush {
        fields = List.copyOf(fields);
        adds = List.copyOf(adds);
        removes = List.copyOf(removes);
        removalReasons = Map.copyOf(removalReasons);
        rejected = Map.copyOf(rejected);
    }

    public SegmentPush(String destinationId, String segmentId, List<String> fields, List<Row> adds, List<Row> removes,
                       long withheld, long unmapped, Map<String, String> removalReasons) {
        this(destinationId, segmentId, fields, adds, removes, withheld, unmapped, removalReasons, Map.of());
    }

    public SegmentPush(String destinationId, String segmentId, List<String> fields, List<Row> adds, List<Row> removes,
                       long withheld, long unmapped) {
        this(destinationId, segmentId, fields, adds, removes, withheld, unmapped, Map.of());
    }

    /** Why a member is removed: consent, left the segment, merged, erased, no record in the destination's system. */
    public String reasonFor(String goldenId) {
        return removalReasons.getOrDefault(goldenId, "left the segment");
    }

    /** This push as the destination took it: the members it refused, each with the reason. */
    public SegmentPush rejecting(Map<String, String> refused) {
        Map<String, String> all = new HashMap<>(rejected);
        all.putAll(refused);
        return new SegmentPush(destinationId, segmentId, fields, adds, removes, withheld, unmapped, removalReasons, all);
    }

    /** This push without the rows the destination refused. */
    public SegmentPush accepted() {
        return new SegmentPush(destinationId, segmentId, fields, acceptedAdds(), acceptedRemoves(), withheld, unmapped, removalReasons, Map.of());
    }

    /** The adds the destination accepted. */
    public List<Row> acceptedAdds() {
        return adds.stream().filter(r -> !rejected.containsKey(r.goldenId())).toList();
    }

    /** The removes the destination accepted. */
    public List<Row> acceptedRemoves() {
        return removes.stream().filter(r -> !rejected.containsKey(r.goldenId())).toList();
    }

    /** Only the given members' changes: what an interrupted run is found to have delivered. */
    public SegmentPush onlyFor(Set<String> goldenIds) {
        return new SegmentPush(destinationId, segmentId, fields, adds.stream().filter(r -> goldenIds.contains(r.goldenId())).toList(),
                removes.stream().filter(r -> goldenIds.contains(r.goldenId())).toList(), 0, 0, removalReasons, Map.of());
    }

    /** One member as the destination sees it: golden id, its own record id, and any requested values. */
    public record Row(String goldenId, String externalId, Map<String, String> values) {
        public Row {
            values = Map.copyOf(values);
        }
    }

    public boolean isEmpty() {
        return adds.isEmpty() && removes.isEmpty();
    }
}
