//! C-1 (BLOCKER): the starred common fields of the census form are present.
//!
//! The fields that carry `"rule": "C-1"` in `schemas/templates/common.json` (标准名称,
//! 所在(跨)行政区, 定位点, 使用时间, 测量方法, 来历/含义, 历史沿革, 概况, 登记人, 登记单位,
//! 登记时间) are checked by the presence pass in `validate.rs`; this file holds the rule's
//! catalogue entry so the rule, its severity and its data stay in one place.

use toponym_core::Severity;

use super::RuleInfo;

pub(crate) static INFO: RuleInfo = RuleInfo {
    id: "C-1",
    severity: Severity::Blocker,
    title_zh: "必填公共字段齐全",
    title_en: "Starred common fields present",
    checks: "Fields marked `rule: C-1` in common.json are filled (not null, blank or empty).",
    file: "src/rules/c_1_starred_fields.rs",
};
