-- 0003: a spatially clustered box index, listing columns, fewer indexes per write.
--  * record_boxes replaces records_rtree. Its id is the record's location key (the
--    Hilbert index of its representative point in the high bits, its rid in the low 31
--    bits), and it carries the listing columns as auxiliary columns. SQLite keeps the
--    auxiliary columns in the %_rowid shadow table, keyed by that id, so the records a
--    box query returns lie next to each other on disk: a query for ~100 records reads a
--    handful of pages instead of one records-table page per hit. Points keep no geometry
--    there (their exact box is the point); lines and polygons keep their GeoPackage blob
--    for the exact intersection test.
--  * records gains township (first 9-digit admin code), roman and registrar, so the
--    investigation list is built from columns without parsing every attributes JSON, and
--    loc_key, the record's id in record_boxes.
--  * The category and workflow indexes go: each cost a b-tree insert per record written,
--    and every reader filters those columns over a table scan of compact rows or in
--    memory. The template index stays (the CLI lists by template).
-- The records table is rebuilt to keep attributes the last column (see 0002); the
-- location keys are computed in Rust right after this script, in the same transaction.

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
    township         TEXT,                         -- first 9-digit code in admin_areas
    roman            TEXT,                         -- 罗马字母拼写
    registrar        TEXT,                         -- 登记人 (NULL: still to do)
    loc_key          INTEGER,                      -- id in record_boxes (NULL: no position)
    geom             BLOB,
    rep_lon          REAL,
    rep_lat          REAL,
    min_x REAL, min_y REAL, max_x REAL, max_y REAL,
    revision         INTEGER NOT NULL,
    updated_at_us    INTEGER NOT NULL,
    pinyin_keys      TEXT NOT NULL DEFAULT '[]',
    attributes       TEXT NOT NULL                 -- every field, as a JSON object (last!)
);

INSERT INTO records_new (rid, record_id, template_id, template_version, template_hash,
    category, class_code, standard_name, place_code, census_status, workflow_status,
    secrecy, township, roman, registrar, loc_key, geom, rep_lon, rep_lat,
    min_x, min_y, max_x, max_y, revision, updated_at_us, pinyin_keys, attributes)
SELECT r.rid, r.record_id, r.template_id, r.template_version, r.template_hash,
    r.category, r.class_code, r.standard_name, r.place_code, r.census_status,
    r.workflow_status, r.secrecy,
    (SELECT substr(a.value, 1, 9) FROM json_each(r.attributes, '$.admin_areas') a
      WHERE a.type = 'text' AND length(a.value) >= 9 LIMIT 1),
    CASE WHEN json_type(r.attributes, '$.roman') = 'text'
         THEN json_extract(r.attributes, '$.roman') END,
    CASE WHEN json_type(r.attributes, '$.registrar') = 'text'
          AND json_extract(r.attributes, '$.registrar') <> ''
         THEN json_extract(r.attributes, '$.registrar') END,
    NULL, r.geom, r.rep_lon, r.rep_lat, r.min_x, r.min_y, r.max_x, r.max_y,
    r.revision, r.updated_at_us, r.pinyin_keys, r.attributes
FROM records r;

DROP TABLE records;
ALTER TABLE records_new RENAME TO records;
CREATE INDEX records_template ON records (template_id);
DROP TABLE records_rtree;

CREATE VIRTUAL TABLE record_boxes USING rtree (
    id, min_x, max_x, min_y, max_y,
    +rid INTEGER, +record_id TEXT, +template_id TEXT, +category TEXT, +standard_name TEXT,
    +workflow_status TEXT, +secrecy TEXT, +township TEXT, +roman TEXT, +registrar TEXT,
    +rep_lon REAL, +rep_lat REAL, +bx0 REAL, +by0 REAL, +bx1 REAL, +by1 REAL,
    +geom BLOB            -- lines and polygons only
);
