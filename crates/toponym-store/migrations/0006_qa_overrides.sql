-- 0006: warnings a surveyor accepted with a written reason (QA overrides).
-- One row per (record, rule, finding path). The row is written in the same transaction
-- as an audit-log entry (field 'qa.override') holding the same rule, path, reason, actor
-- and time, so the override is hash-chained and shows in the record's history; `seq` is
-- that entry. Verification checks that rows and entries agree both ways.
CREATE TABLE qa_overrides (
    seq        INTEGER PRIMARY KEY,   -- audit_log.seq of the entry that records it
    rid        INTEGER NOT NULL,      -- records.rid
    record_id  TEXT NOT NULL,
    rule       TEXT NOT NULL,
    path       TEXT NOT NULL,
    reason     TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    actor      TEXT NOT NULL,
    at_us      INTEGER NOT NULL,
    UNIQUE (record_id, rule, path)
);
CREATE INDEX qa_overrides_rid ON qa_overrides (rid);
