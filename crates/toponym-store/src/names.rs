//! Name search keys. A surveyor types 泰山, taishan, tai shan or Tài Shān; all of them must
//! reach the same records with an indexed range scan, so both the stored keys and the
//! query go through one normaliser: lower case, no spaces, apostrophes, hyphens or tone
//! marks, ü written v. Character names are stored with every suffix, so a prefix scan
//! also finds a name by any part of it (山 finds 泰山); pinyin keys are stored whole.

use serde_json::Value;
use toponym_core::Record;

/// Pinyin search keys computed by the caller (toponym-romanise `search_key`), one per
/// name (standard name, aliases, former names). Empty is fine: characters still work.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchKeys {
    /// Toneless pinyin keys, e.g. `taishan`.
    pub pinyin: Vec<String>,
}

impl SearchKeys {
    /// Keys from any list of strings.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(keys: I) -> Self {
        Self {
            pinyin: keys.into_iter().map(Into::into).collect(),
        }
    }
}

fn strip_tone(c: char) -> char {
    match c {
        'ā' | 'á' | 'ǎ' | 'à' => 'a',
        'ē' | 'é' | 'ě' | 'è' => 'e',
        'ī' | 'í' | 'ǐ' | 'ì' => 'i',
        'ō' | 'ó' | 'ǒ' | 'ò' => 'o',
        'ū' | 'ú' | 'ǔ' | 'ù' => 'u',
        'ü' | 'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' => 'v',
        _ => c,
    }
}

/// The one normaliser for stored keys and queries.
pub fn normalise_key(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(strip_tone)
        .filter(|c| !c.is_whitespace() && !matches!(c, '\'' | '’' | '-' | '·' | '‧' | '•'))
        .collect()
}

/// Longest name whose suffixes are indexed; longer names are indexed by their start only.
const MAX_SUFFIX_CHARS: usize = 32;

/// The kinds of name a key comes from, as stored in `name_keys.kind`.
pub(crate) const KINDS: [&str; 5] = ["standard", "short", "alias", "former", "pinyin"];
const STANDARD: u8 = 0;
const SHORT: u8 = 1;
const ALIAS: u8 = 2;
const FORMER: u8 = 3;
const PINYIN: u8 = 4;

/// One search key of a record: a slice of [`KeyRows::text`], where the name came from
/// (an index into [`KINDS`]) and the character offset of the suffix (0 = the name's start).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KeyRow {
    pub start: usize,
    pub end: usize,
    pub kind: u8,
    pub pos: u32,
}

/// A record's search keys. Each normalised name is stored once in `text`; its suffix keys
/// are slices of it, so a bulk import carries one string per name, not one per key.
#[derive(Debug, Default)]
pub(crate) struct KeyRows {
    pub text: String,
    /// Sorted by (key, kind, pos), without repeats.
    pub rows: Vec<KeyRow>,
}

impl KeyRows {
    pub fn key(&self, r: &KeyRow) -> &str {
        &self.text[r.start..r.end]
    }

    /// (key, kind, pos) of every row.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &'static str, i64)> + '_ {
        self.rows
            .iter()
            .map(|r| (self.key(r), KINDS[usize::from(r.kind)], i64::from(r.pos)))
    }
}

/// The search-key rows of one record.
pub(crate) fn key_rows(record: &Record, keys: &SearchKeys) -> KeyRows {
    let mut names: Vec<(&str, u8)> = Vec::new();
    if let Some(n) = record.standard_name() {
        names.push((n, STANDARD));
    }
    if let Some(n) = record.text("short_name") {
        names.push((n, SHORT));
    }
    for (field, kind) in [("aliases", ALIAS), ("former_names", FORMER)] {
        if let Some(Value::Array(items)) = record.fields.get(field) {
            for item in items {
                let name = match item {
                    Value::String(s) => Some(s.as_str()),
                    Value::Object(o) => o.get("name").and_then(Value::as_str),
                    _ => None,
                };
                if let Some(n) = name.filter(|n| !n.is_empty()) {
                    names.push((n, kind));
                }
            }
        }
    }
    let mut out = KeyRows::default();
    for (name, kind) in names {
        let start = out.text.len();
        out.text.push_str(&normalise_key(name));
        let end = out.text.len();
        let chars = out.text[start..end].char_indices().count();
        // Every suffix of a name up to MAX_SUFFIX_CHARS characters; longer names by
        // their start only.
        let offsets: Vec<usize> = out.text[start..end]
            .char_indices()
            .map(|(i, _)| start + i)
            .take(if chars <= MAX_SUFFIX_CHARS { chars } else { 1 })
            .collect();
        for (pos, at) in offsets.into_iter().enumerate() {
            out.rows.push(KeyRow {
                start: at,
                end,
                kind,
                pos: pos as u32,
            });
        }
    }
    for k in &keys.pinyin {
        let norm = normalise_key(k);
        if !norm.is_empty() {
            let start = out.text.len();
            out.text.push_str(&norm);
            out.rows.push(KeyRow {
                start,
                end: out.text.len(),
                kind: PINYIN,
                pos: 0,
            });
        }
    }
    let KeyRows { text, rows } = &mut out;
    let order = |a: &KeyRow, b: &KeyRow| {
        text[a.start..a.end]
            .cmp(&text[b.start..b.end])
            .then(KINDS[usize::from(a.kind)].cmp(KINDS[usize::from(b.kind)]))
            .then(a.pos.cmp(&b.pos))
    };
    rows.sort_by(order);
    rows.dedup_by(|a, b| order(a, b).is_eq());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_a_surveyor_types_meet_in_one_key() {
        for t in ["taishan", "tai shan", "Tài Shān", "TAI-SHAN", "tai'shan"] {
            assert_eq!(normalise_key(t), "taishan", "{t}");
        }
        assert_eq!(normalise_key("Lǚ Liáng"), "lvliang");
        assert_eq!(normalise_key(" 泰 山 "), "泰山");
    }

    #[test]
    fn rows_cover_suffixes_aliases_former_names_and_pinyin() {
        let rec: Record = serde_json::from_value(serde_json::json!({
            "record_id": "01890000-0000-7000-8000-000000000001",
            "template": {"id": "terrain.mountain", "version": "1", "hash": "sha256:0"},
            "fields": {
                "standard_name": "泰山",
                "aliases": [{"name": "岱宗", "kind": "雅称"}],
                "former_names": [{"name": "东岳"}]
            }
        }))
        .unwrap();
        let rows = key_rows(&rec, &SearchKeys::new(["Tai Shan"]));
        let keys: Vec<_> = rows.iter().collect();
        for want in [
            ("泰山", "standard", 0),
            ("山", "standard", 1),
            ("岱宗", "alias", 0),
            ("东岳", "former", 0),
            ("taishan", "pinyin", 0),
        ] {
            assert!(keys.contains(&want), "{want:?} missing from {keys:?}");
        }
        assert_eq!(keys.len(), 7);
    }

    #[test]
    fn repeated_names_give_one_row_and_long_names_only_their_start() {
        let long: String = "山".repeat(MAX_SUFFIX_CHARS + 1);
        let rec: Record = serde_json::from_value(serde_json::json!({
            "record_id": "01890000-0000-7000-8000-000000000002",
            "template": {"id": "terrain.mountain", "version": "1", "hash": "sha256:0"},
            "fields": {
                "standard_name": "北山",
                "aliases": ["北 山", long],
            }
        }))
        .unwrap();
        let rows = key_rows(&rec, &SearchKeys::new(["beishan", "bei shan"]));
        let keys: Vec<_> = rows.iter().collect();
        assert_eq!(
            keys,
            vec![
                ("beishan", "pinyin", 0),
                ("北山", "alias", 0),
                ("北山", "standard", 0),
                ("山", "alias", 1),
                ("山", "standard", 1),
                (long.as_str(), "alias", 0),
            ]
        );
    }
}
