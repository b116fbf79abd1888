//! The reference tables shipped with the app, embedded from `schemas/reference/` so that
//! the desktop app and CI have them without `/work/shared` beside the repository.
//!
//! Each loader checks the embedded file against the hash in `manifest.json` before parsing,
//! so a table silently edited in the repository is caught.

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::aliases::Aliases;
use crate::boundaries::Boundaries;
use crate::divisions::DivisionTable;
use crate::editions::Edition;
use crate::error::RefError;
use crate::geojson::{parse_features, Datum, Feature};
use crate::history::CodeHistory;
use crate::provenance::Provenance;
use crate::townships::TownshipChanges;

/// `schemas/reference/manifest.json`, embedded.
pub const MANIFEST: &str = include_str!("../../../schemas/reference/manifest.json");

macro_rules! shipped {
    ($($name:ident = $file:literal;)*) => {
        /// Embedded table files by file name.
        pub fn file_text(file: &str) -> Option<&'static str> {
            match file {
                $($file => Some($name),)*
                _ => None,
            }
        }
        $(const $name: &str = include_str!(concat!("../../../schemas/reference/", $file));)*
    };
}

shipped! {
    DIVISIONS = "cn_admin_to_township_2023_pinyin_xiangyuecn.csv";
    HISTORY = "county_codes_1981_2024_yescallop.csv";
    TOWNSHIPS = "township_changes_2014_2023_mca_yescallop.csv";
    SHORT = "jionlp_admin_short_names.csv";
    RENAMINGS = "jionlp_china_location_change.txt";
    TAIAN_2016 = "taian_admin_2016_vonng_gcj02.csv";
    TAIAN_2021 = "taian_admin_2021_nbs_liyanjie.csv";
    FENCES = "taian_fences_amap_vonng_gcj02.geojson";
    RIVER = "ne_10m_yellow_river_shandong_wgs84.geojson";
}

#[derive(Deserialize)]
struct Manifest {
    tables: Vec<Provenance>,
}

/// Every table's provenance, from the manifest.
pub fn manifest() -> Result<Vec<Provenance>, RefError> {
    let m: Manifest = serde_json::from_str(MANIFEST).map_err(|e| {
        RefError::malformed(
            "schemas/reference/manifest.json",
            e.line() as u64,
            e.to_string(),
        )
    })?;
    Ok(m.tables)
}

/// The provenance and verified text of one shipped table.
pub fn table(id: &str) -> Result<(Provenance, &'static str), RefError> {
    let p = manifest()?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or_else(|| RefError::NotFound {
            what: format!("table {id}"),
            table: "schemas/reference/manifest.json".into(),
        })?;
    let text = file_text(&p.file).ok_or_else(|| RefError::NotFound {
        what: format!("file {}", p.file),
        table: "embedded reference files".into(),
    })?;
    let found = format!("sha256:{}", hex::encode(Sha256::digest(text.as_bytes())));
    if found != p.sha256 {
        return Err(RefError::HashMismatch {
            id: p.id,
            file: p.file,
            expected: p.sha256,
            found,
        });
    }
    Ok((p, text))
}

/// The 2023 national division table.
pub fn divisions() -> Result<DivisionTable, RefError> {
    let (p, t) = table("divisions_2023")?;
    DivisionTable::parse(p, t)
}

/// County-level code history 1981–2024.
pub fn code_history() -> Result<CodeHistory, RefError> {
    let (p, t) = table("county_code_history")?;
    CodeHistory::parse(p, t)
}

/// Township changes 2014–2023.
pub fn township_changes() -> Result<TownshipChanges, RefError> {
    let (p, t) = table("township_changes")?;
    TownshipChanges::parse(p, t)
}

/// Short names and renamings.
pub fn aliases() -> Result<Aliases, RefError> {
    let (ps, ts) = table("short_names")?;
    let (pr, tr) = table("county_renamings")?;
    Aliases::parse(ps, ts, pr, tr)
}

/// The 2016 Tai'an edition (centres converted to CGCS2000).
pub fn taian_2016() -> Result<Edition, RefError> {
    let (p, t) = table("taian_2016")?;
    Edition::parse_vonng(p, 2016, t)
}

/// The 2021 Tai'an edition.
pub fn taian_2021() -> Result<Edition, RefError> {
    let (p, t) = table("taian_2021")?;
    Edition::parse_nbs(p, 2021, t)
}

/// The Tai'an county outlines, converted from GCJ-02 to CGCS2000.
pub fn taian_boundaries() -> Result<Boundaries, RefError> {
    let (p, t) = table("taian_boundaries")?;
    Boundaries::parse(p, t, Datum::Gcj02)
}

/// The Yellow River centre line (Shandong window), CGCS2000.
pub fn yellow_river() -> Result<(Provenance, Feature), RefError> {
    let (p, t) = table("yellow_river")?;
    let mut f = parse_features(&p, t, Datum::Wgs84)?;
    let first = f.drain(..).next().ok_or_else(|| RefError::Truncated {
        file: p.file.clone(),
        line: 1,
        reason: "the collection has no feature".into(),
    })?;
    Ok((p, first))
}
