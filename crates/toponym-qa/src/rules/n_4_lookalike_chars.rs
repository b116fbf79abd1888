//! N-4 (WARNING, entry): look-alike characters in a name.
//!
//! 囗 (U+56D7) where 口 is meant is always flagged. For the trap pairs (亳/毫, 甪/角, 汨/汩,
//! 睢/雎, 氾/汜, 祁/祈) a name is flagged when swapping the typed character for its twin
//! gives a known place name that the typed form does not (毫州 → 亳州): the typed form is
//! then almost certainly the slip, while names that use the ordinary character on purpose
//! (角山, 祈福路) pass.

use serde::Deserialize;
use toponym_core::Severity;

use crate::{msg, parse_params, Check, EntryCtx, Out, Prep, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "N-4",
    severity: Severity::Warning,
    stage: Stage::Entry,
    basis: "data + ours",
    title_zh: "形近字",
    title_en: "Look-alike characters",
    checks: "Name fields: 囗 (U+56D7) always; trap pairs (亳/毫, 甪/角, 汨/汩, 睢/雎, 氾/汜, 祁/祈) when swapping the character yields a known place name from schemas/qa/params/N-4.json.",
    prepare: Some(parse_params::<Params>),
    check: Check::Entry(check),
};

#[derive(Deserialize)]
struct Always {
    char: char,
    meant: char,
    note: String,
}

#[derive(Deserialize)]
struct Trap {
    a: char,
    b: char,
    known_a: Vec<String>,
    known_b: Vec<String>,
}

#[derive(Deserialize)]
struct Params {
    always: Vec<Always>,
    traps: Vec<Trap>,
}

fn check(cx: &EntryCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    if !cx.is_name() {
        return;
    }
    let p: &Params = p.get();
    let name = cx.value;
    for a in &p.always {
        if name.contains(a.char) {
            let fixed = name.replace(a.char, &a.meant.to_string());
            out.emit(
                cx.path,
                msg(
                    "name.lookalike",
                    format!("“{name}”中的“{}”疑为“{}”之误（{}），应为“{fixed}”？", a.char, a.meant, a.note),
                    format!(
                        "'{}' in \"{name}\" is probably a slip for '{}' ({}): \"{fixed}\"?",
                        a.char, a.meant, a.note
                    ),
                )
                .with("char", a.char.to_string())
                .with("meant", a.meant.to_string())
                .with("suggestion", fixed),
            );
        }
    }
    for t in &p.traps {
        for (typed, twin, known_twin, known_typed) in
            [(t.a, t.b, &t.known_b, &t.known_a), (t.b, t.a, &t.known_a, &t.known_b)]
        {
            if !name.contains(typed) {
                continue;
            }
            let swapped = name.replace(typed, &twin.to_string());
            let hit = known_twin.iter().find(|k| swapped.contains(k.as_str()));
            let typed_known = known_typed.iter().any(|k| name.contains(k.as_str()));
            if let (Some(k), false) = (hit, typed_known) {
                out.emit(
                    cx.path,
                    msg(
                        "name.lookalike",
                        format!("“{name}”中的“{typed}”疑为“{twin}”之误（已知地名“{k}”）"),
                        format!("'{typed}' in \"{name}\" may be a slip for '{twin}' (known place name \"{k}\")"),
                    )
                    .with("char", typed.to_string())
                    .with("meant", twin.to_string())
                    .with("suggestion", swapped),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::{findings, record};
    use serde_json::json;

    fn village(name: &str) -> toponym_core::Record {
        record("settlement.village", json!({ "standard_name": name }), None)
    }

    #[test]
    fn enclosure_radical_is_flagged_and_mouth_is_not() {
        let f = findings("N-4", &village("聂囗村"));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].path, "fields.standard_name");
        assert_eq!(f[0].message.params["suggestion"], "聂口村");
        assert!(findings("N-4", &village("聂口村")).is_empty());
    }

    #[test]
    fn a_trap_is_flagged_only_when_the_twin_is_a_known_name() {
        assert_eq!(findings("N-4", &village("毫州路")).len(), 1);
        assert!(findings("N-4", &village("亳州路")).is_empty());
        assert!(findings("N-4", &village("角山村")).is_empty());
        assert_eq!(findings("N-4", &village("雎县新村")).len(), 1);
    }
}
