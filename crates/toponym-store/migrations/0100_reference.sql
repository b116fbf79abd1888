-- 0100: reference tables (division codes, code history, township changes, aliases,
-- boundaries), stored as keyed JSON rows with their provenance. Read-only: every write is
-- refused by triggers unless the loader has raised the flag in ref_lock inside its own
-- transaction (it lowers it again before committing).

CREATE TABLE ref_lock (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    loading INTEGER NOT NULL CHECK (loading IN (0, 1))
);
INSERT INTO ref_lock (id, loading) VALUES (1, 0);

CREATE TABLE ref_tables (
    table_id     TEXT PRIMARY KEY,
    provenance   TEXT NOT NULL,      -- JSON: source, licence, edition, reference_date, crs, conversion, sha256
    row_count    INTEGER NOT NULL,
    loaded_at_us INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE ref_rows (
    table_id TEXT NOT NULL REFERENCES ref_tables (table_id),
    key      TEXT NOT NULL,          -- e.g. the code; unique within the table
    row      TEXT NOT NULL,          -- JSON
    PRIMARY KEY (table_id, key)
) WITHOUT ROWID;

CREATE TRIGGER ref_tables_ro_insert BEFORE INSERT ON ref_tables
    WHEN (SELECT loading FROM ref_lock WHERE id = 1) = 0
    BEGIN SELECT RAISE(ABORT, 'reference tables are read-only'); END;
CREATE TRIGGER ref_tables_ro_update BEFORE UPDATE ON ref_tables
    WHEN (SELECT loading FROM ref_lock WHERE id = 1) = 0
    BEGIN SELECT RAISE(ABORT, 'reference tables are read-only'); END;
CREATE TRIGGER ref_tables_ro_delete BEFORE DELETE ON ref_tables
    WHEN (SELECT loading FROM ref_lock WHERE id = 1) = 0
    BEGIN SELECT RAISE(ABORT, 'reference tables are read-only'); END;
CREATE TRIGGER ref_rows_ro_insert BEFORE INSERT ON ref_rows
    WHEN (SELECT loading FROM ref_lock WHERE id = 1) = 0
    BEGIN SELECT RAISE(ABORT, 'reference tables are read-only'); END;
CREATE TRIGGER ref_rows_ro_update BEFORE UPDATE ON ref_rows
    WHEN (SELECT loading FROM ref_lock WHERE id = 1) = 0
    BEGIN SELECT RAISE(ABORT, 'reference tables are read-only'); END;
CREATE TRIGGER ref_rows_ro_delete BEFORE DELETE ON ref_rows
    WHEN (SELECT loading FROM ref_lock WHERE id = 1) = 0
    BEGIN SELECT RAISE(ABORT, 'reference tables are read-only'); END;
