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

/// (key, kind, pos) rows for one record.
pub(crate) fn key_rows(record: &Record, keys: &SearchKeys) -> Vec<(String, &'static str, i64)> {
    let mut names: Vec<(&str, &'static str)> = Vec::new();
    if let Some(n) = record.standard_name() {
        names.push((n, "standard"));
    }
    if let Some(n) = record.text("short_name") {
        names.push((n, "short"));
    }
    for (field, kind) in [("aliases", "alias"), ("former_names", "former")] {
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
    let mut rows = Vec::new();
    for (name, kind) in names {
        let norm: Vec<char> = normalise_key(name).chars().collect();
        let last = if norm.len() <= MAX_SUFFIX_CHARS {
            norm.len()
        } else {
            1
        };
        for pos in 0..last {
            rows.push((norm[pos..].iter().collect(), kind, pos as i64));
        }
    }
    for k in &keys.pinyin {
        let norm = normalise_key(k);
        if !norm.is_empty() {
            rows.push((norm, "pinyin", 0));
        }
    }
    rows.sort();
    rows.dedup();
    rows
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
        let keys: Vec<_> = rows.iter().map(|r| (r.0.as_str(), r.1, r.2)).collect();
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
}
