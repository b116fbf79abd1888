//! Reference tables inside a survey file: keyed JSON rows plus each table's provenance
//! (source, edition, reference date, conversion). The rows are read-only: triggers refuse
//! every write unless [`Store::load_reference_table`] has raised the loading flag inside its
//! own transaction, so a stray UPDATE from any tool fails loudly.
//!
//! The store keeps no domain logic about these tables; `toponym-reference` parses and
//! interprets them and decides the keys (codes).

use rusqlite::{params, OptionalExtension};
use serde_json::Value;

use crate::{Result, Store, StoreError};

/// A loaded reference table's summary.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReferenceTableInfo {
    /// Table id (e.g. `county_code_history`).
    pub table_id: String,
    /// Provenance as JSON.
    pub provenance: Value,
    /// Number of rows.
    pub row_count: u64,
    /// When it was loaded, microseconds since the epoch.
    pub loaded_at_us: i64,
}

impl Store {
    /// Replaces one reference table (all rows and provenance) in one transaction.
    /// Keys must be unique within the table.
    pub fn load_reference_table(
        &mut self,
        table_id: &str,
        provenance: &Value,
        rows: &[(String, Value)],
    ) -> Result<u64> {
        let now = self.now_us();
        let tx = self.conn_mut()?.transaction()?;
        tx.execute("UPDATE ref_lock SET loading = 1 WHERE id = 1", [])?;
        tx.execute("DELETE FROM ref_rows WHERE table_id = ?1", [table_id])?;
        tx.execute("DELETE FROM ref_tables WHERE table_id = ?1", [table_id])?;
        tx.execute(
            "INSERT INTO ref_tables (table_id, provenance, row_count, loaded_at_us) VALUES (?1, ?2, ?3, ?4)",
            params![table_id, provenance.to_string(), rows.len() as i64, now],
        )?;
        {
            let mut ins =
                tx.prepare_cached("INSERT INTO ref_rows (table_id, key, row) VALUES (?1, ?2, ?3)")?;
            for (key, row) in rows {
                ins.execute(params![table_id, key, row.to_string()])
                    .map_err(|e| StoreError::InvalidRecord {
                        record_id: format!("reference table {table_id}"),
                        field: format!("key {key}"),
                        detail: e.to_string(),
                    })?;
            }
        }
        tx.execute("UPDATE ref_lock SET loading = 0 WHERE id = 1", [])?;
        tx.commit()?;
        Ok(rows.len() as u64)
    }

    /// Every loaded reference table, by id.
    pub fn reference_tables(&self) -> Result<Vec<ReferenceTableInfo>> {
        let mut stmt = self.conn_ref().prepare(
            "SELECT table_id, provenance, row_count, loaded_at_us FROM ref_tables ORDER BY table_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (table_id, prov, n, at) = row?;
            let provenance = serde_json::from_str(&prov).map_err(|e| StoreError::Corrupt {
                what: format!("provenance of reference table {table_id}"),
                detail: e.to_string(),
            })?;
            out.push(ReferenceTableInfo {
                table_id,
                provenance,
                row_count: n as u64,
                loaded_at_us: at,
            });
        }
        Ok(out)
    }

    /// One reference row by key.
    pub fn reference_row(&self, table_id: &str, key: &str) -> Result<Option<Value>> {
        let text: Option<String> = self
            .conn_ref()
            .query_row(
                "SELECT row FROM ref_rows WHERE table_id = ?1 AND key = ?2",
                params![table_id, key],
                |r| r.get(0),
            )
            .optional()?;
        text.map(|t| {
            serde_json::from_str(&t).map_err(|e| StoreError::Corrupt {
                what: format!("reference row {table_id}/{key}"),
                detail: e.to_string(),
            })
        })
        .transpose()
    }

    /// Reference rows whose key starts with `prefix`, in key order.
    pub fn reference_rows(&self, table_id: &str, prefix: &str) -> Result<Vec<(String, Value)>> {
        let mut stmt = self.conn_ref().prepare_cached(
            "SELECT key, row FROM ref_rows WHERE table_id = ?1 AND key >= ?2 AND key < ?3 ORDER BY key",
        )?;
        let end = format!("{prefix}\u{10FFFF}");
        let rows = stmt.query_map(params![table_id, prefix, end], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (k, t) = row?;
            let v = serde_json::from_str(&t).map_err(|e| StoreError::Corrupt {
                what: format!("reference row {table_id}/{k}"),
                detail: e.to_string(),
            })?;
            out.push((k, v));
        }
        Ok(out)
    }

    /// Runs raw SQL: only for tests that prove the read-only triggers.
    #[doc(hidden)]
    pub fn execute_raw_for_tests(&mut self, sql: &str) -> Result<usize> {
        Ok(self.conn_mut()?.execute(sql, [])?)
    }
}
