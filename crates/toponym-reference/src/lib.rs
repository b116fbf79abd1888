//! Reference tables: division codes, code history, township changes, aliases, boundaries.
//!
//! Everything here is sans-IO: parsers take the text of a file and return a typed table or
//! a [`RefError`] naming the file, line and reason; lookups are plain functions. The tables
//! shipped with the app are embedded from `schemas/reference/` (see [`builtin`]), each with
//! its source, edition and reference date ([`Provenance`]). The store copies them into
//! read-only tables; QA rules K-4, K-5, S-3 and S-4 and the investigation-list baseline use
//! the lookups.

pub mod aliases;
pub mod baseline;
pub mod boundaries;
pub mod builtin;
mod csvread;
pub mod divisions;
pub mod editions;
pub mod error;
pub mod geojson;
pub mod history;
pub mod provenance;
pub mod townships;

pub use aliases::{Aliases, FormerName, Renaming, ShortName};
pub use baseline::{
    plan_baseline, BaselineCounts, BaselineEntry, BaselinePlan, CensusStatus, SkippedRow,
};
pub use boundaries::{AdminArea, Boundaries};
pub use divisions::{Division, DivisionLevel, DivisionTable};
pub use editions::{Edition, StatUnit, UnitLevel};
pub use error::RefError;
pub use geojson::{Datum, Feature};
pub use history::{CodeHistory, CodeSpan, Validity};
pub use provenance::Provenance;
pub use townships::{TownshipChange, TownshipChanges};
