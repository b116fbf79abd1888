//! N-1 (BLOCKER): no stand-in notation for characters the typist could not enter.
//!
//! Real statistics files contain "胡子?村", "小（氵甸）村" and "长shan村": a question mark,
//! a bracketed component description, or pinyin in place of a rare character. Private-use
//! code points (PUA glyphs from old font hacks) are the same defect in invisible form.

use toponym_core::Severity;

use super::RuleInfo;
use crate::validate::{msg, Ctx, P};

pub(crate) static INFO: RuleInfo = RuleInfo {
    id: "N-1",
    severity: Severity::Blocker,
    title_zh: "名称中不得有替代记法",
    title_en: "No stand-in notation in names",
    checks: "Names contain no ?/？, no brackets, no bare radicals/components (氵艹扌… and the Kangxi/CJK radical blocks), no lower-case pinyin run mixed with Han characters, no private-use code points.",
    file: "src/rules/n_1_stand_in_notation.rs",
};

/// Component forms that never stand alone in a place name.
const COMPONENTS: &[char] = &[
    '氵', '艹', '扌', '亻', '冫', '讠', '钅', '饣', '纟', '礻', '衤', '忄', '阝', '刂', '宀', '辶',
    '廴', '彳', '犭', '灬', '丬', '攵', '罒', '疒', '虍', '覀', '⺮', '爫', '丶', '丨', '丿', '乛',
];

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0x20000..=0x3134F | 0xF900..=0xFAFF)
}

fn defect(s: &str) -> Option<(&'static str, &'static str, String)> {
    let has_han = s.chars().any(is_han);
    let mut lower_run = 0usize;
    for c in s.chars() {
        let cp = c as u32;
        if c == '?' || c == '？' {
            return Some(("问号", "a question mark", c.to_string()));
        }
        if matches!(
            c,
            '(' | ')' | '（' | '）' | '[' | ']' | '【' | '】' | '〔' | '〕'
        ) {
            return Some((
                "括号（部件描述）",
                "brackets (a component description)",
                c.to_string(),
            ));
        }
        if COMPONENTS.contains(&c) || (0x2E80..=0x2FDF).contains(&cp) {
            return Some((
                "单独的偏旁部件",
                "a bare radical or component",
                c.to_string(),
            ));
        }
        if (0xE000..=0xF8FF).contains(&cp) || cp >= 0xF0000 {
            return Some((
                "私用区字符",
                "a private-use code point",
                format!("U+{cp:04X}"),
            ));
        }
        if c.is_ascii_lowercase() {
            lower_run += 1;
            if lower_run >= 2 && has_han {
                return Some((
                    "汉字名称中夹有拼音",
                    "pinyin inside a Chinese name",
                    String::new(),
                ));
            }
        } else {
            lower_run = 0;
        }
    }
    None
}

pub(crate) fn check(cx: &mut Ctx<'_>, s: &str, path: &P<'_>) {
    if let Some((zh, en, what)) = defect(s) {
        cx.emit(
            "N-1",
            path,
            msg(
                "name.stand_in",
                format!("名称“{s}”含{zh}{}；请输入正确的字（可用扩展区字符）", if what.is_empty() { String::new() } else { format!("“{what}”") }),
                format!("name \"{s}\" contains {en}{}; enter the real character (extension blocks are fine)", if what.is_empty() { String::new() } else { format!(" \"{what}\"") }),
            )
            .with("value", s)
            .with("char", what),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::defect;

    #[test]
    fn census_defects_are_caught_and_real_rare_characters_pass() {
        assert!(defect("胡子?村委会").is_some());
        assert!(defect("小（氵甸）村委会").is_some());
        assert!(defect("长shan村委会").is_some());
        assert!(defect("艹两村").is_some());
        assert!(defect("\u{E123}庄").is_some());
        assert!(defect("小𣵦村委会").is_none());
        assert!(defect("G104").is_none());
        assert!(defect("泰山").is_none());
    }
}
