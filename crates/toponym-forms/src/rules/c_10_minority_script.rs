//! C-10 (ERROR): a name whose 语种 is not 汉语 has its 少数民族语书写.
//!
//! Data-driven: `minority_name` carries `required_if: {op: ne, field: language, value: 汉语}`
//! (an empty language means Chinese) and `rule: C-10`.

use toponym_core::Severity;

use super::RuleInfo;

pub(crate) static INFO: RuleInfo = RuleInfo {
    id: "C-10",
    severity: Severity::Error,
    title_zh: "非汉语地名须填民族文字",
    title_en: "Non-Chinese names have their minority script",
    checks: "language filled and ≠ 汉语 requires minority_name.",
    file: "src/rules/c_10_minority_script.rs",
};
