-- 0101: the investigation list (地名调查目录). One entry per place the county expects a
-- form for; an entry is closed by a filled form or explicitly as 注销/查无此地 with a
-- reason (QA rule C-8). The CHECK makes an unexplained closure impossible.

CREATE TABLE investigation_entries (
    entry_id         INTEGER PRIMARY KEY,
    county           TEXT NOT NULL,          -- 6-digit county code
    code             TEXT NOT NULL,          -- 12-digit statistical code (or other source key)
    template_id      TEXT NOT NULL,
    suggested_status TEXT NOT NULL CHECK (suggested_status IN ('新增', '修改', '不变', '注销')),
    standard_name    TEXT NOT NULL,
    old_name         TEXT,
    related_code     TEXT,
    prefill          TEXT NOT NULL,          -- JSON object of record fields
    source           TEXT NOT NULL,          -- which tables the entry came from
    created_at_us    INTEGER NOT NULL,
    closed_kind      TEXT CHECK (closed_kind IN ('form', '注销', '查无此地')),
    closed_record_id TEXT,
    closed_reason    TEXT,
    closed_by        TEXT,
    closed_at_us     INTEGER,
    UNIQUE (code, template_id),
    CHECK (
        closed_kind IS NULL
        OR (closed_kind = 'form' AND closed_record_id IS NOT NULL)
        OR (closed_kind IN ('注销', '查无此地') AND length(trim(coalesce(closed_reason, ''))) > 0)
    )
);
CREATE INDEX investigation_entries_county ON investigation_entries (county, code);
