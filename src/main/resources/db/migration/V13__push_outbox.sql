-- Pushes planned but not yet confirmed. A row is written before the destination is written and
-- deleted when the push is confirmed, so after a crash between the destination's write and the
-- confirmation the next run can ask the destination whether the row arrived, instead of sending
-- it again (a duplicate add) or forgetting it (a missed remove).
CREATE TABLE push_outbox (
    destination_id VARCHAR(64)  NOT NULL,
    segment_id     VARCHAR(64)  NOT NULL,
    golden_id      VARCHAR(40)  NOT NULL,
    action         VARCHAR(8)   NOT NULL,
    external_id    VARCHAR(200),
    run_id         VARCHAR(40)  NOT NULL,
    reason         VARCHAR(200),
    planned_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (destination_id, segment_id, golden_id)
);
