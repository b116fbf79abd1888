//! The quality rules this crate checks, one file per rule, named after its id in
//! `quality-rules.md`. `RULES` is the catalogue that `cargo xtask codegen` turns into
//! docs/qa-rules.md, and the source of each rule's severity.

use toponym_core::Severity;

pub(crate) mod c_10_minority_script;
pub(crate) mod c_1_starred_fields;
pub(crate) mod c_2_placeholder_narrative;
pub(crate) mod c_4_template_required;
pub(crate) mod c_5_abolished_year;
pub(crate) mod c_6_sources;
pub(crate) mod c_7_photo;
pub(crate) mod k_5_stats_code;
pub(crate) mod l_1_date_order;
pub(crate) mod l_2_numeric_range;
pub(crate) mod l_6_enum_values;
pub(crate) mod n_12_latin_letters;
pub(crate) mod n_1_stand_in_notation;
pub(crate) mod n_2_spaces_separators;
pub(crate) mod n_3_fullwidth_digits;
pub(crate) mod r_1_roman_letters;
pub(crate) mod s_1_rep_point_extent;
pub(crate) mod s_2_dms_text;
pub(crate) mod s_5_geometry_kind;
pub(crate) mod w_3_timestamps;

/// What a rule is, for reports and the generated catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    /// Id from `quality-rules.md`.
    pub id: &'static str,
    /// Severity of its findings.
    pub severity: Severity,
    /// Short Chinese title.
    pub title_zh: &'static str,
    /// Short English title.
    pub title_en: &'static str,
    /// What exactly this crate checks.
    pub checks: &'static str,
    /// Source file, relative to the crate.
    pub file: &'static str,
}

/// Every rule checked by record validation, in catalogue order.
pub static RULES: &[&RuleInfo] = &[
    &c_1_starred_fields::INFO,
    &c_2_placeholder_narrative::INFO,
    &c_4_template_required::INFO,
    &c_5_abolished_year::INFO,
    &c_6_sources::INFO,
    &c_7_photo::INFO,
    &c_10_minority_script::INFO,
    &n_1_stand_in_notation::INFO,
    &n_2_spaces_separators::INFO,
    &n_3_fullwidth_digits::INFO,
    &n_12_latin_letters::INFO,
    &r_1_roman_letters::INFO,
    &k_5_stats_code::INFO,
    &s_1_rep_point_extent::INFO,
    &s_2_dms_text::INFO,
    &s_5_geometry_kind::INFO,
    &l_1_date_order::INFO,
    &l_2_numeric_range::INFO,
    &l_6_enum_values::INFO,
    &w_3_timestamps::INFO,
];

/// The rule with this id, if validation checks it.
pub fn info(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().copied().find(|r| r.id == id)
}
