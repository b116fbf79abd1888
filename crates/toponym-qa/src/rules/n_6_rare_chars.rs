//! N-6 (WARNING, record): 生僻字, characters outside the 8 105 of 《通用规范汉字表》.
//!
//! Every Han character of the standard name that the table lacks is listed (once), with
//! its code point and block, except 〇 (the standard numeral zero) and the characters N-5
//! already reports as traditional forms or variants. For an existing name the reviewer
//! confirms the character and that fonts can show it (CJK Extension B and later lie
//! outside the BMP and need a fallback font); for a new name (命名) the message says the
//! reviewer should reject it unless it is justified (《地名管理条例》: avoid 生僻字).
//!
//! "New name" (shared with N-9 and N-10, `new_name()`): 命名时间 (`named_date`, or
//! `named_year`) at most `new_name_years` years before 登记时间 (`registered_at`, else
//! the caller's clock); without a naming date, 地名普查状态 (`census_status`) = 新增. A
//! naming date older than that makes the name an existing one whatever the census status
//! (a 新增 record of an old village).

use serde::Deserialize;
use toponym_core::Severity;

use crate::{msg, parse_params, Check, Out, Prep, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "N-6",
    severity: Severity::Warning,
    stage: Stage::Record,
    basis: "reg (avoid 生僻字) + census",
    title_zh: "生僻字",
    title_en: "Rare characters",
    checks: "fields.standard_name: Han characters outside the 8 105 of 《通用规范汉字表》 (schemas/qa/tables/tongyong-guifan-8105.txt), except 〇 and characters N-5 folds; the message gives code point and block (Extension B+ needs a fallback font) and, for a new name (命名时间 within new_name_years of 登记时间, or 新增 without a naming date), asks the reviewer to reject unless justified.",
    prepare: Some(parse_params::<Params>),
    check: Check::Record(check),
};

#[derive(Deserialize)]
struct Params {
    skip: Vec<char>,
    new_name_years: i32,
}

/// Why a name counts as newly named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NewName {
    /// Named in this year, recently.
    Named(i32),
    /// 地名普查状态 新增 and no naming date.
    Added,
}

fn year_of(s: &str) -> Option<i32> {
    let y = s.trim().get(..4)?;
    y.bytes().all(|b| b.is_ascii_digit()).then(|| y.parse().ok())?
}

/// Whether the record's name is newly named (see the module header).
pub(crate) fn new_name(cx: &RecordCtx<'_>, years: i32) -> Option<NewName> {
    let named = cx
        .text("named_date")
        .and_then(year_of)
        .or_else(|| cx.num("named_year").map(|y| y as i32));
    match named {
        Some(y) => {
            let reference = cx
                .text("registered_at")
                .and_then(year_of)
                .or_else(|| cx.options.now().map(|t| t.year()))?;
            (reference - y <= years).then_some(NewName::Named(y))
        }
        None => (cx.text("census_status") == Some("新增")).then_some(NewName::Added),
    }
}

fn block(c: char) -> (&'static str, &'static str, bool) {
    match c as u32 {
        0x3400..=0x4DBF => ("扩展A区", "Extension A", false),
        0x4E00..=0x9FFF => ("基本区", "the URO block", false),
        0xF900..=0xFAFF | 0x2F800..=0x2FA1F => ("兼容汉字区", "the compatibility block", false),
        0x20000..=0x2A6DF => ("扩展B区", "Extension B", true),
        0x2A700..=0x2B73F => ("扩展C区", "Extension C", true),
        0x2B740..=0x2B81F => ("扩展D区", "Extension D", true),
        0x2B820..=0x2CEAF => ("扩展E区", "Extension E", true),
        0x2CEB0..=0x2EBEF => ("扩展F区", "Extension F", true),
        0x2EBF0..=0x2EE5F => ("扩展I区", "Extension I", true),
        0x30000..=0x3134F => ("扩展G区", "Extension G", true),
        0x31350..=0x323AF => ("扩展H区", "Extension H", true),
        _ => ("其他", "another block", true),
    }
}

fn check(cx: &RecordCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    let p: &Params = p.get();
    let Some(name) = cx.text("standard_name") else {
        return;
    };
    let table = super::n_5_traditional_chars::tongyong();
    let folds = super::n_5_traditional_chars::shipped();
    let rare = |c: char| {
        crate::text::is_han(c) && !table.contains_key(&c) && !p.skip.contains(&c) && !folds.folds(c)
    };
    if !name.chars().any(rare) {
        return;
    }
    let mut chars: Vec<char> = Vec::new();
    for c in name.chars().filter(|&c| rare(c)) {
        if !chars.contains(&c) {
            chars.push(c);
        }
    }
    let outside_bmp = chars.iter().any(|&c| block(c).2);
    let list_zh: Vec<String> = chars
        .iter()
        .map(|&c| format!("“{c}”（U+{:04X}，{}）", c as u32, block(c).0))
        .collect();
    let list_en: Vec<String> = chars
        .iter()
        .map(|&c| format!("'{c}' (U+{:04X}, {})", c as u32, block(c).1))
        .collect();
    let font_zh = if outside_bmp {
        "；扩展B区及以后的字需要后备字体，请确认录入设备、数据库和制图字库均能正确显示"
    } else {
        ""
    };
    let font_en = if outside_bmp {
        "; characters of Extension B and later need a fallback font: check that devices, database and map fonts show them"
    } else {
        ""
    };
    let list_zh = list_zh.join("、");
    let list_en = list_en.join(", ");
    let (code, zh, en) = match new_name(cx, p.new_name_years) {
        Some(why) => {
            let why_zh = match why {
                NewName::Named(y) => format!("{y}年命名"),
                NewName::Added => "地名普查状态为新增，未填命名时间".to_owned(),
            };
            (
                "name.rare_chars_new",
                format!("新命名地名“{name}”（{why_zh}）使用了《通用规范汉字表》以外的生僻字{list_zh}：命名应避免生僻字（《地名管理条例》），审核人应予退回，确有理由的须说明{font_zh}"),
                format!("the new name \"{name}\" uses characters outside the 《通用规范汉字表》: {list_en}; a new name should avoid rare characters (地名管理条例): the reviewer should send it back unless it is justified{font_en}"),
            )
        }
        None => (
            "name.rare_chars",
            format!("“{name}”含《通用规范汉字表》以外的生僻字{list_zh}：请审核人核实用字{font_zh}"),
            format!("\"{name}\" has characters outside the 《通用规范汉字表》: {list_en}; the reviewer confirms the characters{font_en}"),
        ),
    };
    let chars: String = chars.into_iter().collect();
    out.emit(
        "fields.standard_name",
        msg(code, zh, en)
            .with("chars", chars)
            .with("font_fallback", outside_bmp.to_string()),
    );
}

#[cfg(test)]
mod tests {
    use crate::testkit::{findings, record};
    use serde_json::{json, Value};

    fn rec(t: &str, name: &str, extra: Value) -> toponym_core::Record {
        let mut f = json!({ "standard_name": name, "registered_at": "2026-05-01T09:00:00+08:00" });
        for (k, v) in extra.as_object().expect("object") {
            f[k] = v.clone();
        }
        record(t, f, None)
    }

    #[test]
    fn an_existing_rare_name_asks_for_confirmation_and_fonts() {
        let f = findings("N-6", &rec("settlement.village", "𣵦沽村", json!({})));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].message.code, "name.rare_chars");
        assert_eq!(f[0].message.params["chars"], "𣵦");
        assert_eq!(f[0].message.params["font_fallback"], "true");
        assert!(f[0].message.zh.contains("U+23D66"), "{}", f[0].message.zh);
    }

    #[test]
    fn a_new_name_with_a_rare_character_is_worded_as_a_rejection() {
        // 䢺 is one of the 8 105 (no. 6633), so the new estate below uses 𣵦 instead.
        assert!(findings("N-6", &rec("settlement.urban", "䢺源雅苑", json!({ "census_status": "新增" }))).is_empty());
        let f = findings("N-6", &rec("settlement.urban", "𣵦源雅苑", json!({ "census_status": "新增" })));
        assert_eq!(f[0].message.code, "name.rare_chars_new");
        let f = findings("N-6", &rec("settlement.urban", "𣵦源雅苑", json!({ "named_date": "2024-03" })));
        assert_eq!(f[0].message.code, "name.rare_chars_new");
        // Named long ago: an existing name even when the census added it.
        let f = findings("N-6", &rec("settlement.village", "𣵦沽村", json!({ "census_status": "新增", "named_date": "1736" })));
        assert_eq!(f[0].message.code, "name.rare_chars");
    }

    #[test]
    fn standard_characters_zero_and_traditional_forms_are_not_rare() {
        assert!(findings("N-6", &rec("settlement.village", "訾家灌庄", json!({}))).is_empty());
        assert!(findings("N-6", &rec("nonadmin.agri_zone", "八五一〇林场", json!({}))).is_empty());
        // 臺 is outside the 8 105 but N-5 reports it (臺 → 台).
        assert!(findings("N-6", &rec("admin.county", "臺州市", json!({}))).is_empty());
    }
}
