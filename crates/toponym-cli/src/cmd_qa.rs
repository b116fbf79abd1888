//! `toponym qa <survey | record files…> [--stage bundle] [--json] [--xlsx report.xlsx]`:
//! runs every quality rule up to the stage over a survey (records, investigation list,
//! media, audit log) or over record files, and prints the findings grouped by rule with
//! counts and the coverage table (rules that could not run, and why), or JSON, and writes
//! the XLSX report. Exit 1 when an ERROR or BLOCKER is open, 2 when the input is unusable.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args as ClapArgs;
use toponym_core::{Clock, SystemClock};
use toponym_forms::{Catalog, ValidateOptions};
use toponym_ops::qa;
use toponym_qa::{CoverageStatus, Engine, Report, Stage};

/// Arguments of `toponym qa`.
#[derive(ClapArgs, Debug)]
pub struct Args {
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

pub fn run(args: Args) -> ExitCode {
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

fn run_inner(args: &Args) -> Result<Report, String> {
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
        let store = toponym_ops::survey::open(path, &pass).map_err(|e| e.to_string())?;
        let data = qa::read_survey(&store).map_err(|e| e.to_string())?;
        qa::check_survey(engine, &data, catalog, validate, stage)
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
        qa::check_records(engine, &records, catalog, validate, stage)
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

fn print_text(r: &Report) {
    let t = &r.totals;
    outln!(
        "质检方案 profile {} v{} · 阶段 stage {} · {} 条记录 records",
        r.profile.id,
        r.profile.version,
        r.stage.as_str(),
        r.records
    );
    outln!(
        "BLOCKER {} · ERROR {} · WARNING {} · INFO {}",
        t.blocker,
        t.error,
        t.warning,
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
        for f in r
            .findings
            .iter()
            .filter(|f| f.rule.as_deref().unwrap_or("-") == rule)
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
        }
    }
    let gaps: Vec<_> = r
        .coverage
        .iter()
        .filter(|c| {
            matches!(
                c.status,
                CoverageStatus::Partly
                    | CoverageStatus::NotChecked
                    | CoverageStatus::NotImplemented
                    | CoverageStatus::Disabled
            )
        })
        .collect();
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
