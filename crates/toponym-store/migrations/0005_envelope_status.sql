-- 0005: the workflow status is a typed field of the record envelope, no longer an entry
-- of `fields`. The records.workflow_status column already held it; what changes is the
-- record's JSON: `attributes` loses its "workflow_status" key. That is done in Rust right
-- after this file (store::move_status_to_envelope), because each moved value is logged
-- in the hash-chained audit log so that every record still verifies against its history.
SELECT 1;
