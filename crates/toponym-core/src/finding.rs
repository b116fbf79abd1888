//! Findings: what validation, QA and the store report about a record.
//!
//! A finding carries a stable message code with parameters (so the UI can translate and
//! branch) plus ready-made Chinese and English texts (for the CLI and reports).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// How bad a finding is (`quality-rules.md` §0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    /// Statistics only.
    Info,
    /// Goes to the expert review queue.
    Warning,
    /// Must be fixed before county acceptance.
    Error,
    /// The record cannot be completed, signed or exported.
    Blocker,
}

impl Severity {
    /// ERROR and BLOCKER stop a record from being marked complete.
    pub fn is_blocking(self) -> bool {
        matches!(self, Severity::Error | Severity::Blocker)
    }

    /// The upper-case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "INFO",
            Severity::Warning => "WARNING",
            Severity::Error => "ERROR",
            Severity::Blocker => "BLOCKER",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A translatable message: a stable code, its parameters, and both languages rendered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Stable dotted code, e.g. `field.required`.
    pub code: String,
    /// Named parameters the UI substitutes into its own translation.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
    /// Simplified Chinese text.
    pub zh: String,
    /// English text.
    pub en: String,
}

impl Message {
    /// A message with no parameters.
    pub fn new(code: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            params: BTreeMap::new(),
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// Adds a parameter.
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.params.insert(key.to_owned(), value.into());
        self
    }
}

/// One problem found in one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Rule id from `quality-rules.md` (C-1, N-2, …) where one applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// How bad it is.
    pub severity: Severity,
    /// Where: a field path such as `fields.length_km` or `fields.aliases[2].name`.
    pub path: String,
    /// What, in a translatable form.
    pub message: Message,
}

impl Finding {
    /// A finding for `rule` at `path`.
    pub fn new(
        rule: Option<&str>,
        severity: Severity,
        path: impl Into<String>,
        message: Message,
    ) -> Self {
        Self {
            rule: rule.map(str::to_owned),
            severity,
            path: path.into(),
            message,
        }
    }
}
