//! `toponym roman`: romanise names from the command line (罗马字母拼写), a thin adapter over
//! `toponym_romanise::Romaniser`. Useful to check a reading before entering a record and to
//! script bulk checks (`--json` prints one JSON object per line and name).

use std::process::ExitCode;

use clap::Args as ClapArgs;
use serde_json::{json, Value};
use toponym_romanise::{Outcome, Request, Romaniser};

/// Arguments of `toponym roman`.
#[derive(Debug, ClapArgs)]
#[command(about = "Romanise place names by the 1984 rules (罗马字母拼写)")]
pub struct Args {
    /// Names to romanise (标准名称), e.g. 单县 西安市 第九弄.
    #[arg(required = true)]
    pub names: Vec<String>,
    /// Template id, e.g. admin.county, settlement.village, transport.street_lane.
    #[arg(long = "template", value_name = "ID")]
    pub template: Option<String>,
    /// Admin code (2–12 digits) choosing between local readings, e.g. 371722.
    #[arg(long = "admin", value_name = "CODE")]
    pub admin: Option<String>,
    /// The record's language (语种); a minority language needs manual transliteration.
    #[arg(long = "language", value_name = "LANG")]
    pub language: Option<String>,
    /// Reading override, one syllable per Han character ("shan4 xian4").
    #[arg(long = "reading", value_name = "PINYIN")]
    pub reading: Option<String>,
    /// Print one JSON object per name (fields roman, roman_generic, key, sign, flags, outcome).
    #[arg(long)]
    pub json: bool,
}

/// Run the subcommand. Exit 1 when a name is refused (QA rule N-1 is a BLOCKER), 2 on bad input.
pub fn run(args: Args) -> ExitCode {
    if let Some(a) = &args.admin {
        if a.is_empty() || a.len() > 12 || !a.chars().all(|c| c.is_ascii_digit()) {
            eprintln!("error: --admin must be 2–12 digits, got {a:?}");
            return ExitCode::from(2);
        }
    }
    let r = Romaniser::builtin();
    let mut blocked = false;
    for name in &args.names {
        let req = Request {
            name,
            template_id: args.template.as_deref(),
            admin_code: args.admin.as_deref(),
            language: args.language.as_deref(),
            segmentation: None,
            reading_override: args.reading.as_deref(),
        };
        let out = r.romanise(&req);
        blocked |= matches!(out, Outcome::Refused { .. });
        if args.json {
            println!("{}", to_json(name, &out));
        } else {
            print_text(name, &out);
        }
    }
    if blocked {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn to_json(name: &str, out: &Outcome) -> Value {
    let mut v = serde_json::to_value(out).unwrap_or_else(|e| json!({ "error": e.to_string() }));
    if let Value::Object(m) = &mut v {
        m.insert("name".into(), json!(name));
        for k in ["roman", "roman_generic", "key", "sign"] {
            m.entry(k).or_insert(Value::Null);
        }
        m.entry("flags").or_insert(json!([]));
    }
    v
}

fn print_text(name: &str, out: &Outcome) {
    match out {
        Outcome::Romanised {
            roman,
            roman_generic,
            key,
            sign,
            flags,
        } => {
            println!("{name}\t{roman}");
            println!(
                "  generic: {}  key: {key}  sign: {sign}",
                if roman_generic.is_empty() {
                    "—"
                } else {
                    roman_generic
                }
            );
            for f in flags {
                let at = f.position.map(|p| format!(" @{p}")).unwrap_or_default();
                println!(
                    "  {} {} {}{at}: {}",
                    f.severity, f.rule, f.code, f.reason_en
                );
                println!("    {}", f.reason_zh);
            }
        }
        Outcome::ManualRequired { reason } => {
            println!("{name}\t(manual romanisation required)");
            println!("  {}: {}\n    {}", reason.code, reason.en, reason.zh);
        }
        Outcome::Refused {
            position,
            character,
            rule,
            reason,
        } => {
            println!("{name}\t(refused: {rule} at character {position} {character:?})");
            println!(
                "  BLOCKER {rule} {}: {}\n    {}",
                reason.code, reason.en, reason.zh
            );
        }
    }
}
