//! R-4 (WARNING, record): a character of the polyphone watch-list (romanization.md §6,
//! schemas/romanisation/watch-list.tsv) whose reading came only from a general source
//! needs confirmation (the census form: readings of polyphonic characters are corrected
//! by hand).
//!
//! The romanisation engine resolves readings in the order of romanization.md §4 step 3
//! (record override → special-readings table keyed by name and admin code → place-name
//! lexicon → phrase dictionary → character default) and reports, per character, where a
//! watch-list character was resolved only by the phrase dictionary, the single-character
//! default, a surname guess or the erhua rule (`roman.polyphone_unconfirmed`), and where the
//! same name is read differently in different places and the record's admin code does not
//! choose (`roman.ambiguous_place`). This rule reports those flags on the record, run with
//! the record's own name, template, most precise admin code and 专名/通名.
//!
//! A record with 读音特例 (`roman_override`) has had its reading decided: not reported.
//! Minority-language names are transliterated, not read: not reported.

use toponym_core::Severity;
use toponym_romanise::Outcome;

use crate::romanised::with_default;
use crate::{msg, Check, Out, Prep, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "R-4",
    severity: Severity::Warning,
    stage: Stage::Record,
    basis: "census (form: polyphones corrected by hand)",
    title_zh: "多音字读音待确认",
    title_en: "Polyphone reading to confirm",
    checks: "fields.standard_name through the romanisation engine (record's template, most precise admin code, 专名/通名): each watch-list character whose reading came only from the phrase dictionary, the character default, a surname guess or the erhua rule, and each name read differently in different places without an admin code that chooses. Not reported when 读音特例 (roman_override) is filled, nor for minority-language names.",
    prepare: None,
    check: Check::Record(check),
};

fn check(cx: &RecordCtx<'_>, _: &Prep<'_>, out: &mut Out<'_>) {
    if cx.text("roman_override").is_some() || crate::romanised::minority_language(cx).is_some() {
        return;
    }
    with_default(cx, |req, o| {
        let Outcome::Romanised { flags, .. } = o else {
            return;
        };
        // A generic the record gives that ends in a generic word with a fixed reading
        // (社区居委会 ends in 居委会): the engine reads its characters one by one when the
        // whole generic is not in its dictionary, but the reading is not in doubt.
        let (total, fixed_from) = match req.segmentation {
            Some((_, g)) => {
                let total = req.name.chars().filter(|c| !c.is_whitespace()).count();
                let fixed = crate::romanised::fixed_generic_suffix(g);
                (total, total - fixed.min(total))
            }
            None => (0, 0),
        };
        for f in flags.iter().filter(|f| f.rule == "R-4") {
            if f.code == "roman.polyphone_unconfirmed"
                && f.position.is_some_and(|p| p >= fixed_from && p < total)
                && req.name.trim_end().ends_with(req.segmentation.map_or("", |s| s.1))
            {
                continue;
            }
            let mut m = msg(
                f.code,
                format!("{}；确认后请在“读音特例”中记录所定读音", f.reason_zh),
                format!("{}; once confirmed, record the reading in 读音特例 (special reading)", f.reason_en),
            )
            .with("name", req.name);
            if let Some(p) = f.position {
                m = m.with("position", p.to_string());
                if let Some(c) = req.name.chars().filter(|c| !c.is_whitespace()).nth(p) {
                    m = m.with("char", c.to_string());
                }
            }
            out.emit("fields.roman", m);
        }
    });
}

#[cfg(test)]
mod tests {
    use crate::testkit::{findings, record};
    use serde_json::json;

    fn n(template: &str, fields: serde_json::Value) -> usize {
        findings("R-4", &record(template, fields, None)).len()
    }

    #[test]
    fn unconfirmed_polyphones() {
        // 大 in a village name: only the character default reads it.
        assert_eq!(n("settlement.village", json!({"standard_name": "大王庄", "roman": "Dàwángzhuāng"})), 1);
        // The same name with 读音特例 filled.
        assert_eq!(
            n("settlement.village", json!({"standard_name": "大王庄", "roman": "Dàwángzhuāng", "roman_override": "dà wáng zhuāng"})),
            0
        );
        // Near miss: 单 in a surname position confirmed by the special-readings table (单家庄).
        assert_eq!(n("settlement.village", json!({"standard_name": "单家庄", "roman": "Shànjiāzhuāng"})), 0);
        // Near miss: a watch-list character confirmed by the special-readings table (单县).
        assert_eq!(
            n("admin.county", json!({"standard_name": "单县", "roman": "Shàn Xiàn", "admin_areas": ["371722"]})),
            0
        );
        // No watch-list character at all.
        assert_eq!(n("transport.urban_road", json!({"standard_name": "南京路", "roman": "Nánjīng Lù"})), 0);
    }

    #[test]
    fn fixed_generics() {
        // 会 of 居委会 at the end of a generic the dictionary lacks as a whole.
        let f = json!({"standard_name": "凤凰社区居委会", "specific_part": "凤凰", "generic_part": "社区居委会", "roman": "Fènghuáng Shèqūjūwěihuì"});
        assert_eq!(n("selfgov.community", f), 0);
        // The specific part is still judged.
        let f = json!({"standard_name": "华新社区居委会", "specific_part": "华新", "generic_part": "社区居委会", "roman": "Huáxīn Shèqūjūwěihuì"});
        assert_eq!(n("selfgov.community", f), 1);
    }

    #[test]
    fn place_to_choose() {
        // 浒湾 is Hǔwān in Henan and Xǔwān in Jiangxi: without an admin code, confirm.
        assert_eq!(n("settlement.village", json!({"standard_name": "浒湾", "roman": "Hǔwān"})), 1);
        assert_eq!(
            n("settlement.village", json!({"standard_name": "浒湾", "roman": "Xǔwān", "admin_areas": ["361027"]})),
            0
        );
    }
}
