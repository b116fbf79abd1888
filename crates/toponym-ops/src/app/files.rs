//! The app's small files outside the survey: the list of recently opened surveys (in the
//! user's config folder) and the check of a local basemap file before the map reads it.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::dto::BasemapDto;
use super::AppError;

fn recent_file() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("toponym").join("recent-surveys.json"))
}

/// Surveys opened before, most recent first (an unreadable list is an empty list).
pub fn recent_surveys() -> Vec<String> {
    recent_file()
        .and_then(|f| std::fs::read_to_string(f).ok())
        .and_then(|t| serde_json::from_str::<Vec<String>>(&t).ok())
        .unwrap_or_default()
}

/// Puts `path` first in the recent list (best effort: failing to write it is harmless).
pub fn remember_survey(path: &Path) {
    let Some(file) = recent_file() else { return };
    let p = std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_owned())
        .display()
        .to_string();
    let mut list = recent_surveys();
    list.retain(|x| x != &p);
    list.insert(0, p);
    list.truncate(10);
    if let Some(dir) = file.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(text) = serde_json::to_string_pretty(&list) {
        let _ = std::fs::write(file, text);
    }
}

/// Reads a PMTiles v3 header and describes the basemap. MBTiles files are SQLite
/// databases, which only the store may open; they are refused with a hint to convert.
pub fn probe_basemap(path: &Path, url: &str) -> Result<BasemapDto, AppError> {
    let bad = |reason: &str| AppError::BadBasemap {
        path: path.display().to_string(),
        reason: reason.to_owned(),
    };
    let mut head = [0u8; 127];
    let mut f = File::open(path).map_err(|e| bad(&e.to_string()))?;
    f.read_exact(&mut head)
        .map_err(|_| bad("file is shorter than a PMTiles header"))?;
    if head.starts_with(b"SQLite format 3") {
        return Err(bad("MBTiles is not supported yet; convert it with `pmtiles convert in.mbtiles out.pmtiles`"));
    }
    if &head[..7] != b"PMTiles" || head[7] != 3 {
        return Err(bad("not a PMTiles version 3 file"));
    }
    let kind = match head[99] {
        1 => "vector",
        2..=5 => "raster",
        _ => return Err(bad("unknown tile type in the PMTiles header")),
    };
    if kind == "vector" {
        return Err(bad(
            "vector basemaps need a style; only raster PMTiles are supported",
        ));
    }
    let e7 = |o: usize| {
        i32::from_le_bytes([head[o], head[o + 1], head[o + 2], head[o + 3]]) as f64 / 1e7
    };
    Ok(BasemapDto {
        url: url.to_owned(),
        kind: kind.to_owned(),
        min_zoom: head[100],
        max_zoom: head[101],
        bounds: Some([e7(102), e7(106), e7(110), e7(114)]),
    })
}
