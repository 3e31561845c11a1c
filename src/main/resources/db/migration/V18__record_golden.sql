-- Which golden profile each source record belongs to, in a narrow table of its own instead of a
-- column of source_record. Resolution places or moves records, and every change of the column
-- wrote a new version of the whole record row (its sealed and open values, some 900 bytes) and of
-- its three index entries: a first sync of a million source rows spent about 10 s of its full
-- resolution there. A row here is an id and a golden id. A record has a row once a resolution has
-- placed it; erasure deletes it with the record.
CREATE TABLE record_golden (
    source_record_id BIGINT      NOT NULL,
    golden_id        VARCHAR(40) NOT NULL,
    CONSTRAINT record_golden_pkey PRIMARY KEY (source_record_id)
);
INSERT INTO record_golden (source_record_id, golden_id) SELECT id, golden_id FROM source_record WHERE golden_id IS NOT NULL;
CREATE INDEX record_golden_profile ON record_golden (golden_id);
DROP INDEX source_record_golden;
ALTER TABLE source_record DROP COLUMN golden_id;
