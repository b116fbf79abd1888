-- 0002: faster bulk writes and box queries.
--  * records.attributes moves to the last column: a long JSON value spills into overflow
--    pages, and columns stored after it (geom, point, box) cost extra page reads on every
--    box query and listing.
--  * records.pinyin_keys keeps the caller's SearchKeys so an update can delete the old
--    name_keys rows by primary key; the rid index on name_keys is then unnecessary and
--    every bulk insert saves one b-tree insert per key.
-- SQLite cannot reorder columns, so the table is rebuilt (inside the migration's
-- transaction: a crash leaves version 1 intact).

CREATE TABLE records_new (
    rid              INTEGER PRIMARY KEY,
    record_id        TEXT NOT NULL UNIQUE,
    template_id      TEXT NOT NULL,
    template_version TEXT NOT NULL,
    template_hash    TEXT NOT NULL,
    category         TEXT NOT NULL,
    class_code       TEXT,
    standard_name    TEXT,
    place_code       TEXT,
    census_status    TEXT,
    workflow_status  TEXT NOT NULL DEFAULT 'draft'
        CHECK (workflow_status IN ('draft', 'complete', 'reviewed', 'returned')),
    secrecy          TEXT NOT NULL DEFAULT '秘密'
        CHECK (secrecy IN ('公开', '内部', '秘密')),
    geom             BLOB,
    rep_lon          REAL,
    rep_lat          REAL,
    min_x REAL, min_y REAL, max_x REAL, max_y REAL,
    revision         INTEGER NOT NULL,
    updated_at_us    INTEGER NOT NULL,
    pinyin_keys      TEXT NOT NULL DEFAULT '[]',   -- JSON array of normalised pinyin keys
    attributes       TEXT NOT NULL                 -- every field, as a JSON object (last!)
);

INSERT INTO records_new (rid, record_id, template_id, template_version, template_hash,
    category, class_code, standard_name, place_code, census_status, workflow_status,
    secrecy, geom, rep_lon, rep_lat, min_x, min_y, max_x, max_y, revision, updated_at_us,
    pinyin_keys, attributes)
SELECT r.rid, r.record_id, r.template_id, r.template_version, r.template_hash,
    r.category, r.class_code, r.standard_name, r.place_code, r.census_status,
    r.workflow_status, r.secrecy, r.geom, r.rep_lon, r.rep_lat,
    r.min_x, r.min_y, r.max_x, r.max_y, r.revision, r.updated_at_us,
    (SELECT json_group_array(k.key) FROM name_keys k WHERE k.rid = r.rid AND k.kind = 'pinyin'),
    r.attributes
FROM records r;

DROP TABLE records;
ALTER TABLE records_new RENAME TO records;
CREATE INDEX records_template ON records (template_id);
CREATE INDEX records_category ON records (category);
CREATE INDEX records_workflow ON records (workflow_status);
DROP INDEX name_keys_rid;
