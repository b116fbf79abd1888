//! R-3 (ERROR, record): the romanisation is segmented into words as the template's policy
//! says: 专名 and 通名 written apart, a multi-syllable modifier its own word (R1, R2), a
//! generic that is part of a known proper name kept in it (R4), a natural village one word
//! (R3).
//!
//! The reference is what the romanisation engine (`toponym-romanise`, the same generator the
//! form uses) produces for the record: its template's policy (schemas/romanisation/
//! templates.json: `join_all`, `absorb_modifiers`, `proper_names`, `ordinal_digits`), the
//! record's own 专名/通名 when they spell the name, and the provincial settings of
//! schemas/qa/params/R-3.json (junction policy of §2.2, hyphenated coordinations). Word
//! breaks are compared with tones, case and apostrophes aside (R-2, R-5 and R-7 judge those;
//! a hyphen counts as a word break, R-9 judges Dì-9). Where the record's readings differ from
//! the generator's (a polyphone corrected by hand), the words are compared by how many
//! characters each stands for.
//!
//! Not judged: a name in which the generator finds no generic and the record gives no
//! 通名, when the record splits it (the generic dictionary may not know every generic:
//! reporting an ERROR on the dictionary's gap would be wrong); minority-language names
//! numerals written differently; syllable-count mismatches.

use serde::Deserialize;
use toponym_core::Severity;
use toponym_romanise::{Junction, Outcome, Settings};

use crate::romanised::{digit_runs, fold, join_all, plain_roman, same_letters, with_generated};
use crate::rule::Prepared;
use crate::rules::r_6_syllable_count::roman_cover;
use crate::syllables::cover_plain;
use crate::text::{is_han, roman_words};
use crate::{msg, Check, Out, Prep, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "R-3",
    severity: Severity::Error,
    stage: Stage::Record,
    basis: "std",
    title_zh: "分词连写",
    title_en: "Segmentation into words",
    checks: "fields.roman: its word breaks (spaces and hyphens; tones, case and apostrophes aside) equal those the romanisation engine produces for the record under its template's policy (R1/R2/R4 split, natural villages joined by R3), the record's 专名/通名 and the provincial settings of the parameter file; with readings that differ from the generator's, the same number of words, each standing for as many characters. A name whose generic the dictionary does not know is not judged when the record splits it.",
    prepare: Some(prepare),
    check: Check::Record(check),
};

#[derive(Deserialize)]
struct Params {
    junction: String,
    hyphenate_coordinations: bool,
}

fn prepare(v: &serde_json::Value) -> Result<Prepared, String> {
    let p = Params::deserialize(v).map_err(|e| e.to_string())?;
    let junction = match p.junction.as_str() {
        "1984" => Junction::Rules1984,
        "2012" => Junction::Gbt2012,
        other => return Err(format!("junction must be \"1984\" or \"2012\", got {other:?}")),
    };
    Ok(Box::new(Settings {
        junction,
        hyphenate_coordinations: p.hyphenate_coordinations,
    }))
}

/// The generator's form when the record's word breaks differ from it.
fn differs(cx: &RecordCtx<'_>, settings: &Settings, rec: &str, join_all: bool) -> Option<String> {
    with_generated(cx, settings, |req, o| {
        let Outcome::Romanised {
            roman: eng,
            roman_generic: eg,
            ..
        } = o
        else {
            return None;
        };
        if fold(rec, false).eq(fold(eng, false)) {
            return None;
        }
        let (wr, we) = (roman_words(rec).count(), roman_words(eng).count());
        if !join_all && we == 1 && eg.is_empty() && req.segmentation.is_none() && wr > we {
            return None;
        }
        if same_letters(rec, eng) {
            return Some(eng.clone());
        }
        if !digit_runs(rec).eq(digit_runs(eng)) {
            return None;
        }
        if wr != we {
            return Some(eng.clone());
        }
        let han = req.name.chars().filter(|&c| is_han(c)).count() as u32;
        if !roman_cover(rec, req.name).is_some_and(|(lo, hi)| (lo..=hi).contains(&han)) {
            return None;
        }
        for (a, b) in roman_words(rec).zip(roman_words(eng)) {
            if let (Some((a0, a1)), Some((b0, b1))) = (cover_plain(a), cover_plain(b)) {
                if a1 < b0 || b1 < a0 {
                    return Some(eng.clone());
                }
            }
        }
        None
    })
    .flatten()
}

fn check(cx: &RecordCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    let Some(rec) = cx.text("roman") else { return };
    if !plain_roman(rec) || crate::romanised::minority_language(cx).is_some() {
        return;
    }
    let join_all = join_all(&cx.template.id);
    let Some(eng) = differs(cx, p.get::<Settings>(), rec, join_all) else {
        return;
    };
    let m = if join_all {
        msg(
            "roman.segmentation",
            format!("自然村名称的罗马字母拼写连写为一个词（R3）：“{rec}”应写作“{eng}”"),
            format!("a natural village is romanised as one word (R3): \"{rec}\" should be \"{eng}\""),
        )
    } else {
        msg(
            "roman.segmentation",
            format!("罗马字母拼写“{rec}”的分词不符合规则：专名与通名分写，多音节修饰成分单独成词，已成专名一部分的通名随专名连写（R1、R2、R4），应如“{eng}”"),
            format!("romanisation \"{rec}\" is not segmented by the rules: specific and generic are separate words, a multi-syllable modifier is its own word, a generic that became part of the proper name stays in it (R1, R2, R4); expected like \"{eng}\""),
        )
    };
    out.emit("fields.roman", m.with("value", rec).with("expected", eng));
}

#[cfg(test)]
mod tests {
    use crate::testkit::{findings, record};
    use serde_json::json;

    fn n(template: &str, fields: serde_json::Value) -> usize {
        findings("R-3", &record(template, fields, None)).len()
    }

    #[test]
    fn split_templates() {
        assert_eq!(n("terrain.peak", json!({"standard_name": "泰山", "roman": "Taishan"})), 1);
        assert_eq!(n("terrain.peak", json!({"standard_name": "泰山", "roman": "Tài Shān"})), 0);
        assert_eq!(n("terrain.peak", json!({"standard_name": "泰山", "roman": "TAI SHAN"})), 0);
        assert_eq!(n("transport.urban_road", json!({"standard_name": "南京路", "roman": "Nánjīng Lù"})), 0);
        assert_eq!(n("transport.urban_road", json!({"standard_name": "南京路", "roman": "Nán Jīng Lù"})), 1);
        assert_eq!(n("admin.province", json!({"standard_name": "黑龙江省", "roman": "Hēilóngjiāng Shěng"})), 0);
        assert_eq!(n("admin.province", json!({"standard_name": "黑龙江省", "roman": "Hēilóng Jiāng Shěng"})), 1);
    }

    #[test]
    fn villages_are_joined() {
        let v = |roman: &str| n("settlement.village", json!({"standard_name": "周口店", "roman": roman}));
        assert_eq!(v("Zhōukǒu Diàn"), 1);
        assert_eq!(v("Zhōukǒudiàn"), 0);
    }

    #[test]
    fn corrected_readings() {
        // 长 corrected by hand: the readings differ, the words stand for the same characters.
        assert_eq!(n("terrain.peak", json!({"standard_name": "长山", "roman": "Zhǎng Shān"})), 0);
        assert_eq!(n("terrain.peak", json!({"standard_name": "长山", "roman": "Zhǎngshān"})), 1);
    }

    #[test]
    fn user_segmentation_is_followed() {
        let f = json!({"standard_name": "朝阳门内大街", "specific_part": "朝阳门", "generic_part": "内大街", "roman": "Cháoyángmén Nèidàjiē"});
        assert_eq!(n("transport.urban_road", f), 0);
        let f = json!({"standard_name": "朝阳门内大街", "roman": "Cháoyángménnèi Dàjiē"});
        assert_eq!(n("transport.urban_road", f), 0);
        let f = json!({"standard_name": "朝阳门内大街", "roman": "Cháoyángmén Nèidàjiē"});
        assert_eq!(n("transport.urban_road", f), 1);
    }

    #[test]
    fn numerals_are_r9s() {
        assert_eq!(n("transport.urban_road", json!({"standard_name": "二马路", "roman": "2 Mǎlù"})), 0);
        assert_eq!(n("transport.urban_road", json!({"standard_name": "二马路", "roman": "Èr Mǎlù"})), 0);
    }
}
