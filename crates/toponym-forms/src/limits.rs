//! The length limits of text and list fields, from `schemas/limits.json` (data, with its
//! source): a name, a narrative and any other text each have a most number of characters,
//! a list a most number of items, and a record a most number of findings reported (the
//! rest are counted in one summary finding). They bound what one record can cost to
//! validate and store, whatever a file holds.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::{FieldCheck, FieldDef};

/// The parsed limits file.
#[derive(Debug, Clone, Deserialize)]
pub struct Limits {
    /// File format version (1).
    pub format_version: u32,
    /// `limits`.
    pub id: String,
    /// Data version.
    pub version: String,
    /// Most characters by check class.
    pub text_max_chars: TextLimits,
    /// Most items of a list field.
    pub list_max_items: usize,
    /// Most findings reported for one record.
    pub findings_per_record_max: usize,
}

/// Most characters of a text value, by what the field holds.
#[derive(Debug, Clone, Deserialize)]
pub struct TextLimits {
    /// Names (fields with the `name` check).
    pub name: usize,
    /// Narratives (fields with the `narrative` check).
    pub narrative: usize,
    /// Any other text.
    pub other: usize,
}

const EMBEDDED: &str = include_str!("../../../schemas/limits.json");

/// The shipped limits. The embedded file is checked by this crate's tests; should it ever
/// fail to parse, the tightest sensible values apply rather than none.
pub fn builtin() -> &'static Limits {
    static CELL: OnceLock<Limits> = OnceLock::new();
    CELL.get_or_init(|| {
        serde_json::from_str(EMBEDDED).unwrap_or(Limits {
            format_version: 1,
            id: "limits".into(),
            version: "fallback".into(),
            text_max_chars: TextLimits {
                name: 100,
                narrative: 20_000,
                other: 2_000,
            },
            list_max_items: 200,
            findings_per_record_max: 500,
        })
    })
}

/// Most characters of a text field's value.
pub fn text_max_chars(def: &FieldDef) -> usize {
    if let Some(n) = def.max_chars {
        return n as usize;
    }
    let t = &builtin().text_max_chars;
    if def.checks.contains(&FieldCheck::Narrative) {
        t.narrative
    } else if def.checks.contains(&FieldCheck::Name) {
        t.name
    } else {
        t.other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_limits_file_parses_and_orders_its_limits() {
        let l: Limits = serde_json::from_str(EMBEDDED).expect("schemas/limits.json parses");
        assert_eq!(l.id, "limits");
        assert!(l.text_max_chars.name < l.text_max_chars.other);
        assert!(l.text_max_chars.other < l.text_max_chars.narrative);
        assert!(l.list_max_items > 0 && l.findings_per_record_max > 0);
    }
}
