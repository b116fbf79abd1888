//! The encryption canary: unique marker strings go into names, attributes and media; then
//! every file the store leaves in the survey directory (database, -wal, -shm, sidecar) is
//! searched for the markers in UTF-8, UTF-16LE and UTF-16BE, while the store is open and
//! after it is closed. None may be found. The same run against an unencrypted store must
//! find them, which proves the search itself works.

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::*;
use serde_json::json;
use toponym_core::SeededIdGenerator;
use toponym_store::{Actor, SearchKeys, Store};

const MARKERS: [&str; 4] = [
    "CANARY-7f3a9c-泰山极顶",
    "金丝雀标记甲乙丙丁",
    "canary-attribute-5b1e",
    "MEDIA-CANARY-d41d8cd9",
];

fn needles() -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    for m in MARKERS {
        v.push((format!("{m} utf-8"), m.as_bytes().to_vec()));
        let le: Vec<u8> = m.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = m.encode_utf16().flat_map(u16::to_be_bytes).collect();
        v.push((format!("{m} utf-16le"), le));
        v.push((format!("{m} utf-16be"), be));
    }
    v
}

/// Every (file, marker) found in any file under `dir`.
fn leaks(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let bytes = std::fs::read(&p).unwrap();
            for (name, needle) in needles() {
                if bytes.windows(needle.len()).any(|w| w == needle.as_slice()) {
                    found.push(format!("{} contains {name}", p.display()));
                }
            }
        }
    }
    found
}

fn fill(store: &mut Store) -> Vec<std::path::PathBuf> {
    let ids = SeededIdGenerator::new(1_714_550_400_000, 21);
    let actor = Actor::new(MARKERS[1]);
    for i in 0..50 {
        let mut r = point_record(
            &ids,
            &format!("{}{i}", MARKERS[0]),
            117.0 + i as f64 * 0.01,
            36.2,
        );
        r.fields.insert(
            "description".into(),
            json!(format!("{} {}", MARKERS[2], MARKERS[1])),
        );
        r.fields
            .insert("aliases".into(), json!([{"name": MARKERS[1]}]));
        store
            .put_record(&r, &actor, Some(MARKERS[2]), &SearchKeys::new([MARKERS[2]]))
            .unwrap();
        r.fields.insert("remarks".into(), json!(MARKERS[0]));
        store
            .put_record(&r, &actor, Some(MARKERS[1]), &SearchKeys::default())
            .unwrap();
    }
    let mut audio = b"ID3\x03\x00 fake mp3 frame ".to_vec();
    audio.extend_from_slice(MARKERS[3].as_bytes());
    store
        .add_media(&audio, &format!("{}.mp3", MARKERS[0]))
        .unwrap();
    let mut utf16_blob: Vec<u8> = MARKERS[3]
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    utf16_blob.extend_from_slice(b"\x00\x01");
    store.add_media(&utf16_blob, "note.bin").unwrap();
    vec![store.path().to_path_buf()]
}

#[test]
fn no_marker_reaches_any_file_of_an_encrypted_survey() {
    let (survey, mut store) = new_survey();
    fill(&mut store);
    // While open: the WAL holds the recent pages.
    assert!(survey.dir.path().join("taian.toponym-wal").exists());
    assert_eq!(leaks(survey.dir.path()), Vec::<String>::new());
    // Search and list use temporary b-trees for sorting; they must stay in memory.
    assert!(!store.search_names(MARKERS[0], 100).unwrap().is_empty());
    assert_eq!(leaks(survey.dir.path()), Vec::<String>::new());
    store.checkpoint().unwrap();
    drop(store);
    assert_eq!(leaks(survey.dir.path()), Vec::<String>::new());
    // The file does not even look like SQLite.
    let head = std::fs::read(&survey.path).unwrap();
    assert_ne!(&head[..16], b"SQLite format 3\0");
    // And the data is really there.
    let store = Store::open(&survey.path, &pass()).unwrap();
    assert_eq!(store.count().unwrap(), 50);
    assert_eq!(leaks(survey.dir.path()), Vec::<String>::new());
}

#[test]
fn the_same_search_finds_the_markers_in_an_unencrypted_store() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create_unencrypted(dir.path().join("plain.toponym")).unwrap();
    fill(&mut store);
    store.checkpoint().unwrap();
    drop(store);
    let found = leaks(dir.path()).join("\n");
    for m in MARKERS {
        assert!(
            found.contains(m),
            "{m} not found in the plain store:\n{found}"
        );
    }
}
