//! `cargo xtask tidy`: repository hygiene that a reviewer should not have to check by eye.
//! Runs as a test (xtask/tests/tidy.rs), so `cargo test` fails on a violation.
//!
//! * every `.rs` file starts with a `//!` header saying why it exists;
//! * every JSON/JSONL/TSV/CSV file under `schemas/` and `samples/` parses, and the
//!   template catalogue under `schemas/` loads;
//! * every record in `samples/` validates without ERROR/BLOCKER findings, or carries an
//!   `_expect` list of the findings it deliberately trips (and trips exactly those);
//! * the generated files (JSON Schemas, docs/qa-rules.md) are up to date.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use serde_json::Value;
use toponym_forms::{validate_json, Catalog};

const SKIP_DIRS: &[&str] = &["target", "node_modules", ".git", "dist", "gen"];

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() {
            if !SKIP_DIRS.contains(&name.as_str()) {
                walk(&p, out);
            }
        } else {
            out.push(p);
        }
    }
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}

/// `.rs` files whose first non-blank line is not a `//!` comment.
pub fn missing_headers(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for d in ["crates", "xtask", "src-tauri"] {
        walk(&root.join(d), &mut files);
    }
    files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            !text
                .lines()
                .find(|l| !l.trim().is_empty())
                .is_some_and(|l| l.starts_with("//!"))
        })
        .map(|p| {
            format!(
                "{}: first line must be a //! header saying why the file exists",
                rel(root, p)
            )
        })
        .collect()
}

fn check_record(catalog: &Catalog, where_: &str, mut v: Value, problems: &mut Vec<String>) {
    let expect: Option<BTreeSet<(String, String)>> = v
        .as_object_mut()
        .and_then(|o| o.remove("_expect"))
        .map(|e| {
            e.as_array()
                .map(|a| {
                    a.iter()
                        .map(|x| {
                            let id = x
                                .get("rule")
                                .or_else(|| x.get("code"))
                                .and_then(Value::as_str)
                                .unwrap_or("");
                            (
                                id.to_owned(),
                                x.get("path")
                                    .and_then(Value::as_str)
                                    .unwrap_or("")
                                    .to_owned(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        });
    let findings = validate_json(catalog, &v);
    match expect {
        None => {
            for f in findings.iter().filter(|f| f.severity.is_blocking()) {
                problems.push(format!(
                    "{where_}: {} {} at {}: {} (fix it, or list it in `_expect` if deliberate)",
                    f.rule.as_deref().unwrap_or(&f.message.code),
                    f.severity,
                    f.path,
                    f.message.en
                ));
            }
        }
        Some(want) => {
            let got: BTreeSet<(String, String)> = findings
                .iter()
                .map(|f| {
                    (
                        f.rule.clone().unwrap_or_else(|| f.message.code.clone()),
                        f.path.clone(),
                    )
                })
                .collect();
            for w in want.difference(&got) {
                problems.push(format!(
                    "{where_}: deliberately defective record does not trip {} at {}",
                    w.0, w.1
                ));
            }
        }
    }
}

fn is_record(v: &Value) -> bool {
    v.get("record_id").is_some() && v.get("template").is_some()
}

/// Problems with files under `schemas/` and `samples/`.
pub fn data_problems(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let catalog = match Catalog::load_dir(&root.join("schemas")) {
        Ok(c) => Some(c),
        Err(e) => {
            problems.push(format!("schemas/: {e}"));
            None
        }
    };
    let mut files = Vec::new();
    walk(&root.join("schemas"), &mut files);
    let mut samples = Vec::new();
    walk(&root.join("samples"), &mut samples);
    files.extend(samples.iter().cloned());
    files.sort();
    for p in &files {
        let r = rel(root, p);
        let ext = p
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let in_samples = samples.contains(p);
        let text = || std::fs::read_to_string(p);
        match ext.as_str() {
            "json" | "geojson" => match text()
                .map_err(|e| e.to_string())
                .and_then(|t| serde_json::from_str::<Value>(&t).map_err(|e| e.to_string()))
            {
                Err(e) => problems.push(format!("{r}: {e}")),
                Ok(v) if in_samples => {
                    if let Some(c) = &catalog {
                        if is_record(&v) {
                            check_record(c, &r, v, &mut problems);
                        } else if let Some(a) = v.as_array() {
                            for (i, item) in a.iter().enumerate().filter(|(_, x)| is_record(x)) {
                                check_record(c, &format!("{r}[{i}]"), item.clone(), &mut problems);
                            }
                        }
                    }
                }
                Ok(_) => {}
            },
            "jsonl" | "ndjson" => match text() {
                Err(e) => problems.push(format!("{r}: {e}")),
                Ok(t) => {
                    for (i, line) in t.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
                        match serde_json::from_str::<Value>(line) {
                            Err(e) => problems.push(format!("{r}:{}: {e}", i + 1)),
                            Ok(v) if in_samples && is_record(&v) => {
                                if let Some(c) = &catalog {
                                    check_record(c, &format!("{r}:{}", i + 1), v, &mut problems);
                                }
                            }
                            Ok(_) => {}
                        }
                    }
                }
            },
            "tsv" => match text() {
                Err(e) => problems.push(format!("{r}: {e}")),
                Ok(t) => {
                    let mut rows = t
                        .lines()
                        .enumerate()
                        .filter(|(_, l)| !l.starts_with('#') && !l.is_empty());
                    if let Some((_, header)) = rows.next() {
                        let n = header.split('\t').count();
                        for (i, l) in rows {
                            if l.split('\t').count() != n {
                                problems.push(format!(
                                    "{r}:{}: {} columns, header has {n}",
                                    i + 1,
                                    l.split('\t').count()
                                ));
                            }
                        }
                    }
                }
            },
            "csv" | "md" | "txt" | "toml" | "yaml" | "yml" => {
                if let Err(e) = text() {
                    problems.push(format!("{r}: not UTF-8 text: {e}"));
                }
            }
            _ => {}
        }
    }
    problems
}

/// All tidy problems, as lines.
/// The files whose `fn code(&self)` give the stable error codes a UI or the CLI translates.
const CODE_SOURCES: &[&str] = &[
    "crates/toponym-store/src/error.rs",
    "crates/toponym-io/src/output.rs",
    "crates/toponym-ops/src/error.rs",
    "crates/toponym-desktop/src/error.rs",
];

/// Error codes (`"survey.damaged"` …) returned by the `code()` functions of
/// [`CODE_SOURCES`] that the message catalogue `schemas/messages/messages.json` lacks.
pub fn untranslated_codes(root: &Path) -> Vec<String> {
    let catalogue: Value =
        match std::fs::read_to_string(root.join("schemas/messages/messages.json"))
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        {
            Ok(v) => v,
            Err(e) => return vec![format!("schemas/messages/messages.json: {e}")],
        };
    let known = |c: &str| catalogue["messages"].get(c).is_some();
    let mut out = Vec::new();
    for file in CODE_SOURCES {
        let Ok(text) = std::fs::read_to_string(root.join(file)) else {
            out.push(format!("{file}: missing (listed in tidy's CODE_SOURCES)"));
            continue;
        };
        let Some(start) = text.find("fn code(&self)") else {
            out.push(format!("{file}: no `fn code(&self)`"));
            continue;
        };
        let body = &text[start..];
        let body = &body[..body.find("\n    }\n").unwrap_or(body.len())];
        for part in body.split("=> \"").skip(1) {
            let code = part.split('"').next().unwrap_or_default();
            if code.contains('.') && !known(code) {
                out.push(format!(
                    "{file}: error code {code:?} has no message in schemas/messages/messages.json"
                ));
            }
        }
    }
    out
}

pub fn run(root: &Path) -> Vec<String> {
    let mut p = missing_headers(root);
    p.extend(data_problems(root));
    p.extend(untranslated_codes(root));
    match crate::codegen::stale(root) {
        Ok(stale) => p.extend(
            stale
                .into_iter()
                .map(|s| format!("{s}: stale generated file (run `cargo xtask codegen`)")),
        ),
        Err(e) => p.push(format!("codegen: {e:#}")),
    }
    p
}

/// Entry point.
pub fn main(root: &Path) -> Result<()> {
    let problems = run(root);
    if problems.is_empty() {
        println!("tidy: ok");
        Ok(())
    } else {
        bail!(
            "{} problem(s):\n  {}",
            problems.len(),
            problems.join("\n  ")
        )
    }
}
