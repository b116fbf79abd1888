//! `toponym samples build <dir>`: builds the 泰山区 sample survey reproducibly (fixed seed
//! and clock) from the shipped reference tables plus generated content. A thin adapter over
//! `toponym_samples::build`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use toponym_ops::survey::KdfParams;
use toponym_samples as samples;

/// Arguments of `toponym samples`.
#[derive(Args)]
pub struct SamplesArgs {
    #[command(subcommand)]
    cmd: SamplesCmd,
}

#[derive(Subcommand)]
enum SamplesCmd {
    /// Write <dir>/taishan/{records,media,defects.json,taishan.toponym}.
    Build {
        /// Output directory (the repository's samples/ for the committed sample).
        dir: PathBuf,
        /// Use cheap key-derivation parameters (tests only; the file is still encrypted).
        #[arg(long, hide = true)]
        fast_kdf: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs `toponym samples …`.
pub fn run(a: SamplesArgs) -> ExitCode {
    match a.cmd {
        SamplesCmd::Build {
            dir,
            fast_kdf,
            json,
        } => {
            let kdf = if fast_kdf {
                KdfParams::insecure_for_tests()
            } else {
                KdfParams::production()
            };
            match samples::build(&dir, kdf) {
                Ok(r) => {
                    if json {
                        println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
                    } else {
                        println!(
                            "{} records ({} templates), {} photos, {} defective records, {} open list entries → {}",
                            r.records,
                            r.templates,
                            r.photos,
                            r.defects,
                            r.open_entries,
                            r.survey.display()
                        );
                        println!("口令 passphrase: {}", samples::DEMO_PASSPHRASE);
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}
