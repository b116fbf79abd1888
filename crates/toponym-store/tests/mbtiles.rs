//! The MBTiles basemap reader on real files: one written here row by row (so the TMS row
//! flip is checked against tiles placed on purpose), one produced by GDAL's own MBTiles
//! driver (`gdal_translate -of MBTILES`, gdal-bin), and files that must be refused with
//! a message naming what is wrong.

use std::path::Path;
use std::process::Command;

use rusqlite::{params, Connection};
use toponym_store::mbtiles::{MbTiles, TileFormat};
use toponym_store::StoreError;

/// A one-pixel PNG of the given grey level, so every tile has distinguishable bytes.
fn png(level: u8) -> Vec<u8> {
    let img = image::GrayImage::from_pixel(1, 1, image::Luma([level]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("encoding a 1×1 PNG in memory");
    out.into_inner()
}

/// Writes an MBTiles file with the given metadata and tiles `(z, x, tms_row, data)`.
fn write(path: &Path, meta: &[(&str, &str)], tiles: &[(u8, u32, u32, Vec<u8>)]) {
    let c = Connection::open(path).expect("create mbtiles");
    c.execute_batch(
        "CREATE TABLE metadata (name TEXT, value TEXT);
         CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);",
    )
    .expect("schema");
    for (k, v) in meta {
        c.execute("INSERT INTO metadata VALUES (?1, ?2)", params![k, v])
            .expect("metadata row");
    }
    for (z, x, y, d) in tiles {
        c.execute(
            "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)",
            params![z, x, y, d],
        )
        .expect("tile row");
    }
}

fn corrupt_detail(e: StoreError) -> String {
    match e {
        StoreError::Corrupt { what, detail } => {
            assert!(what.contains("MBTiles file"), "names the file: {what}");
            detail
        }
        other => panic!("expected a Corrupt error naming the MBTiles file, got {other:?}"),
    }
}

#[test]
fn xyz_requests_read_tms_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("grid.mbtiles");
    // Zoom 1 has rows 0 (south) and 1 (north) in TMS; XYZ row 0 is the north one.
    write(
        &path,
        &[
            ("name", "泰山测试底图"),
            ("format", "png"),
            ("bounds", "116.5,35.8,117.6,36.6"),
            ("minzoom", "0"),
            ("maxzoom", "1"),
        ],
        &[
            (0, 0, 0, png(10)),
            (1, 0, 0, png(20)), // south-west
            (1, 0, 1, png(30)), // north-west
            (1, 1, 1, png(40)), // north-east
        ],
    );
    let m = MbTiles::open(&path).expect("valid mbtiles opens");
    let info = m.info();
    assert_eq!(info.name, "泰山测试底图");
    assert_eq!(info.format, TileFormat::Png);
    assert_eq!((info.min_zoom, info.max_zoom), (0, 1));
    assert_eq!(info.bounds, Some([116.5, 35.8, 117.6, 36.6]));

    assert_eq!(m.tile(0, 0, 0).expect("read"), Some(png(10)));
    assert_eq!(
        m.tile(1, 0, 0).expect("read"),
        Some(png(30)),
        "XYZ row 0 = TMS row 1 (north)"
    );
    assert_eq!(
        m.tile(1, 0, 1).expect("read"),
        Some(png(20)),
        "XYZ row 1 = TMS row 0 (south)"
    );
    assert_eq!(m.tile(1, 1, 0).expect("read"), Some(png(40)));
    assert_eq!(m.tile(1, 1, 1).expect("read"), None, "missing tile");
    assert_eq!(
        m.tile(1, 2, 0).expect("read"),
        None,
        "column outside the grid"
    );
    assert_eq!(m.tile(40, 0, 0).expect("read"), None, "zoom beyond 30");

    // The reader never writes: the file is byte-identical afterwards.
    let before = std::fs::read(&path).expect("read file");
    drop(m);
    assert_eq!(std::fs::read(&path).expect("read file"), before);
}

#[test]
fn missing_format_and_zooms_come_from_the_tiles() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("plain.mbtiles");
    write(&path, &[], &[(3, 1, 2, png(5)), (5, 9, 9, png(6))]);
    let m = MbTiles::open(&path).expect("opens");
    assert_eq!(
        m.info().format,
        TileFormat::Png,
        "sniffed from the PNG signature"
    );
    assert_eq!((m.info().min_zoom, m.info().max_zoom), (3, 5));
    assert_eq!(m.info().name, "plain", "falls back to the file name");
    assert_eq!(m.info().bounds, None);
}

#[test]
fn bad_files_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().expect("tempdir");

    let text = dir.path().join("notes.mbtiles");
    std::fs::write(
        &text,
        "this is not a database, just some text padding it out to a page".repeat(40),
    )
    .expect("write");
    let d = corrupt_detail(MbTiles::open(&text).expect_err("text file refused"));
    assert!(d.contains("not an SQLite database"), "{d}");

    let no_meta = dir.path().join("no-meta.mbtiles");
    Connection::open(&no_meta)
        .and_then(|c| {
            c.execute_batch("CREATE TABLE tiles (zoom_level, tile_column, tile_row, tile_data);")
        })
        .expect("write");
    let d = corrupt_detail(MbTiles::open(&no_meta).expect_err("no metadata refused"));
    assert!(d.contains("metadata"), "{d}");

    let empty = dir.path().join("empty.mbtiles");
    write(&empty, &[("format", "png")], &[]);
    let d = corrupt_detail(MbTiles::open(&empty).expect_err("no tiles refused"));
    assert!(d.contains("no tiles"), "{d}");

    let gif = dir.path().join("gif.mbtiles");
    write(&gif, &[("format", "gif")], &[(0, 0, 0, b"GIF89a".to_vec())]);
    let d = corrupt_detail(MbTiles::open(&gif).expect_err("gif refused"));
    assert!(d.contains("\"gif\""), "{d}");

    let vector = dir.path().join("vector.mbtiles");
    write(
        &vector,
        &[("format", "pbf")],
        &[(0, 0, 0, vec![0x1F, 0x8B, 8, 0])],
    );
    let m = MbTiles::open(&vector).expect("a vector file is a valid MBTiles file");
    assert!(
        !m.info().format.is_raster(),
        "the app refuses it, not the reader"
    );

    assert!(matches!(
        MbTiles::open(dir.path().join("absent.mbtiles")),
        Err(StoreError::NotFound { .. })
    ));
}

/// GDAL's MBTiles driver is an independent writer: its file must open and its tiles must
/// be where the XYZ address says (the raster covers only part of the world, so the tile
/// holding it is found by its address and the others are empty).
#[test]
fn a_gdal_written_mbtiles_file_serves_its_tiles() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tif = dir.path().join("area.tif");
    let out = dir.path().join("area.mbtiles");
    let run = |cmd: &str, args: &[&str]| {
        let st = Command::new(cmd)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{cmd} (apt package gdal-bin) must be installed: {e}"));
        assert!(
            st.status.success(),
            "{cmd} failed: {}",
            String::from_utf8_lossy(&st.stderr)
        );
    };
    // A 256×256 RGB raster over part of Tai'an, in lon/lat.
    run(
        "gdal_create",
        &[
            "-of",
            "GTiff",
            "-outsize",
            "256",
            "256",
            "-bands",
            "3",
            "-burn",
            "200",
            "-burn",
            "120",
            "-burn",
            "40",
            "-a_srs",
            "EPSG:4326",
            "-a_ullr",
            "117.0",
            "36.3",
            "117.2",
            "36.1",
            tif.to_str().expect("utf-8 path"),
        ],
    );
    run(
        "gdal_translate",
        &[
            "-of",
            "MBTILES",
            "-co",
            "TILE_FORMAT=PNG",
            tif.to_str().expect("utf-8"),
            out.to_str().expect("utf-8"),
        ],
    );
    let m = MbTiles::open(&out).expect("GDAL's MBTiles opens");
    let info = m.info().clone();
    assert_eq!(info.format, TileFormat::Png);
    let [w, s, e, n] = info.bounds.expect("GDAL writes bounds");
    assert!(
        (w - 117.0).abs() < 0.01 && (e - 117.2).abs() < 0.01,
        "{w} {e}"
    );
    assert!(
        (s - 36.1).abs() < 0.01 && (n - 36.3).abs() < 0.01,
        "{s} {n}"
    );

    // The XYZ tile that contains the raster's centre at the highest zoom.
    let z = info.max_zoom;
    let (lon, lat) = (117.1f64, 36.2f64);
    let scale = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * scale).floor() as u32;
    let lat_r = lat.to_radians();
    let y = ((1.0 - (lat_r.tan() + 1.0 / lat_r.cos()).ln() / std::f64::consts::PI) / 2.0 * scale)
        .floor() as u32;
    let tile = m
        .tile(z, x, y)
        .expect("read")
        .expect("the centre tile exists");
    let img = image::load_from_memory(&tile).expect("the tile is a decodable PNG");
    let px = img
        .to_rgba8()
        .get_pixel(img.width() / 2, img.height() / 2)
        .0;
    assert_eq!(&px[..3], &[200, 120, 40], "the burnt-in colour");
    // Its vertical mirror row is far away from Tai'an and has no tile.
    let mirror = (1u32 << z) - 1 - y;
    assert_eq!(m.tile(z, x, mirror).expect("read"), None);
}
