//! End-to-end tests of `toponym roman`: the real binary, its text and `--json` output and its
//! exit codes (0 ok, 1 refused name = BLOCKER, 2 usage error).

mod common;

fn toponym(args: &[&str]) -> (i32, String, String) {
    common::code_out_err(&common::toponym(args))
}

#[test]
fn json_prints_one_object_per_name() {
    let (code, out, err) = toponym(&["roman", "单县", "西安市", "--admin", "37", "--json"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["name"], "单县");
    assert_eq!(lines[0]["roman"], "Shàn Xiàn");
    assert_eq!(lines[0]["roman_generic"], "Xiàn");
    assert_eq!(lines[0]["key"], "shanxian");
    assert!(lines[0]["flags"].as_array().is_some_and(Vec::is_empty));
    assert_eq!(lines[1]["roman"], "Xī'ān Shì");
}

#[test]
fn template_selects_segmentation_and_flags_are_printed() {
    let (code, out, _) = toponym(&[
        "roman",
        "第九弄",
        "盆儿胡同",
        "--template",
        "transport.street_lane",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("Dì-9 Lòng"), "{out}");
    assert!(out.contains("Pénr Hútong"), "{out}");
    assert!(out.contains("R-4"), "erhua is a reviewed guess: {out}");
}

#[test]
fn refused_name_exits_1_and_bad_admin_exits_2() {
    let (code, out, _) = toponym(&["roman", "胡子?村委会", "--json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("json");
    assert_eq!(
        (
            v["outcome"].as_str(),
            v["rule"].as_str(),
            v["position"].as_u64()
        ),
        (Some("refused"), Some("N-1"), Some(2))
    );
    let (code, _, err) = toponym(&["roman", "泰山", "--admin", "x1"]);
    assert_eq!(code, 2);
    assert!(err.contains("--admin"), "{err}");
    let (code, _, _) = toponym(&["roman"]);
    assert_eq!(code, 2, "missing names is a usage error");
}

#[test]
fn minority_language_needs_manual_transliteration() {
    let (code, out, _) = toponym(&["roman", "巴彦淖尔", "--language", "蒙古语", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("json");
    assert_eq!(v["outcome"], "manual_required");
    assert_eq!(v["roman"], serde_json::Value::Null);
}
