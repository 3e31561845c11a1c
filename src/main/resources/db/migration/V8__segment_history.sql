-- Segment and tag sizes per run, with how many entered and exited, so size over time can be read
-- without replaying run reports. Who entered or exited in a run is in segment_membership
-- (entered_run, exited_run).
CREATE TABLE segment_history (
    run_id      VARCHAR(40) NOT NULL,
    segment_id  VARCHAR(64) NOT NULL,
    kind        VARCHAR(16) NOT NULL,
    recorded_at TIMESTAMP WITH TIME ZONE NOT NULL,
    members     INTEGER     NOT NULL,
    entered     INTEGER     NOT NULL,
    exited      INTEGER     NOT NULL,
    holdout     INTEGER     NOT NULL,
    PRIMARY KEY (run_id, segment_id)
);
CREATE INDEX segment_history_segment ON segment_history (segment_id, recorded_at);
CREATE INDEX segment_membership_entered_run ON segment_membership (segment_id, entered_run);
CREATE INDEX segment_membership_exited_run ON segment_membership (segment_id, exited_run);
