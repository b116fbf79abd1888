//! R-6 (ERROR, record): the romanisation has one syllable per Han character of the name.
//!
//! Counting (ours, as the catalogue asks): each pinyin syllable of 罗马字母拼写 stands for
//! one Han character of 标准名称, an erhua syllable (Pénr) for two (盆儿, so the written r
//! is no syllable of its own); a digit run that the name itself contains (1203高地 →
//! 1203 Gāodì, G104) stands for no Han character, and one that writes a Chinese numeral
//! of the name in Arabic digits (二马路 → 2 Mǎlù, 东四十二条 → Dōngsì 12 Tiáo) for that
//! numeral's characters. Words are split into syllables by the syllable table, with the
//! apostrophe rule and at most one tone mark per syllable; where a toneless word splits
//! in more than one way the count must fit one of them.
//!
//! Also (catalogue example): a 儿 that the generator writes as erhua r (the name is an erhua
//! name, R12) but the record spells as a full syllable ér.
//!
//! Not judged: minority-language names (transliterated, R-10), and words that are not
//! pinyin (a transliterated specific such as Ürümqi, letters outside pinyin: R-1).

use toponym_core::Severity;
use toponym_romanise::Romaniser;

use crate::syllables::{cover, cover_plain};
use crate::text::{is_han, roman_words};
use crate::{msg, Check, Out, Prep, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "R-6",
    severity: Severity::Error,
    stage: Stage::Record,
    basis: "ours",
    title_zh: "音节数与汉字数",
    title_en: "Syllable count",
    checks: "fields.roman against fields.standard_name: the pinyin syllables (an erhua syllable counting for its two characters) plus the Chinese numerals written in Arabic digits equal the number of Han characters; a digit run or code the name itself contains counts for none. A 儿 the generator writes as erhua r must not be spelled as ér. Minority-language names and words that are not pinyin are not judged.",
    prepare: None,
    check: Check::Record(check),
};

/// The value of a Chinese numeral: canonical (五, 十二, 二十三, 一百零五, 一千二百) or digit by
/// digit (一二〇三 = 1203, 五一 = 51).
pub(crate) fn han_number(chars: &[char]) -> Option<u64> {
    let digit = |c: char| {
        Some(match c {
            '〇' | '零' => 0,
            '一' => 1,
            '二' | '两' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    };
    if chars.is_empty() {
        return None;
    }
    if chars.len() >= 2 && chars.iter().all(|&c| digit(c).is_some()) {
        return chars.iter().try_fold(0u64, |v, &c| Some(v * 10 + digit(c)?));
    }
    let (mut total, mut pending, mut last_unit) = (0u64, None::<u64>, u64::MAX);
    for &c in chars {
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => {
                let d = digit(c)?;
                if d == 0 {
                    if pending.is_some() {
                        return None;
                    }
                    continue;
                }
                if pending.replace(d).is_some() {
                    return None;
                }
                continue;
            }
        };
        if unit >= last_unit {
            return None;
        }
        let d = match pending.take() {
            Some(d) => d,
            None if unit == 10 && total == 0 => 1,
            None => return None,
        };
        total += d * unit;
        last_unit = unit;
    }
    Some(total + pending.unwrap_or(0))
}

/// Whether `c` may be part of a Chinese numeral.
pub(crate) fn is_numeral_char(c: char) -> bool {
    "〇零一二两三四五六七八九十百千".contains(c)
}

/// The lengths (fewest, most) of the runs of Chinese numeral characters in `name` whose
/// value is `value`.
pub(crate) fn numeral_spans(name: &str, value: u64) -> Option<(u8, u8)> {
    let chars: Vec<char> = name.chars().collect();
    let mut best: Option<(u8, u8)> = None;
    for i in 0..chars.len() {
        for j in i + 1..=chars.len() {
            if !is_numeral_char(chars[j - 1]) {
                break;
            }
            if han_number(&chars[i..j]) == Some(value) {
                let n = (j - i).min(255) as u8;
                best = Some(best.map_or((n, n), |(a, b)| (a.min(n), b.max(n))));
            }
        }
    }
    best
}

/// How many Han characters the words of `roman` stand for, as (fewest, most); `None` when
/// a word cannot be read (not pinyin, or digits the name does not explain).
pub(crate) fn roman_cover(roman: &str, name: &str) -> Option<(u32, u32)> {
    let (mut lo, mut hi) = (0u32, 0u32);
    for w in roman_words(roman) {
        let (a, b) = if w.bytes().any(|b| b.is_ascii_digit()) {
            if crate::romanised::name_has_literal(name, w) {
                (0, 0)
            } else if w.bytes().all(|b| b.is_ascii_digit()) && w.len() <= 12 {
                numeral_spans(name, w.parse().ok()?)?
            } else {
                return None;
            }
        } else {
            cover_plain(w)?
        };
        lo += u32::from(a);
        hi += u32::from(b);
    }
    Some((lo, hi))
}

fn check(cx: &RecordCtx<'_>, _: &Prep<'_>, out: &mut Out<'_>) {
    let (Some(roman), Some(name)) = (cx.text("roman"), cx.text("standard_name")) else {
        return;
    };
    if crate::romanised::minority_language(cx).is_some() {
        return;
    }
    let han = name.chars().filter(|&c| is_han(c)).count() as u32;
    let Some((lo, hi)) = roman_cover(roman, name) else {
        return;
    };
    if !(lo..=hi).contains(&han) {
        let n = if lo == hi { lo.to_string() } else { format!("{lo}–{hi}") };
        out.emit(
            "fields.roman",
            msg(
                "roman.syllable_count",
                format!("罗马字母拼写“{roman}”对应{n}个汉字的音节，标准名称“{name}”有{han}个汉字：每个汉字一个音节（儿化的 r 不单算，阿拉伯数字按所写的汉字数字计）"),
                format!("romanisation \"{roman}\" has syllables for {n} characters, the name \"{name}\" has {han} Han characters: one syllable per character (an erhua r is no syllable of its own; Arabic digits count for the numeral they write)"),
            )
            .with("value", roman)
            .with("syllables", n)
            .with("han_chars", han.to_string()),
        );
        return;
    }
    if name.contains('儿') {
        erhua(cx, roman, name, out);
    }
}

/// The generator writes a 儿 as erhua r, the record spells every 儿 as a syllable.
fn erhua(cx: &RecordCtx<'_>, roman: &str, name: &str, out: &mut Out<'_>) {
    let Some(req) = crate::romanised::request(cx) else {
        return;
    };
    let Some(readings) = Romaniser::builtin().explain(&req) else {
        return;
    };
    if !readings.iter().any(|r| r.pinyin == "r") {
        return;
    }
    // Can every word be read without an erhua syllable?
    let no_erhua = roman_words(roman)
        .filter(|w| !w.bytes().any(|b| b.is_ascii_digit()))
        .all(|w| cover(w, |c| c.marks <= 1 && !c.erhua).is_some());
    if no_erhua {
        out.emit(
            "fields.roman",
            msg(
                "roman.erhua",
                format!("“{name}”是儿化地名，“儿”应写作 r 附在前一音节后（如 盆儿胡同 Pénr Hútong），而“{roman}”把它拼作音节 ér"),
                format!("\"{name}\" is an erhua name: write 儿 as r after the syllable before it (盆儿胡同 Pénr Hútong), not as the syllable ér as in \"{roman}\""),
            )
            .with("value", roman),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{han_number, roman_cover};
    use crate::testkit::{findings, record};
    use serde_json::json;

    #[test]
    fn numerals() {
        assert_eq!(han_number(&['十', '二']), Some(12));
        assert_eq!(han_number(&['二', '十', '三']), Some(23));
        assert_eq!(han_number(&['一', '百', '零', '五']), Some(105));
        assert_eq!(han_number(&['一', '二', '〇', '三']), Some(1203));
        assert_eq!(han_number(&['五', '一']), Some(51));
        assert_eq!(han_number(&['百']), None);
    }

    #[test]
    fn covers() {
        assert_eq!(roman_cover("Dōngsì 12 Tiáo", "东四十二条"), Some((5, 5)));
        assert_eq!(roman_cover("2 Mǎlù", "二马路"), Some((3, 3)));
        assert_eq!(roman_cover("1203 Gāodì", "1203高地"), Some((2, 2)));
        assert_eq!(roman_cover("Pénr Hútong", "盆儿胡同"), Some((4, 4)));
        assert_eq!(roman_cover("7 Lù", "八一路"), None);
    }

    fn roman(template: &str, name: &str, roman: &str) -> usize {
        let r = record(template, json!({"standard_name": name, "roman": roman}), None);
        findings("R-6", &r).len()
    }

    #[test]
    fn on_records() {
        assert_eq!(roman("settlement.village", "周口店", "Zhōukǒu"), 1);
        assert_eq!(roman("settlement.village", "周口店", "Zhōukǒudiàn"), 0);
        assert_eq!(roman("transport.street_lane", "东四十二条", "Dōngsì 12 Tiáo"), 0);
        assert_eq!(roman("transport.urban_road", "二马路", "2 Mǎlù"), 0);
        assert_eq!(roman("terrain.peak", "1203高地", "1203 Gāodì"), 0);
        // Near misses: an apostrophe-free word that splits in one way only, toneless forms.
        assert_eq!(roman("admin.prefecture", "西安市", "Xi'an Shi"), 0);
        assert_eq!(roman("admin.prefecture", "西安市", "Xian Shi"), 1);
        assert_eq!(roman("admin.county", "台儿庄区", "Tái'érzhuāng Qū"), 0);
        // A transliterated specific is not pinyin: not judged here.
        assert_eq!(roman("admin.prefecture", "乌鲁木齐市", "Ürümqi Shì"), 0);
    }

    #[test]
    fn erhua() {
        assert_eq!(roman("transport.street_lane", "盆儿胡同", "Pénr Hútong"), 0);
        assert_eq!(roman("transport.street_lane", "盆儿胡同", "Pén'ér Hútong"), 1);
    }

    #[test]
    fn minority_names_are_not_counted() {
        let r = record(
            "terrain.peak",
            json!({"standard_name": "珠穆朗玛峰", "roman": "Qomolangma Feng", "language": "藏语"}),
            None,
        );
        assert!(findings("R-6", &r).is_empty());
    }
}
