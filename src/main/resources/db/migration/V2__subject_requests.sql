-- Subject requests (GDPR Art. 15 access, Art. 17 erasure; PIPL Art. 45, 47).
-- An erasure deletes the person's data keys (crypto-shredding) and source records, and leaves a
-- tombstone per identifier (a blind index, never plaintext) so the person is not imported again
-- from a source that still holds them, unless they come back with a new consent.

CREATE TABLE subject_request (
    id           VARCHAR(40)  PRIMARY KEY,
    kind         VARCHAR(16)  NOT NULL,
    requested_at TIMESTAMP WITH TIME ZONE NOT NULL,
    requested_by VARCHAR(64)  NOT NULL,
    golden_ids   VARCHAR(4000) NOT NULL,
    records      INTEGER      NOT NULL
);

CREATE TABLE erasure_tombstone (
    subject    VARCHAR(64) PRIMARY KEY,
    request_id VARCHAR(40) NOT NULL,
    erased_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE erasure_receipt (
    request_id     VARCHAR(40) NOT NULL,
    destination_id VARCHAR(64) NOT NULL,
    segment_id     VARCHAR(64) NOT NULL,
    golden_id      VARCHAR(40) NOT NULL,
    removed_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    run_id         VARCHAR(40) NOT NULL,
    PRIMARY KEY (request_id, destination_id, segment_id, golden_id)
);

ALTER TABLE golden_profile ADD COLUMN erased_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE golden_profile ADD COLUMN erasure_request VARCHAR(40);
