-- Whose data a quarantined row holds, by blind index (e-mails and phone numbers found in it), so an
-- erasure can shred quarantined copies of a person's data too.
CREATE TABLE quarantine_subject (
    quarantine_id BIGINT      NOT NULL,
    subject       VARCHAR(64) NOT NULL,
    PRIMARY KEY (quarantine_id, subject)
);
CREATE INDEX quarantine_subject_subject ON quarantine_subject (subject);
