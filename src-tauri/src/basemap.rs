//! The `basemap://` scheme: serves a local basemap file the surveyor added, without any
//! network. A PMTiles file is served by byte ranges (`basemap://localhost/<n>.pmtiles`,
//! read by the bundled pmtiles reader; WebKitGTK passes `Range` headers to custom
//! schemes); an MBTiles file tile by tile (`basemap://localhost/<n>/{z}/{x}/{y}`) from the
//! store crate's read-only reader, which does the TMS row flip.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tauri::http::{Request, Response, StatusCode};
use toponym_desktop::dto::BasemapDto;
use toponym_desktop::{self as app, AppError, BasemapSource, MbTiles};

/// Files registered in this session, by the name used in their URL.
#[derive(Default)]
pub struct Registry {
    files: Mutex<HashMap<String, PathBuf>>,
    mbtiles: Mutex<HashMap<String, MbTiles>>,
    next: Mutex<u32>,
}

/// Largest range served in one response, so a bad request cannot read a whole file.
const MAX_RANGE: u64 = 16 * 1024 * 1024;

impl Registry {
    /// Checks the file (the header says what it holds) and registers it.
    pub fn add(&self, path: &Path) -> Result<BasemapDto, AppError> {
        let n = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            *next += 1;
            *next
        };
        let (dto, source) = app::open_basemap(path, &format!("basemap://localhost/{n}"))?;
        match source {
            BasemapSource::Pmtiles(p) => {
                lock(&self.files).insert(format!("{n}.pmtiles"), p);
            }
            BasemapSource::Mbtiles(m) => {
                lock(&self.mbtiles).insert(n.to_string(), m);
            }
        }
        Ok(dto)
    }

    /// Answers one `basemap://localhost/<name>` or `…/<name>/<z>/<x>/<y>` request.
    pub fn serve(&self, req: &Request<Vec<u8>>) -> Response<Vec<u8>> {
        let name = req.uri().path().trim_start_matches('/').to_owned();
        if let Some(r) = self.serve_tile(&name) {
            return r;
        }
        let path = self
            .files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&name)
            .cloned();
        let Some(path) = path else {
            return status(StatusCode::NOT_FOUND);
        };
        let range = req
            .headers()
            .get("range")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_range);
        match read_range(&path, range) {
            Ok((bytes, start, len)) => {
                let end = start + bytes.len() as u64;
                let mut b = Response::builder()
                    .header("content-type", "application/octet-stream")
                    .header("access-control-allow-origin", "*")
                    .header("accept-ranges", "bytes");
                if range.is_some() {
                    b = b.status(StatusCode::PARTIAL_CONTENT).header(
                        "content-range",
                        format!("bytes {start}-{}/{len}", end.saturating_sub(1)),
                    );
                }
                b.body(bytes)
                    .unwrap_or_else(|_| status(StatusCode::INTERNAL_SERVER_ERROR))
            }
            Err(_) => status(StatusCode::INTERNAL_SERVER_ERROR),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Registry {
    /// `<n>/<z>/<x>/<y>` of a registered MBTiles file; `None` when the path is not of
    /// that shape (then it may be a PMTiles name).
    fn serve_tile(&self, path: &str) -> Option<Response<Vec<u8>>> {
        let mut parts = path.split('/');
        let (name, z, x, y) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        // Tile templates may carry an extension (`…/{y}.png`); ignore it.
        let y = y.split('.').next().unwrap_or(y);
        let (Ok(z), Ok(x), Ok(y)) = (z.parse::<u8>(), x.parse::<u32>(), y.parse::<u32>()) else {
            return Some(status(StatusCode::BAD_REQUEST));
        };
        let files = lock(&self.mbtiles);
        let Some(m) = files.get(name) else {
            return Some(status(StatusCode::NOT_FOUND));
        };
        Some(match m.tile(z, x, y) {
            Ok(Some(bytes)) => Response::builder()
                .header("content-type", m.info().format.mime())
                .header("access-control-allow-origin", "*")
                .body(bytes)
                .unwrap_or_else(|_| status(StatusCode::INTERNAL_SERVER_ERROR)),
            // No tile there: an empty 204, which MapLibre draws as nothing (a 404 would
            // be logged as an error for every empty corner of the map).
            Ok(None) => {
                let mut r = status(StatusCode::NO_CONTENT);
                r.headers_mut().insert(
                    "access-control-allow-origin",
                    tauri::http::HeaderValue::from_static("*"),
                );
                r
            }
            Err(_) => status(StatusCode::INTERNAL_SERVER_ERROR),
        })
    }
}

fn status(code: StatusCode) -> Response<Vec<u8>> {
    let mut r = Response::new(Vec::new());
    *r.status_mut() = code;
    r
}

/// `bytes=a-b` or `bytes=a-` → (a, Some(b) / None).
fn parse_range(h: &str) -> Option<(u64, Option<u64>)> {
    let spec = h.strip_prefix("bytes=")?;
    let (a, b) = spec.split_once('-')?;
    let start = a.trim().parse().ok()?;
    let end = if b.trim().is_empty() {
        None
    } else {
        Some(b.trim().parse().ok()?)
    };
    Some((start, end))
}

fn read_range(
    path: &Path,
    range: Option<(u64, Option<u64>)>,
) -> std::io::Result<(Vec<u8>, u64, u64)> {
    let mut f = File::open(path)?;
    let len = f.metadata()?.len();
    let (start, end) = match range {
        Some((s, Some(e))) => (s.min(len), (e + 1).min(len)),
        Some((s, None)) => (s.min(len), len),
        None => (0, len),
    };
    let n = end.saturating_sub(start).min(MAX_RANGE);
    f.seek(SeekFrom::Start(start))?;
    let mut buf = vec![0u8; n as usize];
    f.read_exact(&mut buf)?;
    Ok((buf, start, len))
}
