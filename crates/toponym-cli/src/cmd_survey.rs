//! `toponym survey …`: the surveyor's encrypted store from the command line. Thin
//! adapters over `toponym_ops::survey`; the passphrase comes from TOPONYM_PASSPHRASE or
//! a prompt on the terminal (asked twice for `init`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use toponym_core::SystemClock;
use toponym_forms::Catalog;
use toponym_ops::survey;
use toponym_ops::survey::{
    Actor, KdfParams, ListFilter, NewMember, Passphrase, Role, StoreError, WorkflowStatus,
};

/// Arguments of `toponym survey`.
#[derive(Args)]
pub struct SurveyArgs {
    #[command(subcommand)]
    cmd: SurveyCmd,
}

#[derive(Subcommand)]
enum SurveyCmd {
    /// Create an empty encrypted survey (and its <path>.toponym-kdf sidecar).
    Init {
        /// The survey file to create.
        path: PathBuf,
        /// The first member's name (a registrar, 登记人); the passphrase is theirs.
        #[arg(long, default_value = "登记人")]
        name: String,
        /// Their role.
        #[arg(long, default_value = "registrar")]
        role: Role,
        /// Their unit (工作单位).
        #[arg(long, default_value = "")]
        unit: String,
        /// The county office's public key (age1…, or its key file): with it the office
        /// can reopen the survey if every passphrase is lost.
        #[arg(long)]
        office: Option<String>,
        /// Argon2id memory in KiB (default: the production setting, 262144).
        #[arg(long, hide = true)]
        kdf_memory_kib: Option<u32>,
        /// Argon2id passes (default 3).
        #[arg(long, hide = true)]
        kdf_passes: Option<u32>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Add or update records from JSON files (a record object or an array), all or none.
    ///
    /// Every record is checked against the template catalogue first: a template id the
    /// catalogue does not have stops the command (exit 2, naming the closest ids), and so
    /// does a template version or hash other than the catalogue's. Then each record is
    /// validated like `toponym validate` and its findings are printed:
    ///
    /// * a draft (fields.workflow_status absent, "draft" or "returned") may be incomplete:
    ///   it is stored even with ERROR/BLOCKER findings (exit 0);
    ///
    /// * a record marked "complete" or "reviewed" must have no ERROR/BLOCKER finding: if
    ///   any such record has one, NOTHING is stored and the command exits 1. Fix the record
    ///   or set its workflow_status to "draft".
    Add {
        /// The survey.
        path: PathBuf,
        /// Record files.
        #[arg(required = true)]
        records: Vec<PathBuf>,
        /// Why (audit log).
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        extent: crate::cmd_validate::ExtentArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List records, optionally within a box and/or matching a name.
    List {
        /// The survey.
        path: PathBuf,
        /// West,South,East,North in CGCS2000 degrees.
        #[arg(long, value_parser = parse_bbox, allow_hyphen_values = true)]
        bbox: Option<[f64; 4]>,
        /// Name text: characters (any part) or pinyin (start), e.g. 泰山, taishan, "tai shan".
        #[arg(long)]
        name: Option<String>,
        /// Template id, e.g. water.river.
        #[arg(long)]
        template: Option<String>,
        /// Workflow status: draft, complete, reviewed, returned.
        #[arg(long)]
        status: Option<String>,
        /// At most this many rows.
        #[arg(long, default_value_t = 1000)]
        limit: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show a record's audit history (who, when, field, old → new, reason).
    History {
        /// The survey.
        path: PathBuf,
        /// The record id (UUID).
        record_id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a record as JSON, now or as it was at an earlier time.
    Show {
        /// The survey.
        path: PathBuf,
        /// The record id (UUID).
        record_id: String,
        /// RFC 3339 time, e.g. 2024-05-01T10:00:00+08:00.
        #[arg(long, value_parser = parse_time)]
        at: Option<time::OffsetDateTime>,
    },
    /// Check the file (PRAGMA integrity_check) and the audit hash chain. Exit 1 if broken.
    Verify {
        /// The survey.
        path: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write an OGC GeoPackage (EPSG:4490, one layer per geometry type) for GIS tools.
    ExportGpkg {
        /// The survey.
        survey: PathBuf,
        /// The .gpkg file to write. An existing file is kept unless --replace is given; a
        /// survey, its key file, a WAL, another database or a device is never written.
        out: PathBuf,
        /// Replace an existing earlier export at the output path.
        #[arg(long)]
        replace: bool,
        /// Allow records classified above 公开 (the GeoPackage is NOT encrypted).
        #[arg(long)]
        allow_classified: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Fill a county's investigation list (地名调查目录) from the 2016 and 2021 tables.
    ImportBaseline(crate::cmd_baseline::ImportBaselineArgs),
    /// List the investigation list, or close an entry (注销/查无此地 with a reason, or by a form).
    Investigation(crate::cmd_baseline::InvestigationArgs),
}

/// Parses W,S,E,N (shared with `validate --province-bbox`).
pub(crate) fn parse_bbox(s: &str) -> Result<[f64; 4], String> {
    let parts: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>().map_err(|e| format!("{p:?}: {e}")))
        .collect::<Result<_, _>>()?;
    match parts.as_slice() {
        &[w, s, e, n] if parts.iter().all(|v| v.is_finite()) && w <= e && s <= n => {
            Ok([w, s, e, n])
        }
        _ => Err("expected W,S,E,N with W ≤ E and S ≤ N, e.g. 116.9,36.0,117.3,36.4".into()),
    }
}

fn parse_time(s: &str) -> Result<time::OffsetDateTime, String> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).map_err(|e| {
        format!("{s:?} is not an RFC 3339 time such as 2024-05-01T10:00:00+08:00: {e}")
    })
}

/// The passphrase, from TOPONYM_PASSPHRASE or the terminal (twice for a new survey).
/// An empty one is refused on every path; a new one needs at least
/// [`toponym_ops::survey::MIN_PASSPHRASE_CHARS`] characters.
pub(crate) fn passphrase(new: bool) -> Result<Passphrase, String> {
    let text = match std::env::var("TOPONYM_PASSPHRASE") {
        Ok(p) if p.trim().is_empty() => {
            return Err(
                "TOPONYM_PASSPHRASE 已设置但为空 / TOPONYM_PASSPHRASE is set but empty; \
                 give the passphrase or unset it to be asked"
                    .into(),
            )
        }
        Ok(p) => p,
        Err(_) => {
            let first = rpassword::prompt_password("口令 Passphrase: ")
                .map_err(|e| format!("cannot read passphrase: {e}"))?;
            if new {
                let again = rpassword::prompt_password("再次输入 Again: ")
                    .map_err(|e| format!("cannot read passphrase: {e}"))?;
                if again != first {
                    return Err("两次口令不一致 / the passphrases differ".into());
                }
            }
            if first.trim().is_empty() {
                return Err("口令不能为空 / the passphrase must not be empty".into());
            }
            first
        }
    };
    let min = toponym_ops::survey::MIN_PASSPHRASE_CHARS;
    if new && text.chars().count() < min {
        return Err(format!(
            "新口令至少需要 {min} 个字符 / a new passphrase needs at least {min} characters \
             (a phrase of several words is easy to remember and hard to guess)"
        ));
    }
    Ok(Passphrase::new(text))
}

fn print_json<T: serde::Serialize>(v: &T) {
    match serde_json::to_string_pretty(v) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("error: cannot serialise output: {e}"),
    }
}

fn print_add_report(report: &survey::AddReport) {
    for r in &report.records {
        let mark = if r.refused {
            "已拒收 REFUSED"
        } else {
            r.workflow_status.as_str()
        };
        println!(
            "{}: {} {} [{mark}]: {} finding(s)",
            r.file.display(),
            r.template_id,
            r.record_id,
            r.findings.len()
        );
        for f in &r.findings {
            println!(
                "  {:<7} {:<5} {}: {} / {}",
                f.severity.as_str(),
                f.rule.as_deref().unwrap_or("-"),
                f.path,
                f.message.zh,
                f.message.en
            );
        }
    }
    if report.stored {
        println!(
            "读入 {} 条，写入 {} 条，未变 {} 条 / read {}, written {}, unchanged {}",
            report.read,
            report.written,
            report.unchanged,
            report.read,
            report.written,
            report.unchanged
        );
    } else {
        let n = report.refused().count();
        println!(
            "{n} 条标为完成的记录有错误，未写入任何记录 / {n} record(s) marked complete have \
             ERROR/BLOCKER findings; nothing was stored (fix them or mark them draft)"
        );
    }
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(2)
}

/// Runs one `toponym survey` subcommand.
pub fn run(args: SurveyArgs) -> ExitCode {
    match run_inner(args) {
        Ok(code) => code,
        Err(e) => fail(e),
    }
}

fn run_inner(args: SurveyArgs) -> Result<ExitCode, String> {
    let e2s = |e: toponym_ops::OpsError| e.bilingual();
    match args.cmd {
        SurveyCmd::ImportBaseline(a) => return Ok(crate::cmd_baseline::run(a)),
        SurveyCmd::Investigation(a) => return Ok(crate::cmd_baseline::run_investigation(a)),
        SurveyCmd::Init {
            path,
            name,
            role,
            unit,
            office,
            kdf_memory_kib,
            kdf_passes,
            json,
        } => {
            let pass = passphrase(true)?;
            let d = KdfParams::production();
            let kdf = KdfParams {
                m_cost_kib: kdf_memory_kib.unwrap_or(d.m_cost_kib),
                t_cost: kdf_passes.unwrap_or(d.t_cost),
                p_cost: d.p_cost,
            };
            let office = office
                .as_deref()
                .map(toponym_ops::people::read_office_recipient)
                .transpose()
                .map_err(e2s)?;
            let store = survey::init_as(
                &path,
                &NewMember { name, role, unit },
                &pass,
                kdf,
                office.as_ref(),
            )
            .map_err(e2s)?;
            if json {
                print_json(
                    &serde_json::json!({"path": store.path(), "schema_version": store.schema_version().map_err(|e| e.to_string())?}),
                );
            } else {
                println!(
                    "已创建加密普查库 / created encrypted survey {}",
                    store.path().display()
                );
            }
        }
        SurveyCmd::Add {
            path,
            records,
            reason,
            extent,
            json,
        } => {
            let province_bbox = extent.resolve()?;
            if let Some(e) = Catalog::builtin_error() {
                return Err(format!("the built-in template catalogue is defective: {e}"));
            }
            let pass = passphrase(false)?;
            let mut store = crate::open_survey(&path, &pass).map_err(e2s)?;
            // The unlocked member makes the change (the store names them and their key).
            let who = store.actor_or(&Actor::new("toponym"));
            // The project area: as given, else the area the survey itself covers (the app
            // does the same), so both save paths check S-1 alike.
            let province_bbox = match province_bbox {
                Some(b) => Some(b),
                None => toponym_ops::save::survey_extent(
                    &toponym_ops::save::survey_counties(&store).map_err(e2s)?,
                ),
            };
            let rules = toponym_ops::save::SaveRules::standard(&SystemClock, province_bbox);
            let report = survey::add_files(&mut store, &records, &who, reason.as_deref(), &rules)
                .map_err(e2s)?;
            if json {
                print_json(&report);
            } else {
                print_add_report(&report);
            }
            if !report.stored {
                return Ok(ExitCode::from(1));
            }
        }
        SurveyCmd::List {
            path,
            bbox,
            name,
            template,
            status,
            limit,
            json,
        } => {
            let status = status.map(|s| s.parse::<WorkflowStatus>()).transpose()?;
            let pass = passphrase(false)?;
            let store = crate::open_survey(&path, &pass).map_err(e2s)?;
            let filter = ListFilter {
                template,
                category: None,
                status,
                text: name,
                bbox,
                limit: Some(limit),
            };
            let rows = survey::list(&store, &filter).map_err(e2s)?;
            if json {
                print_json(&rows);
            } else {
                for r in &rows {
                    let pt = r
                        .rep_point
                        .map(|p| format!("{:.6},{:.6}", p[0], p[1]))
                        .unwrap_or_else(|| "-".into());
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        r.record_id,
                        r.standard_name.as_deref().unwrap_or("-"),
                        r.template_id,
                        r.workflow_status,
                        r.secrecy,
                        pt
                    );
                }
                eprintln!("{} 条 / {} record(s)", rows.len(), rows.len());
            }
        }
        SurveyCmd::History {
            path,
            record_id,
            json,
        } => {
            let pass = passphrase(false)?;
            let store = crate::open_survey(&path, &pass).map_err(e2s)?;
            let entries = survey::history(&store, &record_id).map_err(e2s)?;
            if entries.is_empty() {
                return Err(format!("no record {record_id} in {}", path.display()));
            }
            if json {
                print_json(&entries);
            } else {
                let show = |v: &Option<serde_json::Value>| {
                    v.as_ref().map_or("∅".to_owned(), |v| v.to_string())
                };
                for e in &entries {
                    let when =
                        e.at.format(&time::format_description::well_known::Rfc3339)
                            .unwrap_or_default();
                    if e.field == "*" {
                        println!(
                            "#{} {when} {} 创建 created{}",
                            e.seq,
                            e.actor,
                            e.reason
                                .as_deref()
                                .map(|r| format!(" ({r})"))
                                .unwrap_or_default()
                        );
                    } else {
                        println!(
                            "#{} {when} {} {}: {} → {}{}",
                            e.seq,
                            e.actor,
                            e.field,
                            show(&e.old_value),
                            show(&e.new_value),
                            e.reason
                                .as_deref()
                                .map(|r| format!(" ({r})"))
                                .unwrap_or_default()
                        );
                    }
                }
            }
        }
        SurveyCmd::Show {
            path,
            record_id,
            at,
        } => {
            let pass = passphrase(false)?;
            let store = crate::open_survey(&path, &pass).map_err(e2s)?;
            match survey::show(&store, &record_id, at).map_err(e2s)? {
                Some(r) => print_json(&r),
                None => {
                    return Err(match at {
                        Some(_) => format!("record {record_id} did not exist yet at that time"),
                        None => format!("no record {record_id} in {}", path.display()),
                    })
                }
            }
        }
        SurveyCmd::Verify { path, json } => {
            let pass = passphrase(false)?;
            let report = survey::verify_as(&path, crate::member(), &pass).map_err(e2s)?;
            if json {
                print_json(&report);
            } else {
                if let Some(d) = &report.damage {
                    println!("文件已损坏 / DAMAGED: {d}");
                }
                if let Some(i) = &report.integrity {
                    println!("integrity_check: {i}");
                }
                match report.audit.as_ref().map(|a| (a, &a.problem)) {
                    Some((a, None)) => {
                        println!("审计链完整 / audit chain intact ({} entries)", a.entries)
                    }
                    Some((_, Some(p))) => println!("审计链被篡改 / audit chain BROKEN: {p}"),
                    None => println!("审计链未能检查 / audit chain not checked (file unreadable)"),
                }
            }
            if !report.ok {
                return Ok(ExitCode::from(1));
            }
        }
        SurveyCmd::ExportGpkg {
            survey: path,
            out,
            replace,
            allow_classified,
            json,
        } => {
            let pass = passphrase(false)?;
            let store = crate::open_survey(&path, &pass).map_err(e2s)?;
            let report =
                survey::export_gpkg(&store, &out, allow_classified, replace).map_err(|e| {
                    match &e {
                        toponym_ops::OpsError::Store(StoreError::ClassifiedExport { .. }) => format!(
                            "{e}\n  提示 hint: --allow-classified 可导出涉密记录（文件不加密）/ exports them unencrypted"
                        ),
                        toponym_ops::OpsError::Store(StoreError::Output(
                            toponym_ops::survey::OutputError::Exists { .. },
                        )) => format!(
                            "{e}\n  提示 hint: 目标文件已存在；用 --replace 替换 / it exists; --replace replaces it"
                        ),
                        _ => e.to_string(),
                    }
                })?;
            for w in &report.warnings {
                eprintln!("警告 warning: {} / {}", w.zh, w.en);
            }
            if json {
                print_json(&report);
            } else {
                for l in &report.layers {
                    println!("{}\t{}\t{} features", l.name, l.geometry_type, l.features);
                }
                if report.skipped_without_location > 0 {
                    eprintln!(
                        "{} record(s) without geometry or point were skipped",
                        report.skipped_without_location
                    );
                }
                println!("→ {}", out.display());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
