//! `toponym validate <record.json>... [--json] [--export] [--province CODE | --province-bbox W,S,E,N]`:
//! validates record files against their templates and prints the findings. A file holds one record or an array of them.
//! Exit 0 = no ERROR/BLOCKER, 1 = some, 2 = a file could not be read or is not JSON
//! (malformed JSON is reported with line and column). A file larger than 32 MiB is
//! refused unread; findings are printed record by record as they are found.

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
    // Each record's findings are printed as soon as it is validated, so memory holds one
    // file's JSON and one record's findings, never the findings of a whole run.
    let mut records = 0usize;
    let mut findings_total = 0usize;
    let mut blocking = 0usize;
    let mut input_errors: Vec<Value> = Vec::new();
    if args.json {
        outln!("{{\"records\": [");
    }
    for path in &args.files {
        let name = path.display().to_string();
        let text = match toponym_io::read_capped_text(
            path,
            toponym_ops::survey::MAX_RECORD_FILE_BYTES,
            "record files",
        ) {
            Ok(t) => t,
            Err(e) => {
                let err = json!({"file": name, "error": e.to_string()});
                if !args.json {
                    errln!("{name}: error: {e}");
                }
                input_errors.push(err);
                continue;
            }
        };
        let value: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                let msg = format!(
                    "malformed JSON at line {}, column {}: {e}",
                    e.line(),
                    e.column()
                );
                if !args.json {
                    errln!("{name}: error: {msg}");
                }
                input_errors.push(json!({
                    "file": name, "line": e.line(), "column": e.column(), "error": msg
                }));
                continue;
            }
        };
        drop(text);
        let list: Vec<(Option<usize>, &Value)> = match &value {
            Value::Array(a) => a.iter().enumerate().map(|(i, v)| (Some(i), v)).collect(),
            v => vec![(None, v)],
        };
        for (index, r) in list {
            let o = Outcome {
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
            };
            blocking += o
                .findings
                .iter()
                .filter(|f| f.severity.is_blocking())
                .count();
            findings_total += o.findings.len();
            if args.json {
                let item = json!({"file": o.file, "index": o.index, "record_id": o.record_id, "template": o.template, "findings": o.findings});
                let sep = if records == 0 { "" } else { "," };
                outln!("{sep}{}", serde_json::to_string(&item).unwrap_or_default());
            } else {
                print_outcome(&o);
            }
            records += 1;
        }
    }
    if args.json {
        let tail = json!({
            "records": records,
            "findings": findings_total,
            "blocking": blocking,
            "input_errors": input_errors.len()
        });
        outln!(
            "], \"input_errors\": {}, \"summary\": {}}}",
            serde_json::to_string(&input_errors).unwrap_or_default(),
            serde_json::to_string(&tail).unwrap_or_default()
        );
    } else {
        outln!(
            "{} record(s), {} blocking finding(s), {} input error(s)",
            records,
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

/// Prints one record's findings in the text format.
fn print_outcome(o: &Outcome) {
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
        return;
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
