package io.segmenthub.segment;

import java.util.Locale;

/** What a membership list is: a rule segment (may keep a holdout) or a tag (a label, no holdout). */
public enum SegmentKind {
    SEGMENT, TAG;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
