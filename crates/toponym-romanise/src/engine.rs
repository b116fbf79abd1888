//! The romanisation pipeline of romanization.md §4: normalise and refuse stand-ins, segment
//! into 专名/通名, resolve readings by precedence, then assemble the written words.
//!
//! Each step is a plain function over small vectors so the whole thing stays sans-IO and fast
//! (about a microsecond per township name; see docs/benchmarks/romanisation.md).

use std::ops::Range;

use toponym_core::{Message, Severity};
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::numerals;
use crate::syllable;
use crate::tables::{
    Level, Policy, SpecialRow, SylId, Tables, FLAG_REGIONAL, FLAG_SURNAME, FLAG_WATCH,
};
use crate::{Flag, Junction, Outcome, Request, Settings};

/// One-character abbreviations of provincial-level units, for coordinated names (京津, 青藏).
const PROVINCE_ABBREVIATIONS: &str =
    "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀贵黔云滇藏陕秦甘陇青宁新港澳台";

type Found = (usize, usize, Level, crate::tables::Span);

/// Buffers reused from one name to the next on the same thread, so romanising a name allocates
/// little beyond its output strings.
#[derive(Default)]
struct Pool {
    norm: String,
    units: Vec<Unit>,
    pieces: Vec<(Piece, bool)>,
    syl: Vec<SylId>,
    lvl: Vec<Level>,
    hs: String,
    offs: Vec<usize>,
    found: Vec<Found>,
    taken: Vec<bool>,
    buf: String,
    generic: String,
}

thread_local! {
    static POOL: std::cell::Cell<Option<Box<Pool>>> = const { std::cell::Cell::new(None) };
}

fn take_pool() -> Box<Pool> {
    POOL.with(|p| p.take()).unwrap_or_default()
}

fn put_pool(pool: Box<Pool>) {
    POOL.with(|p| p.set(Some(pool)));
}

/// Marker syllable for an erhua 儿 written as a bare "r" (R12).
const ERHUA: SylId = SylId::MAX;

/// One unit of a normalised name.
#[derive(Debug, Clone, Copy)]
enum Unit {
    /// A Han character with its index in the normalised name.
    Han { c: char, pos: usize },
    /// A run of ASCII digits or an upper-case code (G104): written as is. Byte range in `norm`.
    Lit { bytes: (usize, usize) },
    /// A separator (U+00B7 ·): forces a word break.
    Sep,
}

/// A written word of the output.
#[derive(Debug, Clone)]
enum Piece {
    /// Units written as one word.
    Units(Range<usize>),
    /// An ordinal numeral written in digits (R7), with 第 hyphenated in front when present.
    Ordinal { di: Option<usize>, value: u32 },
    /// A fixed form (transliterated minority-language specific part).
    Literal(Box<str>),
    /// Two coordinated abbreviations written with a hyphen (Jīng-Jīn), by setting.
    Coord(usize, usize),
}

fn flag(
    code: &'static str,
    rule: &'static str,
    severity: Severity,
    position: Option<usize>,
    zh: String,
    en: String,
) -> Flag {
    Flag {
        code,
        rule,
        severity,
        position,
        reason_zh: zh,
        reason_en: en,
    }
}

fn is_chinese_language(lang: Option<&str>) -> bool {
    match lang.map(str::trim) {
        None | Some("") => true,
        Some(l) => matches!(
            l.to_ascii_lowercase().as_str(),
            "汉语"
                | "汉"
                | "汉语普通话"
                | "普通话"
                | "中文"
                | "zh"
                | "zho"
                | "chi"
                | "cmn"
                | "chinese"
                | "mandarin"
        ),
    }
}

fn is_private_use(c: char) -> bool {
    let cp = c as u32;
    (0xE000..=0xF8FF).contains(&cp) || cp >= 0xF0000
}

/// Normalise (NFC, full-width digits, spaces) into `norm`, returning the units or a refusal.
fn normalise(
    t: &Tables,
    name: &str,
    norm: &mut String,
    units: &mut Vec<Unit>,
) -> Result<(), Box<Outcome>> {
    norm.clear();
    units.clear();
    let mut push = |c: char| match c {
        '０'..='９' => norm.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
        'Ａ'..='Ｚ' => norm.push(char::from(b'A' + (c as u32 - 'Ａ' as u32) as u8)),
        ' ' | '\u{3000}' | '\t' | '\u{a0}' => {}
        _ => norm.push(c),
    };
    // Plain ASCII and unified ideographs never change under NFC; skip the check for them.
    let simple = name
        .chars()
        .all(|c| (c as u32) < 0x300 || ('\u{3400}'..='\u{9fff}').contains(&c));
    if simple || is_nfc_quick(name.chars()) == IsNormalized::Yes {
        name.chars().for_each(&mut push);
    } else {
        name.nfc().for_each(&mut push);
    }
    let mut lit_start: Option<usize> = None;
    for (pos, (b, c)) in norm.char_indices().enumerate() {
        let is_lit = c.is_ascii_digit() || c.is_ascii_uppercase();
        if !is_lit {
            if let Some(s) = lit_start.take() {
                units.push(Unit::Lit { bytes: (s, b) });
            }
        }
        let refuse = |zh: &str, en: &str| {
            Box::new(Outcome::Refused {
                position: pos,
                character: c.to_string(),
                rule: "N-1",
                reason: Message::new("roman.stand_in", zh.to_string(), en.to_string())
                    .with("position", pos.to_string()),
            })
        };
        match c {
            _ if is_lit => {
                if lit_start.is_none() {
                    lit_start = Some(b);
                }
            }
            '?' | '？' | '□' | '〓' => {
                return Err(refuse(
                    &format!("名称第{}个字符“{c}”是无法录入字的占位符，请用正确的字替换后再生成拼写", pos + 1),
                    &format!("character {} ({c}) is a stand-in for a character that could not be typed; replace it with the real character", pos + 1),
                ))
            }
            '(' | '（' | '[' | '［' | '【' => {
                return Err(refuse(
                    &format!("名称第{}个字符起是用部件描述的字（如“（氵甸）”），请改为正确的字", pos + 1),
                    &format!("a character described by its components (e.g. （氵甸）) starts at character {}; enter the real character", pos + 1),
                ))
            }
            'a'..='z' => {
                return Err(refuse(
                    &format!("名称第{}个字符起夹有拼音或拉丁字母，请改为正确的汉字", pos + 1),
                    &format!("pinyin or Latin letters inside the Chinese name at character {}; enter the real character", pos + 1),
                ))
            }
            _ if is_private_use(c) => {
                return Err(refuse(
                    &format!("名称第{}个字符是私用区字符（U+{:04X}），不能交换，请改为标准字", pos + 1, c as u32),
                    &format!("character {} is a private-use code point (U+{:04X}); use a standard character", pos + 1, c as u32),
                ))
            }
            '·' | '・' | '•' | '‧' => units.push(Unit::Sep),
            _ if !t.readings(c).is_empty() => units.push(Unit::Han { c, pos }),
            _ => {
                return Err(Box::new(Outcome::ManualRequired {
                    reason: Message::new(
                        "roman.no_reading",
                        format!("名称第{}个字符“{c}”没有已知读音，需人工拼写", pos + 1),
                        format!("no known reading for character {} ({c}); romanise by hand", pos + 1),
                    )
                    .with("position", pos.to_string())
                    .with("char", c.to_string()),
                }))
            }
        }
    }
    if let Some(s) = lit_start {
        units.push(Unit::Lit {
            bytes: (s, norm.len()),
        });
    }
    if units.is_empty() {
        return Err(Box::new(Outcome::ManualRequired {
            reason: Message::new(
                "roman.empty",
                "名称为空，无法生成拼写",
                "the name is empty; nothing to romanise",
            ),
        }));
    }
    Ok(())
}

fn han_at(units: &[Unit], i: usize) -> Option<char> {
    match units.get(i) {
        Some(Unit::Han { c, .. }) => Some(*c),
        _ => None,
    }
}

/// The Han characters of `units[r]` as a string (non-Han units end the collection).
fn han_string(units: &[Unit], r: Range<usize>, out: &mut String) -> bool {
    out.clear();
    for u in &units[r] {
        match u {
            Unit::Han { c, .. } => out.push(*c),
            _ => return false,
        }
    }
    true
}

/// Longest generic of the policy at the end of the name, leaving a non-empty specific (R1).
fn find_generic(t: &Tables, policy: &Policy, units: &[Unit], buf: &mut String) -> usize {
    let n = units.len();
    let mut tail = 0;
    while tail < n && matches!(units[n - 1 - tail], Unit::Han { .. }) {
        tail += 1;
    }
    let max = policy.max_generic.min(tail).min(n.saturating_sub(1));
    let Some(&mask) = han_at(units, n - 1).and_then(|c| policy.lens_by_last.get(&c)) else {
        return n;
    };
    for k in (1..=max).rev().filter(|k| mask & (1u32 << k) != 0) {
        if han_string(units, n - k..n, buf)
            && policy.generics.contains(buf.as_str())
            && !(policy.proper_names
                && !t.admin_generics.contains(buf.as_str())
                && place_word_spans(t, units, n - k, buf))
        {
            return n - k;
        }
    }
    n
}

/// R4: whether a known place name (special table or lexicon) covers the split point `g`, i.e.
/// the would-be generic is part of the proper name (砀山 cited without 县).
fn place_word_spans(t: &Tables, units: &[Unit], g: usize, buf: &mut String) -> bool {
    let n = units.len();
    for i in g.saturating_sub(t.max_word)..g {
        for j in g + 1..=n.min(i + t.max_word) {
            if han_string(units, i..j, buf) {
                if let Some(e) = t.word(buf.as_str()) {
                    if !e.special.is_empty() || e.lexicon.is_some() {
                        return true;
                    }
                }
            }
        }
    }
    false
}

/// Where the user's segmentation puts the generic, if it spells the normalised name.
fn user_split(units: &[Unit], norm: &str, specific: &str, generic: &str) -> Option<usize> {
    let clean = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).nfc().collect() };
    let (s, g) = (clean(specific), clean(generic));
    if format!("{s}{g}") != norm {
        return None;
    }
    let target = s.chars().count();
    let mut count = 0;
    for (i, u) in units.iter().enumerate() {
        if count == target {
            return Some(i);
        }
        count += match u {
            Unit::Han { .. } | Unit::Sep => 1,
            Unit::Lit { bytes } => norm[bytes.0..bytes.1].chars().count(),
        };
    }
    (count == target).then_some(units.len())
}

/// Split `r` into pieces at separators and around literal runs.
fn push_plain(units: &[Unit], r: Range<usize>, pieces: &mut Vec<(Piece, bool)>, generic: bool) {
    let mut start = r.start;
    for i in r.clone() {
        match units[i] {
            Unit::Sep => {
                if start < i {
                    pieces.push((Piece::Units(start..i), generic));
                }
                start = i + 1;
            }
            Unit::Lit { .. } => {
                if start < i {
                    pieces.push((Piece::Units(start..i), generic));
                }
                pieces.push((Piece::Units(i..i + 1), generic));
                start = i + 1;
            }
            Unit::Han { .. } => {}
        }
    }
    if start < r.end {
        pieces.push((Piece::Units(start..r.end), generic));
    }
}

struct Ctx<'t, 'r> {
    t: &'t Tables,
    req: &'r Request<'r>,
    flags: Vec<Flag>,
}

/// Segment the specific part `0..end` (R2, R6, R7, §2.1) given the generic text.
fn segment_specific(
    cx: &mut Ctx<'_, '_>,
    policy: &Policy,
    units: &[Unit],
    end: usize,
    generic: &str,
    pieces: &mut Vec<(Piece, bool)>,
    buf: &mut String,
) {
    let t = cx.t;
    let mut end = end;
    let mut tail: Vec<(Piece, bool)> = Vec::new();

    // §2.1: ethnic-group names before an autonomous-area generic are words of their own.
    if t.autonomy_generics.contains(generic) {
        let bare_ok = generic.starts_with("自治");
        'peel: loop {
            for k in (2..=t.max_ethnic.min(end)).rev() {
                if han_string(units, end - k..end, buf)
                    && t.ethnic.contains(buf.as_str())
                    && (bare_ok || buf.ends_with('族'))
                {
                    tail.push((Piece::Units(end - k..end), false));
                    end -= k;
                    continue 'peel;
                }
            }
            break;
        }
    }

    // R7: an ordinal numeral right before a street generic is written in digits.
    if tail.is_empty() && policy.ordinal_generics.contains(generic) {
        let mut start = end;
        while start > 0
            && han_at(units, start - 1)
                .and_then(numerals::numeral_value)
                .is_some()
        {
            start -= 1;
        }
        if start < end {
            // A locality whose name ends in a numeral (东四) keeps it: 东四十二条 → Dōngsì 12 Tiáo.
            for loc in &t.numbered_localities {
                let k = loc.chars().count();
                if k > start && k < end && han_string(units, 0..k, buf) && buf.as_str() == &**loc {
                    start = k;
                }
            }
            let run: Vec<char> = (start..end).filter_map(|i| han_at(units, i)).collect();
            if let Some(value) = numerals::parse(&run) {
                let di = (start > 0 && han_at(units, start - 1) == Some('第')).then(|| start - 1);
                let before = di.unwrap_or(start);
                let prev = before.checked_sub(1).and_then(|i| han_at(units, i));
                let lane = matches!(generic, "巷" | "条" | "弄" | "里" | "胡同" | "排" | "号");
                let convert = di.is_some()
                    || before == 0
                    || value >= 2
                    || lane
                    || prev.is_some_and(|c| "东西南北中经纬横直".contains(c));
                if convert {
                    tail.push((Piece::Ordinal { di, value }, false));
                    end = before;
                }
            }
        }
    }
    tail.reverse();

    // R2 inside the specific: a multi-syllable modifier is its own word.
    let mut split_at: Option<usize> = None;
    if end >= 3 && han_at(units, 0) == Some('第') {
        let mut k = 1;
        while k < end && han_at(units, k).and_then(numerals::numeral_value).is_some() {
            k += 1;
        }
        if k > 1 && k < end {
            split_at = Some(k);
        }
    }
    if split_at.is_none() {
        let last = end.checked_sub(1).and_then(|i| han_at(units, i));
        for (f, f_last, k) in &t.embedded_features {
            if Some(*f_last) == last
                && end >= k + 2
                && han_string(units, end - k..end, buf)
                && buf.as_str() == &**f
            {
                split_at = Some(end - k);
                break;
            }
        }
    }

    // §7: a specific part with an official transliteration is replaced by it.
    let may_translit = han_at(units, 0).is_some_and(|c| t.translit_first.contains(&c));
    if may_translit && han_string(units, 0..end, buf) {
        if let Some(rows) = t.translit.get(buf.as_str()) {
            let admin = cx.req.admin_code.unwrap_or("");
            let row = rows
                .iter()
                .find(|r| admin.starts_with(&*r.admin))
                .unwrap_or(&rows[0]);
            cx.flags.push(flag(
                "roman.transliterated",
                "R-10",
                Severity::Info,
                None,
                format!("“{buf}”源自少数民族语，专名采用音译形式 {}，请核对", row.roman),
                format!("{buf} is a minority-language name; the specific part uses its transliteration {}; confirm it", row.roman),
            ));
            pieces.push((Piece::Literal(row.roman.clone()), false));
            pieces.extend(tail);
            return;
        }
    }
    match split_at {
        Some(k) => {
            push_plain(units, 0..k, pieces, false);
            push_plain(units, k..end, pieces, false);
        }
        None => push_plain(units, 0..end, pieces, false),
    }
    pieces.extend(tail);
}

/// Choose a special-readings row for the request's admin code; the flag says the choice was a
/// guess between different readings.
fn pick_special<'a>(
    rows: &'a [SpecialRow],
    admin: Option<&str>,
    t: &Tables,
) -> (&'a SpecialRow, bool) {
    if rows.len() == 1 {
        return (&rows[0], false);
    }
    if let Some(a) = admin {
        if let Some(r) = rows
            .iter()
            .filter(|r| !r.admin.is_empty() && (a.starts_with(&*r.admin) || r.admin.starts_with(a)))
            .max_by_key(|r| r.admin.len().min(a.len()))
        {
            return (r, false);
        }
    }
    if let Some(r) = rows.iter().find(|r| r.admin.is_empty()) {
        return (r, false);
    }
    let first = t.span(rows[0].span);
    let differ = rows.iter().any(|r| t.span(r.span) != first);
    (&rows[0], differ)
}

/// Resolve readings of the Han units (§4 step 3). Returns per-unit syllable and level.
#[allow(clippy::too_many_arguments)]
fn resolve(
    cx: &mut Ctx<'_, '_>,
    units: &[Unit],
    syl: &mut Vec<SylId>,
    lvl: &mut Vec<Level>,
    hs: &mut String,
    offs: &mut Vec<usize>,
    found: &mut Vec<Found>,
    taken: &mut Vec<bool>,
) {
    let t = cx.t;
    syl.clear();
    lvl.clear();
    hs.clear();
    offs.clear();
    // Index by unit; non-Han units get a placeholder. Han strings are matched on `hs`, which
    // holds one char per unit (a non-Han unit is written as U+FFFF so no word spans it).
    for u in units {
        offs.push(hs.len());
        match u {
            Unit::Han { c, .. } => {
                hs.push(*c);
                syl.push(t.readings(*c)[0]);
            }
            _ => {
                hs.push('\u{FFFF}');
                syl.push(0);
            }
        }
        lvl.push(Level::Default);
    }
    offs.push(hs.len());
    let n = units.len();

    // (a) the record's own readings.
    if let Some(ov) = cx.req.reading_override {
        let hans: Vec<usize> = (0..n)
            .filter(|&i| matches!(units[i], Unit::Han { .. }))
            .collect();
        let parsed: Option<Vec<SylId>> = ov
            .split(|c: char| c.is_whitespace() || c == '\'' || c == '’' || c == '-')
            .filter(|s| !s.is_empty())
            .map(|s| {
                let lower = s.to_lowercase();
                t.syl_id(&lower)
                    .or_else(|| syllable::numbered_to_marked(&lower).and_then(|m| t.syl_id(&m)))
            })
            .collect();
        match parsed {
            Some(p) if p.len() == hans.len() => {
                for (&i, s) in hans.iter().zip(p) {
                    syl[i] = s;
                    lvl[i] = Level::Override;
                }
                return;
            }
            _ => cx.flags.push(flag(
                "roman.override_invalid",
                "R-6",
                Severity::Warning,
                None,
                format!("读音特例“{ov}”不是每字一个音节的拼音（本名有{}个汉字），已忽略", hans.len()),
                format!("reading override {ov:?} is not one pinyin syllable per Han character ({} here); ignored", hans.len()),
            )),
        }
    }

    // (b)–(d): words found in the name, applied by level, longer words first.
    found.clear();
    for i in 0..n {
        if !matches!(units[i], Unit::Han { .. }) {
            continue;
        }
        let max = t.max_word.min(n - i);
        for k in 2..=max {
            let key = &hs[offs[i]..offs[i + k]];
            // Every proper prefix of a word is in the map (marked `longer`), so a miss means
            // no longer word starts here either.
            let Some((entry, longer)) = t.lookup(key) else {
                break;
            };
            let Some(e) = entry else { continue };
            if !e.special.is_empty() {
                let (row, ambiguous) = pick_special(&e.special, cx.req.admin_code, t);
                if ambiguous {
                    let readings: Vec<String> = e
                        .special
                        .iter()
                        .map(|r| {
                            let s: Vec<&str> = t
                                .span(r.span)
                                .iter()
                                .map(|&s| &*t.syls[s as usize].toned)
                                .collect();
                            let admin = if r.admin.is_empty() { "*" } else { &r.admin };
                            format!("{} ({admin}; {})", s.join(" "), r.source)
                        })
                        .collect();
                    let pos = match units[i] {
                        Unit::Han { pos, .. } => Some(pos),
                        _ => None,
                    };
                    cx.flags.push(flag(
                        "roman.ambiguous_place",
                        "R-4",
                        Severity::Warning,
                        pos,
                        format!("“{key}”在不同地方读音不同：{}；请给出行政区划代码", readings.join("；")),
                        format!("{key} is read differently in different places: {}; give the admin code", readings.join("; ")),
                    ));
                }
                found.push((i, k, Level::Special, row.span));
            }
            if let Some(s) = e.lexicon {
                found.push((i, k, Level::Lexicon, s));
            }
            if let Some(s) = e.phrase {
                found.push((i, k, Level::Phrase, s));
            }
            if !longer {
                break;
            }
        }
    }
    // By level, then longer words first, then left to right; one packed integer key keeps this
    // cheap for the handful of matches a name has.
    found.sort_unstable_by_key(|&(i, k, level, _)| {
        ((level as u64) << 40) | ((u64::from(u32::MAX) - k as u64) << 8) | (i as u64 & 0xff)
    });
    taken.clear();
    taken.resize(n, false);
    for &(i, k, level, span) in found.iter() {
        if taken[i..i + k].iter().any(|&x| x) {
            continue;
        }
        for (j, &s) in t.span(span).iter().enumerate() {
            syl[i + j] = s;
            lvl[i + j] = level;
            taken[i + j] = true;
        }
    }
    // Surname positions: before 家, or a one-character specific before a settlement word
    // (曾家庄 Zēngjiāzhuāng, 单庄 Shànzhuāng). A guess, so the level stays below the lexicon.
    for i in 0..n {
        let Unit::Han { c, .. } = units[i] else {
            continue;
        };
        if lvl[i] < Level::Phrase {
            continue;
        }
        if !t.may_have(c, FLAG_SURNAME) {
            continue;
        }
        let Some(&s) = t.surname.get(&c) else {
            continue;
        };
        let next = han_at(units, i + 1);
        let settlement =
            i == 0 && next.is_some_and(|x| "庄村集营寨屯店楼湾坊堡圩岗洼桥".contains(x));
        if next == Some('家') || settlement {
            syl[i] = s;
            lvl[i] = Level::Surname;
        }
    }

    // Regional defaults of single characters (圩 xū in the south).
    if let Some(admin) = cx.req.admin_code {
        for (i, u) in units.iter().enumerate() {
            if let (Unit::Han { c, .. }, true) = (u, lvl[i] >= Level::Phrase) {
                if !t.may_have(*c, FLAG_REGIONAL) {
                    continue;
                }
                if let Some(rows) = t.regional.get(c) {
                    if let Some((_, s)) = rows.iter().find(|(p, _)| admin.starts_with(&**p)) {
                        syl[i] = *s;
                        lvl[i] = Level::Lexicon;
                    }
                }
            }
        }
    }
}

/// Upper-case a toneless syllable (ASCII plus ü) for the sign form.
fn push_upper(s: &str, out: &mut String) {
    if s.is_ascii() {
        out.extend(s.bytes().map(|b| char::from(b.to_ascii_uppercase())));
    } else {
        out.extend(s.chars().flat_map(char::to_uppercase));
    }
}

/// Run the pipeline.
/// Everything the pipeline decided about one name before writing it out.
struct Analysis {
    norm: String,
    units: Vec<Unit>,
    pieces: Vec<(Piece, bool)>,
    syl: Vec<SylId>,
    lvl: Vec<Level>,
    g: usize,
    join_all: bool,
    user: bool,
    flags: Vec<Flag>,
    pool: Box<Pool>,
}

impl Analysis {
    /// Give the buffers back for the next name on this thread.
    fn recycle(self) {
        let mut pool = self.pool;
        pool.norm = self.norm;
        pool.units = self.units;
        pool.pieces = self.pieces;
        pool.syl = self.syl;
        pool.lvl = self.lvl;
        put_pool(pool);
    }
}

/// Run the pipeline.
pub(crate) fn romanise(t: &Tables, req: &Request<'_>, settings: &Settings) -> Outcome {
    match analyse(t, req, settings) {
        Ok(a) => assemble(t, a),
        Err(out) => *out,
    }
}

/// Per-character readings and where each came from (for review screens and the probe).
pub(crate) fn explain(t: &Tables, req: &Request<'_>) -> Option<Vec<crate::Reading>> {
    let a = analyse(t, req, &Settings::default()).ok()?;
    let mut out = Vec::new();
    for (i, u) in a.units.iter().enumerate() {
        if let Unit::Han { c, pos } = *u {
            let pinyin = if a.syl[i] == ERHUA {
                "r".to_string()
            } else {
                t.syls[a.syl[i] as usize].toned.to_string()
            };
            let source = match a.lvl[i] {
                Level::Override => crate::ReadingSource::Override,
                Level::Special => crate::ReadingSource::Special,
                Level::Lexicon => crate::ReadingSource::Lexicon,
                Level::Phrase => crate::ReadingSource::Phrase,
                Level::Surname => crate::ReadingSource::Surname,
                Level::Default => crate::ReadingSource::Default,
            };
            out.push(crate::Reading {
                position: pos,
                character: c,
                pinyin,
                source,
            });
        }
    }
    a.recycle();
    Some(out)
}

fn analyse(t: &Tables, req: &Request<'_>, settings: &Settings) -> Result<Analysis, Box<Outcome>> {
    if !is_chinese_language(req.language) {
        let lang = req.language.unwrap_or("").trim();
        return Err(Box::new(Outcome::ManualRequired {
            reason: Message::new(
                "roman.minority_language",
                format!("语种为“{lang}”的少数民族语地名须按原语音译，不能按汉字普通话读音生成拼写，请人工填写"),
                format!("the name is in {lang}: transliterate it from that language by hand; Mandarin readings of the characters do not apply"),
            )
            .with("language", lang),
        }));
    }
    let mut pool = take_pool();
    let mut norm = std::mem::take(&mut pool.norm);
    let mut units = std::mem::take(&mut pool.units);
    normalise(t, req.name, &mut norm, &mut units)?;
    let mut cx = Ctx {
        t,
        req,
        flags: Vec::new(),
    };
    let policy = match req.template_id {
        None => &t.default_policy,
        Some(id) => {
            match t.policies.get(id) {
                Some(p) => p,
                None => {
                    cx.flags.push(flag(
                    "roman.unknown_template",
                    "R-3",
                    Severity::Warning,
                    None,
                    format!("未知样表“{id}”，按通用通名词典切分"),
                    format!("unknown template {id:?}; segmented with the general generic dictionary"),
                ));
                    &t.default_policy
                }
            }
        }
    };
    let n = units.len();
    let mut buf = std::mem::take(&mut pool.buf);

    // Step 2: segmentation.
    let user = req.segmentation.and_then(|(s, g)| {
        let r = user_split(&units, &norm, s, g);
        if r.is_none() {
            cx.flags.push(flag(
                "roman.segmentation_mismatch",
                "R-3",
                Severity::Warning,
                None,
                format!("专名“{s}”+通名“{g}”与名称“{norm}”不符，已按词典切分"),
                format!("specific {s:?} + generic {g:?} does not spell the name {norm:?}; segmented by the dictionary"),
            ));
        }
        r
    });
    let mut g = match user {
        Some(g) => g,
        None if policy.join_all => n,
        None => find_generic(t, policy, &units, &mut buf),
    };
    if user.is_none() && policy.absorb_modifiers && g > 1 && g < n {
        if let Some(c) = han_at(&units, g - 1) {
            let gbt = settings.junction == Junction::Gbt2012 && matches!(c, '内' | '外');
            if t.modifiers.contains(&c) || gbt {
                g -= 1;
            }
        }
    }
    let mut pieces = std::mem::take(&mut pool.pieces);
    pieces.clear();
    if policy.join_all {
        // R3: a natural village is one word; the generic (if the user gave one) is still reported.
        pieces.push((Piece::Units(0..n), false));
    } else {
        let mut generic = std::mem::take(&mut pool.generic);
        han_string(&units, g..n, &mut generic);
        segment_specific(&mut cx, policy, &units, g, &generic, &mut pieces, &mut buf);
        pool.generic = generic;
        let coord_template = matches!(
            req.template_id,
            None | Some("transport.highway" | "transport.railway" | "terrain.region")
        );
        if settings.hyphenate_coordinations && coord_template && g == 2 && g < n {
            let abbr = |i| han_at(&units, i).is_some_and(|c| PROVINCE_ABBREVIATIONS.contains(c));
            if abbr(0)
                && abbr(1)
                && matches!(pieces.as_slice(), [(Piece::Units(r), false)] if *r == (0..2))
            {
                pieces[0] = (Piece::Coord(0, 1), false);
            }
        }
        if g < n {
            pieces.push((Piece::Units(g..n), true));
        }
    }

    // Step 3: readings.
    let mut syl = std::mem::take(&mut pool.syl);
    let mut lvl = std::mem::take(&mut pool.lvl);
    let (mut hs, mut offs) = (std::mem::take(&mut pool.hs), std::mem::take(&mut pool.offs));
    resolve(
        &mut cx,
        &units,
        &mut syl,
        &mut lvl,
        &mut hs,
        &mut offs,
        &mut pool.found,
        &mut pool.taken,
    );
    if g < n && han_string(&units, g..n, &mut buf) {
        if let Some(&span) = t.generic_readings.get(buf.as_str()) {
            for (j, &s) in t.span(span).iter().enumerate() {
                if lvl[g + j] >= Level::Phrase {
                    syl[g + j] = s;
                    lvl[g + j] = Level::Lexicon;
                }
            }
        }
    }

    // R12: a word-final 儿 not read from a place-name source is erhua "r" unless the two
    // characters are a dictionary word (女儿 nǚ'ér).
    for (p, _) in &pieces {
        if let Piece::Units(r) = p {
            let last = r.end - 1;
            // Administrative names (proper_names policy) write 儿 as a full syllable.
            if !policy.proper_names
                && r.len() >= 2
                && han_at(&units, last) == Some('儿')
                && lvl[last] >= Level::Phrase
            {
                let word = &hs[offs[last - 1]..offs[last + 1]];
                let in_dict = t
                    .word(word)
                    .is_some_and(|e| e.phrase.is_some() || e.lexicon.is_some());
                if !in_dict && han_at(&units, last - 1).is_some() {
                    syl[last] = ERHUA;
                }
            }
        }
    }

    // R-4: watch-list characters resolved only by the general dictionary or the default.
    for (i, u) in units.iter().enumerate() {
        if let Unit::Han { c, pos } = *u {
            if lvl[i] >= Level::Phrase {
                if !t.may_have(c, FLAG_WATCH) {
                    continue;
                }
                if let Some(alts) = t.watch.get(&c) {
                    let got = if syl[i] == ERHUA {
                        "r"
                    } else {
                        &t.syls[syl[i] as usize].toned
                    };
                    let (how_zh, how_en) = if syl[i] == ERHUA {
                        (
                            "儿化规则（R12：词末的“儿”写作 r）",
                            "the erhua rule (R12: a word-final 儿 is written r)",
                        )
                    } else if lvl[i] == Level::Phrase {
                        ("通用词典", "the general dictionary")
                    } else if lvl[i] == Level::Surname {
                        (
                            "姓氏读音（处于姓氏位置）",
                            "its surname reading (surname position)",
                        )
                    } else {
                        ("单字默认读音", "the single-character default")
                    };
                    cx.flags.push(flag(
                        "roman.polyphone_unconfirmed",
                        "R-4",
                        Severity::Warning,
                        Some(pos),
                        format!("多音字“{c}”读作 {got}，来自{how_zh}，未经地名读音确认（地名中读音：{alts}），请核对"),
                        format!("polyphone {c} read {got} from {how_en}, not confirmed by a place-name source (place-name readings: {alts}); confirm it"),
                    ));
                }
            }
        }
    }

    pool.hs = hs;
    pool.offs = offs;
    pool.buf = buf;
    Ok(Analysis {
        pool,
        norm,
        units,
        pieces,
        syl,
        lvl,
        g,
        join_all: policy.join_all,
        user: user.is_some(),
        flags: cx.flags,
    })
}

/// Step 4: write the words out (R9–R12), with the key and sign forms.
fn assemble(t: &Tables, mut a: Analysis) -> Outcome {
    let flags = std::mem::take(&mut a.flags);
    let (norm, units, pieces, syl) = (&a.norm, &a.units, &a.pieces, &a.syl);
    let (g, join_all, user) = (a.g, a.join_all, a.user);
    let n = units.len();
    let mut roman = String::with_capacity(norm.len() * 2);
    let mut roman_generic = String::new();
    let mut key = String::with_capacity(norm.len() * 2);
    let mut sign = String::with_capacity(norm.len() * 2);
    for (p, is_generic) in pieces {
        if !roman.is_empty() {
            roman.push(' ');
            sign.push(' ');
        }
        let word_start = roman.len();
        match p {
            Piece::Literal(s) => {
                roman.push_str(s);
                syllable::key_push(s, &mut key);
                for c in s.chars() {
                    sign.extend(syllable::base_letter(c).to_uppercase());
                }
            }
            Piece::Coord(a1, b1) => {
                for (k, i) in [*a1, *b1].into_iter().enumerate() {
                    // Coordinations are built only from abbreviation characters, never 儿.
                    let Some(s) = t.syls.get(syl[i] as usize) else {
                        continue;
                    };
                    if k > 0 {
                        roman.push('-');
                        sign.push('-');
                    }
                    syllable::push_capitalised(&s.toned, &mut roman);
                    key.push_str(&s.key);
                    push_upper(&s.plain, &mut sign);
                }
            }
            Piece::Ordinal { di, value } => {
                if let Some(s) = di.and_then(|i| t.syls.get(syl[i] as usize)) {
                    syllable::push_capitalised(&s.toned, &mut roman);
                    roman.push('-');
                    key.push_str(&s.key);
                    push_upper(&s.plain, &mut sign);
                    sign.push('-');
                }
                let digits = value.to_string();
                roman.push_str(&digits);
                key.push_str(&digits);
                sign.push_str(&digits);
            }
            Piece::Units(r) => {
                let mut first = true;
                for i in r.clone() {
                    match units[i] {
                        Unit::Han { .. } if syl[i] == ERHUA => {
                            roman.push('r');
                            key.push('r');
                            sign.push('R');
                        }
                        Unit::Han { .. } => {
                            let s = &t.syls[syl[i] as usize];
                            if first {
                                syllable::push_capitalised(&s.toned, &mut roman);
                            } else {
                                if s.apostrophe {
                                    roman.push('\'');
                                    sign.push('\'');
                                }
                                roman.push_str(&s.toned);
                            }
                            key.push_str(&s.key);
                            push_upper(&s.plain, &mut sign);
                        }
                        Unit::Lit { bytes } => {
                            let s = &norm[bytes.0..bytes.1];
                            roman.push_str(s);
                            sign.push_str(s);
                            key.extend(s.chars().map(|c| c.to_ascii_lowercase()));
                        }
                        Unit::Sep => {}
                    }
                    first = false;
                }
            }
        }
        if *is_generic {
            if !roman_generic.is_empty() {
                roman_generic.push(' ');
            }
            roman_generic.push_str(&roman[word_start..]);
        }
    }
    if user && join_all && g < n {
        // R3 writes the village as one word, but the user's generic is still reported.
        let mut gen = String::new();
        for (k, i) in (g..n).enumerate() {
            if let Unit::Han { .. } = units[i] {
                if syl[i] == ERHUA {
                    gen.push('r');
                    continue;
                }
                let s = &t.syls[syl[i] as usize];
                if k == 0 {
                    syllable::push_capitalised(&s.toned, &mut gen);
                } else {
                    if s.apostrophe {
                        gen.push('\'');
                    }
                    gen.push_str(&s.toned);
                }
            }
        }
        roman_generic = gen;
    }
    a.recycle();
    Outcome::Romanised {
        roman,
        roman_generic,
        key,
        sign,
        flags,
    }
}

/// Search key: pinyin input is folded directly; Chinese names go through the generator.
pub(crate) fn search_key(t: &Tables, name: &str) -> String {
    let has_han = name
        .chars()
        .any(|c| !c.is_ascii() && !t.readings(c).is_empty());
    let mut key = String::with_capacity(name.len());
    if !has_han {
        syllable::key_push(&name.nfc().collect::<String>(), &mut key);
        return key;
    }
    match romanise(t, &Request::new(name), &Settings::default()) {
        Outcome::Romanised { key, .. } => key,
        _ => {
            for c in name.chars() {
                if let Some(&s) = t.readings(c).first() {
                    key.push_str(&t.syls[s as usize].key);
                } else if c.is_ascii_alphanumeric() {
                    key.push(c.to_ascii_lowercase());
                }
            }
            key
        }
    }
}
