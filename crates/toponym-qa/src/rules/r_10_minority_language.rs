//! R-10 (WARNING, record): a minority-language name is transliterated from its language,
//! not read in Mandarin (romanization.md §7: 乌鲁木齐 Ürümqi, 呼和浩特 Hohhot, 拉萨 Lhasa).
//!
//! Two cases:
//! 1. The record is a minority-language name — its 语种 (`language`) is not Chinese, or its
//!    语种 is blank and its 少数民族语书写 (`minority_name`) is written in a script other than
//!    Han (Tibetan, Uyghur, Mongolian, Yi, Zhuang Latin …) — and its 罗马字母拼写 is what the Mandarin generator
//!    makes of the Chinese characters (compared with tones, case, apostrophes and word
//!    breaks aside). A name with an official transliteration in
//!    schemas/romanisation/transliterations.tsv is generated in that form, and so passes.
//! 2. The name has an official transliteration in that table (巴彦淖尔 Bayannur) and the
//!    record's romanisation is something else, such as the Mandarin reading
//!    "Bāyànnào'ěr Shì" (the catalogue's example), whatever its 语种 says.

use toponym_core::Severity;
use toponym_romanise::{Outcome, Request, Romaniser};

use crate::romanised::{minority_language, request, same_letters, with_default};
use crate::{msg, Check, Out, Prep, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "R-10",
    severity: Severity::Warning,
    stage: Stage::Record,
    basis: "std",
    title_zh: "少数民族语地名音译",
    title_en: "Minority-language names transliterated",
    checks: "fields.roman: for a minority-language name (语种 not Chinese, or no 语种 and 少数民族语书写 in a non-Han script) it is not the Mandarin generator's output for the Chinese characters (tones, case, apostrophes and spaces aside); for a name with an official transliteration (schemas/romanisation/transliterations.tsv) it is that form.",
    prepare: None,
    check: Check::Record(check),
};

const TRANSLITERATED: &str = "roman.transliterated";

fn check(cx: &RecordCtx<'_>, _: &Prep<'_>, out: &mut Out<'_>) {
    let Some(rec) = cx.text("roman") else { return };
    if let Some(lang) = minority_language(cx) {
        let Some(req) = request(cx) else { return };
        // What the Mandarin generator would make of it, ignoring the language.
        let mandarin = Romaniser::builtin().romanise(&Request {
            language: None,
            ..req
        });
        let Outcome::Romanised { roman, flags, .. } = mandarin else {
            return;
        };
        if flags.iter().any(|f| f.code == TRANSLITERATED) || !same_letters(rec, &roman) {
            return;
        }
        out.emit(
            "fields.roman",
            msg(
                "roman.minority_mandarin",
                format!("“{}”是{lang}地名，罗马字母拼写“{rec}”却是按汉字普通话读音生成的拼写：少数民族语地名应按原语音译（romanization.md §7）", req.name),
                format!("\"{}\" is a {lang} name, but its romanisation \"{rec}\" is the Mandarin reading of the characters: transliterate it from the source language", req.name),
            )
            .with("value", rec)
            .with("language", lang),
        );
        return;
    }
    let expected = with_default(cx, |_, o| match o {
        Outcome::Romanised { roman, flags, .. }
            if flags.iter().any(|f| f.code == TRANSLITERATED) && !same_letters(rec, roman) =>
        {
            Some(roman.clone())
        }
        _ => None,
    })
    .flatten();
    if let Some(eng) = expected {
        let name = cx.text("standard_name").unwrap_or("");
        out.emit(
            "fields.roman",
            msg(
                "roman.transliteration_expected",
                format!("“{name}”源自少数民族语，专名采用音译形式：罗马字母拼写应为“{eng}”，而不是“{rec}”"),
                format!("\"{name}\" comes from a minority language and its specific part is transliterated: the romanisation is \"{eng}\", not \"{rec}\""),
            )
            .with("value", rec)
            .with("expected", eng),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::{findings, record};
    use serde_json::json;

    fn codes(template: &str, fields: serde_json::Value) -> Vec<String> {
        findings("R-10", &record(template, fields, None))
            .into_iter()
            .map(|f| f.message.code)
            .collect()
    }

    #[test]
    fn mandarin_reading_of_a_minority_name() {
        let f = json!({"standard_name": "珠穆朗玛峰", "language": "藏语", "roman": "Zhūmùlǎngmǎ Fēng"});
        assert_eq!(codes("terrain.peak", f), ["roman.minority_mandarin"]);
        let f = json!({"standard_name": "珠穆朗玛峰", "language": "藏语", "roman": "Qomolangma Feng"});
        assert!(codes("terrain.peak", f).is_empty());
        // The script field alone marks the name as Tibetan.
        let f = json!({"standard_name": "珠穆朗玛峰", "minority_name": "ཇོ་མོ་གླང་མ", "roman": "Zhumulangma Feng"});
        assert_eq!(codes("terrain.peak", f), ["roman.minority_mandarin"]);
        // Near misses: a Chinese name read in Mandarin; an explicit 汉语 with a script form.
        let f = json!({"standard_name": "珠穆朗玛峰", "language": "汉语", "minority_name": "ཇོ་མོ་གླང་མ", "roman": "Zhumulangma Feng"});
        assert!(codes("terrain.peak", f).is_empty());
        let f = json!({"standard_name": "泰山", "language": "汉语", "roman": "Tài Shān"});
        assert!(codes("terrain.peak", f).is_empty());
    }

    #[test]
    fn official_transliteration() {
        let f = json!({"standard_name": "巴彦淖尔市", "roman": "Bāyànnào'ěr Shì"});
        assert_eq!(codes("admin.prefecture", f), ["roman.transliteration_expected"]);
        let f = json!({"standard_name": "巴彦淖尔市", "roman": "Bayannur Shì"});
        assert!(codes("admin.prefecture", f).is_empty());
    }
}
