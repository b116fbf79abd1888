//! The short crash soak (issue 12): the code of `cargo xtask soak`, with a few hundred
//! SIGKILLs instead of ten thousand, so that every workspace test run kills each write
//! path (survey add, import-baseline, the app's save, migration, investigation close,
//! GeoPackage export) and proves nothing acknowledged was lost and nothing half-written.
//! `TOPONYM_SOAK_POINTS=<n>` changes the count.

use std::path::PathBuf;

#[test]
fn sigkill_on_every_write_path_loses_nothing_acknowledged() {
    let points: u64 = std::env::var("TOPONYM_SOAK_POINTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let root = xtask::repo_root();
    // The test harness built xtask; `toponym` is built here (a no-op when the workspace
    // was built first) into the same target directory.
    let xtask_bin = PathBuf::from(env!("CARGO_BIN_EXE_xtask"));
    let dir = xtask_bin.parent().expect("target dir").to_path_buf();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(&root)
        .args(["build", "--quiet", "-p", "toponym-cli", "--bin", "toponym"])
        .env("CARGO_TARGET_DIR", dir.parent().expect("target root"))
        .status()
        .expect("cargo build");
    assert!(status.success(), "building toponym failed");
    let bins = xtask::soak::Bins {
        toponym: dir.join("toponym"),
        xtask: xtask_bin,
    };
    let opts = xtask::soak::Options {
        points,
        seed: xtask::soak::DEFAULT_SEED,
        work_dir: None,
        verbose: true,
        only: Vec::new(),
        // Loading the reference tables takes seconds in a debug build: a few runs only.
        reference_share: 0.1,
    };
    let report = xtask::soak::run(&root, &bins, &opts).expect("soak ran");
    eprintln!("{}", report.table());
    assert_eq!(report.failure_count(), 0, "{}", report.table());
    assert!(report.points() >= points, "{}", report.table());
    for p in &report.paths {
        // Every path must really have been killed, and mostly while writing.
        assert!(p.kills * 2 >= p.points, "{}: too few kills landed", p.name);
        assert!(p.mid_write > 0, "{}: no kill landed mid-write", p.name);
        assert!(
            p.acked_checked > 0,
            "{}: nothing acknowledged was checked",
            p.name
        );
    }
}
