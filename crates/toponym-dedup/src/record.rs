//! The engine's compact form of an observation: hashed keys, the few strings the near-miss
//! signals need, parsed admin codes and coordinates. A million of these must fit in well
//! under 100 MB, so strings live in one arena and keys are 64-bit hashes (collision chance
//! for a million records' few million keys is below 1e-6, and a collision only adds a
//! candidate pair, which scoring then judges on the real key strings).

use std::hash::{Hash, Hasher};

use rustc_hash::FxHashMap;
use toponym_romanise::Romaniser;

use crate::keys;
use crate::observation::Observation;
use crate::tables::Tables;

/// Extra geometry and attributes, kept out of line (few records have them).
#[derive(Debug, Clone, Default)]
pub(crate) struct Extra {
    pub line: Option<Vec<[f64; 2]>>,
    pub polygon: Option<Vec<[f64; 2]>>,
    pub official_code: Option<String>,
    pub route_no: Option<String>,
    pub established_year: Option<i32>,
    pub origin: Option<String>,
    pub session: Option<crate::observation::Session>,
}

/// One prepared record.
#[derive(Debug, Clone)]
pub(crate) struct Rec {
    pub base_h: u64,
    pub spec_h: u64,
    pub pinyin_h: u64,
    pub skel_h: u64,
    /// (lon, lat), NaN when absent.
    pub p: [f64; 2],
    /// County code (first 6 digits), 0 when unknown.
    pub county: u32,
    /// Township code (first 9 digits), 0 when unknown.
    pub township: u64,
    pub template: u16,
    pub wildcard: bool,
    pub historical: bool,
    pub orientation: Option<char>,
    pub ordinal: Option<u32>,
    /// Arena offsets of the base key and specific key (bytes).
    pub base: (u32, u16),
    pub spec: (u32, u16),
    /// Alias base-key hashes: range into the alias arena.
    pub aliases: (u32, u16),
    pub tolerance_m: f32,
    /// Index into the extras, u32::MAX for none.
    pub extra: u32,
    /// Records sharing the base key in the surrounding cells (line templates only).
    pub crowd: u16,
}

impl Rec {
    pub fn has_point(&self) -> bool {
        !self.p[0].is_nan()
    }
}

/// A hash of a key string in one namespace.
pub(crate) fn key_hash(ns: u8, s: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    ns.hash(&mut h);
    s.hash(&mut h);
    h.finish()
}

/// Namespaces of key hashes: all character keys share one (so a base key meets another
/// record's specific key or alias), pinyin has its own.
pub(crate) const NS_CHARS: u8 = 1;
pub(crate) const NS_PINYIN: u8 = 2;

/// Keys and values of one observation before it enters the arenas.
pub(crate) struct Prepared {
    pub rec: Rec,
    pub id: String,
    pub base: String,
    pub spec: String,
    pub alias_h: Vec<u64>,
    pub extra: Option<Extra>,
    /// The template was unknown (the record is matched as `default` template 0 would be
    /// wrong, so it is kept out of every block and reported).
    pub unknown_template: bool,
}

fn parse_admin(code: Option<&str>) -> (u32, u64) {
    let Some(code) = code else { return (0, 0) };
    let digits: String = code.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() != code.len() || digits.len() < 6 {
        return (0, 0);
    }
    let county = digits[..6].parse().unwrap_or(0);
    let township = if digits.len() >= 9 {
        digits[..9].parse().unwrap_or(0)
    } else {
        0
    };
    (county, township)
}

/// Per-thread cache of pinyin key hashes by base-key hash.
pub(crate) type PinyinCache = FxHashMap<u64, u64>;

/// Prepares one observation.
pub(crate) fn prepare(
    t: &Tables,
    romaniser: &Romaniser,
    cache: &mut PinyinCache,
    o: &Observation,
) -> Prepared {
    let (template, unknown_template) = match t.template(&o.template) {
        Some(i) => (i, false),
        None => (0, true),
    };
    let k = keys::keys(t, template, &o.name);
    let (county, township) = parse_admin(o.admin_code.as_deref());
    let base_h = key_hash(NS_CHARS, &k.base_key);
    // The store's pinyin key (`search_key`, place-name lexicon readings), cached by base key.
    let pinyin_h = *cache.entry(base_h).or_insert_with(|| {
        let plain: String = k.base_key.chars().filter(|&c| c != '?').collect();
        let key = romaniser.search_key(&plain);
        if key.is_empty() {
            0
        } else {
            key_hash(NS_PINYIN, &key)
        }
    });
    let alias_h: Vec<u64> = o
        .aliases
        .iter()
        .filter(|a| !a.trim().is_empty())
        .map(|a| {
            let ak = keys::keys(t, template, a);
            key_hash(NS_CHARS, &ak.base_key)
        })
        .filter(|&h| h != base_h)
        .collect();
    let (lon, lat) = match o.point {
        Some([x, y]) if x.is_finite() && y.is_finite() => (x, y),
        _ => (f64::NAN, f64::NAN),
    };
    let extra = if o.line.is_some()
        || o.polygon.is_some()
        || o.official_code.is_some()
        || o.route_no.is_some()
        || o.established_year.is_some()
        || o.origin.is_some()
        || o.session.is_some()
    {
        Some(Extra {
            line: o.line.clone(),
            polygon: o.polygon.clone(),
            official_code: o.official_code.clone(),
            route_no: o.route_no.clone(),
            established_year: o.established_year,
            origin: o.origin.clone(),
            session: o.session.clone(),
        })
    } else {
        None
    };
    // A record with a line or polygon but no point is placed at its first vertex for the
    // spatial index (the overlap signals use the real geometry).
    let p = if lon.is_nan() {
        o.line
            .as_ref()
            .or(o.polygon.as_ref())
            .and_then(|g| g.first().copied())
            .unwrap_or([f64::NAN, f64::NAN])
    } else {
        [lon, lat]
    };
    let rec = Rec {
        base_h,
        spec_h: key_hash(NS_CHARS, &k.specific_key),
        pinyin_h,
        skel_h: key_hash(NS_CHARS, &k.skeleton),
        p,
        county,
        township,
        template,
        wildcard: k.wildcard,
        historical: o.historical,
        orientation: k.orientation,
        ordinal: k.ordinal,
        base: (0, 0),
        spec: (0, 0),
        aliases: (0, 0),
        tolerance_m: o
            .tolerance_m
            .unwrap_or(t.weights.distance.default_tolerance_m) as f32,
        extra: u32::MAX,
        crowd: 0,
    };
    Prepared {
        rec,
        id: o.id.clone(),
        base: k.base_key,
        spec: k.specific_key,
        alias_h,
        extra,
        unknown_template,
    }
}
