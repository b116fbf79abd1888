//! Numbered schema migrations, embedded in the binary. Each runs in its own transaction
//! together with the row that records it, so a crash mid-migration leaves the previous
//! version intact. `PRAGMA user_version` mirrors the highest applied number so other
//! tools can read it without knowing our tables.
//!
//! Numbers 0001–0099 belong to the surveyor's store; 0100 and up to the reference tables.

use rusqlite::{params, Connection};

use crate::Result;

/// (number, name, SQL).
pub(crate) const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "0001_init", include_str!("../migrations/0001_init.sql")),
    (
        100,
        "0100_reference",
        include_str!("../migrations/0100_reference.sql"),
    ),
    (
        101,
        "0101_investigation",
        include_str!("../migrations/0101_investigation.sql"),
    ),
];

/// The highest migration this build knows.
pub(crate) fn latest() -> i64 {
    MIGRATIONS.iter().map(|m| m.0).max().unwrap_or(0)
}

/// Applies every migration newer than the file's version; returns the version after.
pub(crate) fn apply(conn: &mut Connection, now_us: i64) -> Result<i64> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_us INTEGER NOT NULL)",
    )?;
    let mut current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for &(version, name, sql) in MIGRATIONS {
        if version <= current {
            continue;
        }
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at_us) VALUES (?1, ?2, ?3)",
            params![version, name, now_us],
        )?;
        tx.execute_batch(&format!("PRAGMA user_version = {version}"))?;
        tx.commit()?;
        current = version;
    }
    Ok(current)
}
