package io.segmenthub.sync;

import java.util.List;
import java.util.Map;

/**
 * The changes one segment needs at one destination since the last successful push: members to
 * add and members to remove, each with the columns the destination asked for.
 */
public record SegmentPush(String destinationId, String segmentId, List<String> fields, List<Row> adds, List<Row> removes,
                          long withheld, long unmapped, Map<String, String> removalReasons) {

    public SegmentPush {
        fields = List.copyOf(fields);
        adds = List.copyOf(adds);
        removes = List.copyOf(removes);
        removalReasons = Map.copyOf(removalReasons);
    }

    public SegmentPush(String destinationId, String segmentId, List<String> fields, List<Row> adds, List<Row> removes,
                       long withheld, long unmapped) {
        this(destinationId, segmentId, fields, adds, removes, withheld, unmapped, Map.of());
    }

    /** Why a member is removed: consent, left the segment, merged, erased, no record in the destination's system. */
    public String reasonFor(String goldenId) {
        return removalReasons.getOrDefault(goldenId, "left the segment");
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
