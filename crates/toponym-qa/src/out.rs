//! Where a rule puts what it found: findings at the rule's own severity, and "not
//! checked, because …" notes that the report's coverage table shows (never as passed).

use serde::{Deserialize, Serialize};
use toponym_core::{Message, RecordId, Severity};

use crate::rule::{Rule, Stage};

/// One finding of the QA engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QaFinding {
    /// Catalogue rule id (`N-4`); `None` for a value-shape finding of form validation
    /// (wrong type, unknown field) that no catalogue rule names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Severity.
    pub severity: Severity,
    /// The stage that raised it.
    pub stage: Stage,
    /// The record concerned; `None` for a finding about the survey as a whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// Field path inside the record (`fields.roman`), or what it concerns.
    pub path: String,
    /// The message, in Chinese and English, with its code and parameters.
    pub message: Message,
}

/// A reason a rule could not check, with how often it applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skip {
    /// Why (its code is the grouping key).
    pub reason: Message,
    /// On how many records (or 1 for the whole survey).
    pub count: u64,
}

/// The sink a rule writes into while it runs.
pub struct Out<'a> {
    pub(crate) rule: &'static Rule,
    pub(crate) record: Option<RecordId>,
    pub(crate) findings: &'a mut Vec<QaFinding>,
    pub(crate) skips: &'a mut Vec<Skip>,
    pub(crate) skipped_now: bool,
}

impl<'a> Out<'a> {
    pub(crate) fn new(
        rule: &'static Rule,
        record: Option<RecordId>,
        findings: &'a mut Vec<QaFinding>,
        skips: &'a mut Vec<Skip>,
    ) -> Self {
        Out {
            rule,
            record,
            findings,
            skips,
            skipped_now: false,
        }
    }

    /// A finding on the record being checked (entry and record stages).
    pub fn emit(&mut self, path: impl Into<String>, message: Message) {
        let record = self.record;
        self.push(record, path.into(), message);
    }

    /// An INFO note on the record being checked, beside the rule's own severity (a rule
    /// whose catalogue entry says "noted (INFO)" for a milder case, as S-9 does).
    pub fn emit_note(&mut self, path: impl Into<String>, message: Message) {
        let record = self.record;
        self.push(record, path.into(), message);
        if let Some(f) = self.findings.last_mut() {
            f.severity = Severity::Info;
        }
    }

    /// A finding on a named record (bundle stage).
    pub fn emit_for(&mut self, record: RecordId, path: impl Into<String>, message: Message) {
        self.push(Some(record), path.into(), message);
    }

    /// A finding about the survey as a whole.
    pub fn emit_survey(&mut self, path: impl Into<String>, message: Message) {
        self.push(None, path.into(), message);
    }

    fn push(&mut self, record: Option<RecordId>, path: String, message: Message) {
        self.findings.push(QaFinding {
            rule: Some(self.rule.id.to_owned()),
            severity: self.rule.severity,
            stage: self.rule.stage,
            record_id: record.map(|r| r.to_string()),
            path,
            message,
        });
    }

    /// Says the rule could not check this record (or, at the bundle stage, this part of
    /// the survey), and why. Counted once per reason code and record.
    pub fn not_checked(&mut self, reason: Message) {
        self.skipped_now = true;
        if let Some(s) = self.skips.iter_mut().find(|s| s.reason.code == reason.code) {
            s.count += 1;
        } else {
            self.skips.push(Skip { reason, count: 1 });
        }
    }
}
