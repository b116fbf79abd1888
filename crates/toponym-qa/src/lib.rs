//! The quality engine: the rule catalogue of `quality-rules.md`, one file per rule under
//! `src/rules/` (collected by `build.rs`), run at its stage's context (`ctx`), with
//! parameters from `schemas/qa/params.json` under a county's profile, into a report with
//! a coverage table. Sans-IO: callers fill the contexts; nothing here opens a file.
//!
//! Form validation (`toponym-forms`) keeps templates, the form model and value-shape
//! checks, and the rules that ride its single pass over a record's fields (listed in
//! `toponym_forms::RULES`); the engine runs it first and reports its findings with the
//! rest.

pub mod catalogue;
pub mod ctx;
pub mod docs;
mod engine;
mod grid;
pub mod out;
mod outline;
pub mod profile;
pub mod report;
pub mod romanised;
pub mod rule;
mod rules;
pub mod syllables;
pub mod text;

#[cfg(test)]
pub(crate) mod testkit;

pub use ctx::{
    view, Change, EntryCtx, GazetteerView, ListClosure, ListEntry, MediaItem, Options, RecordCtx,
    Refs, SurveyCtx,
};
pub use engine::{registry, rules, Engine, ProfileError, SurveyInput};
pub use out::{Out, QaFinding, Skip};
pub use profile::{Profile, ProfileInfo};
pub use report::{Counts, Coverage, CoverageStatus, Report, Subject};
pub use rule::{parse_params, Check, Prep, Prepared, Rule, Stage};

/// Builds a message (code, Chinese, English).
pub fn msg(code: &str, zh: impl Into<String>, en: impl Into<String>) -> toponym_core::Message {
    toponym_core::Message::new(code, zh, en)
}
