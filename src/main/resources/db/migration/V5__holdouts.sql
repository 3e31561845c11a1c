-- Holdout (control) groups: a member assigned to a segment's control group on entry stays there
-- for the whole stint and is never pushed, so the segment's effect can be measured.
ALTER TABLE segment_membership ADD COLUMN holdout BOOLEAN DEFAULT FALSE NOT NULL;
