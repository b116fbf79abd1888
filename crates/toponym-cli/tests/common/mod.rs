//! The one way the CLI's integration tests run the `toponym` binary: the real executable
//! Cargo built for this test run, with a passphrase in its environment.
// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::process::{Command, Output};

/// The passphrase the tests' surveys are made with.
pub const PASS: &str = "测试口令 cli";

/// Runs `toponym args…` with passphrase `pass` (the survey's one member unlocks it).
pub fn toponym_as(args: &[&str], pass: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_toponym"))
        .args(args)
        .env("TOPONYM_PASSPHRASE", pass)
        .output()
        .expect("run toponym")
}

/// Runs `toponym args…` with [`PASS`].
pub fn toponym(args: &[&str]) -> Output {
    toponym_as(args, PASS)
}

/// Exit code (-1 when killed by a signal), stdout and stderr as text.
pub fn code_out_err(out: &Output) -> (i32, String, String) {
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
