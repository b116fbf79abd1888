//! C-6 (ERROR): 资料来源及出处 has at least one entry, and "实地调查" alone is not enough
//! for a record that claims former names (曾用名) or whose 历史沿革 reaches back before
//! 1949: what a surveyor hears in the field cannot date a Ming-dynasty founding; a 县志, an
//! archive or the first census's results can.
//!
//! Presence comes from the data (`sources` is required with `rule: C-6`); this file adds
//! the two sufficiency parts. "Older than 1949" is read from the 历史沿革 free text by
//! [`pre_1949_evidence`]: a year before 1949 (1617年, 一九三六年, 公元前221年), a span of
//! years reaching back before 1949 (600余年, 80年前 with a clock), a dynasty or period
//! (明代, 清末, 民国, 解放前) or a Ming/Qing reign title (洪武, 光绪). Mentions inside the
//! record's own names are ignored, so a 乾隆路 built in 1995 is not "older than 1949".

use serde_json::Value;
use toponym_core::Severity;

use super::RuleInfo;
use crate::validate::{msg, Ctx, P};

pub(crate) static INFO: RuleInfo = RuleInfo {
    id: "C-6",
    severity: Severity::Error,
    title_zh: "资料来源充分",
    title_en: "Sources are sufficient",
    checks: "sources has ≥ 1 entry; when former_names is filled, or history mentions a time before 1949 (a year < 1949, 一九xx年, 公元前, N余年/N年前 reaching before 1949, a dynasty or period such as 明代/清末/民国/解放前, a Ming–Qing reign title such as 光绪), at least one source is not 实地调查. Mentions inside the record's own names are ignored.",
    file: "src/rules/c_6_sources.rs",
};

/// The year the rule counts from: 中华人民共和国 was founded in 1949.
const CUTOFF: i64 = 1949;

/// Words that place a history before 1949. Bare dynasty characters (明, 清, 元, 汉 …) are
/// too ambiguous in running text (明显, 清理, 万元, 汉族), so only compounds are listed.
const PERIOD_WORDS: &[&str] = &[
    "民国",
    "解放前",
    "建国前",
    "新中国成立前",
    "明清",
    "明朝",
    "明代",
    "明初",
    "明末",
    "明中叶",
    "清朝",
    "清代",
    "清初",
    "清末",
    "清中叶",
    "晚清",
    "前清",
    "元朝",
    "元代",
    "元初",
    "元末",
    "宋朝",
    "宋代",
    "北宋",
    "南宋",
    "唐朝",
    "唐代",
    "隋朝",
    "隋代",
    "汉朝",
    "汉代",
    "西汉",
    "东汉",
    "秦朝",
    "秦代",
    "晋代",
    "西晋",
    "东晋",
    "北魏",
    "南北朝",
    "五代十国",
    "春秋",
    "战国",
    "三国",
    "西周",
    "东周",
    "商代",
    "辽代",
    "金代",
    "公元前",
    // Ming and Qing reign titles (年号) that are not everyday words.
    "洪武",
    "永乐",
    "宣德",
    "成化",
    "弘治",
    "嘉靖",
    "隆庆",
    "万历",
    "崇祯",
    "顺治",
    "康熙",
    "雍正",
    "乾隆",
    "嘉庆",
    "道光",
    "咸丰",
    "同治",
    "光绪",
    "宣统",
];

fn digit(c: char) -> Option<i64> {
    match c {
        '0'..='9' => Some(c as i64 - '0' as i64),
        '０'..='９' => Some(c as i64 - '０' as i64),
        _ => None,
    }
}

fn cn_digit(c: char) -> Option<i64> {
    "〇一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .map(|p| p as i64)
        .or((c == '零').then_some(0))
}

/// Whether the byte range `at..at + len` of `text` lies inside one of `names`.
fn inside_name(text: &str, at: usize, len: usize, names: &[&str]) -> bool {
    names.iter().filter(|n| !n.is_empty()).any(|n| {
        text.match_indices(*n)
            .any(|(s, m)| s <= at && at + len <= s + m.len())
    })
}

/// What in `history` places it before 1949, if anything: the matched text, for the
/// message. `this_year` (from the caller's clock) lets "80年前" count; without it only
/// spans of 100 years or more do. Never panics, on any text.
pub fn pre_1949_evidence(history: &str, names: &[&str], this_year: Option<i64>) -> Option<String> {
    for w in PERIOD_WORDS {
        for (at, _) in history.match_indices(w) {
            if !inside_name(history, at, w.len(), names) {
                return Some((*w).to_owned());
            }
        }
    }
    let chars: Vec<(usize, char)> = history.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        let (value, arabic) = if digit(chars[i].1).is_some() {
            let mut v: i64 = 0;
            while let Some(d) = chars.get(i).and_then(|&(_, c)| digit(c)) {
                v = v.saturating_mul(10).saturating_add(d);
                i += 1;
            }
            (v, true)
        } else if cn_digit(chars[i].1).is_some() {
            let mut v: i64 = 0;
            while let Some(d) = chars.get(i).and_then(|&(_, c)| cn_digit(c)) {
                v = v.saturating_mul(10).saturating_add(d);
                i += 1;
            }
            // Only a four-numeral year (一九三六年) is a year; 二年, 三十年 are not.
            if i - start != 4 {
                continue;
            }
            (v, false)
        } else {
            i += 1;
            continue;
        };
        let next = |k: usize| chars.get(i + k).map(|&(_, c)| c);
        // "600余年", "100多年": an approximate span of years.
        let approx = arabic && matches!(next(0), Some('余' | '多')) && next(1) == Some('年');
        let nian = if approx { 1 } else { 0 };
        if next(nian) != Some('年') {
            continue;
        }
        let after: String = (nian + 1..nian + 3).filter_map(next).collect();
        let around = after.starts_with("前后") || after.starts_with("左右");
        let span = approx
            || (!around
                && (after.starts_with('前')
                    || after.starts_with("以前")
                    || after.starts_with('来')
                    || after.starts_with("历史")
                    || after.starts_with("之久")));
        let digits = i - start;
        let old = if span {
            match this_year {
                Some(y) => y - value < CUTOFF,
                None => value >= 100,
            }
        } else {
            (3..=4).contains(&digits) && value < CUTOFF
        };
        let end = chars.get(i + nian + 1).map_or(history.len(), |&(b, _)| b);
        let at = chars[start].0;
        if old && !inside_name(history, at, end - at, names) {
            return Some(history[at..end].to_owned());
        }
    }
    None
}

pub(crate) fn check(cx: &mut Ctx<'_>) {
    let Some(sources) = cx.get("sources").and_then(Value::as_array) else {
        return;
    };
    if sources.is_empty() {
        return;
    }
    let only_field = sources
        .iter()
        .all(|s| s.get("kind").and_then(Value::as_str) == Some("实地调查"));
    if !only_field {
        return;
    }
    if cx.filled("former_names") {
        cx.emit(
            "C-6",
            &P::Field("sources"),
            msg(
                "sources.field_only",
                "有曾用名的记录不能只以“实地调查”为资料来源",
                "a record with former names needs a source other than 实地调查 (field survey)",
            ),
        );
        return;
    }
    let Some(history) = cx.text("history") else {
        return;
    };
    let names = [
        cx.text("standard_name").unwrap_or(""),
        cx.text("specific_part").unwrap_or(""),
    ];
    let this_year = cx.opts.now.map(|t| i64::from(t.year()));
    if let Some(evidence) = pre_1949_evidence(history, &names, this_year) {
        cx.emit(
            "C-6",
            &P::Field("sources"),
            msg(
                "sources.field_only_pre_1949",
                format!("历史沿革涉及1949年以前（“{evidence}”），资料来源不能只有“实地调查”"),
                format!(
                    "the history reaches back before 1949 (\"{evidence}\"); it needs a source \
                     other than 实地调查 (field survey)"
                ),
            )
            .with("evidence", evidence),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::pre_1949_evidence as ev;

    #[test]
    fn years_spans_and_periods_before_1949_are_found() {
        let cases: &[(&str, Option<&str>)] = &[
            ("1617年前后形成并使用此名", Some("1617年")),
            ("1960年前后形成；1981年第一次地名普查时登记", None),
            ("1949年建村", None),
            ("1948年建村", Some("1948年")),
            ("始建于一九三六年", Some("一九三六年")),
            ("一九五六年建成", None),
            ("建村已有600余年", Some("600余年")),
            ("已有50多年历史", None),
            ("明洪武二年自山西迁来", Some("洪武")),
            ("清末成村", Some("清末")),
            ("民国时期属泰安县", Some("民国")),
            ("解放前称王家庄", Some("解放前")),
            ("村中有一万元捐款，明显改善，清理河道", None),
            ("汉族居民聚居，2005年建成", None),
            ("公元前221年属齐", Some("公元前")),
            ("高1500米", None),
            ("１９３７年建", Some("１９３７年")),
        ];
        for (text, want) in cases {
            assert_eq!(ev(text, &[], None).as_deref(), *want, "{text}");
        }
    }

    #[test]
    fn a_clock_lets_short_spans_count_and_own_names_are_ignored() {
        assert_eq!(ev("80年前建村", &[], None), None);
        assert_eq!(ev("80年前建村", &[], Some(2026)).as_deref(), Some("80年"));
        assert_eq!(ev("70年前建村", &[], Some(2026)), None);
        assert_eq!(ev("乾隆路1995年建成", &["乾隆路"], None), None);
        assert_eq!(
            ev("乾隆路1995年建成，清代为驿道", &["乾隆路"], None).as_deref(),
            Some("清代")
        );
        assert_eq!(ev("民国路于2001年命名", &["民国路", "民国"], None), None);
    }
}
