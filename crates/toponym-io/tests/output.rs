//! The safe-output guarantees, on real files: what is refused (and left untouched), what
//! is replaced only when asked, the mode of what is written, and the clean-up of
//! temporaries that a killed process left behind.

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use toponym_io::{
    read_capped, read_capped_text, OutputError, OutputFile, OutputOptions, ReadError,
};

fn write(path: &Path, bytes: &[u8]) -> Result<std::path::PathBuf, OutputError> {
    OutputFile::create(path, OutputOptions::replacing(true))?.write_all_and_commit(bytes)
}

/// A fake store: any file with a key sidecar beside it.
fn fake_store(dir: &Path) -> std::path::PathBuf {
    let store = dir.join("s.toponym");
    fs::write(&store, b"encrypted bytes").unwrap();
    fs::write(dir.join("s.toponym.toponym-kdf"), b"{}").unwrap();
    fs::write(dir.join("s.toponym-wal"), b"wal").unwrap();
    store
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_store_its_sidecar_and_its_wal_are_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let store = fake_store(dir.path());
    for target in [
        "s.toponym",
        "s.toponym.toponym-kdf",
        "s.toponym-wal",
        "s.toponym-shm",
    ] {
        let p = dir.path().join(target);
        let before = fs::read(&p).ok();
        let err = write(&p, b"plaintext export").unwrap_err();
        assert!(
            matches!(err, OutputError::Protected { .. }),
            "{target}: {err}"
        );
        assert_eq!(fs::read(&p).ok(), before, "{target} changed");
    }
    assert_eq!(fs::read(&store).unwrap(), b"encrypted bytes");
    // Nothing else was left in the folder.
    assert_eq!(
        entries(dir.path()),
        ["s.toponym", "s.toponym-wal", "s.toponym.toponym-kdf"]
    );
}

#[test]
fn an_input_is_protected_under_any_name() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.db");
    fs::write(&input, b"input").unwrap();
    let link = dir.path().join("alias.gpkg");
    fs::hard_link(&input, &link).unwrap();
    let opts = OutputOptions::replacing(true).protecting(&input);
    let err = OutputFile::create(&link, opts).unwrap_err();
    assert!(matches!(err, OutputError::Protected { .. }), "{err}");
    assert_eq!(fs::read(&input).unwrap(), b"input");
}

#[test]
fn special_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = write(Path::new("/dev/null"), b"x").unwrap_err();
    assert!(
        matches!(
            err,
            OutputError::NotRegularFile {
                kind: "a device",
                ..
            }
        ),
        "{err}"
    );
    let err = write(dir.path(), b"x").unwrap_err();
    assert!(matches!(err, OutputError::NotRegularFile { .. }), "{err}");
    let target = dir.path().join("t.txt");
    fs::write(&target, b"keep").unwrap();
    let link = dir.path().join("link.txt");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let err = write(&link, b"x").unwrap_err();
    assert!(
        matches!(
            err,
            OutputError::NotRegularFile {
                kind: "a symbolic link",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(fs::read(&target).unwrap(), b"keep");
    let err = write(&dir.path().join("no/such/dir/out.gpkg"), b"x").unwrap_err();
    assert!(matches!(err, OutputError::NoDirectory { .. }), "{err}");
}

#[test]
fn a_plain_database_is_refused_but_an_earlier_geopackage_may_be_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = b"SQLite format 3\0".to_vec();
    db.resize(100, 0);
    let plain = dir.path().join("basemap.mbtiles");
    fs::write(&plain, &db).unwrap();
    assert!(matches!(
        write(&plain, b"x").unwrap_err(),
        OutputError::Protected { .. }
    ));
    db[68..72].copy_from_slice(b"GPKG");
    let gpkg = dir.path().join("old.gpkg");
    fs::write(&gpkg, &db).unwrap();
    write(&gpkg, b"new export").unwrap();
    assert_eq!(fs::read(&gpkg).unwrap(), b"new export");
}

#[test]
fn an_existing_file_is_replaced_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("report.txt");
    fs::write(&p, b"old").unwrap();
    let err = OutputFile::create(&p, OutputOptions::default()).unwrap_err();
    assert!(matches!(err, OutputError::Exists { .. }), "{err}");
    assert_eq!(fs::read(&p).unwrap(), b"old");
    write(&p, b"new").unwrap();
    assert_eq!(fs::read(&p).unwrap(), b"new");
}

#[test]
fn outputs_are_readable_by_their_owner_only_and_appear_only_when_complete() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("export.gpkg");
    let mut out = OutputFile::create(&p, OutputOptions::default()).unwrap();
    std::io::Write::write_all(out.file(), b"half").unwrap();
    let tmp = out.temp_path().to_owned();
    assert_eq!(
        fs::metadata(&tmp).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(!p.exists(), "the target appeared before commit");
    if let Err(e) = out.commit() {
        panic!("{e:?}")
    }
    assert_eq!(
        fs::metadata(&p).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(!tmp.exists());
    // An output dropped before commit leaves nothing behind.
    let p2 = dir.path().join("second.gpkg");
    let out = OutputFile::create(&p2, OutputOptions::default()).unwrap();
    let tmp2 = out.temp_path().to_owned();
    drop(out);
    assert!(!tmp2.exists() && !p2.exists());
    assert_eq!(entries(dir.path()), ["export.gpkg"]);
}

#[test]
fn a_temporary_of_a_killed_process_is_removed_by_the_next_write() {
    let dir = tempfile::tempdir().unwrap();
    // No process has pid 4 000 000 000 (Linux caps pids at 2^22).
    let stale = dir
        .path()
        .join(".export.gpkg.4000000000.Ab12Cd.toponym-partial");
    fs::write(&stale, b"plaintext left by a kill").unwrap();
    // A temporary of a live process (this one) is left alone.
    let live = dir.path().join(format!(
        ".export.gpkg.{}.Zz99Yy.toponym-partial",
        std::process::id()
    ));
    fs::write(&live, b"being written").unwrap();
    write(&dir.path().join("export.gpkg"), b"new").unwrap();
    assert!(!stale.exists(), "stale temporary kept");
    assert!(live.exists(), "a live temporary was removed");
}

#[test]
fn capped_reads_refuse_what_is_too_large_and_stop_an_endless_stream() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.json");
    fs::write(&big, vec![b' '; 2048]).unwrap();
    let err = read_capped(&big, 1024, "record files").unwrap_err();
    assert!(
        matches!(
            err,
            ReadError::TooLarge {
                size: Some(2048),
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("big.json") && err.to_string().contains("1 KiB"));
    let err = read_capped(Path::new("/dev/zero"), 1 << 20, "record files").unwrap_err();
    assert!(
        matches!(err, ReadError::TooLarge { size: None, .. }),
        "{err}"
    );
    let bom = dir.path().join("bom.json");
    fs::write(&bom, b"\xEF\xBB\xBF{\"a\":1}").unwrap();
    assert_eq!(
        read_capped_text(&bom, 1024, "record files").unwrap(),
        "{\"a\":1}"
    );
    let bad = dir.path().join("latin1.json");
    fs::write(&bad, b"{\"a\":\"\xE9\"}").unwrap();
    assert!(matches!(
        read_capped_text(&bad, 1024, "record files").unwrap_err(),
        ReadError::NotUtf8 { offset: 6, .. }
    ));
}
