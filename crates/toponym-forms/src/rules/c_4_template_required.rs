//! C-4 (ERROR): fields marked R in the template (and other required common fields without
//! a more specific rule) are present.
//!
//! Checked by the presence pass in `validate.rs` from each field's `required` flag and
//! `required_if` condition; also raised for a missing `geometry` and for missing required
//! sub-fields of list items (an alias without a name).

use toponym_core::Severity;

use super::RuleInfo;

pub(crate) static INFO: RuleInfo = RuleInfo {
    id: "C-4",
    severity: Severity::Error,
    title_zh: "样表必填字段齐全",
    title_en: "Template-required fields present",
    checks: "Every field with `required: true` (or a `required_if` that holds) is filled; geometry is given; required sub-fields of list items are filled.",
    file: "src/rules/c_4_template_required.rs",
};
