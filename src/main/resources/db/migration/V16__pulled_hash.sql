-- The keyed hash of a record as its connector last pulled it, before cleaning, together with what
-- in the configuration decides what cleaning and the gate make of it. A later pull of the same
-- record with the same hash changes nothing in the store, so ingest leaves it there without
-- cleaning, indexing or gating it again. Empty for records stored before this column: they are
-- examined in full once and get one.
ALTER TABLE source_record ADD COLUMN pulled_hash VARCHAR(64);
