-- 0007: the people of a survey (专人填写、专人审核).
--  * members: everyone who may unlock the file, with a role. A removed member keeps
--    their row (their signatures stay verifiable); their key slot is gone.
--  * member_keys: each member's signing keys. The secret key is sealed under the member's
--    own key, which only that member's key slot (their passphrase) unwraps; a retired
--    key (after a recovery) keeps only its public half.
--  * audit_log.member_key: the fingerprint of the key of the member who made the entry
--    (NULL in entries written before members existed).
CREATE TABLE members (
    member_id     TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('registrar', 'reviewer')),
    unit          TEXT NOT NULL DEFAULT '',
    added_at_us   INTEGER NOT NULL,
    removed_at_us INTEGER
);

CREATE TABLE member_keys (
    fingerprint   TEXT PRIMARY KEY,
    member_id     TEXT NOT NULL REFERENCES members (member_id),
    algorithm     TEXT NOT NULL,
    public_key    BLOB NOT NULL,
    sealed_secret BLOB,
    created_at_us INTEGER NOT NULL,
    retired_at_us INTEGER
);
CREATE INDEX member_keys_member ON member_keys (member_id);

ALTER TABLE audit_log ADD COLUMN member_key TEXT;
