-- 0001: the surveyor's store. Queried fields are columns; the rest of a record's fields
-- are JSON in `attributes`; geometry is GeoPackage binary in CGCS2000 (EPSG:4490).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE records (
    rid              INTEGER PRIMARY KEY,          -- local integer key for the R*Tree and names
    record_id        TEXT NOT NULL UNIQUE,         -- 记录标识 (UUID text)
    template_id      TEXT NOT NULL,
    template_version TEXT NOT NULL,
    template_hash    TEXT NOT NULL,
    category         TEXT NOT NULL,                -- 大类
    class_code       TEXT,                         -- 类别代码
    standard_name    TEXT,                         -- 标准名称
    place_code       TEXT,                         -- 地名代码
    census_status    TEXT,                         -- 地名普查状态
    workflow_status  TEXT NOT NULL DEFAULT 'draft'
        CHECK (workflow_status IN ('draft', 'complete', 'reviewed', 'returned')),
    secrecy          TEXT NOT NULL DEFAULT '秘密'   -- 密级; the census form's default
        CHECK (secrecy IN ('公开', '内部', '秘密')),
    attributes       TEXT NOT NULL,                -- every field, as a JSON object
    geom             BLOB,                         -- GeoPackage binary, srs_id 4490
    rep_lon          REAL,                         -- 定位点
    rep_lat          REAL,
    min_x REAL, min_y REAL, max_x REAL, max_y REAL, -- exact bounding box (f64)
    revision         INTEGER NOT NULL,
    updated_at_us    INTEGER NOT NULL
);
CREATE INDEX records_template ON records (template_id);
CREATE INDEX records_category ON records (category);
CREATE INDEX records_workflow ON records (workflow_status);

-- R*Tree boxes are 32-bit floats rounded outwards: hits are candidates only.
CREATE VIRTUAL TABLE records_rtree USING rtree (id, min_x, max_x, min_y, max_y);

-- Name search keys: every suffix of each character name (so a prefix scan finds
-- substrings) and the toneless pinyin keys computed by the caller (prefix only).
CREATE TABLE name_keys (
    key  TEXT NOT NULL,
    rid  INTEGER NOT NULL,
    kind TEXT NOT NULL,     -- standard | short | alias | former | pinyin
    pos  INTEGER NOT NULL,  -- character offset of the suffix; 0 = the name's start
    PRIMARY KEY (key, rid, kind, pos)
) WITHOUT ROWID;
CREATE INDEX name_keys_rid ON name_keys (rid);

-- Append-only, hash-chained history. `hash` = SHA-256 over the entry and `prev_hash`.
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
    record_id  TEXT NOT NULL,
    at_us      INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    field      TEXT NOT NULL,   -- '*' = created (new_value is the whole record)
    old_value  TEXT,            -- JSON, NULL when absent
    new_value  TEXT,            -- JSON, NULL when removed
    reason     TEXT,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_record ON audit_log (record_id, seq);

-- Photos and audio by content hash, inside the encrypted file (no plaintext side files).
CREATE TABLE media (
    sha256      TEXT PRIMARY KEY,
    file_name   TEXT NOT NULL,
    mime        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    bytes       BLOB NOT NULL,
    thumbnail   BLOB,           -- JPEG, longest side 256 px
    exif_lon    REAL,
    exif_lat    REAL,
    exif_time   TEXT,           -- camera local time, ISO 8601 without zone
    added_at_us INTEGER NOT NULL
) WITHOUT ROWID;
