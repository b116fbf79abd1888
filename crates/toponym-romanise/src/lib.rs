//! Romanisation of place names (罗马字母拼写) by the 1984 place-name rules (sans-IO).
//!
//! Why this crate exists: the census form's 罗马字母拼写 and 通名罗马字母拼写 fields are
//! generated, and the readings of polyphonic characters must be right or flagged for a human
//! (romanization.md §1 item 5). This crate implements rules R1–R14 of romanization.md over
//! data tables in schemas/romanisation/: it takes a name and returns the toned form, the
//! generic's form, a toneless search key, an all-capitals sign form and review flags. It does
//! no IO; the tables are compiled in ([`Romaniser::builtin`]) or passed in as text
//! ([`Romaniser::from_sources`]).
//!
//! ```
//! use toponym_romanise::{Outcome, Request, Romaniser};
//! let r = Romaniser::builtin();
//! let out = r.romanise(&Request { admin_code: Some("371722"), ..Request::new("单县") });
//! let Outcome::Romanised { roman, key, .. } = out else { panic!() };
//! assert_eq!(roman, "Shàn Xiàn");
//! assert_eq!(key, "shanxian");
//! ```

mod engine;
mod error;
mod linebreak;
mod numerals;
pub mod syllable;
mod tables;

use std::sync::OnceLock;

use serde::Serialize;
pub use toponym_core::{Finding, Message, Severity};

pub use error::RomaniseError;
pub use tables::Sources;

/// One name to romanise, with what the record knows about it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Request<'a> {
    /// The standard name (标准名称) as entered.
    pub name: &'a str,
    /// The template id (e.g. `admin.county`, `settlement.village`); selects the generic
    /// dictionary and the segmentation policy. None = all generics, split policy.
    pub template_id: Option<&'a str>,
    /// Admin code (2–12 digits) of the place; chooses between special readings of the same
    /// characters in different places.
    pub admin_code: Option<&'a str>,
    /// The record's 语种. Empty, None or 汉语 = romanise from Mandarin readings.
    pub language: Option<&'a str>,
    /// The user's explicit (专名, 通名) split; it wins over the dictionary when it spells the name.
    pub segmentation: Option<(&'a str, &'a str)>,
    /// The record's own readings (读音特例): one syllable per Han character, tone-marked
    /// ("shàn xiàn") or numbered ("shan4 xian4").
    pub reading_override: Option<&'a str>,
}

impl<'a> Request<'a> {
    /// A request with only the name.
    pub fn new(name: &'a str) -> Self {
        Request {
            name,
            ..Request::default()
        }
    }
}

/// Where a one-syllable modifier at the junction of specific and generic goes (§2.2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Junction {
    /// 1984 place-name rules (default): 朝阳门内大街 → Cháoyángménnèi Dàjiē.
    #[default]
    Rules1984,
    /// GB/T 16159-2012 examples: 朝阳门内大街 → Cháoyángmén Nèidàjiē.
    Gbt2012,
}

/// Provincial settings of the generator (romanization.md R10, §2.2). The defaults follow the
/// 1984 rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Settings {
    /// Junction policy for 内/外 before a street generic.
    pub junction: Junction,
    /// Write coordinated abbreviations of two places with a hyphen and two capitals
    /// (京津公路 → Jīng-Jīn Gōnglù) instead of the 1984 form Jīngjīn Gōnglù. Applies to
    /// highways, railways, landform regions and names without a template.
    pub hyphenate_coordinations: bool,
}

/// A review flag on a generated romanisation (QA rules R-x, N-x).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    /// Stable code, e.g. `roman.polyphone_unconfirmed`.
    pub code: &'static str,
    /// QA rule id from quality-rules.md, e.g. "R-4".
    pub rule: &'static str,
    /// How serious (WARNING for a reading to confirm).
    pub severity: Severity,
    /// Character index in the normalised name, where the flag is about one place.
    pub position: Option<usize>,
    /// Reason in Chinese.
    pub reason_zh: String,
    /// Reason in English.
    pub reason_en: String,
}

/// Where a character's reading came from, in the order of precedence of romanization.md §4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadingSource {
    /// The record's own override (读音特例).
    Override,
    /// The special-readings table (keyed by name and admin code).
    Special,
    /// The place-name lexicon (division names, ethnic names, generic readings).
    Lexicon,
    /// The general phrase dictionary.
    Phrase,
    /// The surname reading, for a character in a surname position (曾家庄).
    Surname,
    /// The single-character default.
    Default,
}

/// The reading chosen for one Han character of a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reading {
    /// Character index in the normalised name.
    pub position: usize,
    /// The character.
    pub character: char,
    /// Tone-marked syllable ("r" for an erhua 儿).
    pub pinyin: String,
    /// Where it came from.
    pub source: ReadingSource,
}

impl Flag {
    /// The flag as a QA finding at `path` (e.g. `fields.roman`), for the QA engine and store.
    pub fn to_finding(&self, path: &str) -> Finding {
        let mut m = Message::new(self.code, self.reason_zh.clone(), self.reason_en.clone());
        if let Some(p) = self.position {
            m = m.with("position", p.to_string());
        }
        Finding::new(Some(self.rule), self.severity, path, m)
    }
}

/// What romanising a name gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Generated forms plus any flags for review.
    Romanised {
        /// Toned display form (罗马字母拼写), e.g. "Xī'ān Shì" (apostrophe U+0027).
        roman: String,
        /// Toned form of the generic part (通名罗马字母拼写), empty when there is none.
        roman_generic: String,
        /// Toneless lower-case ASCII key, no spaces or apostrophes, ü as v ("xianshi").
        key: String,
        /// All-capitals toneless sign form ("XI'AN SHI", "LÜLIANG SHAN").
        sign: String,
        /// Review flags with reasons.
        flags: Vec<Flag>,
    },
    /// The Mandarin generator must not be used; a person must transliterate.
    ManualRequired {
        /// Why.
        reason: Message,
    },
    /// The name contains stand-in notation and cannot be romanised (QA rule N-1).
    Refused {
        /// Character index of the offending notation in the normalised name.
        position: usize,
        /// The offending character.
        #[serde(rename = "char")]
        character: String,
        /// Always "N-1".
        rule: &'static str,
        /// Why.
        reason: Message,
    },
}

impl Outcome {
    /// The toned form, if the name was romanised.
    pub fn roman(&self) -> Option<&str> {
        match self {
            Outcome::Romanised { roman, .. } => Some(roman),
            _ => None,
        }
    }
}

/// The romanisation engine: loaded tables plus the rules.
#[derive(Debug)]
pub struct Romaniser {
    tables: tables::Tables,
}

impl Romaniser {
    /// Load tables from their texts (the files of schemas/romanisation/).
    pub fn from_sources(src: &Sources<'_>) -> Result<Self, RomaniseError> {
        Ok(Romaniser {
            tables: tables::Tables::load(src)?,
        })
    }

    /// The engine over the tables compiled into this build, loaded once per process.
    #[allow(clippy::expect_used)]
    pub fn builtin() -> &'static Romaniser {
        static BUILTIN: OnceLock<Romaniser> = OnceLock::new();
        // The builtin tables are committed files checked by this crate's tests; failing to
        // load them is a build defect, not bad input.
        BUILTIN.get_or_init(|| {
            Romaniser::from_sources(&Sources::builtin()).expect("builtin romanisation tables load")
        })
    }

    /// Romanise one name with the default (1984) settings.
    pub fn romanise(&self, req: &Request<'_>) -> Outcome {
        engine::romanise(&self.tables, req, &Settings::default())
    }

    /// Romanise one name with provincial settings.
    pub fn romanise_with(&self, req: &Request<'_>, settings: &Settings) -> Outcome {
        engine::romanise(&self.tables, req, settings)
    }

    /// The reading chosen for each Han character and its source; None when the name is refused
    /// or needs manual romanisation. For review screens and data probes.
    pub fn explain(&self, req: &Request<'_>) -> Option<Vec<Reading>> {
        engine::explain(&self.tables, req)
    }

    /// Break a romanised name into lines of at most `width` characters for print and signs
    /// (R13): only between syllables, with a hyphen at the end of a broken line.
    pub fn break_lines(&self, roman: &str, width: usize) -> Vec<String> {
        linebreak::break_lines(roman, width, &self.tables.plain_set)
    }

    /// All known readings of a character, the default first (tone-marked).
    pub fn readings_of(&self, c: char) -> Vec<&str> {
        self.tables
            .readings(c)
            .iter()
            .map(|&s| &*self.tables.syls[s as usize].toned)
            .collect()
    }

    /// Toneless search key of a name (lower case, no spaces, ü as v): what the store indexes
    /// for pinyin search. Pinyin input ("Tai Shan", "tài shān") gives the same key as the
    /// Chinese name (泰山 → "taishan"). Names that cannot be romanised key on the default
    /// readings of their characters.
    pub fn search_key(&self, name: &str) -> String {
        engine::search_key(&self.tables, name)
    }
}

/// [`Romaniser::search_key`] on the builtin tables.
pub fn search_key(name: &str) -> String {
    Romaniser::builtin().search_key(name)
}
