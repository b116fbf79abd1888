//! `toponym`: the command-line face of Toponym. Each subcommand is a thin adapter over a
//! core function; it parses arguments, calls the core, and prints text or `--json`.
//!
//! Exit codes: 0 = ok, 1 = findings at ERROR or BLOCKER, 2 = usage or input error.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc instead of glibc's allocator: a bulk import prepares records on one thread and
/// writes them on another, and glibc's arenas made those cross-thread frees a tenth of
/// the import's time (see docs/benchmarks/store.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

// Output macros shared by the subcommand modules below (textual macro scope).
/// Writes a line to stdout, ignoring a closed pipe (`toponym templates | head`).
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($t)*);
    }};
}

/// Writes a line to stderr, ignoring write errors.
macro_rules! errln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($t)*);
    }};
}

mod cmd_baseline;
mod cmd_dedup;
mod cmd_people;
mod cmd_qa;
mod cmd_roman;
mod cmd_samples;
mod cmd_survey;
mod cmd_templates;
mod cmd_validate;

#[derive(Parser)]
#[command(
    name = "toponym",
    version,
    about = "Place-name census (地名普查) toolkit"
)]
struct Cli {
    /// The member who unlocks the survey (a name or member id), when it has several;
    /// their passphrase is asked for (or read from TOPONYM_PASSPHRASE).
    #[arg(long, global = true, env = "TOPONYM_MEMBER")]
    member: Option<String>,
    #[command(subcommand)]
    command: Command,
}

/// The `--member` of this run.
static MEMBER: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// The `--member` of this run, if given.
pub(crate) fn member() -> Option<&'static str> {
    MEMBER.get().and_then(|m| m.as_deref())
}

/// Opens a survey as the member of this run (`--member`, or its only member).
pub(crate) fn open_survey(
    path: &std::path::Path,
    pass: &toponym_ops::survey::Passphrase,
) -> toponym_ops::Result<toponym_ops::survey::Store> {
    toponym_ops::survey::open_as(path, member(), pass)
}

#[derive(Subcommand)]
enum Command {
    /// Romanise place names by the 1984 rules (罗马字母拼写).
    Roman(cmd_roman::Args),
    /// List the 75 templates, or show one template's fields.
    Templates(cmd_templates::TemplatesArgs),
    /// Validate record files against their templates.
    Validate(cmd_validate::ValidateArgs),
    /// The surveyor's encrypted store: init, add, list, show, history, verify, export-gpkg.
    Survey(cmd_survey::SurveyArgs),
    /// Build the reproducible 泰山区 sample survey (samples/).
    Samples(cmd_samples::SamplesArgs),
    /// Find duplicate places in a records CSV and write clusters (dedup.md).
    Dedup(cmd_dedup::Args),
    /// Quality check of a survey or record files: every rule up to a stage (质检).
    Qa(cmd_qa::Args),
    /// The people of a survey: add, list, remove members; change a passphrase.
    Member(cmd_people::MemberArgs),
    /// Review (专人审核): the queue of complete records, accept, return with comments.
    Review(cmd_people::ReviewArgs),
    /// Reopen a survey whose passphrase is lost, with the county office's key.
    Recover(cmd_people::RecoverArgs),
    /// The county office's recovery key: make one.
    Office(cmd_people::OfficeArgs),
}

fn main() -> ExitCode {
    // Bulk imports run faster without transparent huge pages (see the function's docs).
    toponym_ops::disable_transparent_huge_pages();
    // Ctrl-C, SIGTERM or SIGHUP while an export is written: remove its plaintext
    // temporary before exiting. (A SIGKILL cannot be caught; the next write to the same
    // folder removes what it left.) An interrupted survey write needs nothing: SQLite
    // rolls the open transaction back.
    let _ = ctrlc::set_handler(|| {
        toponym_io::remove_live_temporaries();
        errln!("中断 / interrupted");
        std::process::exit(130);
    });
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let _ = MEMBER.set(cli.member.clone());
    match cli.command {
        Command::Member(a) => cmd_people::run_member(a),
        Command::Review(a) => cmd_people::run_review(a),
        Command::Recover(a) => cmd_people::run_recover(a),
        Command::Office(a) => cmd_people::run_office(a),
        Command::Roman(args) => cmd_roman::run(args),
        Command::Templates(a) => cmd_templates::run(a),
        Command::Validate(a) => cmd_validate::run(a),
        Command::Survey(a) => cmd_survey::run(a),
        Command::Samples(a) => cmd_samples::run(a),
        Command::Dedup(a) => cmd_dedup::run(a),
        Command::Qa(a) => cmd_qa::run(a),
    }
}
