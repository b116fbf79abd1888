//! `remove_live_temporaries` removes every temporary of the process, so it runs in its own
//! test binary (its own process), away from the other output tests.

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

use toponym_io::{OutputFile, OutputOptions};

#[test]
fn live_temporaries_are_removed_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let out = OutputFile::create(dir.path().join("x.pdf"), OutputOptions::default()).unwrap();
    let tmp = out.temp_path().to_owned();
    assert!(tmp.exists());
    toponym_io::remove_live_temporaries();
    assert!(!tmp.exists());
    drop(out);
}
