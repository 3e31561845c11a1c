-- consent_event_once (subject, purpose, status, occurred_at, source_system) serves every look-up
-- by subject, and by subject and purpose, that consent_event_subject did: the second index only
-- cost a write per consent event and cache the gate's look-ups need (every batch reads the
-- events of its records' identifiers).
DROP INDEX consent_event_subject;
