//! The workflow status of a record (专人填写、专人审核): a typed field of the envelope.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A record's place in the 专人填写、专人审核 workflow (the envelope's `workflow_status`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WorkflowStatus {
    /// Being filled in.
    #[default]
    Draft,
    /// The registrar says it is complete.
    Complete,
    /// The reviewer accepted it.
    Reviewed,
    /// The reviewer sent it back.
    Returned,
}

impl WorkflowStatus {
    /// Whether this is [`WorkflowStatus::Draft`] (the default, left out when serialised).
    pub fn is_draft(&self) -> bool {
        matches!(self, Self::Draft)
    }

    /// Whether the registrar claims the form is finished (complete, or reviewed since):
    /// such a record may have no ERROR or BLOCKER finding open.
    pub fn claims_complete(self) -> bool {
        matches!(self, Self::Complete | Self::Reviewed)
    }

    /// 中文 label.
    pub fn as_zh(self) -> &'static str {
        match self {
            Self::Draft => "草稿",
            Self::Complete => "已完成",
            Self::Reviewed => "已审核",
            Self::Returned => "已退回",
        }
    }

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Complete => "complete",
            Self::Reviewed => "reviewed",
            Self::Returned => "returned",
        }
    }
}

impl fmt::Display for WorkflowStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for WorkflowStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "draft" => Ok(Self::Draft),
            "complete" => Ok(Self::Complete),
            "reviewed" => Ok(Self::Reviewed),
            "returned" => Ok(Self::Returned),
            _ => Err(format!(
                "unknown workflow status {s:?} (draft, complete, reviewed, returned)"
            )),
        }
    }
}
