//! The app's small files outside the survey: the list of recently opened surveys (in the
//! user's config folder) and the check of a local basemap file (PMTiles or MBTiles)
//! before the map reads it.

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

/// A checked local basemap: PMTiles are served by byte ranges from the file, MBTiles
/// tile by tile from the store crate's read-only reader.
#[derive(Debug)]
pub enum BasemapSource {
    /// A PMTiles v3 file (the map's pmtiles reader asks for byte ranges).
    Pmtiles(PathBuf),
    /// An open MBTiles file (the map asks for `z/x/y` tiles).
    Mbtiles(toponym_store::mbtiles::MbTiles),
}

/// Checks a basemap file the surveyor chose and opens it. `base` is the URL under which
/// the app serves this file (e.g. `basemap://localhost/0`): PMTiles get
/// `pmtiles://<base>.pmtiles`, MBTiles a `<base>/{z}/{x}/{y}` tile template.
pub fn open_basemap(path: &Path, base: &str) -> Result<(BasemapDto, BasemapSource), AppError> {
    let mut head = [0u8; 16];
    let n = File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| basemap_err(path, "unreadable", &e.to_string()))?;
    if head[..n].starts_with(b"SQLite format 3") {
        return open_mbtiles(path, base);
    }
    let dto = probe_basemap(path, &format!("pmtiles://{base}.pmtiles"))?;
    Ok((dto, BasemapSource::Pmtiles(path.to_owned())))
}

fn basemap_err(path: &Path, problem: &'static str, reason: &str) -> AppError {
    AppError::BadBasemap {
        path: path.display().to_string(),
        problem,
        reason: reason.to_owned(),
    }
}

fn open_mbtiles(path: &Path, base: &str) -> Result<(BasemapDto, BasemapSource), AppError> {
    let m = toponym_store::mbtiles::MbTiles::open(path).map_err(|e| {
        let problem = match &e {
            toponym_store::StoreError::NotFound { .. } => "unreadable",
            toponym_store::StoreError::Corrupt { .. } => "bad_mbtiles",
            // An SQLite error on a file that starts like SQLite: an encrypted or damaged
            // database, for the surveyor the same "not a usable MBTiles file".
            _ => "bad_mbtiles",
        };
        basemap_err(path, problem, &e.to_string())
    })?;
    let info = m.info().clone();
    if !info.format.is_raster() {
        return Err(basemap_err(
            path,
            "vector",
            "vector tiles need a style; only raster MBTiles (png, jpg, webp) are supported",
        ));
    }
    let dto = BasemapDto {
        url: format!("{base}/{{z}}/{{x}}/{{y}}"),
        kind: "raster".to_owned(),
        format: "mbtiles".to_owned(),
        name: info.name.clone(),
        min_zoom: info.min_zoom,
        max_zoom: info.max_zoom,
        bounds: info.bounds,
    };
    Ok((dto, BasemapSource::Mbtiles(m)))
}

/// Reads a PMTiles v3 header and describes the basemap (raster tiles only: vector tiles
/// would need a style and glyphs, which the offline map does not carry).
pub fn probe_basemap(path: &Path, url: &str) -> Result<BasemapDto, AppError> {
    let bad = |problem: &'static str, reason: &str| basemap_err(path, problem, reason);
    let mut head = [0u8; 127];
    let mut f = File::open(path).map_err(|e| bad("unreadable", &e.to_string()))?;
    f.read_exact(&mut head)
        .map_err(|_| bad("not_tiles", "file is shorter than a PMTiles header"))?;
    if &head[..7] != b"PMTiles" || head[7] != 3 {
        return Err(bad(
            "not_tiles",
            "neither a PMTiles version 3 file nor an MBTiles (SQLite) file",
        ));
    }
    let kind = match head[99] {
        1 => "vector",
        2..=5 => "raster",
        _ => return Err(bad("not_tiles", "unknown tile type in the PMTiles header")),
    };
    if kind == "vector" {
        return Err(bad(
            "vector",
            "vector basemaps need a style; only raster PMTiles are supported",
        ));
    }
    let e7 = |o: usize| {
        i32::from_le_bytes([head[o], head[o + 1], head[o + 2], head[o + 3]]) as f64 / 1e7
    };
    Ok(BasemapDto {
        url: url.to_owned(),
        kind: kind.to_owned(),
        format: "pmtiles".to_owned(),
        name: path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        min_zoom: head[100],
        max_zoom: head[101],
        bounds: Some([e7(102), e7(106), e7(110), e7(114)]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(e: AppError) -> &'static str {
        match e {
            AppError::BadBasemap { problem, .. } => problem,
            other => panic!("expected BadBasemap, got {other:?}"),
        }
    }

    /// An MBTiles file from GDAL's own driver (gdal-bin) is recognised by its SQLite
    /// header and described with a z/x/y template under the given base URL.
    #[test]
    fn mbtiles_get_a_tile_template_and_other_files_a_reason() {
        let dir = tempfile::tempdir().expect("tempdir");
        let tif = dir.path().join("a.tif");
        let mb = dir.path().join("a.mbtiles");
        let run = |cmd: &str, args: &[&str]| {
            let out = std::process::Command::new(cmd)
                .args(args)
                .output()
                .unwrap_or_else(|e| panic!("{cmd} (apt gdal-bin) must be installed: {e}"));
            assert!(
                out.status.success(),
                "{cmd}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let (tif_s, mb_s) = (tif.to_str().expect("utf-8"), mb.to_str().expect("utf-8"));
        run(
            "gdal_create",
            &[
                "-of",
                "GTiff",
                "-outsize",
                "64",
                "64",
                "-bands",
                "3",
                "-a_srs",
                "EPSG:4326",
                "-a_ullr",
                "117.0",
                "36.3",
                "117.2",
                "36.1",
                tif_s,
            ],
        );
        run("gdal_translate", &["-q", "-of", "MBTILES", tif_s, mb_s]);
        let (dto, src) = open_basemap(&mb, "basemap://localhost/7").expect("mbtiles opens");
        assert_eq!(dto.format, "mbtiles");
        assert_eq!(dto.url, "basemap://localhost/7/{z}/{x}/{y}");
        assert_eq!(dto.kind, "raster");
        assert!(matches!(src, BasemapSource::Mbtiles(_)));

        let text = dir.path().join("notes.pmtiles");
        std::fs::write(&text, "plain text, not tiles ".repeat(20)).expect("write");
        assert_eq!(
            problem(open_basemap(&text, "b").expect_err("text")),
            "not_tiles"
        );
        // A file that starts like SQLite but is not a database of tiles.
        let fake = dir.path().join("fake.mbtiles");
        let mut bytes = b"SQLite format 3\0".to_vec();
        bytes.extend(std::iter::repeat_n(0u8, 200));
        std::fs::write(&fake, bytes).expect("write");
        assert_eq!(
            problem(open_basemap(&fake, "b").expect_err("fake")),
            "bad_mbtiles"
        );
        assert_eq!(
            problem(open_basemap(&dir.path().join("absent.mbtiles"), "b").expect_err("absent")),
            "unreadable"
        );
    }
}
