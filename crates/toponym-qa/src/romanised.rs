//! What the romanisation engine (`toponym-romanise`) would generate for a record, computed
//! once per record and thread however many rules ask, and
//! small readers of romanised text shared by the R rules.
//!
//! The engine is the process-wide [`Romaniser::builtin`] (tables parsed once). A record's
//! request is built from its own fields: 标准名称, template, the most precise admin code,
//! 语种, 专名/通名 (the user's segmentation wins over the dictionary) and 读音特例.

use std::cell::RefCell;
use std::hash::Hasher;

use rustc_hash::FxHasher;
use serde_json::Value;
use toponym_romanise::{Junction, Outcome, Request, Romaniser, Settings};

use crate::text::is_han;
use crate::RecordCtx;

/// The most precise admin code of the record (admin_areas, stats_code, division_code):
/// the engine picks special readings by it (浒湾 in Henan or Jiangxi).
pub fn admin_code<'a>(cx: &RecordCtx<'a>) -> Option<&'a str> {
    let digits = |s: &str| (2..=12).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    let mut best: Option<&'a str> = None;
    let mut take = |s: &'a str| {
        let s = s.trim();
        if digits(s) && best.is_none_or(|b| s.len() > b.len()) {
            best = Some(s);
        }
    };
    if let Some(Value::Array(a)) = cx.record.fields.get("admin_areas") {
        for v in a {
            match v {
                Value::String(s) => take(s),
                Value::Object(o) => {
                    if let Some(s) = o.get("code").and_then(Value::as_str) {
                        take(s)
                    }
                }
                _ => {}
            }
        }
    }
    for k in ["stats_code", "division_code"] {
        if let Some(s) = cx.text(k) {
            take(s);
        }
    }
    best
}

/// The engine request for a record; `None` without a standard name.
pub fn request<'a>(cx: &RecordCtx<'a>) -> Option<Request<'a>> {
    let name = cx.text("standard_name")?;
    let segmentation = match (cx.text("specific_part"), cx.text("generic_part")) {
        (Some(s), Some(g)) => Some((s, g)),
        _ => None,
    };
    Some(Request {
        name,
        template_id: Some(cx.template.id.as_str()),
        admin_code: admin_code(cx),
        language: cx.text("language"),
        segmentation,
        reading_override: cx.text("roman_override"),
    })
}

fn key(req: &Request<'_>, settings: &Settings) -> u64 {
    let mut h = FxHasher::default();
    for part in [
        Some(req.name),
        req.template_id,
        req.admin_code,
        req.language,
        req.segmentation.map(|s| s.0),
        req.segmentation.map(|s| s.1),
        req.reading_override,
    ] {
        match part {
            Some(s) => {
                h.write_u8(1);
                h.write(s.as_bytes());
                h.write_u8(0xff);
            }
            None => h.write_u8(0),
        }
    }
    h.write_u8(u8::from(settings.junction == Junction::Gbt2012));
    h.write_u8(u8::from(settings.hyphenate_coordinations));
    h.finish()
}

struct Slot {
    key: u64,
    name_len: usize,
    out: Outcome,
}

thread_local! {
    /// The last two generations on this thread (two so that a profile with non-default
    /// settings for R-3 does not evict the default generation the other rules share).
    static CACHE: RefCell<[Option<Slot>; 2]> = const { RefCell::new([None, None]) };
}

/// Calls `f` with the record's request and what the engine generates for it under
/// `settings`; `None` when the record has no standard name. Every rule checking the same
/// record on this thread shares one generation.
pub fn with_generated<R>(
    cx: &RecordCtx<'_>,
    settings: &Settings,
    f: impl FnOnce(&Request<'_>, &Outcome) -> R,
) -> Option<R> {
    let req = request(cx)?;
    let k = key(&req, settings);
    let hit = |s: &Option<Slot>| {
        s.as_ref()
            .is_some_and(|s| s.key == k && s.name_len == req.name.len())
    };
    // Take the slot out, so that `f` could even generate again without a double borrow.
    let slot = CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if hit(&c[0]) {
            c[0].take()
        } else if hit(&c[1]) {
            c[1].take()
        } else {
            None
        }
    });
    let slot = slot.unwrap_or_else(|| Slot {
        key: k,
        name_len: req.name.len(),
        out: Romaniser::builtin().romanise_with(&req, settings),
    });
    let r = f(&req, &slot.out);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c[0].is_some() {
            c[1] = c[0].take();
        }
        c[0] = Some(slot);
    });
    Some(r)
}

/// [`with_generated`] under the default (1984) settings.
pub fn with_default<R>(
    cx: &RecordCtx<'_>,
    f: impl FnOnce(&Request<'_>, &Outcome) -> R,
) -> Option<R> {
    with_generated(cx, &Settings::default(), f)
}

/// Whether a 语种 value names Chinese (the engine's list: 汉语, 普通话, zh, …). Blank is Chinese.
pub fn is_chinese_language(l: &str) -> bool {
    let l = l.trim();
    l.is_empty()
        || matches!(l, "汉语" | "汉" | "汉语普通话" | "普通话" | "中文")
        || ["zh", "zho", "chi", "cmn", "chinese", "mandarin"]
            .iter()
            .any(|x| l.eq_ignore_ascii_case(x))
}

/// Why the record's name is a minority-language name, if it is: its 语种 is not Chinese,
/// or, with no 语种 given, its 少数民族语书写 holds letters of a script other than Han
/// (Tibetan, Uyghur, Mongolian, Yi, Zhuang in Latin letters …). Returns the language as
/// given, or "少数民族语". An explicit 语种 of 汉语 wins over the script field (bilingual
/// areas may write a Chinese name in the local script too).
pub fn minority_language<'a>(cx: &RecordCtx<'a>) -> Option<&'a str> {
    if let Some(l) = cx.text("language") {
        return (!is_chinese_language(l)).then_some(l);
    }
    let script = cx.text("minority_name")?;
    script
        .chars()
        .any(|c| c.is_alphabetic() && !is_han(c))
        .then_some("少数民族语")
}

/// A romanised text folded for comparison: lower case, apostrophes dropped, every run of
/// spaces and hyphens one `' '` (none at the edges), tone marks stripped unless `keep_tones`.
pub fn fold(s: &str, keep_tones: bool) -> Fold<std::str::Chars<'_>> {
    Fold::new(s.trim().chars(), keep_tones)
}

/// [`fold`] read from the end.
pub fn fold_rev(s: &str, keep_tones: bool) -> Fold<std::iter::Rev<std::str::Chars<'_>>> {
    Fold::new(s.trim().chars().rev(), keep_tones)
}

/// Iterator of [`fold`].
pub struct Fold<I> {
    it: I,
    keep_tones: bool,
    gap: bool,
    started: bool,
    pending: Option<char>,
}

impl<I: Iterator<Item = char>> Fold<I> {
    fn new(it: I, keep_tones: bool) -> Self {
        Fold {
            it,
            keep_tones,
            gap: false,
            started: false,
            pending: None,
        }
    }

    fn letter(&self, c: char) -> char {
        let c = if self.keep_tones {
            c
        } else {
            toponym_romanise::syllable::base_letter(c)
        };
        if c.is_ascii() {
            c.to_ascii_lowercase()
        } else {
            c.to_lowercase().next().unwrap_or(c)
        }
    }
}

impl<I: Iterator<Item = char>> Iterator for Fold<I> {
    type Item = char;
    fn next(&mut self) -> Option<char> {
        if let Some(c) = self.pending.take() {
            return Some(self.letter(c));
        }
        loop {
            let c = self.it.next()?;
            match c {
                '\'' | '’' => {}
                '-' | '‐' | '‑' => self.gap = true,
                _ if c.is_whitespace() => self.gap = true,
                _ => {
                    let gap = std::mem::take(&mut self.gap) && self.started;
                    self.started = true;
                    if gap {
                        self.pending = Some(c);
                        return Some(' ');
                    }
                    return Some(self.letter(c));
                }
            }
        }
    }
}

/// The runs of ASCII digits in a text (a name's full-width digits are read as ASCII).
pub fn digit_runs(s: &str) -> impl Iterator<Item = &str> + Clone {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|r| !r.is_empty())
}

/// Whether a name (as typed, full-width digits and letters allowed) has `token` as one of
/// its runs of ASCII letters and digits (case-insensitive): a code or number of the name
/// itself (1203高地, G104国道). Allocation-free.
pub fn name_has_literal(name: &str, token: &str) -> bool {
    let fold = |c: char| match c {
        '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
        'Ａ'..='Ｚ' => char::from(b'a' + (c as u32 - 'Ａ' as u32) as u8),
        'ａ'..='ｚ' => char::from(b'a' + (c as u32 - 'ａ' as u32) as u8),
        _ => c.to_ascii_lowercase(),
    };
    if token.is_empty() || !token.is_ascii() {
        return false;
    }
    // The name's maximal runs of ASCII letters and digits (after folding), one by one.
    let mut run = name.chars().map(fold).peekable();
    loop {
        while run.next_if(|c| !c.is_ascii_alphanumeric()).is_some() {}
        if run.peek().is_none() {
            return false;
        }
        let mut t = token.bytes().map(|b| char::from(b.to_ascii_lowercase()));
        let mut same = true;
        while let Some(c) = run.next_if(|c| c.is_ascii_alphanumeric()) {
            same &= t.next() == Some(c);
        }
        if same && t.next().is_none() {
            return true;
        }
    }
}

/// Whether two romanised texts have the same letters (tones, case, apostrophes and word
/// breaks aside).
pub fn same_letters(a: &str, b: &str) -> bool {
    fold(a, false)
        .filter(|&c| c != ' ')
        .eq(fold(b, false).filter(|&c| c != ' '))
}

/// Whether a text is written only with what a romanisation may contain (letters, digits,
/// apostrophes, spaces, hyphens); anything else is R-1's to report.
pub fn plain_roman(s: &str) -> bool {
    s.chars()
        .all(|c| !is_han(c) && (c.is_alphanumeric() || matches!(c, '\'' | '’' | '-' | ' ')))
}

fn templates_json() -> &'static Value {
    static T: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        serde_json::from_str(include_str!("../../../schemas/romanisation/templates.json"))
            .unwrap_or(Value::Null)
    })
}

/// Whether the template's romanisation policy joins the whole name into one word (R3,
/// `join_all` in schemas/romanisation/templates.json: natural villages).
pub fn join_all(template_id: &str) -> bool {
    static T: std::sync::OnceLock<rustc_hash::FxHashSet<String>> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        templates_json()
            .get("templates")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter(|(_, v)| v.get("join_all").and_then(Value::as_bool) == Some(true))
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default()
    })
    .contains(template_id)
}

/// How many characters at the end of `generic` are a generic word with a fixed place-name
/// reading (`generic_readings` of schemas/romanisation/templates.json: 居委会, 胡同, 大街),
/// the longest such word; 0 if none.
pub fn fixed_generic_suffix(generic: &str) -> usize {
    static G: std::sync::OnceLock<rustc_hash::FxHashSet<String>> = std::sync::OnceLock::new();
    let set = G.get_or_init(|| {
        templates_json()
            .get("generic_readings")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    });
    generic
        .char_indices()
        .map(|(b, _)| &generic[b..])
        .find(|t| set.contains(*t))
        .map_or(0, |t| t.chars().count())
}

/// Whether `c` is on the polyphone watch-list (schemas/romanisation/watch-list.tsv,
/// romanization.md §6).
pub fn on_watch_list(c: char) -> bool {
    static W: std::sync::OnceLock<rustc_hash::FxHashSet<char>> = std::sync::OnceLock::new();
    W.get_or_init(|| {
        include_str!("../../../schemas/romanisation/watch-list.tsv")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.chars().next())
            .filter(|&c| is_han(c))
            .collect()
    })
    .contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding() {
        let f: String = fold(" Xī'ān  Shì ", false).collect();
        assert_eq!(f, "xian shi");
        let f: String = fold("Dì-9 Lòng", true).collect();
        assert_eq!(f, "dì 9 lòng");
        assert!(same_letters("Tài Shān", "TAISHAN"));
        assert!(!same_letters("Tài Shān", "Tài Shā"));
        assert!(plain_roman("Dì-9 Lòng"));
        assert!(!plain_roman("Beijing-shi."));
        assert!(name_has_literal("1203高地", "1203"));
        assert!(name_has_literal("Ｇ１０４国道", "G104"));
        assert!(!name_has_literal("1203高地", "12"));
        assert!(!name_has_literal("二马路", "2"));
        let r: String = fold_rev("Nánjīng  Lù", false).collect();
        assert_eq!(r, "ul gnijnan");
    }

    #[test]
    fn policy_tables() {
        assert!(join_all("settlement.village"));
        assert!(!join_all("transport.urban_road"));
        assert!(on_watch_list('堡'));
        assert!(!on_watch_list('路'));
        assert_eq!(fixed_generic_suffix("社区居委会"), 3);
        assert_eq!(fixed_generic_suffix("路"), 0);
    }

    #[test]
    fn chinese_languages() {
        assert!(is_chinese_language(""));
        assert!(is_chinese_language("汉语"));
        assert!(is_chinese_language("Mandarin"));
        assert!(!is_chinese_language("藏语"));
    }
}
