//! Normalisation keys for matching (dedup.md §4). Stored names are never rewritten: every
//! function here takes a name and returns new strings that only the matcher sees.
//!
//! * `name_key` — steps 1–5: NFC, spaces removed, name dots → `·`, full-width digits → ASCII,
//!   a zero used as a numeral digit → 〇, stand-in notation resolved, traditional/variant and
//!   look-alike folding (never a character on the do-not-fold list), `?` kept as a wildcard;
//!   for street templates, numeral runs become digits (二马路 ≈ 2马路).
//! * `base_key` — the name key without administrative decoration (step 6): committees drop
//!   村民委员会/村委会/居民委员会/居委会/社区居民委员会/社区居委会 and their trailing 村 or 社区,
//!   units drop leading admin names (××县, ××镇). Equal base keys are "the same name".
//! * `specific_key` — the base key without the template's generic at its end (专名).
//! * `skeleton` — the base key without 家 and without a trailing 子 (张家庄 ≈ 张庄, 柳坡子 ≈ 柳坡).
//! * `ordinal` and `orientation` — the last numeral run and a leading orientation/size prefix.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::tables::Tables;

/// The keys of one name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keys {
    /// §4 steps 1–5.
    pub name_key: String,
    /// Without committee suffixes or leading admin names.
    pub base_key: String,
    /// Without the generic (专名).
    pub specific_key: String,
    /// Without 家 and a trailing 子.
    pub skeleton: String,
    /// The name has an unresolved `?` (a one-character wildcard).
    pub wildcard: bool,
    /// Value of the last numeral run (经五路 → 5, 北关一巷 → 1), if any.
    pub ordinal: Option<u32>,
    /// A leading orientation or size prefix (前, 后, 东, 大, 新 …) of the base key.
    pub orientation: Option<char>,
}

const WILDCARD: char = '?';

fn is_cjk_digit(c: char) -> bool {
    matches!(
        c,
        '〇' | '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九'
    )
}

/// §4 steps 1–5 for one name (template decides the ordinal-digit rule).
pub fn name_key(t: &Tables, name: &str, ordinal_digits: bool) -> (String, bool) {
    let nfc: String = if is_nfc_quick(name.chars()) == IsNormalized::Yes {
        name.to_string()
    } else {
        name.nfc().collect()
    };
    let mut chars: Vec<char> = Vec::with_capacity(nfc.len() / 2);
    // Step 1: spaces, name dots; full-width ASCII to ASCII.
    for c in nfc.chars() {
        if t.spaces.contains(&c) || c.is_whitespace() {
            continue;
        }
        if t.dots.contains(&c) {
            chars.push('·');
            continue;
        }
        let c = match c {
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            c => c,
        };
        chars.push(c);
    }
    // A dot at either end is not "between name parts".
    while chars.first() == Some(&'·') {
        chars.remove(0);
    }
    while chars.last() == Some(&'·') {
        chars.pop();
    }
    // Step 3: stand-in notation (longest notation first).
    if chars
        .iter()
        .any(|c| !c.is_ascii() || c.is_ascii_alphabetic() || *c == '(')
    {
        let mut out = Vec::with_capacity(chars.len());
        let mut i = 0;
        'outer: while i < chars.len() {
            for (notation, repl) in &t.stand_ins {
                if chars[i..].starts_with(notation) {
                    out.extend(repl.chars());
                    i += notation.len();
                    continue 'outer;
                }
            }
            out.push(chars[i]);
            i += 1;
        }
        chars = out;
    }
    // Step 2: a zero used as a numeral digit; Step 3: wildcards; Steps 4–5: folding.
    let mut wildcard = false;
    let n = chars.len();
    let snapshot = chars.clone();
    for i in 0..n {
        let c = snapshot[i];
        if t.zero_digits.contains(&c) {
            let prev = i > 0 && is_cjk_digit(snapshot[i - 1]);
            let next = i + 1 < n && is_cjk_digit(snapshot[i + 1]);
            if prev || next {
                chars[i] = '〇';
                continue;
            }
        }
        if t.wildcards.contains(&c) {
            chars[i] = WILDCARD;
            wildcard = true;
            continue;
        }
        if let Some(&f) = t.fold.get(&c) {
            chars[i] = f;
        } else if c.is_ascii_uppercase() {
            chars[i] = c.to_ascii_lowercase();
        }
    }
    if ordinal_digits {
        chars = numerals_to_digits(t, &chars);
    }
    (chars.into_iter().collect(), wildcard)
}

/// Value of a run of Chinese numerals: positional (十, 百, 千) or digit by digit (七〇七).
fn numeral_value(run: &[char]) -> Option<u32> {
    let digit = |c: char| -> Option<u32> {
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
            c if c.is_ascii_digit() => c as u32 - '0' as u32,
            _ => return None,
        })
    };
    if run.iter().any(|c| matches!(c, '十' | '百' | '千')) {
        let (mut total, mut cur) = (0u32, 0u32);
        for &c in run {
            let unit = match c {
                '十' => 10,
                '百' => 100,
                '千' => 1000,
                c => {
                    cur = digit(c)?;
                    continue;
                }
            };
            total = total.checked_add(cur.max(1).checked_mul(unit)?)?;
            cur = 0;
        }
        total.checked_add(cur)
    } else {
        run.iter()
            .try_fold(0u32, |acc, &c| acc.checked_mul(10)?.checked_add(digit(c)?))
    }
}

fn is_numeral(t: &Tables, c: char) -> bool {
    c.is_ascii_digit() || t.numerals.contains(&c)
}

fn numerals_to_digits(t: &Tables, chars: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        if is_numeral(t, chars[i]) {
            let start = i;
            while i < chars.len() && is_numeral(t, chars[i]) {
                i += 1;
            }
            match numeral_value(&chars[start..i]) {
                Some(v) => out.extend(v.to_string().chars()),
                None => out.extend_from_slice(&chars[start..i]),
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// The value of the last numeral run of a key.
fn last_ordinal(t: &Tables, key: &str) -> Option<u32> {
    let chars: Vec<char> = key.chars().collect();
    let mut i = chars.len();
    while i > 0 {
        if is_numeral(t, chars[i - 1]) {
            let end = i;
            while i > 0 && is_numeral(t, chars[i - 1]) {
                i -= 1;
            }
            // A lone 千/百/十 is a word (千佛山, 十里铺 keeps 十), still an ordinal value.
            return numeral_value(&chars[i..end]);
        }
        i -= 1;
    }
    None
}

fn strip_suffix_chars<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    s.strip_suffix(suffix).filter(|rest| !rest.is_empty())
}

/// The base key: committee suffixes or leading unit admin names removed (§4 step 6).
pub fn base_key(t: &Tables, template: u16, name_key: &str) -> String {
    let info = &t.templates[template as usize];
    if let Some((suffixes, repeated)) = &info.committee {
        let mut s = name_key;
        for suf in suffixes {
            if let Some(rest) = strip_suffix_chars(s, suf) {
                s = rest;
                break;
            }
        }
        while let Some(rest) = strip_suffix_chars(s, repeated) {
            s = rest;
        }
        return s.to_string();
    }
    if info.is_unit {
        let mut s: Vec<char> = name_key.chars().collect();
        for _ in 0..3 {
            let mut cut = None;
            'find: for i in 1..=t.unit_prefix_max.min(s.len()) {
                let head: String = s[..i].iter().collect();
                for g in &t.unit_admin_generics {
                    if head.ends_with(g.as_str()) {
                        let lone = head == *g;
                        // A lone generic only for 县/区 (县人民医院); 市场… is not an admin prefix.
                        if lone && !(g == "县" || g == "区") {
                            continue;
                        }
                        if s.len() - i >= 2 {
                            cut = Some(i);
                            break 'find;
                        }
                    }
                }
            }
            match cut {
                Some(i) => {
                    s.drain(..i);
                }
                None => break,
            }
        }
        return s.into_iter().collect();
    }
    name_key.to_string()
}

/// The specific key: the base key without the template's generic (longest match).
pub fn specific_key(t: &Tables, template: u16, base: &str) -> String {
    let info = &t.templates[template as usize];
    if info.committee.is_some() {
        return base.to_string();
    }
    for g in &info.generics {
        if let Some(rest) = strip_suffix_chars(base, g) {
            return rest.to_string();
        }
    }
    base.to_string()
}

/// The 家/子 skeleton of a base key.
pub fn skeleton(base: &str) -> String {
    let mut s: String = base.chars().filter(|&c| c != '家').collect();
    if s.chars().count() >= 3 {
        if let Some(rest) = s.strip_suffix('子') {
            s = rest.to_string();
        }
    }
    if s.is_empty() {
        base.to_string()
    } else {
        s
    }
}

/// All keys of one name.
pub fn keys(t: &Tables, template: u16, name: &str) -> Keys {
    // Numerals become digits for every template (not only streets), so a lane and the
    // residential area named after it (北二巷) still have equal keys.
    let _ = &t.templates[template as usize];
    let (name_key, wildcard) = name_key(t, name, true);
    let base_key = base_key(t, template, &name_key);
    let specific_key = specific_key(t, template, &base_key);
    let skeleton = skeleton(&base_key);
    let ordinal = last_ordinal(t, &base_key);
    let mut it = base_key.chars();
    let orientation = match (it.next(), it.next()) {
        (Some(c), Some(_)) if t.orientation.contains(&c) => Some(c),
        _ => None,
    };
    Keys {
        name_key,
        base_key,
        specific_key,
        skeleton,
        wildcard,
        ordinal,
        orientation,
    }
}

/// Levenshtein distance is exactly 1 (by `char`, so a CJK character is one edit).
pub fn edit_distance_one(a: &str, b: &str) -> bool {
    let (la, lb) = (a.chars().count(), b.chars().count());
    let (s, l) = if la <= lb { (a, b) } else { (b, a) };
    match la.abs_diff(lb) {
        0 => s.chars().zip(l.chars()).filter(|(x, y)| x != y).count() == 1,
        1 => {
            let i = s.chars().zip(l.chars()).take_while(|(x, y)| x == y).count();
            s.chars().skip(i).eq(l.chars().skip(i + 1))
        }
        _ => false,
    }
}

/// `?` in either key matches any one character of the other; lengths must be equal.
pub fn wildcard_match(a: &str, b: &str) -> bool {
    let mut ia = a.chars();
    let mut ib = b.chars();
    loop {
        match (ia.next(), ib.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x == y || x == WILDCARD || y == WILDCARD => {}
            _ => return false,
        }
    }
}

/// The two keys differ only by graphic-confusion pairs (亳/毫, 甪/角 …), at least one.
pub fn graphic_confusion(t: &Tables, a: &str, b: &str) -> bool {
    let mut diff = 0;
    let mut ia = a.chars();
    let mut ib = b.chars();
    loop {
        match (ia.next(), ib.next()) {
            (None, None) => return diff > 0,
            (Some(x), Some(y)) if x == y => {}
            (Some(x), Some(y))
                if t.graphic
                    .iter()
                    .any(|&(p, q)| (p, q) == (x, y) || (p, q) == (y, x)) =>
            {
                diff += 1;
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::{Sources, Tables};

    fn t() -> Tables {
        Tables::from_sources(&Sources::builtin()).expect("builtin tables load")
    }

    fn nk(name: &str) -> String {
        name_key(&t(), name, false).0
    }

    #[test]
    fn step1_spaces_and_dots() {
        assert_eq!(nk("\u{3000}茶花社区"), "茶花社区");
        assert_eq!(nk("绿地.锦绣小区"), "绿地·锦绣小区");
        assert_eq!(nk("绿地．锦绣 小区"), "绿地·锦绣小区");
    }

    #[test]
    fn step2_digits() {
        assert_eq!(nk("八五一０农场"), "八五一〇农场");
        assert_eq!(nk("七O七所社区"), "七〇七所社区");
        assert_eq!(nk("八五一〇农场"), "八五一〇农场");
        let tb = t();
        let lane = tb.template("transport.street_lane").expect("lane");
        assert_eq!(
            keys(&tb, lane, "二马路").name_key,
            keys(&tb, lane, "2马路").name_key
        );
        assert_eq!(keys(&tb, lane, "经十一路").ordinal, Some(11));
    }

    #[test]
    fn step3_stand_ins_and_wildcard() {
        assert_eq!(nk("小（氵甸）村委会"), "小𣵦村委会");
        assert_eq!(nk("小(氵甸)村委会"), "小𣵦村委会");
        assert_eq!(nk("满（lang）塘镇"), "𬜯塘镇");
        assert_eq!(nk("长shan村"), "长𱖒村");
        let (k, w) = name_key(&t(), "麦?镇", false);
        assert!(w);
        assert!(wildcard_match(&k, "麦㙦镇"));
        assert!(!wildcard_match(&k, "麦㙦乡镇"));
    }

    #[test]
    fn step4_and_5_folding() {
        assert_eq!(nk("臺州"), "台州");
        assert_eq!(nk("濬縣"), "浚县");
        assert_eq!(nk("聂囗"), "聂口");
        // 乾 is on the do-not-fold list: 乾县 never becomes 干县.
        assert_eq!(nk("乾縣"), "乾县");
        assert!(graphic_confusion(&t(), "亳州", "毫州"));
        assert!(!graphic_confusion(&t(), "亳州", "宿州"));
    }

    #[test]
    fn step6_committee_and_unit_keys() {
        let tb = t();
        let vc = tb.template("selfgov.village_committee").expect("vc");
        for n in [
            "大柏林村",
            "大柏林村村委会",
            "大柏林村村民委员会",
            "大柏林村委会",
        ] {
            assert_eq!(keys(&tb, vc, n).base_key, "大柏林", "{n}");
        }
        let co = tb.template("selfgov.community").expect("community");
        for n in [
            "幸福社区",
            "幸福社区居委会",
            "幸福居委会",
            "幸福社区居民委员会",
        ] {
            assert_eq!(keys(&tb, co, n).base_key, "幸福", "{n}");
        }
        let h = tb.template("unit.hospital").expect("hospital");
        for n in ["人民医院", "县人民医院", "历章县人民医院"] {
            assert_eq!(keys(&tb, h, n).base_key, "人民医院", "{n}");
        }
        let s = tb.template("unit.school").expect("school");
        assert_eq!(keys(&tb, s, "历章县红旗镇王庄小学").base_key, "王庄小学");
        assert_eq!(keys(&tb, s, "市场小学").base_key, "市场小学");
    }

    #[test]
    fn step6_generic_and_skeleton() {
        let tb = t();
        let v = tb.template("settlement.village").expect("village");
        assert_eq!(keys(&tb, v, "张家庄").specific_key, "张家");
        assert_eq!(
            keys(&tb, v, "张家庄").skeleton,
            keys(&tb, v, "张庄").skeleton
        );
        assert_eq!(
            keys(&tb, v, "柳坡子").skeleton,
            keys(&tb, v, "柳坡").skeleton
        );
        let r = tb.template("infra.reservoir").expect("reservoir");
        assert_eq!(keys(&tb, r, "东湖水库").specific_key, "东湖");
    }

    #[test]
    fn step7_orientation_and_ordinal() {
        let tb = t();
        let v = tb.template("settlement.village").expect("village");
        assert_eq!(keys(&tb, v, "前王庄").orientation, Some('前'));
        assert_eq!(keys(&tb, v, "王庄").orientation, None);
        let road = tb.template("transport.urban_road").expect("road");
        assert_eq!(keys(&tb, road, "经五路").ordinal, Some(5));
        assert_eq!(keys(&tb, road, "经六路").ordinal, Some(6));
    }

    #[test]
    fn edit_distance() {
        assert!(edit_distance_one("李家洼", "李家湾"));
        assert!(edit_distance_one("张庄", "张家庄"));
        assert!(!edit_distance_one("张庄", "张庄"));
        assert!(!edit_distance_one("李家洼", "王家湾"));
    }
}
