//! C-7 (WARNING): templates marked "photo R" have at least one photo.
//!
//! The template's `photo_required` condition (always, or e.g. only for 古井) decides;
//! a media entry counts as a photo when its file name has an image extension.

use serde_json::Value;
use toponym_core::Severity;

use super::RuleInfo;
use crate::validate::{msg, Ctx, P};

pub(crate) static INFO: RuleInfo = RuleInfo {
    id: "C-7",
    severity: Severity::Warning,
    title_zh: "须有现场照片",
    title_en: "Photo present where the template expects one",
    checks: "When the template's photo_required condition holds, media has an entry whose file_name ends in .jpg/.jpeg/.png/.heic/.webp.",
    file: "src/rules/c_7_photo.rs",
};

fn is_photo(item: &Value) -> bool {
    let name = item
        .get("file_name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .as_bytes();
    [".jpg", ".jpeg", ".png", ".heic", ".webp"].iter().any(|e| {
        name.len() >= e.len() && name[name.len() - e.len()..].eq_ignore_ascii_case(e.as_bytes())
    })
}

pub(crate) fn check(cx: &mut Ctx<'_>) {
    let Some(cond) = cx.template.photo_required.as_ref() else {
        return;
    };
    if !cx.condition(cond) {
        return;
    }
    let has = cx
        .fields
        .get("media")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(is_photo));
    if !has {
        cx.emit(
            "C-7",
            &P::Field("media"),
            msg(
                "media.photo_missing",
                format!("样表“{}”要求至少一张现场照片", cx.template.name_zh),
                format!(
                    "template `{}` expects at least one on-site photo",
                    cx.template.id
                ),
            ),
        );
    }
}
