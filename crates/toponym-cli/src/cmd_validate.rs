//! `toponym validate <record.json>... [--json] [--export] [--province CODE | --province-bbox W,S,E,N]`:
//! validates record files against their templates and prints the findings. A file holds one record or an array of them.
//! Exit 0 = no ERROR/BLOCKER, 1 = some, 2 = a file could not be read or is not JSON
//! (malformed JSON is reported with line and column).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde_json::{json, Value};
use toponym_core::{Clock, Finding, SystemClock};
use toponym_forms::{validate_json_with, Catalog, Stage, ValidateOptions};

/// Arguments of `toponym validate`.
#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// Record files (JSON: one record, or an array of records).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Validate for export: the review fields (审核人, 审核时间, 审核意见) become required.
    #[arg(long)]
    export: bool,
    #[command(flatten)]
    extent: ExtentArgs,
}

/// The project area for QA rule S-1 (定位点 inside the project province), shared by
/// `validate` and `survey add`.
#[derive(Args, Debug, Default)]
pub struct ExtentArgs {
    /// QA rule S-1: flag 定位点 outside this division's extent, taken from the shipped
    /// reference outlines (widened by 0.01°). Division code of 2, 4, 6 or 12 digits, e.g.
    /// 370900. Outlines ship for 泰安市 (370900) and its counties only; for other areas use
    /// --province-bbox.
    #[arg(long, value_name = "CODE", conflicts_with = "province_bbox")]
    province: Option<String>,
    /// QA rule S-1: flag 定位点 outside this box, West,South,East,North in CGCS2000
    /// degrees, e.g. 114.8,34.3,122.8,38.5.
    #[arg(long, value_name = "W,S,E,N", value_parser = crate::cmd_survey::parse_bbox, allow_hyphen_values = true)]
    province_bbox: Option<[f64; 4]>,
}

impl ExtentArgs {
    /// The box for `ValidateOptions::province_bbox`; an unknown code or one without an
    /// outline is a usage error.
    pub fn resolve(&self) -> Result<Option<[f64; 4]>, String> {
        match (&self.province, self.province_bbox) {
            (Some(code), _) => toponym_ops::extent::province_extent(code)
                .map(|e| Some(e.bbox))
                .map_err(|e| format!("--province: {e}")),
            (None, b) => Ok(b),
        }
    }
}

struct Outcome {
    file: String,
    index: Option<usize>,
    record_id: Option<String>,
    template: Option<String>,
    findings: Vec<Finding>,
}

/// Runs the subcommand.
pub fn run(args: ValidateArgs) -> ExitCode {
    if let Some(e) = Catalog::builtin_error() {
        errln!("error: the built-in template catalogue is defective: {e}");
        return ExitCode::from(2);
    }
    let catalog = Catalog::builtin();
    let province_bbox = match args.extent.resolve() {
        Ok(b) => b,
        Err(e) => {
            errln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let opts = ValidateOptions {
        province_bbox,
        now: Some(SystemClock.now()),
        stage: if args.export {
            Stage::Export
        } else {
            Stage::Record
        },
        ..ValidateOptions::default()
    };
    let mut outcomes = Vec::new();
    let mut input_errors = Vec::new();
    for path in &args.files {
        let name = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                input_errors.push(json!({"file": name, "error": format!("cannot read: {e}")}));
                continue;
            }
        };
        let value: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                input_errors.push(json!({
                    "file": name, "line": e.line(), "column": e.column(),
                    "error": format!("malformed JSON at line {}, column {}: {e}", e.line(), e.column())
                }));
                continue;
            }
        };
        let records: Vec<(Option<usize>, &Value)> = match &value {
            Value::Array(a) => a.iter().enumerate().map(|(i, v)| (Some(i), v)).collect(),
            v => vec![(None, v)],
        };
        for (index, r) in records {
            outcomes.push(Outcome {
                file: name.clone(),
                index,
                record_id: r
                    .get("record_id")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                template: r
                    .get("template")
                    .and_then(|t| t.get("id"))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                findings: validate_json_with(catalog, r, &opts),
            });
        }
    }
    let blocking = outcomes
        .iter()
        .flat_map(|o| &o.findings)
        .filter(|f| f.severity.is_blocking())
        .count();
    if args.json {
        let recs: Vec<Value> = outcomes
            .iter()
            .map(|o| json!({"file": o.file, "index": o.index, "record_id": o.record_id, "template": o.template, "findings": o.findings}))
            .collect();
        let out = json!({
            "records": recs,
            "input_errors": input_errors,
            "summary": {
                "records": outcomes.len(),
                "findings": outcomes.iter().map(|o| o.findings.len()).sum::<usize>(),
                "blocking": blocking,
                "input_errors": input_errors.len()
            }
        });
        outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        for e in &input_errors {
            errln!(
                "{}: error: {}",
                e["file"].as_str().unwrap_or(""),
                e["error"].as_str().unwrap_or("")
            );
        }
        for o in &outcomes {
            let at = match o.index {
                Some(i) => format!("{}[{i}]", o.file),
                None => o.file.clone(),
            };
            let who = format!(
                "{} {}",
                o.template.as_deref().unwrap_or("?"),
                o.record_id.as_deref().unwrap_or("?")
            );
            if o.findings.is_empty() {
                outln!("{at}: {who}: ok");
                continue;
            }
            outln!("{at}: {who}: {} finding(s)", o.findings.len());
            for f in &o.findings {
                outln!(
                    "  {:<7} {:<5} {}: {}",
                    f.severity.as_str(),
                    f.rule.as_deref().unwrap_or("-"),
                    f.path,
                    f.message.zh
                );
                outln!(
                    "  {:<7} {:<5} {}  {}",
                    "",
                    "",
                    " ".repeat(f.path.chars().count()),
                    f.message.en
                );
            }
        }
        outln!(
            "{} record(s), {} blocking finding(s), {} input error(s)",
            outcomes.len(),
            blocking,
            input_errors.len()
        );
    }
    if !input_errors.is_empty() {
        ExitCode::from(2)
    } else if blocking > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
