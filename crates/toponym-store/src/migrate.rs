//! Numbered schema migrations, embedded in the binary. Each runs in its own transaction
//! together with the row that records it, so a crash mid-migration leaves the previous
//! version intact. `PRAGMA user_version` mirrors the highest applied number so other
//! tools can read it without knowing our tables.
//!
//! Numbers 0001–0099 belong to the surveyor's store; 0100 and up to the reference tables.
//! Because the two ranges grow independently, a file can hold 0100 but not yet 0002: what
//! is applied is read from `schema_migrations`, not inferred from `user_version`, and
//! missing migrations run in number order.

use std::collections::BTreeSet;

use rusqlite::{params, Connection};

use crate::Result;

/// (number, name, SQL).
pub(crate) const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "0001_init", include_str!("../migrations/0001_init.sql")),
    (
        2,
        "0002_records_layout",
        include_str!("../migrations/0002_records_layout.sql"),
    ),
    (
        3,
        "0003_clustered_boxes",
        include_str!("../migrations/0003_clustered_boxes.sql"),
    ),
    (
        4,
        "0004_compact_audit",
        include_str!("../migrations/0004_compact_audit.sql"),
    ),
    (
        5,
        "0005_envelope_status",
        include_str!("../migrations/0005_envelope_status.sql"),
    ),
    (
        6,
        "0006_qa_overrides",
        include_str!("../migrations/0006_qa_overrides.sql"),
    ),
    (
        7,
        "0007_members",
        include_str!("../migrations/0007_members.sql"),
    ),
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

/// Whether the file lacks a migration this build knows (it needs an upgrade, which
/// writes). Reads only.
pub(crate) fn pending(conn: &Connection) -> Result<bool> {
    let applied: BTreeSet<i64> = conn
        .prepare("SELECT version FROM schema_migrations")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(MIGRATIONS.iter().any(|m| !applied.contains(&m.0)))
}

/// Applies every migration the file does not have yet, in number order; returns the
/// highest applied version.
pub(crate) fn apply(conn: &mut Connection, now_us: i64) -> Result<i64> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_us INTEGER NOT NULL)",
    )?;
    let applied: BTreeSet<i64> = conn
        .prepare("SELECT version FROM schema_migrations")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut current = applied.iter().copied().max().unwrap_or(0);
    let mut todo: Vec<_> = MIGRATIONS
        .iter()
        .filter(|m| !applied.contains(&m.0))
        .collect();
    todo.sort_by_key(|m| m.0);
    for &(version, name, sql) in todo {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        // The location keys of 0003 are a Rust function (a Hilbert curve), not SQL.
        if version == 3 {
            crate::store::rebuild_boxes(&tx)?;
        }
        if version == 5 {
            crate::store::move_status_to_envelope(&tx, now_us)?;
        }
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at_us) VALUES (?1, ?2, ?3)",
            params![version, name, now_us],
        )?;
        current = current.max(version);
        tx.execute_batch(&format!("PRAGMA user_version = {current}"))?;
        tx.commit()?;
    }
    Ok(current)
}
