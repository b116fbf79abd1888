//! What a rule is: its catalogue entry (id, severity, stage, basis), what it checks, and
//! the function that checks it at its stage's context.

use std::any::Any;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use toponym_core::Severity;

use crate::ctx::{EntryCtx, RecordCtx, SurveyCtx};
use crate::out::Out;

/// The stages of `quality-rules.md` §0, in the order a record passes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// On the device while typing: one field.
    Entry,
    /// On save: one record with its template and the reference tables.
    Record,
    /// Before signing or export: a whole survey (records, investigation list, media, log).
    Bundle,
    /// The county merge tool, across bundles (the gazetteer).
    Merge,
    /// The provincial gazetteer.
    Province,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 5] = [
        Stage::Entry,
        Stage::Record,
        Stage::Bundle,
        Stage::Merge,
        Stage::Province,
    ];

    /// The catalogue's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Entry => "entry",
            Stage::Record => "record",
            Stage::Bundle => "bundle",
            Stage::Merge => "merge",
            Stage::Province => "province",
        }
    }

    /// Chinese name, for reports.
    pub fn zh(self) -> &'static str {
        match self {
            Stage::Entry => "录入",
            Stage::Record => "保存",
            Stage::Bundle => "成果包",
            Stage::Merge => "县级合并",
            Stage::Province => "省级",
        }
    }
}

impl std::str::FromStr for Stage {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Stage::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("unknown stage {s:?} (entry, record, bundle, merge, province)"))
    }
}

/// A rule's parameters, prepared once per run from the parameter file and the profile.
pub type Prepared = Box<dyn Any + Send + Sync>;

/// The prepared parameters of the rule being run.
pub struct Prep<'a>(pub(crate) &'a (dyn Any + Send + Sync));

impl Prep<'_> {
    /// The rule's own parameter type; panics only if a rule asks for a type its own
    /// `prepare` did not build (a bug caught by the rule's tests).
    pub fn get<T: 'static>(&self) -> &T {
        self.0
            .downcast_ref::<T>()
            .expect("a rule reads the parameter type its prepare() built")
    }
}

/// Builds a rule's prepared parameters from its parameter section.
pub type PrepareFn = fn(&Value) -> Result<Prepared, String>;

/// How a rule checks.
#[derive(Clone, Copy)]
pub enum Check {
    /// One text field while typing (and every field again at save).
    Entry(fn(&EntryCtx<'_>, &Prep<'_>, &mut Out<'_>)),
    /// One record.
    Record(fn(&RecordCtx<'_>, &Prep<'_>, &mut Out<'_>)),
    /// A whole survey (the bundle stage).
    Survey(fn(&SurveyCtx<'_>, &Prep<'_>, &mut Out<'_>)),
}

/// One rule of the catalogue.
pub struct Rule {
    /// Id from `quality-rules.md` (`N-4`).
    pub id: &'static str,
    /// Severity of its findings.
    pub severity: Severity,
    /// Where it runs.
    pub stage: Stage,
    /// Basis tags as the catalogue gives them (`census`, `reg`, `std`, `data`, `ours`).
    pub basis: &'static str,
    /// Short Chinese title.
    pub title_zh: &'static str,
    /// Short English title.
    pub title_en: &'static str,
    /// What exactly this implementation checks (for docs/qa-rules.md).
    pub checks: &'static str,
    /// Builds the rule's parameters from its section of the parameter file (merged with
    /// the profile); `None` for a rule without parameters.
    pub prepare: Option<PrepareFn>,
    /// The check.
    pub check: Check,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("id", &self.id)
            .field("severity", &self.severity)
            .field("stage", &self.stage)
            .finish()
    }
}

/// Parses a rule's parameter section into its own type.
pub fn parse_params<T: serde::de::DeserializeOwned + Send + Sync + 'static>(
    v: &Value,
) -> Result<Prepared, String> {
    T::deserialize(v)
        .map(|t| Box::new(t) as Prepared)
        .map_err(|e| e.to_string())
}
