//! `toponym member|review|recover|office`: the people of a survey and the review, thin
//! adapters over `toponym_ops::people`.
//!
//! Passphrases are never arguments: the unlocking member's comes from TOPONYM_PASSPHRASE
//! or the terminal (no echo); a new one (a new member's, a changed or recovered one) from
//! TOPONYM_NEW_PASSPHRASE or the terminal, asked twice.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use toponym_core::{RecordId, SystemClock};
use toponym_ops::people;
use toponym_ops::survey::{KdfParams, NewMember, Passphrase, ReviewComment, Role};

fn print_json<T: serde::Serialize>(v: &T) {
    match serde_json::to_string_pretty(v) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("error: cannot serialise output: {e}"),
    }
}

/// A new passphrase: TOPONYM_NEW_PASSPHRASE, or asked twice on the terminal.
fn new_passphrase(whose: &str) -> Result<Passphrase, String> {
    let text = match std::env::var("TOPONYM_NEW_PASSPHRASE") {
        Ok(p) => p,
        Err(_) => {
            let first = rpassword::prompt_password(format!("{whose} 新口令 New passphrase: "))
                .map_err(|e| format!("cannot read passphrase: {e}"))?;
            let again = rpassword::prompt_password("再次输入 Again: ")
                .map_err(|e| format!("cannot read passphrase: {e}"))?;
            if again != first {
                return Err("两次口令不一致 / the passphrases differ".into());
            }
            first
        }
    };
    let p = Passphrase::new(text);
    p.check_new().map_err(|e| e.to_string())?;
    Ok(p)
}

fn kdf(memory_kib: Option<u32>, passes: Option<u32>) -> KdfParams {
    let d = KdfParams::production();
    KdfParams {
        m_cost_kib: memory_kib.unwrap_or(d.m_cost_kib),
        t_cost: passes.unwrap_or(d.t_cost),
        p_cost: d.p_cost,
    }
}

/// Argon2id settings of a new key slot (hidden: tests use cheap ones).
#[derive(Args, Clone, Copy)]
pub struct KdfArgs {
    /// Argon2id memory in KiB (default: the production setting).
    #[arg(long, hide = true)]
    kdf_memory_kib: Option<u32>,
    /// Argon2id passes.
    #[arg(long, hide = true)]
    kdf_passes: Option<u32>,
}

impl KdfArgs {
    fn params(self) -> KdfParams {
        kdf(self.kdf_memory_kib, self.kdf_passes)
    }
}

/// Arguments of `toponym member`.
#[derive(Args)]
pub struct MemberArgs {
    #[command(subcommand)]
    cmd: MemberCmd,
}

#[derive(Subcommand)]
enum MemberCmd {
    /// Add a member (审核人 reviewer or 登记人 registrar) with their own passphrase.
    Add {
        /// The survey.
        survey: PathBuf,
        /// Their name.
        #[arg(long)]
        name: String,
        /// registrar (登记人) or reviewer (审核人).
        #[arg(long)]
        role: Role,
        /// Their unit (工作单位).
        #[arg(long, default_value = "")]
        unit: String,
        #[command(flatten)]
        kdf: KdfArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the members, with role, key fingerprint and whether they can unlock.
    List {
        /// The survey.
        survey: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a member: their key slot goes, their signatures stay verifiable.
    Remove {
        /// The survey.
        survey: PathBuf,
        /// The member (name, member id or fingerprint).
        who: String,
        /// Why (audit log).
        #[arg(long)]
        reason: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change the unlocking member's passphrase (the old one stops working).
    Passwd {
        /// The survey.
        survey: PathBuf,
        #[command(flatten)]
        kdf: KdfArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Seal the survey's key to the county office's public key (age1…, or its key file).
    SetRecovery {
        /// The survey.
        survey: PathBuf,
        /// The office's public key, or a file holding it.
        office: String,
    },
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(2)
}

fn unlock(path: &std::path::Path) -> Result<toponym_ops::survey::Store, String> {
    let pass = crate::cmd_survey::passphrase(false)?;
    crate::open_survey(path, &pass).map_err(|e| e.bilingual())
}

/// Runs `toponym member …`.
pub fn run_member(args: MemberArgs) -> ExitCode {
    let r = (|| -> Result<(), String> {
        let e2s = |e: toponym_ops::OpsError| e.bilingual();
        match args.cmd {
            MemberCmd::Add {
                survey,
                name,
                role,
                unit,
                kdf,
                json,
            } => {
                let mut store = unlock(&survey)?;
                let pass = new_passphrase(&name)?;
                let m = people::add_member(
                    &mut store,
                    &NewMember { name, role, unit },
                    &pass,
                    kdf.params(),
                )
                .map_err(e2s)?;
                if json {
                    print_json(&m);
                } else {
                    println!(
                        "已添加{} {}，公钥指纹 {} / added {} {}, key fingerprint {}",
                        m.role.as_zh(),
                        m.name,
                        m.fingerprint,
                        m.role.as_str(),
                        m.name,
                        m.fingerprint
                    );
                }
            }
            MemberCmd::List { survey, json } => {
                let store = unlock(&survey)?;
                let all = people::members(&store).map_err(e2s)?;
                if json {
                    print_json(&all);
                } else {
                    for m in all {
                        let state = match (&m.removed_at, m.can_unlock) {
                            (Some(_), _) => "已移除 removed",
                            (None, true) => "可解锁 can unlock",
                            (None, false) => "无口令 no key slot",
                        };
                        println!(
                            "{}\t{}\t{}\t{}\t{state}",
                            m.name,
                            m.role.as_zh(),
                            m.unit,
                            m.fingerprint
                        );
                    }
                }
            }
            MemberCmd::Remove {
                survey,
                who,
                reason,
                json,
            } => {
                let mut store = unlock(&survey)?;
                let m = people::remove_member(&mut store, &who, reason.as_deref()).map_err(e2s)?;
                if json {
                    print_json(&m);
                } else {
                    println!("已移除 {} / removed {}", m.name, m.name);
                }
            }
            MemberCmd::Passwd { survey, kdf, json } => {
                let mut store = unlock(&survey)?;
                let name = store.member().map(|m| m.name.clone()).unwrap_or_default();
                let pass = new_passphrase(&name)?;
                people::change_passphrase(&mut store, &pass, kdf.params()).map_err(e2s)?;
                if json {
                    print_json(&serde_json::json!({ "member": name, "changed": true }));
                } else {
                    println!("{name} 的口令已更改 / passphrase of {name} changed");
                }
            }
            MemberCmd::SetRecovery { survey, office } => {
                let mut store = unlock(&survey)?;
                let r = people::read_office_recipient(&office).map_err(e2s)?;
                people::set_recovery(&mut store, &r).map_err(e2s)?;
                println!("已设置县级普查办公室恢复密钥 / recovery key set: {r}");
            }
        }
        Ok(())
    })();
    r.map_or_else(fail, |()| ExitCode::SUCCESS)
}

/// Arguments of `toponym review`.
#[derive(Args)]
pub struct ReviewArgs {
    #[command(subcommand)]
    cmd: ReviewCmd,
}

#[derive(Subcommand)]
enum ReviewCmd {
    /// The records waiting for review (已完成/待审核), with findings and accepted warnings.
    Queue {
        /// The survey.
        survey: PathBuf,
        /// At most this many.
        #[arg(long, default_value_t = 1000)]
        limit: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Accept records (审核通过), signed by the unlocked reviewer: all or none.
    Accept {
        /// The survey.
        survey: PathBuf,
        /// Record ids; `--all` takes the whole queue.
        records: Vec<String>,
        /// Accept every record in the queue.
        #[arg(long, conflicts_with = "records")]
        all: bool,
        /// A note kept with the acceptance.
        #[arg(long)]
        note: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Return a record for correction (退回修改) with comments.
    Return {
        /// The survey.
        survey: PathBuf,
        /// The record id.
        record: String,
        /// A comment on the record as a whole.
        #[arg(long)]
        comment: Option<String>,
        /// A comment on a field: PATH=TEXT, e.g. fields.standard_name=名称用字有误.
        #[arg(long = "field")]
        fields: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The records returned for correction, with the reviewer's comments.
    Returned {
        /// The survey.
        survey: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

fn parse_id(s: &str) -> Result<RecordId, String> {
    s.parse()
        .map_err(|_| format!("{s:?} is not a record id (a UUID)"))
}

/// Runs `toponym review …`.
pub fn run_review(args: ReviewArgs) -> ExitCode {
    let r = (|| -> Result<ExitCode, String> {
        let e2s = |e: toponym_ops::OpsError| e.bilingual();
        match args.cmd {
            ReviewCmd::Queue {
                survey,
                limit,
                json,
            } => {
                let store = unlock(&survey)?;
                let rules = toponym_ops::save::SaveRules::standard(&SystemClock, None);
                let q = people::review_queue(&store, &rules, limit).map_err(e2s)?;
                if json {
                    print_json(&q);
                } else {
                    for item in &q {
                        println!(
                            "{}\t{}\t{}\t{} finding(s), {} accepted warning(s)",
                            item.summary.record_id,
                            item.summary.template_id,
                            item.summary.standard_name.as_deref().unwrap_or("-"),
                            item.findings.len(),
                            item.overrides.len()
                        );
                    }
                    println!("待审核 {} 条 / {} waiting for review", q.len(), q.len());
                }
            }
            ReviewCmd::Accept {
                survey,
                records,
                all,
                note,
                json,
            } => {
                let mut store = unlock(&survey)?;
                let ids: Vec<RecordId> = if all {
                    store
                        .list(&toponym_ops::survey::ListFilter {
                            status: Some(toponym_ops::survey::WorkflowStatus::Complete),
                            ..Default::default()
                        })
                        .map_err(|e| e.to_string())?
                        .into_iter()
                        .map(|s| s.record_id)
                        .collect()
                } else {
                    records
                        .iter()
                        .map(|s| parse_id(s))
                        .collect::<Result<_, _>>()?
                };
                if ids.is_empty() {
                    return Err(
                        "没有要审核的记录 / no records to accept (name them or use --all)".into(),
                    );
                }
                let done = people::accept(&mut store, &ids, note.as_deref()).map_err(e2s)?;
                if json {
                    print_json(&done);
                } else {
                    println!(
                        "审核通过 {} 条（{} 签名）/ accepted {} record(s), signed by {}",
                        done.len(),
                        done.first().map_or("", |r| r.reviewer.as_str()),
                        done.len(),
                        done.first().map_or("", |r| r.reviewer_key.as_str())
                    );
                }
            }
            ReviewCmd::Return {
                survey,
                record,
                comment,
                fields,
                json,
            } => {
                let id = parse_id(&record)?;
                let mut comments = Vec::new();
                if let Some(c) = comment {
                    comments.push(ReviewComment {
                        path: None,
                        text: c,
                    });
                }
                for f in fields {
                    let Some((path, text)) = f.split_once('=') else {
                        return Err(format!(
                            "--field {f:?}: expected PATH=TEXT, e.g. fields.standard_name=名称用字有误"
                        ));
                    };
                    comments.push(ReviewComment {
                        path: Some(path.trim().to_owned()),
                        text: text.to_owned(),
                    });
                }
                let mut store = unlock(&survey)?;
                let r = people::return_record(&mut store, &id, &comments).map_err(e2s)?;
                if json {
                    print_json(&r);
                } else {
                    println!("已退回 {} / returned {}", r.record_id, r.record_id);
                }
            }
            ReviewCmd::Returned { survey, json } => {
                let store = unlock(&survey)?;
                let items = people::returned(&store, 10_000).map_err(e2s)?;
                if json {
                    print_json(&items);
                } else {
                    for it in &items {
                        println!(
                            "{}\t{}",
                            it.summary.record_id,
                            it.summary.standard_name.as_deref().unwrap_or("-")
                        );
                        for c in it.review.iter().flat_map(|r| &r.comments) {
                            println!(
                                "  {}: {}",
                                c.path.as_deref().unwrap_or("(记录 record)"),
                                c.text
                            );
                        }
                    }
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    })();
    r.unwrap_or_else(fail)
}

/// Arguments of `toponym recover`.
#[derive(Args)]
pub struct RecoverArgs {
    /// The survey whose passphrase is lost.
    survey: PathBuf,
    /// The county office's secret key file (AGE-SECRET-KEY-1…).
    #[arg(long)]
    office_key: PathBuf,
    /// The member who gets a new passphrase (and a new signing key).
    #[arg(long = "for")]
    who: String,
    #[command(flatten)]
    kdf: KdfArgs,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `toponym recover`.
pub fn run_recover(a: RecoverArgs) -> ExitCode {
    let r = (|| -> Result<(), String> {
        let pass = new_passphrase(&a.who)?;
        let m = people::recover(&a.survey, &a.office_key, &a.who, &pass, a.kdf.params())
            .map_err(|e| e.bilingual())?;
        if a.json {
            print_json(&m);
        } else {
            println!(
                "已恢复 {}：新口令已设置，新公钥指纹 {}（请报县级普查办公室登记）/ recovered {}: \
                 new passphrase set, new key fingerprint {} (register it with the county office)",
                m.name, m.fingerprint, m.name, m.fingerprint
            );
        }
        Ok(())
    })();
    r.map_or_else(fail, |()| ExitCode::SUCCESS)
}

/// Arguments of `toponym office`.
#[derive(Args)]
pub struct OfficeArgs {
    #[command(subcommand)]
    cmd: OfficeCmd,
}

#[derive(Subcommand)]
enum OfficeCmd {
    /// Make the county office's key pair: the secret key file (owner-only, never over an
    /// existing file) and the public key (age1…) to put into every survey of the county.
    Keygen {
        /// The secret key file to write.
        out: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs `toponym office …`.
pub fn run_office(a: OfficeArgs) -> ExitCode {
    let r = (|| -> Result<(), String> {
        match a.cmd {
            OfficeCmd::Keygen { out, json } => {
                let created = toponym_core::Clock::now(&SystemClock)
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default();
                let r = people::office_keygen(&out, &created).map_err(|e| e.bilingual())?;
                if json {
                    print_json(
                        &serde_json::json!({ "secret_key_file": out, "public_key": r.to_string() }),
                    );
                } else {
                    println!(
                        "已生成县级普查办公室密钥 {}（请离线妥善保管）/ wrote the office's secret key to {} \
                         (keep it offline)\n公钥 public key: {r}",
                        out.display(),
                        out.display()
                    );
                }
            }
        }
        Ok(())
    })();
    r.map_or_else(fail, |()| ExitCode::SUCCESS)
}
