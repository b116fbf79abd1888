//! Runs `cargo xtask tidy` as part of `cargo test`, so hygiene problems and stale
//! generated files fail CI like any other test.

#[test]
fn repository_is_tidy() {
    let problems = xtask::tidy::run(&xtask::repo_root());
    assert!(
        problems.is_empty(),
        "{} tidy problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

#[test]
fn tidy_catches_a_missing_header_and_a_defective_sample() {
    let dir = std::env::temp_dir().join(format!("toponym-tidy-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("crates/x/src")).expect("mkdir");
    std::fs::write(dir.join("crates/x/src/lib.rs"), "fn main() {}\n").expect("write");
    assert_eq!(xtask::tidy::missing_headers(&dir).len(), 1);
    // A sample record with an unknown template and no `_expect` is a problem; so is
    // broken JSON.
    let schemas = xtask::repo_root().join("schemas");
    copy_dir(&schemas, &dir.join("schemas"));
    std::fs::create_dir_all(dir.join("samples")).expect("mkdir");
    std::fs::write(
        dir.join("samples/bad.json"),
        r#"{"record_id":"019e1a2b-3c4d-7e5f-8a6b-7c8d9e0f1a2b","template":{"id":"water.rivr","version":"1.0.0","hash":"x"},"fields":{}}"#,
    )
    .expect("write");
    std::fs::write(dir.join("samples/broken.json"), "{").expect("write");
    let p = xtask::tidy::data_problems(&dir);
    assert!(
        p.iter()
            .any(|l| l.contains("samples/bad.json") && l.contains("water.river")),
        "{p:?}"
    );
    assert!(p.iter().any(|l| l.contains("samples/broken.json")), "{p:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir").flatten() {
        let dest = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).expect("copy");
        }
    }
}

#[test]
fn tidy_catches_an_error_code_without_a_message() {
    let dir = std::env::temp_dir().join(format!("toponym-tidy-codes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let root = xtask::repo_root();
    for f in [
        "crates/toponym-store/src/error.rs",
        "crates/toponym-io/src/output.rs",
        "crates/toponym-ops/src/error.rs",
        "crates/toponym-desktop/src/error.rs",
        "schemas/messages/messages.json",
    ] {
        std::fs::create_dir_all(dir.join(f).parent().expect("parent")).expect("mkdir");
        std::fs::copy(root.join(f), dir.join(f)).expect("copy");
    }
    assert_eq!(xtask::tidy::untranslated_codes(&dir), Vec::<String>::new());
    // Drop one message the store's codes use: tidy names the code and the file.
    let path = dir.join("schemas/messages/messages.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    v["messages"]
        .as_object_mut()
        .expect("messages")
        .remove("survey.damaged");
    std::fs::write(&path, v.to_string()).expect("write");
    let p = xtask::tidy::untranslated_codes(&dir);
    assert!(
        p.iter()
            .any(|l| l.contains("survey.damaged") && l.contains("toponym-store/src/error.rs")),
        "{p:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
