//! Loading the romanisation data (schemas/romanisation/*) into flat lookup structures.
//!
//! The tables are data, not code (romanization.md §5 asks for an updatable table), so the
//! engine parses them once at start-up into arrays and fast hash maps; romanising a name then
//! costs a handful of lookups and no parsing.

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Deserialize;

use crate::error::RomaniseError;
use crate::syllable;

/// Index of a syllable in [`Tables::syls`].
pub(crate) type SylId = u16;

/// One distinct toned syllable with its derived forms, computed once at load.
#[derive(Debug)]
pub(crate) struct Syl {
    /// Tone-marked, lower case ("lǚ").
    pub toned: Box<str>,
    /// Tone marks stripped, ü kept ("lü"): the sign form.
    pub plain: Box<str>,
    /// ASCII search key ("lv").
    pub key: Box<str>,
    /// Starts with a, o or e (R11).
    pub apostrophe: bool,
}

/// A run of syllable ids in [`Tables::flat`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    pub start: u32,
    pub len: u32,
}

/// One row of the special-readings table.
#[derive(Debug)]
pub(crate) struct SpecialRow {
    /// Admin-code prefix the reading belongs to; empty = anywhere.
    pub admin: Box<str>,
    pub span: Span,
    pub source: Box<str>,
}

/// Everything known about one multi-character word, by level.
#[derive(Debug, Default)]
pub(crate) struct WordEntry {
    pub special: Vec<SpecialRow>,
    pub lexicon: Option<Span>,
    pub phrase: Option<Span>,
    /// Some longer word starts with this one (so matching should go on).
    pub longer: bool,
}

/// Segmentation policy of one template (templates.json).
#[derive(Debug, Default)]
pub(crate) struct Policy {
    pub generics: FxHashSet<Box<str>>,
    pub max_generic: usize,
    /// For each last character of a generic, a bit mask of the generic lengths ending in it, so
    /// segmentation only looks up lengths that can match.
    pub lens_by_last: FxHashMap<char, u32>,
    pub ordinal_generics: FxHashSet<Box<str>>,
    pub join_all: bool,
    pub absorb_modifiers: bool,
    pub proper_names: bool,
}

/// The source texts of all tables, so callers can load updated data without a rebuild.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    pub char_readings: &'a str,
    pub char_overrides: &'a str,
    pub regional_readings: &'a str,
    pub surname_readings: &'a str,
    pub phrases: &'a str,
    pub lexicon: &'a str,
    pub township_lexicon: &'a str,
    pub county_readings: &'a str,
    pub special_readings: &'a str,
    pub ethnic_groups: &'a str,
    pub watch_list: &'a str,
    pub transliterations: &'a str,
    pub templates: &'a str,
}

impl Sources<'static> {
    /// The tables committed under schemas/romanisation/, compiled into the binary.
    pub fn builtin() -> Self {
        Sources {
            char_readings: include_str!("../../../schemas/romanisation/char-readings.tsv"),
            char_overrides: include_str!("../../../schemas/romanisation/char-overrides.tsv"),
            regional_readings: include_str!("../../../schemas/romanisation/regional-readings.tsv"),
            surname_readings: include_str!("../../../schemas/romanisation/surname-readings.tsv"),
            phrases: include_str!("../../../schemas/romanisation/phrases.tsv"),
            lexicon: include_str!("../../../schemas/romanisation/lexicon.tsv"),
            township_lexicon: include_str!("../../../schemas/romanisation/township-lexicon.tsv"),
            county_readings: include_str!("../../../schemas/romanisation/county-readings.tsv"),
            special_readings: include_str!("../../../schemas/romanisation/special-readings.tsv"),
            ethnic_groups: include_str!("../../../schemas/romanisation/ethnic-groups.tsv"),
            watch_list: include_str!("../../../schemas/romanisation/watch-list.tsv"),
            transliterations: include_str!("../../../schemas/romanisation/transliterations.tsv"),
            templates: include_str!("../../../schemas/romanisation/templates.json"),
        }
    }
}

/// An official transliterated form of a minority-language name (§7).
#[derive(Debug)]
pub(crate) struct Transliteration {
    pub admin: Box<str>,
    pub roman: Box<str>,
}

const BMP_BASE: u32 = 0x3000;
pub(crate) const FLAG_WATCH: u8 = 1;
pub(crate) const FLAG_SURNAME: u8 = 2;
pub(crate) const FLAG_REGIONAL: u8 = 4;
const LONGER: u32 = 1 << 31;
const NO_ENTRY: u32 = LONGER - 1;
const BMP_END: u32 = 0xA000;

/// All tables in lookup form.
#[derive(Debug)]
pub(crate) struct Tables {
    pub syls: Vec<Syl>,
    /// Toneless forms (ü kept) of all known syllables, for line breaking (R13).
    pub plain_set: FxHashSet<String>,
    syl_index: FxHashMap<Box<str>, SylId>,
    pub flat: Vec<SylId>,
    bmp: Vec<(u32, u8)>,
    /// Per-character marks for U+3000–U+9FFF (FLAG_* bits), so the hot loop skips map lookups
    /// for the many characters that are on no special list.
    marks: Vec<u8>,
    other: FxHashMap<char, (u32, u8)>,
    /// Words while loading; emptied into `index` + `entries` at the end of [`Tables::load`].
    words: FxHashMap<Box<str>, WordEntry>,
    /// Word → entry index, with bit 31 set when a longer word starts with this key. A compact
    /// map (24-byte buckets) keeps the hot lookup in cache.
    index: FxHashMap<Box<str>, u32>,
    entries: Vec<WordEntry>,
    pub max_word: usize,
    pub watch: FxHashMap<char, Box<str>>,
    pub ethnic: FxHashSet<Box<str>>,
    pub max_ethnic: usize,
    pub translit: FxHashMap<Box<str>, Vec<Transliteration>>,
    /// First characters of transliterated names (a cheap pre-check).
    pub translit_first: FxHashSet<char>,
    pub policies: FxHashMap<Box<str>, Policy>,
    pub default_policy: Policy,
    pub modifiers: FxHashSet<char>,
    pub numbered_localities: Vec<Box<str>>,
    /// Feature names with their last character and length in characters.
    pub embedded_features: Vec<(Box<str>, char, usize)>,
    pub autonomy_generics: FxHashSet<Box<str>>,
    pub generic_readings: FxHashMap<Box<str>, Span>,
    /// Surname readings of polyphonic characters (曾 zēng), for surname positions.
    pub surname: FxHashMap<char, SylId>,
    /// Regional default readings: char → (admin prefix, syllable).
    pub regional: FxHashMap<char, Vec<(Box<str>, SylId)>>,
    /// Administrative generics (sets "admin" and "township"): never part of a proper name.
    pub admin_generics: FxHashSet<Box<str>>,
}

#[derive(Deserialize)]
struct TemplatesFile {
    modifiers: String,
    numbered_localities: Vec<String>,
    embedded_features: Vec<String>,
    autonomy_generics: Vec<String>,
    #[serde(default)]
    generic_readings: FxHashMap<String, String>,
    sets: FxHashMap<String, Vec<String>>,
    default: PolicyFile,
    templates: FxHashMap<String, PolicyFile>,
}

#[derive(Deserialize)]
struct PolicyFile {
    sets: Vec<String>,
    #[serde(default)]
    join_all: bool,
    #[serde(default)]
    ordinal_digits: bool,
    #[serde(default)]
    absorb_modifiers: bool,
    #[serde(default)]
    proper_names: bool,
}

/// Lines of a TSV file that carry data, with their 1-based line numbers.
fn rows(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| (i + 1, l.split('\t').collect()))
}

fn data_err(file: &str, line: usize, message: impl Into<String>) -> RomaniseError {
    RomaniseError::Data {
        file: file.to_string(),
        line,
        message: message.into(),
    }
}

impl Tables {
    pub(crate) fn load(src: &Sources<'_>) -> Result<Self, RomaniseError> {
        let mut t = Tables {
            syls: Vec::new(),
            plain_set: FxHashSet::default(),
            syl_index: FxHashMap::default(),
            flat: Vec::new(),
            bmp: vec![(0, 0); (BMP_END - BMP_BASE) as usize],
            marks: vec![0; (BMP_END - BMP_BASE) as usize],
            other: FxHashMap::default(),
            words: FxHashMap::default(),
            index: FxHashMap::default(),
            entries: Vec::new(),
            max_word: 1,
            watch: FxHashMap::default(),
            ethnic: FxHashSet::default(),
            max_ethnic: 0,
            translit: FxHashMap::default(),
            translit_first: FxHashSet::default(),
            policies: FxHashMap::default(),
            default_policy: Policy::default(),
            modifiers: FxHashSet::default(),
            numbered_localities: Vec::new(),
            embedded_features: Vec::new(),
            autonomy_generics: FxHashSet::default(),
            generic_readings: FxHashMap::default(),
            admin_generics: FxHashSet::default(),
            regional: FxHashMap::default(),
            surname: FxHashMap::default(),
        };
        t.load_chars(src.char_readings)?;
        t.load_char_overrides(src.char_overrides)?;
        for (line, cols) in rows(src.surname_readings) {
            let mut it = cols[0].chars();
            let (Some(c), None, Some(reading)) = (it.next(), it.next(), cols.get(1)) else {
                return Err(data_err(
                    "surname-readings.tsv",
                    line,
                    "expected char, reading",
                ));
            };
            if !t
                .readings(c)
                .iter()
                .any(|&s| *t.syls[s as usize].toned == **reading)
            {
                return Err(data_err(
                    "surname-readings.tsv",
                    line,
                    format!("{reading} is not a known reading of {c}"),
                ));
            }
            let id = t
                .intern(reading)
                .map_err(|m| data_err("surname-readings.tsv", line, m))?;
            t.surname.insert(c, id);
        }
        for (line, cols) in rows(src.regional_readings) {
            let mut it = cols[0].chars();
            let (Some(c), None, Some(admin), Some(reading)) =
                (it.next(), it.next(), cols.get(1), cols.get(2))
            else {
                return Err(data_err(
                    "regional-readings.tsv",
                    line,
                    "expected char, admin, reading",
                ));
            };
            let id = t
                .intern(reading)
                .map_err(|m| data_err("regional-readings.tsv", line, m))?;
            t.regional.entry(c).or_default().push(((*admin).into(), id));
        }
        t.load_words(src.phrases, "phrases.tsv", Level::Phrase)?;
        t.load_words(src.lexicon, "lexicon.tsv", Level::Lexicon)?;
        t.load_words(src.township_lexicon, "township-lexicon.tsv", Level::Lexicon)?;
        t.load_words(src.ethnic_groups, "ethnic-groups.tsv", Level::Lexicon)?;
        t.load_special(src.county_readings, "county-readings.tsv")?;
        t.load_special(src.special_readings, "special-readings.tsv")?;
        for (_, cols) in rows(src.ethnic_groups) {
            let n = cols[0].chars().count();
            t.max_ethnic = t.max_ethnic.max(n);
            t.ethnic.insert(cols[0].into());
        }
        for (line, cols) in rows(src.watch_list) {
            let mut it = cols[0].chars();
            let (Some(c), None) = (it.next(), it.next()) else {
                return Err(data_err(
                    "watch-list.tsv",
                    line,
                    "first column must be one character",
                ));
            };
            t.watch.insert(c, cols.get(1).copied().unwrap_or("").into());
        }
        for (line, cols) in rows(src.transliterations) {
            if cols.len() < 3 {
                return Err(data_err(
                    "transliterations.tsv",
                    line,
                    "expected name, admin, roman",
                ));
            }
            t.translit_first.extend(cols[0].chars().next());
            t.translit
                .entry(cols[0].into())
                .or_default()
                .push(Transliteration {
                    admin: cols[1].into(),
                    roman: cols[2].into(),
                });
        }
        t.load_templates(src.templates)?;
        let marked: Vec<(char, u8)> = (t.watch.keys().map(|&c| (c, FLAG_WATCH)))
            .chain(t.surname.keys().map(|&c| (c, FLAG_SURNAME)))
            .chain(t.regional.keys().map(|&c| (c, FLAG_REGIONAL)))
            .collect();
        for (c, f) in marked {
            t.mark(c, f);
        }
        // Mark every proper prefix, so matching can stop as soon as no word continues.
        let keys: Vec<Box<str>> = t.words.keys().cloned().collect();
        for k in keys {
            let ends: Vec<usize> = k.char_indices().map(|(b, _)| b).skip(2).collect();
            for end in ends {
                t.words.entry(k[..end].into()).or_default().longer = true;
            }
        }
        t.plain_set = t.syls.iter().map(|s| s.plain.to_string()).collect();
        for (k, e) in std::mem::take(&mut t.words) {
            let longer = e.longer;
            let mut v = if e.special.is_empty() && e.lexicon.is_none() && e.phrase.is_none() {
                NO_ENTRY
            } else {
                t.entries.push(e);
                u32::try_from(t.entries.len() - 1)
                    .map_err(|_| data_err("*", 0, "too many words"))?
            };
            if longer {
                v |= LONGER;
            }
            t.index.insert(k, v);
        }
        Ok(t)
    }

    fn intern(&mut self, toned: &str) -> Result<SylId, String> {
        if let Some(&id) = self.syl_index.get(toned) {
            return Ok(id);
        }
        if !syllable::is_syllable_text(toned) {
            return Err(format!("not a pinyin syllable: {toned:?}"));
        }
        let id = SylId::try_from(self.syls.len()).map_err(|_| "too many syllables".to_string())?;
        let mut plain = String::new();
        syllable::strip_tones(toned, &mut plain);
        let mut key = String::new();
        syllable::key_push(toned, &mut key);
        self.syls.push(Syl {
            toned: toned.into(),
            plain: plain.into(),
            key: key.into(),
            apostrophe: syllable::needs_apostrophe(toned),
        });
        self.syl_index.insert(toned.into(), id);
        Ok(id)
    }

    /// Look up an interned syllable by its tone-marked text.
    pub(crate) fn syl_id(&self, toned: &str) -> Option<SylId> {
        self.syl_index.get(toned).copied()
    }

    fn push_span<'a>(
        &mut self,
        syllables: impl Iterator<Item = &'a str>,
        file: &str,
        line: usize,
    ) -> Result<Span, RomaniseError> {
        let start =
            u32::try_from(self.flat.len()).map_err(|_| data_err(file, line, "table too large"))?;
        let mut len = 0;
        for s in syllables {
            let id = self.intern(s).map_err(|m| data_err(file, line, m))?;
            self.flat.push(id);
            len += 1;
        }
        Ok(Span { start, len })
    }

    fn load_chars(&mut self, text: &str) -> Result<(), RomaniseError> {
        const F: &str = "char-readings.tsv";
        for (line, cols) in rows(text) {
            let mut it = cols[0].chars();
            let (Some(c), None, Some(readings)) = (it.next(), it.next(), cols.get(1)) else {
                return Err(data_err(F, line, "expected one character and its readings"));
            };
            let span = self.push_span(readings.split(','), F, line)?;
            let len = u8::try_from(span.len).map_err(|_| data_err(F, line, "too many readings"))?;
            let cp = c as u32;
            if (BMP_BASE..BMP_END).contains(&cp) {
                self.bmp[(cp - BMP_BASE) as usize] = (span.start, len);
            } else {
                self.other.insert(c, (span.start, len));
            }
        }
        Ok(())
    }

    fn load_char_overrides(&mut self, text: &str) -> Result<(), RomaniseError> {
        const F: &str = "char-overrides.tsv";
        for (line, cols) in rows(text) {
            let mut it = cols[0].chars();
            let (Some(c), None, Some(reading)) = (it.next(), it.next(), cols.get(1)) else {
                return Err(data_err(F, line, "expected one character and a reading"));
            };
            let id = self.intern(reading).map_err(|m| data_err(F, line, m))?;
            let cp = c as u32;
            let (start, len) = if (BMP_BASE..BMP_END).contains(&cp) {
                self.bmp[(cp - BMP_BASE) as usize]
            } else {
                self.other.get(&c).copied().unwrap_or((0, 0))
            };
            let range = start as usize..start as usize + len as usize;
            match self.flat[range.clone()].iter().position(|&s| s == id) {
                Some(k) => self.flat[range.start..=range.start + k].rotate_right(1),
                None => {
                    return Err(data_err(
                        F,
                        line,
                        format!("{reading} is not a known reading of {c}"),
                    ))
                }
            }
        }
        Ok(())
    }

    fn load_words(&mut self, text: &str, file: &str, level: Level) -> Result<(), RomaniseError> {
        for (line, cols) in rows(text) {
            let (Some(word), Some(readings)) = (cols.first(), cols.get(1)) else {
                return Err(data_err(file, line, "expected word and readings"));
            };
            let n = word.chars().count();
            let span = self.push_span(readings.split(' '), file, line)?;
            if span.len as usize != n {
                return Err(data_err(
                    file,
                    line,
                    format!("{word}: {n} characters but {} readings", span.len),
                ));
            }
            self.max_word = self.max_word.max(n);
            let e = self.words.entry((*word).into()).or_default();
            match level {
                Level::Phrase => e.phrase = Some(span),
                _ => e.lexicon = e.lexicon.or(Some(span)),
            }
        }
        Ok(())
    }

    /// Special rows; a later file's row for the same name and admin replaces an earlier one, so
    /// the hand-curated table wins over the generated county table.
    fn load_special(&mut self, text: &str, file: &str) -> Result<(), RomaniseError> {
        for (line, cols) in rows(text) {
            if cols.len() < 4 {
                return Err(data_err(
                    file,
                    line,
                    "expected name, admin, readings, source",
                ));
            }
            let (word, admin) = (cols[0], cols[1]);
            if !admin.chars().all(|c| c.is_ascii_digit()) {
                return Err(data_err(
                    file,
                    line,
                    format!("admin code must be digits: {admin:?}"),
                ));
            }
            let n = word.chars().count();
            let span = self.push_span(cols[2].split(' '), file, line)?;
            if span.len as usize != n {
                return Err(data_err(
                    file,
                    line,
                    format!("{word}: {n} characters but {} readings", span.len),
                ));
            }
            self.max_word = self.max_word.max(n);
            let e = self.words.entry(word.into()).or_default();
            let row = SpecialRow {
                admin: admin.into(),
                span,
                source: cols[3].into(),
            };
            if let Some(old) = e.special.iter_mut().find(|r| *r.admin == *admin) {
                *old = row;
            } else {
                e.special.push(row);
            }
        }
        Ok(())
    }

    fn load_templates(&mut self, text: &str) -> Result<(), RomaniseError> {
        let f: TemplatesFile = serde_json::from_str(text)
            .map_err(|e| data_err("templates.json", e.line(), e.to_string()))?;
        let build = |p: &PolicyFile| -> Result<Policy, RomaniseError> {
            let mut pol = Policy {
                join_all: p.join_all,
                absorb_modifiers: p.absorb_modifiers,
                proper_names: p.proper_names,
                ..Policy::default()
            };
            for s in &p.sets {
                let words = f
                    .sets
                    .get(s)
                    .ok_or_else(|| data_err("templates.json", 0, format!("unknown set {s:?}")))?;
                for w in words {
                    let len = w.chars().count();
                    pol.max_generic = pol.max_generic.max(len);
                    if let Some(last) = w.chars().last() {
                        *pol.lens_by_last.entry(last).or_insert(0) |= 1u32 << len.min(31);
                    }
                    pol.generics.insert(w.as_str().into());
                    if p.ordinal_digits || s == "road" {
                        pol.ordinal_generics.insert(w.as_str().into());
                    }
                }
            }
            Ok(pol)
        };
        self.default_policy = build(&f.default)?;
        for (id, p) in &f.templates {
            let pol = build(p)?;
            self.policies.insert(id.as_str().into(), pol);
        }
        self.modifiers = f.modifiers.chars().collect();
        self.numbered_localities = f
            .numbered_localities
            .iter()
            .map(|s| s.as_str().into())
            .collect();
        self.embedded_features = f
            .embedded_features
            .iter()
            .filter_map(|s| Some((s.as_str().into(), s.chars().last()?, s.chars().count())))
            .collect();
        self.autonomy_generics = f
            .autonomy_generics
            .iter()
            .map(|s| s.as_str().into())
            .collect();
        for set in ["admin", "township"] {
            for w in f.sets.get(set).into_iter().flatten() {
                self.admin_generics.insert(w.as_str().into());
            }
        }
        for (word, readings) in &f.generic_readings {
            let span = self.push_span(readings.split(' '), "templates.json", 0)?;
            if span.len as usize != word.chars().count() {
                return Err(data_err(
                    "templates.json",
                    0,
                    format!("generic_readings {word}: wrong count"),
                ));
            }
            self.generic_readings.insert(word.as_str().into(), span);
        }
        Ok(())
    }

    fn mark(&mut self, c: char, flag: u8) {
        let cp = c as u32;
        if (BMP_BASE..BMP_END).contains(&cp) {
            self.marks[(cp - BMP_BASE) as usize] |= flag;
        }
    }

    /// Whether `c` may carry `flag` (always true outside the direct-indexed range, where the
    /// caller falls back to the map lookup).
    #[inline]
    pub(crate) fn may_have(&self, c: char, flag: u8) -> bool {
        let cp = c as u32;
        if (BMP_BASE..BMP_END).contains(&cp) {
            self.marks[(cp - BMP_BASE) as usize] & flag != 0
        } else {
            true
        }
    }

    /// A word's entry and whether longer words start with it; None when nothing starts so.
    #[inline]
    pub(crate) fn lookup(&self, key: &str) -> Option<(Option<&WordEntry>, bool)> {
        let v = *self.index.get(key)?;
        let e = v & !LONGER;
        Some((
            (e != NO_ENTRY).then(|| &self.entries[e as usize]),
            v & LONGER != 0,
        ))
    }

    /// A word's entry, if the word has readings.
    pub(crate) fn word(&self, key: &str) -> Option<&WordEntry> {
        self.lookup(key)?.0
    }

    /// All readings of a character, default first; empty when unknown.
    #[inline]
    pub(crate) fn readings(&self, c: char) -> &[SylId] {
        let cp = c as u32;
        let (start, len) = if (BMP_BASE..BMP_END).contains(&cp) {
            self.bmp[(cp - BMP_BASE) as usize]
        } else {
            match self.other.get(&c) {
                Some(&v) => v,
                None => return &[],
            }
        };
        &self.flat[start as usize..start as usize + len as usize]
    }

    #[inline]
    pub(crate) fn span(&self, s: Span) -> &[SylId] {
        &self.flat[s.start as usize..(s.start + s.len) as usize]
    }
}

/// Where a reading came from, in the order of precedence of romanization.md §4 step 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    Override,
    Special,
    Lexicon,
    Phrase,
    Surname,
    Default,
}
