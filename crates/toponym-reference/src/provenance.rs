//! Provenance of a reference table: where it came from, which edition, as of when, and
//! how it was converted. Carried with every table into the store and onto records that
//! were pre-filled from it, so nobody mistakes third-party data for survey results.

use serde::{Deserialize, Serialize};

/// Source, edition and reference date of one reference table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Stable table id, e.g. `county_code_history`.
    pub id: String,
    /// File name inside `schemas/reference/`.
    pub file: String,
    /// Human title.
    pub title: String,
    /// Where the data came from (repository, path, commit).
    pub source: String,
    /// Licence of the compilation.
    pub licence: String,
    /// Edition (year or commit).
    pub edition: String,
    /// Reference date (a year or an ISO date; as precise as the source says).
    pub reference_date: String,
    /// Coordinate reference system of the file as published (`none` without coordinates).
    pub crs: String,
    /// How coordinates were converted when loaded, if they were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion: Option<String>,
    /// Caveats worth knowing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// `sha256:` + hex of the file as shipped.
    pub sha256: String,
}

impl Provenance {
    /// A provenance for a table read from a caller's own file (not the shipped one).
    pub fn ad_hoc(id: &str, file: &str, crs: &str) -> Self {
        Provenance {
            id: id.to_owned(),
            file: file.to_owned(),
            title: id.to_owned(),
            source: format!("file {file} given by the user"),
            licence: "unknown".to_owned(),
            edition: "unknown".to_owned(),
            reference_date: "unknown".to_owned(),
            crs: crs.to_owned(),
            conversion: None,
            notes: None,
            sha256: String::new(),
        }
    }
}
