//! C-5 (ERROR): a historical name (使用时间 = 历史地名) has its 废止年份.
//!
//! Data-driven: `abolished_year` in common.json carries
//! `required_if: {op: eq, field: usage, value: 历史地名}` and `rule: C-5`, and the presence
//! pass raises this rule when the condition holds and the year is missing.

use toponym_core::Severity;

use super::RuleInfo;

pub(crate) static INFO: RuleInfo = RuleInfo {
    id: "C-5",
    severity: Severity::Error,
    title_zh: "历史地名须填废止年份",
    title_en: "Historical names have a year abolished",
    checks: "usage = 历史地名 requires abolished_year.",
    file: "src/rules/c_5_abolished_year.rs",
};
