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

/// Applies every known migration the file has not recorded in `schema_migrations`, in
/// number order, and returns the highest applied number. Membership, not "newer than
/// user_version", decides: the two number ranges (0001–0099 store, 0100+ reference) grow
/// independently, so a later 0002 must still run on a file that already has 0101.
pub(crate) fn apply(conn: &mut Connection, now_us: i64) -> Result<i64> {
    apply_list(conn, now_us, MIGRATIONS)
}

fn apply_list(conn: &mut Connection, now_us: i64, migrations: &[(i64, &str, &str)]) -> Result<i64> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_us INTEGER NOT NULL)",
    )?;
    let applied: std::collections::BTreeSet<i64> = {
        let mut stmt = conn.prepare("SELECT version FROM schema_migrations")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect::<std::result::Result<_, _>>()?
    };
    let mut current = applied.iter().copied().max().unwrap_or(0);
    for &(version, name, sql) in migrations {
        if applied.contains(&version) {
            continue;
        }
        current = current.max(version);
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at_us) VALUES (?1, ?2, ?3)",
            params![version, name, now_us],
        )?;
        tx.execute_batch(&format!("PRAGMA user_version = {current}"))?;
        tx.commit()?;
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(conn: &Connection) -> Vec<i64> {
        conn.prepare("SELECT version FROM schema_migrations ORDER BY version")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<std::result::Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn a_later_lower_numbered_migration_still_runs_on_a_file_with_higher_ones() {
        let mut conn = Connection::open_in_memory().unwrap();
        let old: &[(i64, &str, &str)] = &[
            (1, "0001", "CREATE TABLE a (x INTEGER);"),
            (100, "0100", "CREATE TABLE r (x INTEGER);"),
        ];
        assert_eq!(apply_list(&mut conn, 0, old).unwrap(), 100);
        let new: &[(i64, &str, &str)] = &[
            (1, "0001", "CREATE TABLE a (x INTEGER);"),
            (2, "0002", "ALTER TABLE a ADD COLUMN y INTEGER;"),
            (100, "0100", "CREATE TABLE r (x INTEGER);"),
        ];
        assert_eq!(apply_list(&mut conn, 0, new).unwrap(), 100);
        assert_eq!(versions(&conn), vec![1, 2, 100]);
        // 0002 really ran: the new column exists.
        conn.execute("INSERT INTO a (x, y) VALUES (1, 2)", [])
            .unwrap();
        let uv: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(uv, 100);
        // Applying again is a no-op.
        assert_eq!(apply_list(&mut conn, 0, new).unwrap(), 100);
        assert_eq!(versions(&conn), vec![1, 2, 100]);
    }

    #[test]
    fn a_failing_migration_leaves_the_file_at_the_previous_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        let list: &[(i64, &str, &str)] = &[
            (1, "0001", "CREATE TABLE a (x INTEGER);"),
            (2, "0002", "CREATE TABLE b (x INTEGER); THIS IS NOT SQL;"),
        ];
        assert!(apply_list(&mut conn, 0, list).is_err());
        assert_eq!(versions(&conn), vec![1]);
        let b: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'b'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(b, 0, "the failed migration's table must be rolled back");
    }
}
