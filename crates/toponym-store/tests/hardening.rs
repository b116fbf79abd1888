//! The survey file under slips, damage and tampering (issue 12), on real SQLCipher files:
//! an output never replaces a store or its companions; an empty or foreign file is never
//! taken for a survey and never written; damage is told apart from a wrong passphrase and
//! blocks writes; a tampered key file cannot exhaust the machine or switch encryption
//! off; files are created readable by their owner only; read-only media open read-only.

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::*;
use toponym_core::SeededIdGenerator;
use toponym_store::{Actor, KdfParams, Passphrase, SearchKeys, Store, StoreError};

fn survey_with_records(n: usize) -> (Survey, Store) {
    let (survey, mut store) = new_survey();
    let ids = SeededIdGenerator::new(1_714_550_400_000, 0x48);
    let batch: Vec<_> = (0..n)
        .map(|i| {
            let r = point_record(&ids, &format!("测试点{i}"), 117.0 + i as f64 * 1e-3, 36.2);
            (r, SearchKeys::default())
        })
        .collect();
    store.put_records(&batch, &Actor::new("t"), None).unwrap();
    store.checkpoint().unwrap();
    (survey, store)
}

fn sidecar(p: &Path) -> std::path::PathBuf {
    toponym_store::sidecar_path(p)
}

fn edit_sidecar(p: &Path, f: impl FnOnce(&mut serde_json::Value)) {
    let sc = sidecar(p);
    let mut v: serde_json::Value = serde_json::from_slice(&fs::read(&sc).unwrap()).unwrap();
    f(&mut v);
    fs::write(&sc, serde_json::to_vec(&v).unwrap()).unwrap();
}

fn mode(p: &Path) -> u32 {
    fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn an_export_never_replaces_the_survey_its_key_file_or_its_wal() {
    let (survey, store) = survey_with_records(3);
    let before = fs::read(&survey.path).unwrap();
    let kdf_before = fs::read(sidecar(&survey.path)).unwrap();
    let wal = survey.dir.path().join("taian.toponym-wal");
    for target in [survey.path.clone(), sidecar(&survey.path), wal] {
        for replace in [false, true] {
            let err = store.export_gpkg(&target, true, replace).unwrap_err();
            assert!(
                matches!(err, StoreError::Output(_)),
                "{}: {err}",
                target.display()
            );
        }
    }
    drop(store);
    assert_eq!(fs::read(&survey.path).unwrap(), before);
    assert_eq!(fs::read(sidecar(&survey.path)).unwrap(), kdf_before);
    let store = Store::open(&survey.path, &pass()).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn surveys_key_files_and_exports_are_readable_by_their_owner_only() {
    let (survey, store) = survey_with_records(2);
    assert_eq!(mode(&survey.path), 0o600);
    assert_eq!(mode(&sidecar(&survey.path)), 0o600);
    let wal = survey.dir.path().join("taian.toponym-wal");
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600);
    }
    let out = survey.dir.path().join("x.gpkg");
    store.export_gpkg(&out, true, false).unwrap();
    assert_eq!(mode(&out), 0o600);
    // A survey made before (0644) is tightened when opened.
    drop(store);
    fs::set_permissions(&survey.path, fs::Permissions::from_mode(0o644)).unwrap();
    drop(Store::open(&survey.path, &pass()).unwrap());
    assert_eq!(mode(&survey.path), 0o600);
}

#[test]
fn an_empty_file_is_not_a_survey_and_stays_empty() {
    let (survey, store) = new_survey();
    drop(store);
    fs::write(&survey.path, b"").unwrap();
    let _ = fs::remove_file(survey.dir.path().join("taian.toponym-wal"));
    let _ = fs::remove_file(survey.dir.path().join("taian.toponym-shm"));
    let err = Store::open(&survey.path, &pass()).unwrap_err();
    assert!(matches!(err, StoreError::NotASurvey { .. }), "{err}");
    assert!(err.to_string().contains("taian.toponym"), "{err}");
    assert_eq!(
        fs::metadata(&survey.path).unwrap().len(),
        0,
        "it was written"
    );
}

#[test]
fn a_foreign_file_beside_a_real_key_file_is_damaged_not_a_wrong_passphrase() {
    let (survey, store) = survey_with_records(1);
    drop(store);
    let foreign: Vec<u8> = (0..16384 * 4).map(|i| (i * 7 % 251) as u8).collect();
    fs::write(&survey.path, &foreign).unwrap();
    let err = Store::open(&survey.path, &pass()).unwrap_err();
    assert!(matches!(err, StoreError::Damaged { .. }), "{err}");
    assert_eq!(fs::read(&survey.path).unwrap(), foreign);
    // A file without a key file beside it is not a survey.
    let jpeg = survey.dir.path().join("photo.toponym");
    fs::write(&jpeg, b"\xFF\xD8\xFF\xE0 not a survey").unwrap();
    let err = Store::open(&jpeg, &pass()).unwrap_err();
    assert!(matches!(err, StoreError::NotASurvey { .. }), "{err}");
}

#[test]
fn a_wrong_passphrase_is_told_apart_from_a_damaged_first_page() {
    let (survey, store) = survey_with_records(3);
    drop(store);
    let err = Store::open(&survey.path, &Passphrase::new("not the passphrase")).unwrap_err();
    assert!(matches!(err, StoreError::WrongPassphrase { .. }), "{err}");
    let mut bytes = fs::read(&survey.path).unwrap();
    bytes[100..108].copy_from_slice(b"XXXXXXXX");
    fs::write(&survey.path, &bytes).unwrap();
    let err = Store::open(&survey.path, &pass()).unwrap_err();
    assert!(matches!(err, StoreError::Damaged { .. }), "{err}");
    let err = Store::open(&survey.path, &Passphrase::new("not the passphrase")).unwrap_err();
    assert!(matches!(err, StoreError::WrongPassphrase { .. }), "{err}");
}

#[test]
fn a_truncated_file_is_damaged() {
    let (survey, store) = survey_with_records(3);
    drop(store);
    let len = fs::metadata(&survey.path).unwrap().len();
    let f = fs::OpenOptions::new()
        .write(true)
        .open(&survey.path)
        .unwrap();
    f.set_len(len - 1000).unwrap();
    let err = Store::open(&survey.path, &pass()).unwrap_err();
    assert!(matches!(err, StoreError::Damaged { .. }), "{err}");
    assert!(err.to_string().contains("whole number"), "{err}");
}

#[test]
fn damage_in_the_middle_blocks_every_write() {
    let (survey, store) = survey_with_records(400);
    drop(store);
    let mut bytes = fs::read(&survey.path).unwrap();
    assert!(bytes.len() > 16384 * 8, "{} bytes", bytes.len());
    // Damage a page in the middle of the file.
    let at = (bytes.len() / 16384 / 2) * 16384 + 500;
    for b in &mut bytes[at..at + 64] {
        *b ^= 0x5A;
    }
    fs::write(&survey.path, &bytes).unwrap();
    let _ = fs::remove_file(survey.dir.path().join("taian.toponym-wal"));
    let mut store = Store::open(&survey.path, &pass()).unwrap();
    let ids = SeededIdGenerator::new(1_714_550_400_000, 7);
    let r = point_record(&ids, "新点", 117.5, 36.5);
    let err = store
        .put_record(&r, &Actor::new("t"), None, &SearchKeys::default())
        .unwrap_err();
    assert!(matches!(err, StoreError::Damaged { .. }), "{err}");
    drop(store);
    assert_eq!(
        fs::read(&survey.path).unwrap(),
        bytes,
        "a damaged file was written"
    );
}

#[test]
fn a_tampered_key_file_cannot_exhaust_memory_hang_or_switch_encryption_off() {
    let (survey, store) = survey_with_records(1);
    drop(store);
    let original = fs::read(sidecar(&survey.path)).unwrap();
    let restore = || fs::write(sidecar(&survey.path), &original).unwrap();
    let cases: [(&str, serde_json::Value); 4] = [
        ("m_cost_kib", serde_json::json!(4_000_000_000u64)),
        ("t_cost", serde_json::json!(4_000_000_000u64)),
        ("p_cost", serde_json::json!(0)),
        ("m_cost_kib", serde_json::json!(0)),
    ];
    for (k, v) in cases {
        edit_sidecar(&survey.path, |s| s["params"][k] = v.clone());
        let err = Store::open(&survey.path, &pass()).unwrap_err();
        assert!(
            matches!(err, StoreError::BadKdfFile { .. }),
            "{k}={v}: {err}"
        );
        restore();
    }
    edit_sidecar(&survey.path, |s| s["encryption"] = "none".into());
    let err = Store::open(&survey.path, &Passphrase::new("anything at all")).unwrap_err();
    assert!(matches!(err, StoreError::BadKdfFile { .. }), "{err}");
    assert!(err.to_string().contains("unencrypted"), "{err}");
    restore();
    // A huge key file is refused without being read whole.
    let mut big = original.clone();
    big.resize(10 << 20, b' ');
    fs::write(sidecar(&survey.path), &big).unwrap();
    let err = Store::open(&survey.path, &pass()).unwrap_err();
    assert!(matches!(err, StoreError::BadKdfFile { .. }), "{err}");
    restore();
    Store::open(&survey.path, &pass()).unwrap();
}

#[test]
fn passphrases_empty_never_and_new_ones_at_least_eight_characters() {
    let dir = tempfile::tempdir().unwrap();
    for weak in ["", "       ", "short", "七个字的口令啊"] {
        let err = Store::create(
            dir.path().join("w.toponym"),
            &Passphrase::new(weak),
            KdfParams::insecure_for_tests(),
        )
        .unwrap_err();
        assert!(
            matches!(err, StoreError::WeakPassphrase { .. }),
            "{weak:?}: {err}"
        );
        assert!(!dir.path().join("w.toponym").exists());
    }
    Store::create(
        dir.path().join("ok.toponym"),
        &Passphrase::new("八个字的口令好的"),
        KdfParams::insecure_for_tests(),
    )
    .unwrap();
    let (survey, store) = new_survey();
    drop(store);
    let err = Store::open(&survey.path, &Passphrase::new("")).unwrap_err();
    assert!(matches!(err, StoreError::EmptyPassphrase), "{err}");
}

#[test]
fn a_slot_key_file_without_its_key_check_is_refused_and_left_alone() {
    // Format 2 always records the data key's check value: without it the slot could
    // unwrap any key, so the file is refused (as tampered), and nothing is rewritten.
    let (survey, store) = survey_with_records(1);
    drop(store);
    edit_sidecar(&survey.path, |s| {
        s.as_object_mut().unwrap().remove("key_check");
    });
    let before = fs::read(sidecar(&survey.path)).unwrap();
    let err = Store::open(&survey.path, &Passphrase::new("not the passphrase")).unwrap_err();
    assert!(matches!(err, StoreError::WrongPassphrase { .. }), "{err}");
    let err = Store::open(&survey.path, &pass()).unwrap_err();
    assert!(
        matches!(err, StoreError::BadKdfFile { .. }) && err.to_string().contains("key check"),
        "{err}"
    );
    assert_eq!(fs::read(sidecar(&survey.path)).unwrap(), before);
}

/// A read-only folder: a read-only bind mount as root (permissions do not bind root),
/// otherwise permission bits.
struct ReadOnlyDir {
    path: std::path::PathBuf,
    mounted: bool,
}

impl ReadOnlyDir {
    fn new(src: &Path) -> Self {
        let path = src.with_extension("ro");
        fs::create_dir_all(&path).unwrap();
        let root = rustix_is_root();
        if root {
            let ok = std::process::Command::new("mount")
                .args(["--bind", "-o", "ro"])
                .arg(src)
                .arg(&path)
                .status()
                .unwrap()
                .success()
                && std::process::Command::new("mount")
                    .args(["-o", "remount,bind,ro"])
                    .arg(&path)
                    .status()
                    .unwrap()
                    .success();
            assert!(ok, "as root, a read-only bind mount must be possible");
            return Self {
                path,
                mounted: true,
            };
        }
        fs::remove_dir(&path).unwrap();
        for e in fs::read_dir(src).unwrap() {
            let p = e.unwrap().path();
            fs::set_permissions(&p, fs::Permissions::from_mode(0o400)).unwrap();
        }
        fs::set_permissions(src, fs::Permissions::from_mode(0o500)).unwrap();
        Self {
            path: src.to_owned(),
            mounted: false,
        }
    }
}

impl Drop for ReadOnlyDir {
    fn drop(&mut self) {
        if self.mounted {
            let _ = std::process::Command::new("umount")
                .arg(&self.path)
                .status();
            let _ = fs::remove_dir(&self.path);
        } else {
            let _ = fs::set_permissions(&self.path, fs::Permissions::from_mode(0o700));
        }
    }
}

fn rustix_is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[test]
fn a_survey_on_read_only_media_opens_read_only() {
    let (survey, store) = survey_with_records(5);
    drop(store);
    // Only the survey and its key file are copied (the WAL was checkpointed and removed).
    let media = survey.dir.path().join("usb");
    fs::create_dir(&media).unwrap();
    fs::copy(&survey.path, media.join("s.toponym")).unwrap();
    fs::copy(sidecar(&survey.path), media.join("s.toponym.toponym-kdf")).unwrap();
    let ro = ReadOnlyDir::new(&media);
    let p = ro.path.join("s.toponym");
    let mut store = Store::open(&p, &pass()).unwrap();
    assert!(store.is_read_only());
    assert_eq!(store.list(&Default::default()).unwrap().len(), 5);
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let ids = SeededIdGenerator::new(1_714_550_400_000, 9);
    let err = store
        .put_record(
            &point_record(&ids, "x", 117.0, 36.0),
            &Actor::new("t"),
            None,
            &SearchKeys::default(),
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly { .. }), "{err}");
    drop(store);
    assert!(!ro.path.join("s.toponym-wal").exists());
}

/// Threads of this process (Linux: /proc/self/task).
fn threads() -> usize {
    fs::read_dir("/proc/self/task")
        .map(|d| d.count())
        .unwrap_or(0)
}

#[test]
fn no_background_thread_outlives_the_store() {
    // The open's quick check and the checkpointer run on threads of their own; a process
    // that exits while one of them is inside SQLCipher races OpenSSL's exit handlers (a
    // segfault of `toponym survey add` exiting 1 right after opening). Dropping the store
    // must end them all.
    let (survey, store) = survey_with_records(2_000);
    drop(store);
    let before = threads();
    for _ in 0..5 {
        let s = Store::open(&survey.path, &pass()).unwrap();
        assert!(
            threads() > before,
            "the open starts its quick check and checkpointer"
        );
        drop(s);
        assert_eq!(threads(), before, "a thread of the store outlived it");
    }
}
