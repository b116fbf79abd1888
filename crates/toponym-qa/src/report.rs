//! The report of a run: every finding with the record it concerns (template, township,
//! registrar), counts grouped by rule, template, township and registrar, the coverage
//! table (which rules ran, which could not and why) and the profile used.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toponym_core::{Record, Severity};

use crate::ctx::{view, Refs};
use crate::out::{QaFinding, Skip};
use crate::profile::ProfileInfo;
use crate::rule::Stage;

/// Whether a rule ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageStatus {
    /// It checked everything it applies to.
    Ran,
    /// It checked some records; the others are listed with the reason.
    Partly,
    /// It could not check anything (the reason says why).
    NotChecked,
    /// The profile switched it off.
    Disabled,
    /// Its stage comes after the stage of this run.
    LaterStage,
    /// This version has no implementation.
    NotImplemented,
}

impl CoverageStatus {
    /// Whether the rule left something of this run unchecked (partly or not checked,
    /// switched off, or not implemented): what a report lists as a gap. A rule of a later
    /// stage is not a gap of this run.
    pub fn is_gap(self) -> bool {
        matches!(
            self,
            Self::Partly | Self::NotChecked | Self::NotImplemented | Self::Disabled
        )
    }

    /// Chinese label.
    pub fn zh(self) -> &'static str {
        match self {
            Self::Ran => "已检查",
            Self::Partly => "部分检查",
            Self::NotChecked => "未检查",
            Self::Disabled => "已停用",
            Self::LaterStage => "后续阶段",
            Self::NotImplemented => "未实现",
        }
    }
    /// English label.
    pub fn en(self) -> &'static str {
        match self {
            Self::Ran => "ran",
            Self::Partly => "partly checked",
            Self::NotChecked => "not checked",
            Self::Disabled => "disabled",
            Self::LaterStage => "later stage",
            Self::NotImplemented => "not implemented",
        }
    }
}

/// One row of the coverage table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// Rule id.
    pub rule: String,
    /// Its (first) stage.
    pub stage: Stage,
    /// Its severity.
    pub severity: Severity,
    /// Title (Chinese), when implemented.
    pub title_zh: String,
    /// Title (English), when implemented.
    pub title_en: String,
    /// Whether it ran.
    pub status: CoverageStatus,
    /// Records (or 1 for a survey rule) it checked.
    pub checked: u64,
    /// What it could not check, and why.
    pub skipped: Vec<Skip>,
    /// Findings it raised.
    pub findings: u64,
    /// Crate implementing it.
    pub implemented_in: String,
}

/// What a finding's record is, for grouping and for people to find it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    /// Template id.
    pub template: String,
    /// 标准名称.
    pub name: String,
    /// Township code (or county code when no township is known, or empty).
    pub township: String,
    /// Township name, when known.
    pub township_name: String,
    /// 登记人.
    pub registrar: String,
}

/// Counts of one group, by severity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// BLOCKER findings.
    pub blocker: u64,
    /// ERROR findings.
    pub error: u64,
    /// WARNING findings.
    pub warning: u64,
    /// INFO findings.
    pub info: u64,
}

impl Counts {
    fn add(&mut self, s: Severity) {
        match s {
            Severity::Blocker => self.blocker += 1,
            Severity::Error => self.error += 1,
            Severity::Warning => self.warning += 1,
            Severity::Info => self.info += 1,
        }
    }
    /// All findings.
    pub fn total(&self) -> u64 {
        self.blocker + self.error + self.warning + self.info
    }
}

/// The report of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The profile that ran.
    pub profile: ProfileInfo,
    /// Up to which stage.
    pub stage: Stage,
    /// Records checked.
    pub records: u64,
    /// All counts.
    pub totals: Counts,
    /// Every finding.
    pub findings: Vec<QaFinding>,
    /// The record of each finding, by record id.
    pub subjects: BTreeMap<String, Subject>,
    /// Counts by rule id (`-` for value-shape findings without a rule).
    pub by_rule: BTreeMap<String, Counts>,
    /// Counts by template id.
    pub by_template: BTreeMap<String, Counts>,
    /// Counts by township code.
    pub by_township: BTreeMap<String, Counts>,
    /// Counts by registrar.
    pub by_registrar: BTreeMap<String, Counts>,
    /// The coverage table, in catalogue order.
    pub coverage: Vec<Coverage>,
}

impl Report {
    pub(crate) fn new(
        profile: ProfileInfo,
        stage: Stage,
        records: &[Record],
        mut findings: Vec<QaFinding>,
        coverage: Vec<Coverage>,
        refs: &Refs,
    ) -> Report {
        let index: BTreeMap<String, &Record> = records
            .iter()
            .map(|r| (r.record_id.to_string(), r))
            .collect();
        findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.rule.cmp(&b.rule))
                .then_with(|| a.record_id.cmp(&b.record_id))
                .then_with(|| a.path.cmp(&b.path))
        });
        let mut rep = Report {
            profile,
            stage,
            records: records.len() as u64,
            totals: Counts::default(),
            findings: Vec::new(),
            subjects: BTreeMap::new(),
            by_rule: BTreeMap::new(),
            by_template: BTreeMap::new(),
            by_township: BTreeMap::new(),
            by_registrar: BTreeMap::new(),
            coverage,
        };
        for f in &findings {
            rep.totals.add(f.severity);
            rep.by_rule
                .entry(f.rule.clone().unwrap_or_else(|| "-".into()))
                .or_default()
                .add(f.severity);
            let Some(r) = f.record_id.as_ref().and_then(|id| index.get(id)) else {
                continue;
            };
            let subject = rep
                .subjects
                .entry(r.record_id.to_string())
                .or_insert_with(|| {
                    let township = view::township(r)
                        .or_else(|| view::county(r))
                        .unwrap_or_default();
                    Subject {
                        template: r.template.id.clone(),
                        name: r.standard_name().unwrap_or("").to_owned(),
                        township_name: refs.unit_name(&township).to_owned(),
                        township,
                        registrar: view::person(r, "registrar").unwrap_or("").to_owned(),
                    }
                })
                .clone();
            rep.by_template
                .entry(subject.template)
                .or_default()
                .add(f.severity);
            rep.by_township
                .entry(subject.township)
                .or_default()
                .add(f.severity);
            rep.by_registrar
                .entry(subject.registrar)
                .or_default()
                .add(f.severity);
        }
        rep.findings = findings;
        rep
    }

    /// Whether an ERROR or BLOCKER is open (the CLI then exits 1).
    pub fn has_open_errors(&self) -> bool {
        self.totals.blocker + self.totals.error > 0
    }

    /// Findings of one rule.
    pub fn of_rule<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a QaFinding> + 'a {
        self.findings
            .iter()
            .filter(move |f| f.rule.as_deref() == Some(id))
    }
}
