//! Media by content hash: a real JPEG made by the image crate, with an EXIF block written
//! by kamadak-exif, goes in; the store returns its SHA-256, a decodable thumbnail no
//! larger than 256 px, and the GPS point and shot time from EXIF (for QA rule W-6).
//! Files that are not images, or images without EXIF, are kept with those pieces absent.

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Cursor;

use common::*;
use exif::{experimental::Writer, Field, In, Rational, Tag, Value};
use sha2::{Digest, Sha256};

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

fn r(num: u32, denom: u32) -> Rational {
    Rational { num, denom }
}

/// Splices an APP1 "Exif" segment right after the JPEG's SOI marker.
fn with_exif(jpeg: &[u8], fields: &[Field]) -> Vec<u8> {
    let mut w = Writer::new();
    for f in fields {
        w.push_field(f);
    }
    let mut tiff = Cursor::new(Vec::new());
    w.write(&mut tiff, false).unwrap();
    let tiff = tiff.into_inner();
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn ascii(tag: Tag, s: &str) -> Field {
    Field {
        tag,
        ifd_num: In::PRIMARY,
        value: Value::Ascii(vec![s.as_bytes().to_vec()]),
    }
}

#[test]
fn a_geotagged_photo_yields_hash_thumbnail_point_and_time() {
    let (_survey, mut store) = new_survey();
    let photo = with_exif(
        &jpeg(800, 600),
        &[
            ascii(Tag::GPSLatitudeRef, "N"),
            Field {
                tag: Tag::GPSLatitude,
                ifd_num: In::PRIMARY,
                value: Value::Rational(vec![r(36, 1), r(15, 1), r(3600, 100)]),
            },
            ascii(Tag::GPSLongitudeRef, "E"),
            Field {
                tag: Tag::GPSLongitude,
                ifd_num: In::PRIMARY,
                value: Value::Rational(vec![r(117, 1), r(6, 1), r(0, 1)]),
            },
            ascii(Tag::DateTimeOriginal, "2024:05:01 10:20:30"),
            ascii(Tag::OffsetTimeOriginal, "+08:00"),
        ],
    );
    let info = store.add_media(&photo, "泰山1.jpg").unwrap();
    assert_eq!(info.sha256, hex::encode(Sha256::digest(&photo)));
    assert_eq!(info.mime, "image/jpeg");
    assert_eq!(info.size, photo.len() as u64);
    let [lon, lat] = info.exif_point.unwrap();
    assert!(
        (lon - 117.1).abs() < 1e-9 && (lat - (36.25 + 36.0 / 3600.0)).abs() < 1e-9,
        "{lon} {lat}"
    );
    assert_eq!(info.exif_time.as_deref(), Some("2024-05-01T10:20:30+08:00"));
    let thumb = image::load_from_memory(info.thumbnail.as_deref().unwrap()).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (256, 192));

    // Adding the same bytes again is a no-op that returns the same description.
    assert_eq!(store.add_media(&photo, "copy.jpg").unwrap(), info);
    let back = store.media(&info.sha256).unwrap().unwrap();
    assert_eq!(back.bytes, photo);
    assert_eq!(back.info, info);
    assert!(store.media(&"0".repeat(64)).unwrap().is_none());
}

#[test]
fn southern_and_western_references_flip_the_sign() {
    let (_survey, mut store) = new_survey();
    let photo = with_exif(
        &jpeg(64, 64),
        &[
            ascii(Tag::GPSLatitudeRef, "S"),
            Field {
                tag: Tag::GPSLatitude,
                ifd_num: In::PRIMARY,
                value: Value::Rational(vec![r(10, 1), r(30, 1), r(0, 1)]),
            },
            ascii(Tag::GPSLongitudeRef, "W"),
            Field {
                tag: Tag::GPSLongitude,
                ifd_num: In::PRIMARY,
                value: Value::Rational(vec![r(20, 1), r(0, 1), r(0, 1)]),
            },
        ],
    );
    let info = store.add_media(&photo, "x.jpg").unwrap();
    assert_eq!(info.exif_point, Some([-20.0, -10.5]));
    assert_eq!(info.exif_time, None);
}

#[test]
fn photos_without_exif_and_audio_are_kept_without_those_facts() {
    let (_survey, mut store) = new_survey();
    let plain = jpeg(100, 50);
    let info = store.add_media(&plain, "plain.jpg").unwrap();
    assert_eq!((info.exif_point, info.exif_time.clone()), (None, None));
    assert!(info.thumbnail.is_some());

    let audio = b"ID3\x04\x00\x00\x00\x00\x00\x00 not really audio".to_vec();
    let a = store.add_media(&audio, "泰山1.mp3").unwrap();
    assert_eq!(a.mime, "audio/mpeg");
    assert_eq!(a.thumbnail, None);

    // A JPEG cut off after its header is stored, not a crash; it just has no thumbnail.
    let broken = &plain[..20];
    let b = store.add_media(broken, "broken.jpg").unwrap();
    assert_eq!(b.thumbnail, None);
    assert_eq!(store.media(&b.sha256).unwrap().unwrap().bytes, broken);
}
