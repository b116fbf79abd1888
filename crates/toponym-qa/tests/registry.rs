//! Tidy checks of the rule registry: a rule file's id is its file name's, ids are unique,
//! severity and stage are the catalogue's, every rule file carries its own tests, every
//! parameter file belongs to a rule and names its source, and the default profile builds.

use std::collections::BTreeSet;
use std::path::Path;

use toponym_qa::{catalogue, registry, Engine, Profile};

#[test]
fn every_rule_file_matches_the_catalogue() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seen = BTreeSet::new();
    assert!(
        registry().len() >= 10,
        "the registry collected {} rules",
        registry().len()
    );
    for (rule, file_id, file, _) in registry() {
        assert_eq!(
            rule.id, *file_id,
            "{file}: RULE.id differs from the file name"
        );
        assert!(seen.insert(rule.id), "{}: two rule files", rule.id);
        let c = catalogue::entry(rule.id)
            .unwrap_or_else(|| panic!("{}: not in the catalogue", rule.id));
        assert_eq!(rule.severity.as_str(), c.severity, "{}: severity", rule.id);
        assert!(
            c.stages.iter().any(|s| s == rule.stage.as_str()),
            "{}: stage {} is not the catalogue's {:?}",
            rule.id,
            rule.stage.as_str(),
            c.stages
        );
        let text = std::fs::read_to_string(crate_dir.join(file)).expect("rule file");
        assert!(text.starts_with("//! "), "{file}: no //! header");
        assert!(
            text.contains("#[cfg(test)]"),
            "{file}: a rule file carries its own tests"
        );
        assert!(
            toponym_forms::rules::info(rule.id).is_none(),
            "{}: checked twice (also in the form pass)",
            rule.id
        );
    }
}

#[test]
fn every_parameter_file_belongs_to_a_rule_and_names_its_source() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/qa/params");
    for e in std::fs::read_dir(&dir).expect("params dir") {
        let p = e.expect("entry").path();
        let id = p
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("name")
            .to_owned();
        let (_, _, _, params) = registry()
            .iter()
            .find(|(r, _, _, _)| r.id == id)
            .unwrap_or_else(|| panic!("{}: no rule {id}", p.display()));
        let v: serde_json::Value = serde_json::from_str(params.expect("embedded")).expect("json");
        assert!(
            v["source"].as_str().is_some_and(|s| s.len() > 20),
            "{}: say where the values come from",
            p.display()
        );
    }
}

#[test]
fn the_default_profile_prepares_every_rule_and_a_typo_is_refused() {
    let e = Engine::builtin();
    assert_eq!(e.profile().id, "default");
    let mut p = Profile::default_profile();
    p.disabled.push("X-99".into());
    let err = Engine::new(&p).err().expect("unknown rule refused");
    assert!(err.to_string().contains("X-99"), "{err}");
}
