//! `cargo xtask bench <target>`: one entry per benchmark target. Each target runs a
//! `harness = false` bench of some crate in release mode, which prints its own figures.
//! To add a target, add a row to `TARGETS`.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

/// (name, crate, bench name, what it measures)
pub const TARGETS: &[(&str, &str, &str, &str)] = &[
    (
        "forms",
        "toponym-forms",
        "validate",
        "record validation throughput on one core (100 000 records)",
    ),
    (
        "romanise",
        "toponym-romanise",
        "romanise",
        "names/s on one core over the township list, side by side with pypinyin",
    ),
];

/// Entry point.
pub fn main(root: &Path, args: &[String]) -> Result<()> {
    let Some(name) = args.first() else {
        bail!("usage: cargo xtask bench <target> [args]; targets: cargo xtask bench list")
    };
    if name == "list" {
        for (n, krate, bench, what) in TARGETS {
            println!("{n:<12} {krate}/{bench}: {what}");
        }
        return Ok(());
    }
    let Some((_, krate, bench, _)) = TARGETS.iter().find(|t| t.0 == name) else {
        bail!("unknown bench target `{name}`; see `cargo xtask bench list`")
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["bench", "-p", krate, "--bench", bench, "--"])
        .args(&args[1..])
        .status()
        .context("running cargo bench")?;
    if !status.success() {
        bail!("bench {name} failed: {status}");
    }
    Ok(())
}
