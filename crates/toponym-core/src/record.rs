//! The record envelope: one 《地名普查登记表》 filled for one place.
//!
//! Field values live in one map keyed by the field keys of
//! `categories-and-templates.md` (common fields and the template's own fields alike), so a
//! single form model serves all 75 templates. The record remembers the template id, version
//! and content hash it was made with.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::geometry::Geometry;
use crate::ids::RecordId;
use crate::workflow::WorkflowStatus;

/// Which template (样表), in which version, a record was made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateRef {
    /// Stable template id, e.g. `water.river`.
    pub id: String,
    /// Template version, e.g. `1.0.0`.
    pub version: String,
    /// `sha256:` + hex of the template's canonical content.
    pub hash: String,
}

/// One registration form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// 记录标识.
    pub record_id: RecordId,
    /// The template the record was made with.
    pub template: TemplateRef,
    /// 工作状态: where the record stands in the 专人填写、专人审核 workflow. Absent in the
    /// JSON means draft. It is not a form field: the save path and the review set it.
    #[serde(default, skip_serializing_if = "WorkflowStatus::is_draft")]
    pub workflow_status: WorkflowStatus,
    /// Field values by key (common and template-specific).
    #[serde(default)]
    pub fields: Map<String, Value>,
    /// 空间位置: the true geometry, CGCS2000 lon/lat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geometry: Option<Geometry>,
}

impl Record {
    /// A field's text value, if it is a non-empty string.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.fields
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    /// 标准名称.
    pub fn standard_name(&self) -> Option<&str> {
        self.text("standard_name")
    }

    /// 定位点 as (lon, lat) if present and numeric.
    pub fn rep_point(&self) -> Option<[f64; 2]> {
        let a = self.fields.get("rep_point")?.as_array()?;
        match a.as_slice() {
            [x, y] => Some([x.as_f64()?, y.as_f64()?]),
            _ => None,
        }
    }
}
