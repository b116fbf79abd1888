//! Photos and audio kept by content hash (SHA-256) inside the encrypted database, so no
//! plaintext copy ever lands on disk. For photos we also keep a small JPEG thumbnail and
//! what the camera's EXIF says about where and when it was shot (QA rule W-6 compares
//! those with the record's point and registration time).
//!
//! A photo that cannot be decoded, or has no EXIF, is still stored: the missing pieces
//! are simply `None`. Nothing here panics on a person's file.

use std::io::Cursor;

use serde::Serialize;
use sha2::{Digest, Sha256};

/// Longest side of a thumbnail, in pixels.
pub const THUMBNAIL_MAX_PX: u32 = 256;

/// What the store knows about one media file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MediaInfo {
    /// Hex SHA-256 of the bytes: the file's identity.
    pub sha256: String,
    /// The name it was added under.
    pub file_name: String,
    /// MIME type guessed from the content (images) or the extension (audio).
    pub mime: String,
    /// Size in bytes.
    pub size: u64,
    /// JPEG thumbnail (longest side 256 px) for decodable images.
    #[serde(skip)]
    pub thumbnail: Option<Vec<u8>>,
    /// Where the camera says it was: (lon, lat), WGS 84 ≈ CGCS2000.
    pub exif_point: Option<[f64; 2]>,
    /// When the camera says it was shot, camera local time (`YYYY-MM-DDTHH:MM:SS`),
    /// with `+HH:MM` appended when the camera recorded its offset.
    pub exif_time: Option<String>,
}

/// A stored media file with its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Media {
    /// Its description.
    pub info: MediaInfo,
    /// The file's content.
    pub bytes: Vec<u8>,
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn mime_for(bytes: &[u8], file_name: &str) -> String {
    if let Ok(fmt) = image::guess_format(bytes) {
        return fmt.to_mime_type().to_owned();
    }
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "mp3" => "audio/mpeg",
        "m4a" | "aac" => "audio/mp4",
        "wav" => "audio/wav",
        "amr" => "audio/amr",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
    .to_owned()
}

fn thumbnail(bytes: &[u8]) -> Option<Vec<u8>> {
    let img = image::load_from_memory(bytes).ok()?;
    let thumb = img.thumbnail(THUMBNAIL_MAX_PX, THUMBNAIL_MAX_PX).to_rgb8();
    let mut out = Cursor::new(Vec::new());
    thumb.write_to(&mut out, image::ImageFormat::Jpeg).ok()?;
    Some(out.into_inner())
}

fn dms_to_degrees(field: Option<&exif::Field>) -> Option<f64> {
    match &field?.value {
        exif::Value::Rational(v) if v.len() == 3 && v.iter().all(|r| r.denom != 0) => {
            Some(v[0].to_f64() + v[1].to_f64() / 60.0 + v[2].to_f64() / 3600.0)
        }
        _ => None,
    }
}

fn reference(field: Option<&exif::Field>) -> Option<u8> {
    match &field?.value {
        exif::Value::Ascii(v) => v.first()?.first().copied(),
        _ => None,
    }
}

/// (point, time) from the EXIF block, if any.
fn exif_facts(bytes: &[u8]) -> (Option<[f64; 2]>, Option<String>) {
    let Ok(ex) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) else {
        return (None, None);
    };
    let get = |tag| ex.get_field(tag, exif::In::PRIMARY);
    let point = (|| {
        let mut lat = dms_to_degrees(get(exif::Tag::GPSLatitude))?;
        let mut lon = dms_to_degrees(get(exif::Tag::GPSLongitude))?;
        if reference(get(exif::Tag::GPSLatitudeRef)) == Some(b'S') {
            lat = -lat;
        }
        if reference(get(exif::Tag::GPSLongitudeRef)) == Some(b'W') {
            lon = -lon;
        }
        ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some([lon, lat])
    })();
    let time = (|| {
        let f = get(exif::Tag::DateTimeOriginal).or_else(|| get(exif::Tag::DateTime))?;
        let exif::Value::Ascii(v) = &f.value else {
            return None;
        };
        let mut dt = exif::DateTime::from_ascii(v.first()?).ok()?;
        if let Some(exif::Value::Ascii(o)) = get(exif::Tag::OffsetTimeOriginal).map(|f| &f.value) {
            if let Some(first) = o.first() {
                let _ = dt.parse_offset(first);
            }
        }
        let valid = (1..=12).contains(&dt.month)
            && (1..=31).contains(&dt.day)
            && dt.hour < 24
            && dt.minute < 60
            && dt.second < 61;
        if !valid {
            return None;
        }
        let mut s = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second
        );
        if let Some(off) = dt.offset {
            let sign = if off < 0 { '-' } else { '+' };
            s.push_str(&format!(
                "{sign}{:02}:{:02}",
                off.abs() / 60,
                off.abs() % 60
            ));
        }
        Some(s)
    })();
    (point, time)
}

/// Everything derived from one file's bytes.
pub(crate) fn describe(bytes: &[u8], file_name: &str) -> MediaInfo {
    let (exif_point, exif_time) = exif_facts(bytes);
    MediaInfo {
        sha256: sha256_hex(bytes),
        file_name: file_name.to_owned(),
        mime: mime_for(bytes, file_name),
        size: bytes.len() as u64,
        thumbnail: thumbnail(bytes),
        exif_point,
        exif_time,
    }
}
