//! Read-only access to a local MBTiles basemap (a plain, unencrypted SQLite file of map
//! tiles) so the desktop app can show it under the survey's layers without any network.
//!
//! MBTiles is SQLite, and only this crate touches SQLite, so the reader lives here even
//! though it has nothing to do with the survey store: it opens the file read-only, never
//! sets a key (basemaps are public data), checks the `metadata` and `tiles` tables, and
//! answers XYZ tile requests by flipping the row number, since MBTiles stores rows in the
//! TMS scheme (row 0 at the south edge).
//!
//! The tile format comes from `metadata.format`; when a file lacks it (some older
//! writers), the first tile's magic bytes decide. Problems with the file are reported as
//! [`StoreError::Corrupt`] naming the file and what is wrong, never as a panic.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::{Result, StoreError};

/// The encoding of the tiles in an MBTiles file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TileFormat {
    /// PNG raster tiles.
    Png,
    /// JPEG raster tiles.
    Jpeg,
    /// WebP raster tiles.
    Webp,
    /// Mapbox vector tiles (protobuf), which need a style to be drawn.
    Pbf,
}

impl TileFormat {
    /// The MIME type a tile of this format is served with.
    pub fn mime(self) -> &'static str {
        match self {
            TileFormat::Png => "image/png",
            TileFormat::Jpeg => "image/jpeg",
            TileFormat::Webp => "image/webp",
            TileFormat::Pbf => "application/x-protobuf",
        }
    }

    /// Whether the tiles are images (drawable without a style).
    pub fn is_raster(self) -> bool {
        !matches!(self, TileFormat::Pbf)
    }

    /// The `metadata.format` spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TileFormat::Png => "png",
            TileFormat::Jpeg => "jpg",
            TileFormat::Webp => "webp",
            TileFormat::Pbf => "pbf",
        }
    }

    fn from_metadata(s: &str) -> Option<TileFormat> {
        match s.trim().to_ascii_lowercase().as_str() {
            "png" => Some(TileFormat::Png),
            "jpg" | "jpeg" => Some(TileFormat::Jpeg),
            "webp" => Some(TileFormat::Webp),
            "pbf" | "mvt" => Some(TileFormat::Pbf),
            _ => None,
        }
    }

    /// Recognises a tile by its first bytes (gzip-compressed tiles are vector tiles).
    fn sniff(b: &[u8]) -> Option<TileFormat> {
        if b.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(TileFormat::Png)
        } else if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(TileFormat::Jpeg)
        } else if b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
            Some(TileFormat::Webp)
        } else if b.starts_with(&[0x1F, 0x8B]) {
            Some(TileFormat::Pbf)
        } else {
            None
        }
    }
}

/// What an MBTiles file declares about itself, checked on open.
#[derive(Debug, Clone, PartialEq)]
pub struct MbTilesInfo {
    /// `metadata.name`, or the file name when the file has none.
    pub name: String,
    /// The tiles' encoding.
    pub format: TileFormat,
    /// Lowest zoom level with tiles.
    pub min_zoom: u8,
    /// Highest zoom level with tiles.
    pub max_zoom: u8,
    /// `metadata.bounds` as west, south, east, north in degrees, when present and sane.
    pub bounds: Option<[f64; 4]>,
}

/// An open MBTiles file. The connection is read-only; one instance serves one file.
#[derive(Debug)]
pub struct MbTiles {
    conn: Connection,
    path: PathBuf,
    info: MbTilesInfo,
}

fn bad(path: &Path, detail: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        what: format!("MBTiles file {}", path.display()),
        detail: detail.into(),
    }
}

impl MbTiles {
    /// Opens `path` read-only and checks that it is a usable MBTiles file: an SQLite
    /// database with a `metadata (name, value)` table, a `tiles` table or view with the
    /// four standard columns, at least one tile, and a known tile format.
    pub fn open(path: impl AsRef<Path>) -> Result<MbTiles> {
        let path = path.as_ref();
        if !path.is_file() {
            return Err(StoreError::NotFound {
                path: path.to_owned(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        // Any first read fails with "not a database" when the file is not SQLite at all
        // (or is an encrypted survey); say that in words instead of an SQLite code.
        let columns = |table: &str| -> Result<Vec<String>> {
            let mut st = conn
                .prepare("SELECT name FROM pragma_table_info(?1)")
                .map_err(|e| not_sqlite(path, e))?;
            let names = st
                .query_map([table], |r| r.get::<_, String>(0))
                .map_err(|e| not_sqlite(path, e))?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(|e| not_sqlite(path, e))?;
            Ok(names)
        };
        let meta_cols = columns("metadata")?;
        if meta_cols.is_empty() {
            return Err(bad(path, "it has no `metadata` table"));
        }
        if !(meta_cols.iter().any(|c| c == "name") && meta_cols.iter().any(|c| c == "value")) {
            return Err(bad(
                path,
                "its `metadata` table lacks the name/value columns",
            ));
        }
        let tile_cols = columns("tiles")?;
        if tile_cols.is_empty() {
            return Err(bad(path, "it has no `tiles` table"));
        }
        for c in ["zoom_level", "tile_column", "tile_row", "tile_data"] {
            if !tile_cols.iter().any(|x| x == c) {
                return Err(bad(
                    path,
                    format!("its `tiles` table lacks the `{c}` column"),
                ));
            }
        }

        let meta = |key: &str| -> Result<Option<String>> {
            Ok(conn
                .query_row(
                    "SELECT CAST(value AS TEXT) FROM metadata WHERE name = ?1",
                    [key],
                    |r| r.get::<_, Option<String>>(0),
                )
                .optional()?
                .flatten())
        };

        let first_tile: Option<Vec<u8>> = conn
            .query_row("SELECT tile_data FROM tiles LIMIT 1", [], |r| r.get(0))
            .optional()?;
        let Some(first_tile) = first_tile else {
            return Err(bad(path, "it holds no tiles"));
        };
        let format = match meta("format")? {
            Some(f) => TileFormat::from_metadata(&f).ok_or_else(|| {
                bad(
                    path,
                    format!("unknown tile format {f:?} in metadata (expected png, jpg, webp or pbf)"),
                )
            })?,
            None => TileFormat::sniff(&first_tile).ok_or_else(|| {
                bad(path, "metadata has no `format` and the tiles are not PNG, JPEG, WebP or vector tiles")
            })?,
        };

        // Zoom range: the metadata's when it parses, otherwise what the tiles hold.
        let (tmin, tmax): (i64, i64) = conn.query_row(
            "SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let zoom = |key: &str, fallback: i64| -> Result<u8> {
            let z = meta(key)?
                .and_then(|s| s.trim().parse::<i64>().ok())
                .unwrap_or(fallback);
            u8::try_from(z)
                .ok()
                .filter(|z| *z <= 30)
                .ok_or_else(|| bad(path, format!("zoom level {z} ({key}) is outside 0–30")))
        };
        let min_zoom = zoom("minzoom", tmin)?;
        let max_zoom = zoom("maxzoom", tmax)?;
        if min_zoom > max_zoom {
            return Err(bad(
                path,
                format!("minzoom {min_zoom} is above maxzoom {max_zoom}"),
            ));
        }
        let bounds = meta("bounds")?.and_then(|b| parse_bounds(&b));
        let name = meta("name")?
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| {
                path.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
        Ok(MbTiles {
            conn,
            path: path.to_owned(),
            info: MbTilesInfo {
                name,
                format,
                min_zoom,
                max_zoom,
                bounds,
            },
        })
    }

    /// What the file declares (checked on open).
    pub fn info(&self) -> &MbTilesInfo {
        &self.info
    }

    /// The file this reader serves.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The tile at zoom `z`, column `x`, row `y` in the XYZ scheme web maps use (row 0 at
    /// the north edge), or `None` when the file has no such tile or the address is outside
    /// the zoom level's grid.
    pub fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>> {
        if z > 30 {
            return Ok(None);
        }
        let n = 1u64 << z;
        if u64::from(x) >= n || u64::from(y) >= n {
            return Ok(None);
        }
        // MBTiles rows follow TMS: row 0 is the southernmost.
        let tms_row = n - 1 - u64::from(y);
        let data = self
            .conn
            .prepare_cached(
                "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
            )?
            .query_row(
                rusqlite::params![i64::from(z), i64::from(x), tms_row as i64],
                |r| r.get::<_, Vec<u8>>(0),
            )
            .optional()?;
        Ok(data)
    }
}

fn not_sqlite(path: &Path, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => bad(
            path,
            "it is not an SQLite database (MBTiles files are SQLite)",
        ),
        _ => StoreError::Sqlite(e),
    }
}

/// `"w,s,e,n"` → `[w, s, e, n]`, when all four parse and form a box on the globe.
fn parse_bounds(s: &str) -> Option<[f64; 4]> {
    let v: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<std::result::Result<_, _>>()
        .ok()?;
    let [w, so, e, n] = <[f64; 4]>::try_from(v).ok()?;
    let ok = (-180.0..=180.0).contains(&w)
        && (-180.0..=180.0).contains(&e)
        && (-90.0..=90.0).contains(&so)
        && (-90.0..=90.0).contains(&n)
        && w < e
        && so < n;
    ok.then_some([w, so, e, n])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_parse_only_when_sane() {
        assert_eq!(
            parse_bounds("116.5, 35.8,117.6,36.6"),
            Some([116.5, 35.8, 117.6, 36.6])
        );
        assert_eq!(parse_bounds("117,36,116,37"), None, "west east of east");
        assert_eq!(parse_bounds("117,36,118"), None, "three numbers");
        assert_eq!(parse_bounds("a,b,c,d"), None);
        assert_eq!(parse_bounds("0,-95,10,10"), None, "south beyond the pole");
    }

    #[test]
    fn tile_formats_are_sniffed_from_magic_bytes() {
        assert_eq!(
            TileFormat::sniff(b"\x89PNG\r\n\x1a\n...."),
            Some(TileFormat::Png)
        );
        assert_eq!(
            TileFormat::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(TileFormat::Jpeg)
        );
        assert_eq!(
            TileFormat::sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(TileFormat::Webp)
        );
        assert_eq!(
            TileFormat::sniff(&[0x1F, 0x8B, 8, 0]),
            Some(TileFormat::Pbf)
        );
        assert_eq!(TileFormat::sniff(b"GIF89a"), None);
    }
}
