package io.segmenthub.pipeline;

import java.time.Instant;

/** Something the person did in a channel (page view, newsletter open, ...). */
public record EngagementEvent(String id, String type, Instant occurredAt) {
}
