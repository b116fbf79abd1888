//! Rule parameters (`schemas/qa/params/<id>.json`, each with its source) and the county's
//! profile (`schemas/qa/profiles/*.json`): which rules are off and which parameters
//! differ. The report names the profile that ran.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The shipped default profile.
pub const DEFAULT_PROFILE_JSON: &str = include_str!("../../../schemas/qa/profiles/default.json");
/// The most bytes a profile file may have.
pub const MAX_PROFILE_BYTES: u64 = 1 << 20;

/// A county's choice of rules and thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Format of this file (1).
    pub format_version: u32,
    /// Its id (`default`, `shandong-taian`).
    pub id: String,
    /// Its version.
    pub version: String,
    /// What it is for, who set it.
    #[serde(default)]
    pub description: String,
    /// Rule ids switched off.
    #[serde(default)]
    pub disabled: Vec<String>,
    /// Parameters that differ from params.json, by rule id.
    #[serde(default)]
    pub params: BTreeMap<String, Map<String, Value>>,
}

impl Profile {
    /// The shipped default.
    pub fn default_profile() -> Profile {
        serde_json::from_str(DEFAULT_PROFILE_JSON).expect("the shipped default profile parses")
    }

    /// Parses a profile file's text.
    pub fn parse(text: &str) -> Result<Profile, String> {
        let p: Profile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if p.format_version != 1 {
            return Err(format!(
                "format_version {} is not supported (1)",
                p.format_version
            ));
        }
        Ok(p)
    }
}

/// Version of the parameter files under `schemas/qa/params/` (raised when any changes).
pub const PARAMS_VERSION: &str = "1";

/// Which profile ran, for the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileInfo {
    /// Profile id.
    pub id: String,
    /// Profile version.
    pub version: String,
    /// Version of the parameter file.
    pub params_version: String,
    /// Rules it switched off.
    pub disabled: Vec<String>,
    /// Rules whose parameters it changed.
    pub changed: Vec<String>,
}
