//! `toponym qa <survey | record files…> [--stage bundle] [--json] [--xlsx report.xlsx]`:
//! runs every quality rule up to the stage over a survey (records, investigation list,
//! media, audit log) or over record files, and prints the findings grouped by rule with
//! counts and the coverage table (rules that could not run, and why), or JSON, and writes
//! the XLSX report. Warnings accepted with a reason stay listed, marked with the reason,
//! who and when. Exit 1 when an ERROR or BLOCKER is open, 2 when the input is unusable.
//!
//! `toponym qa override <survey> --record <id> --rule <id> --path <path> --reason <text>`:
//! accepts a WARNING that is open on the record now, with a written reason (at least
//! `toponym_ops::overrides::MIN_REASON_CHARS` characters), into the audit log. ERROR and
//! BLOCKER findings cannot be accepted. Exit 0 when stored, 2 when refused.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args as ClapArgs;
use toponym_core::{Clock, SystemClock};
use toponym_forms::{Catalog, ValidateOptions};
use toponym_ops::overrides::{override_warning, OverrideRequest};
use toponym_ops::qa::{self, QaReport};
use toponym_ops::survey::Actor;
use toponym_qa::{Engine, Stage};

/// Arguments of `toponym qa`.
#[derive(ClapArgs, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
    /// A survey file (`*.toponym`, passphrase from TOPONYM_PASSPHRASE or a prompt), or
    /// record files (JSON: one record or an array).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Run every rule up to this stage: entry, record or bundle.
    #[arg(long, default_value = "bundle")]
    stage: String,
    /// A county profile (rules switched off, other thresholds); default: the shipped one.
    #[arg(long)]
    profile: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Also write the report as an XLSX workbook.
    #[arg(long)]
    xlsx: Option<PathBuf>,
    /// Replace an existing XLSX file.
    #[arg(long)]
    replace: bool,
    #[command(flatten)]
    extent: crate::cmd_validate::ExtentArgs,
}

/// What else `toponym qa` does besides the check.
#[derive(clap::Subcommand, Debug)]
enum Action {
    /// Accept a WARNING of a record with a written reason (into the audit log); ERROR and
    /// BLOCKER findings cannot be accepted.
    Override(Box<OverrideArgs>),
}

/// Arguments of `toponym qa override`.
#[derive(ClapArgs, Debug)]
struct OverrideArgs {
    /// The survey file (`*.toponym`).
    survey: PathBuf,
    /// The record's id (the finding's record_id in `toponym qa --json`).
    #[arg(long)]
    record: String,
    /// The finding's rule, e.g. R-4.
    #[arg(long)]
    rule: String,
    /// The finding's path, e.g. fields.standard_name.
    #[arg(long)]
    path: String,
    /// Why the warning does not apply (at least 10 characters).
    #[arg(long)]
    reason: String,
    /// A county profile (the rules that are on decide which findings are open).
    #[arg(long)]
    profile: Option<PathBuf>,
    /// Print the stored override as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    extent: crate::cmd_validate::ExtentArgs,
}

pub fn run(args: Args) -> ExitCode {
    if let Some(Action::Override(o)) = &args.action {
        return match run_override(o) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                errln!("error: {e}");
                ExitCode::from(2)
            }
        };
    }
    match run_inner(&args) {
        Ok(report) => {
            if report.has_open_errors() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            errln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_override(a: &OverrideArgs) -> Result<(), String> {
    if !toponym_io::store_files::is_store(&a.survey) {
        return Err(format!(
            "{}: overrides are stored in a survey file (*.toponym), not in record files",
            a.survey.display()
        ));
    }
    let owned;
    let engine: &Engine = match &a.profile {
        Some(p) => {
            owned = qa::load_profile(p).map_err(|e| e.to_string())?;
            &owned
        }
        None => Engine::builtin(),
    };
    let validate = ValidateOptions {
        now: Some(SystemClock.now()),
        province_bbox: a.extent.resolve()?,
        ..ValidateOptions::default()
    };
    let pass = crate::cmd_survey::passphrase(false)?;
    let mut store = crate::open_survey(&a.survey, &pass).map_err(|e| e.to_string())?;
    // The unlocked member accepts it (the store names them).
    let who = store
        .actor_or(&toponym_ops::survey::Actor::new("toponym"))
        .name;
    let req = OverrideRequest {
        record_id: &a.record,
        rule: &a.rule,
        path: &a.path,
        reason: &a.reason,
    };
    let o = override_warning(
        &mut store,
        &req,
        &Actor::new(who),
        engine,
        Catalog::builtin(),
        validate,
    )
    .map_err(|e| e.to_string())?;
    if a.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&o).map_err(|e| e.to_string())?
        );
    } else {
        outln!(
            "已说明理由接受 accepted: {} {} of record {} by {} at {} (audit entry {}): {}",
            o.rule,
            o.path,
            o.record_id,
            o.actor,
            rfc3339(o.at),
            o.seq,
            o.reason
        );
    }
    Ok(())
}

fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn run_inner(args: &Args) -> Result<QaReport, String> {
    let stage: Stage = args.stage.parse()?;
    if stage > Stage::Bundle {
        return Err(format!(
            "--stage {}: the merge and province stages run in the county merge tool, not on a survey",
            stage.as_str()
        ));
    }
    let owned;
    let engine: &Engine = match &args.profile {
        Some(p) => {
            owned = qa::load_profile(p).map_err(|e| e.to_string())?;
            &owned
        }
        None => Engine::builtin(),
    };
    let catalog = Catalog::builtin();
    let validate = ValidateOptions {
        now: Some(SystemClock.now()),
        province_bbox: args.extent.resolve()?,
        ..ValidateOptions::default()
    };
    let survey = match args.inputs.as_slice() {
        [one] if toponym_io::store_files::is_store(one) => Some(one),
        _ => None,
    };
    let report = if let Some(path) = survey {
        let pass = crate::cmd_survey::passphrase(false)?;
        let store = crate::open_survey(path, &pass).map_err(|e| e.to_string())?;
        qa::check_store(engine, &store, catalog, validate, stage).map_err(|e| e.to_string())?
    } else {
        let mut records = Vec::new();
        for f in &args.inputs {
            if toponym_io::store_files::is_store(f) {
                return Err(format!(
                    "{}: give one survey file alone, or record files",
                    f.display()
                ));
            }
            records.extend(toponym_ops::survey::read_record_file(f).map_err(|e| e.to_string())?);
        }
        QaReport::unmarked(qa::check_records(
            engine, &records, catalog, validate, stage,
        ))
    };
    if let Some(x) = &args.xlsx {
        let written = qa::write_xlsx(&report, x, args.replace).map_err(|e| e.to_string())?;
        errln!("已写出 wrote {}", written.display());
    }
    if args.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
        );
    } else {
        print_text(&report);
    }
    Ok(report)
}

fn print_text(marked: &QaReport) {
    let r = &marked.report;
    let t = &r.totals;
    outln!(
        "质检方案 profile {} v{} · 阶段 stage {} · {} 条记录 records",
        r.profile.id,
        r.profile.version,
        r.stage.as_str(),
        r.records
    );
    outln!(
        "BLOCKER {} · ERROR {} · WARNING {}（已说明理由接受 overridden {}）· INFO {}",
        t.blocker,
        t.error,
        t.warning,
        marked.overridden.warnings,
        t.info
    );
    for (rule, c) in &r.by_rule {
        let title = r
            .coverage
            .iter()
            .find(|cv| &cv.rule == rule)
            .map(|cv| cv.title_zh.as_str())
            .unwrap_or("");
        outln!("\n{rule} {title}: {} 条 finding(s)", c.total());
        for (i, f) in r
            .findings
            .iter()
            .enumerate()
            .filter(|(_, f)| f.rule.as_deref().unwrap_or("-") == rule)
        {
            let who = f
                .record_id
                .as_ref()
                .and_then(|id| r.subjects.get(id))
                .map(|s| format!("{}（{}）", s.name, s.template))
                .unwrap_or_else(|| "调查 survey".into());
            outln!(
                "  {:<7} {} {}: {}",
                f.severity.as_str(),
                who,
                f.path,
                f.message.zh
            );
            if let Some(id) = &f.record_id {
                outln!("          {id}  {}", f.message.en);
            } else {
                outln!("          {}", f.message.en);
            }
            if let Some(o) = marked.override_of(i) {
                outln!(
                    "          已说明理由接受 accepted by {} at {}: {}",
                    o.actor,
                    rfc3339(o.at),
                    o.reason
                );
            }
        }
    }
    let gaps: Vec<_> = r.coverage.iter().filter(|c| c.status.is_gap()).collect();
    if !gaps.is_empty() {
        outln!("\n未完全检查的规则 rules not (fully) checked:");
        for c in gaps {
            let why: Vec<String> = c
                .skipped
                .iter()
                .map(|s| format!("{}（{}）", s.reason.zh, s.count))
                .collect();
            outln!(
                "  {:<5} {:<8} {} / {}  {}",
                c.rule,
                c.stage.as_str(),
                c.status.zh(),
                c.status.en(),
                why.join("；")
            );
        }
    }
}
