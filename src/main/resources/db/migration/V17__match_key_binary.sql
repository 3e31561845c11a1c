-- Match keys as bytes: the first 16 bytes of each blind index (HMAC-SHA-256) in a binary column,
-- where the 43-character Base64 text of all 32 was kept. A full resolution writes some 5 million
-- keys for a million source rows and builds two indexes over them; binary keys are compared byte
-- by byte instead of through the database's collation, and the table and its indexes are about
-- 40 % smaller. 128 bits keep distinct values apart as surely as the whole tag would at any size
-- a store can reach (a collision only puts two records in one block to be compared, never links them).
--
-- The keys derive from the stored records alone, so they are not converted here: the learned model
-- goes with them, and the first run after this migration resolves in full, learning the model and
-- writing every key again (golden ids stay, as after any full resolution).
DELETE FROM match_model;
DROP TABLE match_key;
CREATE TABLE match_key (
    source_record_id BIGINT      NOT NULL,
    kind             VARCHAR(40) NOT NULL,
    hashed           BYTEA       NOT NULL,
    CONSTRAINT match_key_pkey PRIMARY KEY (source_record_id, kind, hashed)
);
CREATE INDEX match_key_hashed ON match_key (kind, hashed, source_record_id);
