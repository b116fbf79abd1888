//! The app's quality screen and override dialog: the survey-wide QA report (every rule up
//! to the bundle stage, as `toponym qa` runs it) shaped for the screen, grouped by rule
//! and by township, with each finding's record, template, field path, severity, message
//! and override, and the rules that could not check everything (and why); and accepting
//! a WARNING with a written reason (`toponym_ops::overrides`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toponym_core::{RecordId, Severity};
use toponym_forms::ValidateOptions;
use toponym_ops::overrides::{override_warning, OverrideRequest, MIN_REASON_CHARS};
use toponym_ops::qa::{self, QaReport};
use toponym_qa::{Engine, Stage};
use toponym_store::Override;
use ts_rs::TS;

use super::dto::{FindingDto, MessageDto};
use super::session::{parse_id, store_err};
use super::{AppError, Session};

/// A WARNING accepted with a reason: why, who, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/api/bindings/")]
pub struct OverrideDto {
    pub reason: String,
    pub actor: String,
    /// RFC 3339, UTC.
    pub at: String,
}

impl From<&Override> for OverrideDto {
    fn from(o: &Override) -> Self {
        Self {
            reason: o.reason.clone(),
            actor: o.actor.clone(),
            at: o
                .at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
        }
    }
}

/// Findings of a group by severity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/api/bindings/")]
pub struct SeverityCountsDto {
    pub blocker: u32,
    pub error: u32,
    pub warning: u32,
    pub info: u32,
    /// Of the warnings, how many are accepted with a reason.
    pub overridden: u32,
}

impl SeverityCountsDto {
    fn add(&mut self, severity: Severity, overridden: bool) {
        match severity {
            Severity::Blocker => self.blocker += 1,
            Severity::Error => self.error += 1,
            Severity::Warning => self.warning += 1,
            Severity::Info => self.info += 1,
        }
        self.overridden += u32::from(overridden);
    }
}

/// One finding of the survey-wide report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/api/bindings/")]
pub struct QualityFindingDto {
    /// Catalogue rule id, `None` for a value-shape finding.
    pub rule: Option<String>,
    /// `INFO`, `WARNING`, `ERROR` or `BLOCKER`.
    pub severity: String,
    /// The stage that raised it (`entry`, `record`, `bundle`).
    pub stage: String,
    /// The record; `None` for a finding about the survey as a whole.
    pub record_id: Option<String>,
    /// 标准名称 of the record.
    pub name: String,
    pub template_id: String,
    /// Township code (or county code), empty when unknown.
    pub township: String,
    pub township_name: String,
    /// `fields.<key>…`, `geometry`, or what a survey finding concerns.
    pub path: String,
    pub message: MessageDto,
    /// Set when the surveyor accepted this WARNING with a reason.
    pub overridden: Option<OverrideDto>,
    /// True for a WARNING of the record stage that is not accepted yet: the override
    /// dialog may be offered.
    pub can_override: bool,
}

/// A group of findings (one rule, or one township).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/api/bindings/")]
pub struct QualityGroupDto {
    /// Rule id or township code (`-` for findings without a rule, empty for findings
    /// without a township).
    pub key: String,
    pub title_zh: String,
    pub title_en: String,
    pub counts: SeverityCountsDto,
    /// Positions of its findings in [`QualityReportDto::findings`].
    pub findings: Vec<u32>,
}

/// A rule that could not check everything, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/api/bindings/")]
pub struct CoverageGapDto {
    pub rule: String,
    pub title_zh: String,
    pub title_en: String,
    pub severity: String,
    pub stage: String,
    /// `partly`, `not_checked`, `disabled` or `not_implemented`.
    pub status: String,
    pub status_zh: String,
    pub status_en: String,
    /// Records (or 1 for a survey rule) it did check.
    pub checked: u32,
    /// Why not, with how many records each reason applies to.
    pub reasons: Vec<CoverageReasonDto>,
}

/// One reason a rule did not check, and on how many records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/api/bindings/")]
pub struct CoverageReasonDto {
    pub message: MessageDto,
    pub count: u32,
}

/// The survey-wide quality report as the quality screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/api/bindings/")]
pub struct QualityReportDto {
    /// Records checked.
    pub records: u32,
    /// Profile id and version.
    pub profile: String,
    /// Up to which stage the rules ran.
    pub stage: String,
    pub totals: SeverityCountsDto,
    /// Most severe first, then by rule, record and path.
    pub findings: Vec<QualityFindingDto>,
    /// By rule, in rule order.
    pub by_rule: Vec<QualityGroupDto>,
    /// By township, in code order.
    pub by_township: Vec<QualityGroupDto>,
    /// Rules not (fully) checked, in catalogue order.
    pub coverage: Vec<CoverageGapDto>,
    /// The fewest characters the reason of an override needs.
    pub min_reason_chars: u32,
}

impl Session {
    /// The same options as a save (`Session::rules`): today from the session's clock,
    /// the survey's own area for S-1.
    fn validate_options(&self) -> ValidateOptions {
        self.rules().options.validate
    }

    /// Every rule up to the bundle stage over the whole survey, with the accepted
    /// warnings marked, grouped by rule and by township.
    pub fn quality_report(&self) -> Result<QualityReportDto, AppError> {
        let marked = qa::check_store(
            Engine::builtin(),
            &self.store,
            self.catalog,
            self.validate_options(),
            Stage::Bundle,
        )
        .map_err(AppError::from)?;
        Ok(report_dto(&marked))
    }

    /// Accepts the WARNING `rule` at `path` of record `record_id` for `reason`, as the
    /// person signed in. Refused (with a coded error naming record, rule and path) unless
    /// it is open on the record now, is a WARNING and the reason is long enough.
    pub fn finding_override(
        &mut self,
        record_id: &str,
        rule: &str,
        path: &str,
        reason: &str,
    ) -> Result<OverrideDto, AppError> {
        let options = self.validate_options();
        let req = OverrideRequest {
            record_id,
            rule,
            path,
            reason,
        };
        let o = override_warning(
            &mut self.store,
            &req,
            &self.actor,
            Engine::builtin(),
            self.catalog,
            options,
        )
        .map_err(AppError::from)?;
        Ok(OverrideDto::from(&o))
    }

    /// The quality rules' findings on a stored record (the record stage, as the survey
    /// report and an override see them), most severe first, accepted warnings marked.
    /// The form shows them next to its live checks, so a finding clicked on the quality
    /// screen is there when the form opens.
    pub fn record_quality(&self, record_id: &str) -> Result<Vec<FindingDto>, AppError> {
        let id = parse_id(record_id)?;
        let record = self
            .store
            .get_record(&id)
            .map_err(store_err)?
            .ok_or_else(|| AppError::RecordNotFound {
                id: record_id.to_owned(),
            })?;
        let mut out: Vec<FindingDto> = self
            .rules()
            .check(&record)
            .iter()
            .map(FindingDto::from)
            .collect();
        self.mark_overridden(&id, &mut out);
        Ok(out)
    }

    /// Marks the WARNINGs of a record's findings that the surveyor accepted.
    pub(crate) fn mark_overridden(&self, id: &RecordId, findings: &mut [FindingDto]) {
        if !findings.iter().any(|f| f.severity == "WARNING") {
            return;
        }
        // A record not stored yet has none; a failed read shows the findings unmarked
        // (the next save or reopen reads again) rather than failing the live check.
        let Ok(overrides) = self.store.overrides_of(id) else {
            return;
        };
        for f in findings.iter_mut().filter(|f| f.severity == "WARNING") {
            f.overridden = overrides
                .iter()
                .find(|o| Some(o.rule.as_str()) == f.rule.as_deref() && o.path == f.path)
                .map(OverrideDto::from);
        }
    }
}

fn report_dto(marked: &QaReport) -> QualityReportDto {
    let r = &marked.report;
    let title = |rule: &str| {
        r.coverage
            .iter()
            .find(|c| c.rule == rule)
            .map(|c| (c.title_zh.clone(), c.title_en.clone()))
            .unwrap_or_else(|| ("数据格式".into(), "Value shape".into()))
    };
    let mut totals = SeverityCountsDto::default();
    let mut by_rule: BTreeMap<String, QualityGroupDto> = BTreeMap::new();
    let mut by_township: BTreeMap<String, QualityGroupDto> = BTreeMap::new();
    let mut findings = Vec::with_capacity(r.findings.len());
    for (i, f) in r.findings.iter().enumerate() {
        let subject = f.record_id.as_ref().and_then(|id| r.subjects.get(id));
        let overridden = marked.override_of(i).map(OverrideDto::from);
        let is_over = overridden.is_some();
        totals.add(f.severity, is_over);
        let rule = f.rule.clone().unwrap_or_else(|| "-".into());
        let group = by_rule.entry(rule.clone()).or_insert_with(|| {
            let (zh, en) = title(&rule);
            QualityGroupDto {
                key: rule.clone(),
                title_zh: zh,
                title_en: en,
                counts: SeverityCountsDto::default(),
                findings: Vec::new(),
            }
        });
        group.counts.add(f.severity, is_over);
        group.findings.push(i as u32);
        let (township, township_name) = subject
            .map(|s| (s.township.clone(), s.township_name.clone()))
            .unwrap_or_default();
        let group = by_township.entry(township.clone()).or_insert_with(|| {
            let (zh, en) = if township.is_empty() {
                (
                    "（调查整体或无乡镇）".to_owned(),
                    "(survey-wide or no township)".to_owned(),
                )
            } else {
                (township_name.clone(), township_name.clone())
            };
            QualityGroupDto {
                key: township.clone(),
                title_zh: zh,
                title_en: en,
                counts: SeverityCountsDto::default(),
                findings: Vec::new(),
            }
        });
        group.counts.add(f.severity, is_over);
        group.findings.push(i as u32);
        findings.push(QualityFindingDto {
            rule: f.rule.clone(),
            severity: f.severity.as_str().to_owned(),
            stage: f.stage.as_str().to_owned(),
            record_id: f.record_id.clone(),
            name: subject.map(|s| s.name.clone()).unwrap_or_default(),
            template_id: subject.map(|s| s.template.clone()).unwrap_or_default(),
            township,
            township_name,
            path: f.path.clone(),
            message: (&f.message).into(),
            can_override: f.severity == Severity::Warning
                && f.stage <= Stage::Record
                && f.record_id.is_some()
                && f.rule.is_some()
                && !is_over,
            overridden,
        });
    }
    let coverage = r
        .coverage
        .iter()
        .filter(|c| c.status.is_gap())
        .map(|c| CoverageGapDto {
            rule: c.rule.clone(),
            title_zh: c.title_zh.clone(),
            title_en: c.title_en.clone(),
            severity: c.severity.as_str().to_owned(),
            stage: c.stage.as_str().to_owned(),
            status: serde_json::to_value(c.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            status_zh: c.status.zh().to_owned(),
            status_en: c.status.en().to_owned(),
            checked: c.checked as u32,
            reasons: c
                .skipped
                .iter()
                .map(|s| CoverageReasonDto {
                    message: (&s.reason).into(),
                    count: s.count as u32,
                })
                .collect(),
        })
        .collect();
    QualityReportDto {
        records: r.records as u32,
        profile: format!("{} v{}", r.profile.id, r.profile.version),
        stage: r.stage.as_str().to_owned(),
        totals,
        findings,
        by_rule: {
            // Catalogue order (the coverage table's), value-shape findings first.
            let order = |k: &str| r.coverage.iter().position(|c| c.rule == k);
            let mut groups: Vec<QualityGroupDto> = by_rule.into_values().collect();
            groups.sort_by_key(|g| order(&g.key));
            groups
        },
        by_township: by_township.into_values().collect(),
        coverage,
        min_reason_chars: MIN_REASON_CHARS as u32,
    }
}
