//! Golden tests: the worked examples, special readings and library-failure list of
//! romanization.md (§3, §4, §5) as TSV files, run through the real builtin tables.
//!
//! Each file row is `name, template, admin, roman, roman_generic, flags`; an empty
//! roman_generic column is checked as empty, `*` skips a column, and the flags column lists the
//! QA rule ids expected (`-` = none). All mismatches are reported together.

use std::collections::BTreeSet;

use toponym_romanise::{Outcome, Request, Romaniser};

fn run(file: &str) {
    let text = std::fs::read_to_string(format!(
        "{}/tests/golden/{file}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap_or_else(|e| panic!("read {file}: {e}"));
    let r = Romaniser::builtin();
    let mut failures = Vec::new();
    let mut rows = 0;
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        rows += 1;
        let c: Vec<&str> = line.split('\t').collect();
        assert!(c.len() >= 6, "{file}:{}: expected 6 columns", n + 1);
        let opt = |s: &'static str| if s.is_empty() { None } else { Some(s) };
        let c: Vec<&'static str> = c
            .into_iter()
            .map(|s| &*Box::leak(s.to_string().into_boxed_str()))
            .collect();
        let req = Request {
            template_id: opt(c[1]),
            admin_code: opt(c[2]),
            ..Request::new(c[0])
        };
        match r.romanise(&req) {
            Outcome::Romanised {
                roman,
                roman_generic,
                flags,
                ..
            } => {
                let got_flags: BTreeSet<&str> = flags.iter().map(|f| f.rule).collect();
                let want_flags: BTreeSet<&str> = if c[5] == "-" {
                    BTreeSet::new()
                } else {
                    c[5].split(',').map(str::trim).collect()
                };
                let mut bad = Vec::new();
                if roman != c[3] {
                    bad.push(format!("roman {roman:?} want {:?}", c[3]));
                }
                if c[4] != "*" && roman_generic != c[4] {
                    bad.push(format!("generic {roman_generic:?} want {:?}", c[4]));
                }
                if c[5] != "*" && got_flags != want_flags {
                    let reasons: Vec<&str> = flags.iter().map(|f| f.reason_en.as_str()).collect();
                    bad.push(format!(
                        "flags {got_flags:?} want {want_flags:?} ({reasons:?})"
                    ));
                }
                if !bad.is_empty() {
                    failures.push(format!("{file}:{} {}: {}", n + 1, c[0], bad.join("; ")));
                }
            }
            other => failures.push(format!(
                "{file}:{} {}: not romanised: {other:?}",
                n + 1,
                c[0]
            )),
        }
    }
    assert!(rows > 0, "{file} has no rows");
    assert!(
        failures.is_empty(),
        "{} of {rows} rows differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn worked_examples_of_section_3() {
    run("worked-examples.tsv");
}

#[test]
fn special_readings_of_section_5() {
    run("special-readings.tsv");
}

#[test]
fn names_the_general_library_got_wrong_section_4() {
    run("library-failures.tsv");
}

#[test]
fn rules_r1_to_r14_extra_examples() {
    run("rules.tsv");
}
