//! The `basemap://` scheme: serves byte ranges of a local PMTiles file the surveyor added,
//! so the bundled pmtiles reader in the map fetches tiles without any network. WebKitGTK
//! passes `Range` headers to custom schemes, which is all PMTiles needs.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tauri::http::{Request, Response, StatusCode};
use toponym_ops::app::dto::BasemapDto;
use toponym_ops::app::{self, AppError};

/// Files registered in this session, by the name used in their URL.
#[derive(Default)]
pub struct Registry {
    files: Mutex<HashMap<String, PathBuf>>,
}

/// Largest range served in one response, so a bad request cannot read a whole file.
const MAX_RANGE: u64 = 16 * 1024 * 1024;

impl Registry {
    /// Checks the file (the header says what it holds) and registers it.
    pub fn add(&self, path: &Path) -> Result<BasemapDto, AppError> {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        let name = format!("{}.pmtiles", files.len());
        let url = format!("pmtiles://basemap://localhost/{name}");
        let dto = app::probe_basemap(path, &url)?;
        files.insert(name, path.to_owned());
        Ok(dto)
    }

    /// Answers one `basemap://localhost/<name>` request.
    pub fn serve(&self, req: &Request<Vec<u8>>) -> Response<Vec<u8>> {
        let name = req.uri().path().trim_start_matches('/').to_owned();
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
