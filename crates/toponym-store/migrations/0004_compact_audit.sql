-- 0004: a smaller audit log, indexed by the record's integer key.
--  * rid (the record's key in this file; records are never deleted) replaces the
--    36-character record id in the index: bulk imports append to the index instead of
--    inserting at random, and each index entry is a few bytes instead of ~45.
--  * hash is kept as 32 raw bytes instead of 64 hex characters.
--  * prev_hash is gone: it always equals the previous entry's hash, which verification
--    reads anyway. Each hash still covers the previous one (the hashed content is
--    unchanged), so an edited, removed or re-hashed entry is still detected.
-- Together this is about a tenth of the bytes a bulk import writes.
CREATE TABLE audit_log_new (
    seq        INTEGER PRIMARY KEY,
    rid        INTEGER NOT NULL,   -- records.rid (0: no such record in this file)
    record_id  TEXT NOT NULL,
    at_us      INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    field      TEXT NOT NULL,      -- '*' = created (new_value is the content hash)
    old_value  TEXT,               -- JSON, NULL when absent
    new_value  TEXT,               -- JSON, NULL when removed
    reason     TEXT,
    hash       BLOB NOT NULL       -- SHA-256 over the entry and the previous entry's hash
);

INSERT INTO audit_log_new (seq, rid, record_id, at_us, actor, field, old_value, new_value,
    reason, hash)
SELECT a.seq, coalesce((SELECT r.rid FROM records r WHERE r.record_id = a.record_id), 0),
    a.record_id, a.at_us, a.actor, a.field, a.old_value, a.new_value, a.reason,
    coalesce(unhex(a.hash), CAST(a.hash AS BLOB))
FROM audit_log a;

DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_record ON audit_log (rid, seq);
