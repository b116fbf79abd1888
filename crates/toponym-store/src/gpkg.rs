//! GeoPackage binary geometry (OGC 12-128r18 §2.1.3): a small header ("GP", version,
//! flags, srs_id, envelope) followed by ISO WKB. The store keeps record geometry in this
//! form so that an export copies it unchanged and GDAL reads it directly.
//!
//! Only the 2D types Toponym records use are written: Point, LineString, Polygon,
//! MultiLineString, MultiPolygon. The reader accepts either byte order and every envelope
//! kind, and fails with a message (never a panic) on anything else.

use toponym_core::{Geometry, LonLat};

/// CGCS2000 geographic 2D.
pub const SRS_CGCS2000: i32 = 4490;

const WKB_POINT: u32 = 1;
const WKB_LINESTRING: u32 = 2;
const WKB_POLYGON: u32 = 3;
const WKB_MULTILINESTRING: u32 = 5;
const WKB_MULTIPOLYGON: u32 = 6;

/// Encodes a geometry as GeoPackage binary, little-endian, with an [minx, maxx, miny,
/// maxy] envelope. Returns `None` for a geometry without positions.
pub fn encode(g: &Geometry, srs_id: i32) -> Option<Vec<u8>> {
    let [w, s, e, n] = g.bbox()?;
    let mut out = Vec::with_capacity(64 + 16 * g.positions().count());
    out.extend_from_slice(b"GP");
    out.push(0); // version 1.0 of the binary format
    out.push(0b0000_0011); // little-endian, envelope kind 1 (xy), not empty, standard
    out.extend_from_slice(&srs_id.to_le_bytes());
    for v in [w, e, s, n] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    write_wkb(&mut out, g);
    Some(out)
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_points(out: &mut Vec<u8>, pts: &[LonLat]) {
    put_u32(out, pts.len() as u32);
    for p in pts {
        out.extend_from_slice(&p[0].to_le_bytes());
        out.extend_from_slice(&p[1].to_le_bytes());
    }
}

fn put_polygon(out: &mut Vec<u8>, rings: &[Vec<LonLat>]) {
    out.push(1);
    put_u32(out, WKB_POLYGON);
    put_u32(out, rings.len() as u32);
    for r in rings {
        put_points(out, r);
    }
}

fn put_linestring(out: &mut Vec<u8>, pts: &[LonLat]) {
    out.push(1);
    put_u32(out, WKB_LINESTRING);
    put_points(out, pts);
}

/// Appends little-endian ISO WKB of `g`.
pub fn write_wkb(out: &mut Vec<u8>, g: &Geometry) {
    match g {
        Geometry::Point(p) => {
            out.push(1);
            put_u32(out, WKB_POINT);
            out.extend_from_slice(&p[0].to_le_bytes());
            out.extend_from_slice(&p[1].to_le_bytes());
        }
        Geometry::LineString(l) => put_linestring(out, l),
        Geometry::Polygon(r) => put_polygon(out, r),
        Geometry::MultiLineString(ls) => {
            out.push(1);
            put_u32(out, WKB_MULTILINESTRING);
            put_u32(out, ls.len() as u32);
            for l in ls {
                put_linestring(out, l);
            }
        }
        Geometry::MultiPolygon(ps) => {
            out.push(1);
            put_u32(out, WKB_MULTIPOLYGON);
            put_u32(out, ps.len() as u32);
            for p in ps {
                put_polygon(out, p);
            }
        }
    }
}

/// Why a blob is not a geometry this store can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| {
                DecodeError(format!("truncated at byte {} (need {n} more)", self.pos))
            })?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self, le: bool) -> Result<u32, DecodeError> {
        let b: [u8; 4] = self
            .take(4)?
            .try_into()
            .map_err(|_| DecodeError("u32".into()))?;
        Ok(if le {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }
    fn f64(&mut self, le: bool) -> Result<f64, DecodeError> {
        let b: [u8; 8] = self
            .take(8)?
            .try_into()
            .map_err(|_| DecodeError("f64".into()))?;
        Ok(if le {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }
    fn count(&mut self, le: bool, min_item_bytes: usize) -> Result<usize, DecodeError> {
        let n = self.u32(le)? as usize;
        // A count larger than the remaining bytes could hold is corrupt; refusing it
        // early keeps a hostile blob from making us allocate gigabytes.
        if n.saturating_mul(min_item_bytes) > self.buf.len() - self.pos {
            return Err(DecodeError(format!(
                "count {n} at byte {} exceeds the blob",
                self.pos
            )));
        }
        Ok(n)
    }
    fn points(&mut self, le: bool) -> Result<Vec<LonLat>, DecodeError> {
        let n = self.count(le, 16)?;
        (0..n).map(|_| Ok([self.f64(le)?, self.f64(le)?])).collect()
    }
    fn rings(&mut self, le: bool) -> Result<Vec<Vec<LonLat>>, DecodeError> {
        let n = self.count(le, 4)?;
        (0..n).map(|_| self.points(le)).collect()
    }
    /// One WKB geometry header: byte order then type.
    fn header(&mut self) -> Result<(bool, u32), DecodeError> {
        let le = match self.u8()? {
            0 => false,
            1 => true,
            b => return Err(DecodeError(format!("bad WKB byte order {b}"))),
        };
        Ok((le, self.u32(le)?))
    }
    fn expect(&mut self, want: u32) -> Result<bool, DecodeError> {
        let (le, t) = self.header()?;
        if t != want {
            return Err(DecodeError(format!("expected WKB type {want}, found {t}")));
        }
        Ok(le)
    }
}

/// Reads ISO WKB.
pub fn read_wkb(buf: &[u8]) -> Result<Geometry, DecodeError> {
    let mut r = Reader { buf, pos: 0 };
    let (le, t) = r.header()?;
    let g = match t {
        WKB_POINT => Geometry::Point([r.f64(le)?, r.f64(le)?]),
        WKB_LINESTRING => Geometry::LineString(r.points(le)?),
        WKB_POLYGON => Geometry::Polygon(r.rings(le)?),
        WKB_MULTILINESTRING => {
            let n = r.count(le, 9)?;
            let mut v = Vec::with_capacity(n);
            for _ in 0..n {
                let le = r.expect(WKB_LINESTRING)?;
                v.push(r.points(le)?);
            }
            Geometry::MultiLineString(v)
        }
        WKB_MULTIPOLYGON => {
            let n = r.count(le, 9)?;
            let mut v = Vec::with_capacity(n);
            for _ in 0..n {
                let le = r.expect(WKB_POLYGON)?;
                v.push(r.rings(le)?);
            }
            Geometry::MultiPolygon(v)
        }
        other => {
            return Err(DecodeError(format!(
                "unsupported WKB geometry type {other}"
            )))
        }
    };
    Ok(g)
}

/// Reads GeoPackage binary; returns the srs_id and the geometry.
pub fn decode(buf: &[u8]) -> Result<(i32, Geometry), DecodeError> {
    if buf.len() < 8 || &buf[..2] != b"GP" {
        return Err(DecodeError("missing GeoPackage magic \"GP\"".into()));
    }
    let flags = buf[3];
    let le = flags & 1 == 1;
    let env_len = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        k => return Err(DecodeError(format!("bad envelope indicator {k}"))),
    };
    if flags & 0b1_0000 != 0 {
        return Err(DecodeError("empty geometry".into()));
    }
    let srs: [u8; 4] = buf[4..8]
        .try_into()
        .map_err(|_| DecodeError("srs".into()))?;
    let srs = if le {
        i32::from_le_bytes(srs)
    } else {
        i32::from_be_bytes(srs)
    };
    let start = 8 + env_len;
    if buf.len() < start {
        return Err(DecodeError("truncated envelope".into()));
    }
    Ok((srs, read_wkb(&buf[start..])?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<Geometry> {
        vec![
            Geometry::Point([117.1, 36.2]),
            Geometry::LineString(vec![[117.0, 36.0], [117.5, 36.5], [118.0, 36.1]]),
            Geometry::Polygon(vec![
                vec![[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0], [0.0, 0.0]],
                vec![[1.0, 1.0], [2.0, 1.0], [2.0, 2.0], [1.0, 1.0]],
            ]),
            Geometry::MultiLineString(vec![
                vec![[1.0, 2.0], [3.0, 4.0]],
                vec![[5.0, 6.0], [7.0, 8.0]],
            ]),
            Geometry::MultiPolygon(vec![
                vec![vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]],
                vec![vec![[5.0, 5.0], [6.0, 5.0], [6.0, 6.0], [5.0, 5.0]]],
            ]),
        ]
    }

    #[test]
    fn every_kind_round_trips() {
        for g in samples() {
            let blob = encode(&g, SRS_CGCS2000).unwrap();
            assert_eq!(decode(&blob).unwrap(), (SRS_CGCS2000, g));
        }
    }

    #[test]
    fn header_layout_matches_the_spec() {
        let blob = encode(&Geometry::Point([117.1, 36.2]), SRS_CGCS2000).unwrap();
        assert_eq!(&blob[..4], &[b'G', b'P', 0, 3]);
        assert_eq!(i32::from_le_bytes(blob[4..8].try_into().unwrap()), 4490);
        // Envelope minx, maxx, miny, maxy then WKB: byte order 1, type 1, x, y.
        assert_eq!(f64::from_le_bytes(blob[8..16].try_into().unwrap()), 117.1);
        assert_eq!(f64::from_le_bytes(blob[24..32].try_into().unwrap()), 36.2);
        assert_eq!(blob[40], 1);
        assert_eq!(u32::from_le_bytes(blob[41..45].try_into().unwrap()), 1);
        assert_eq!(blob.len(), 40 + 21);
    }

    #[test]
    fn reads_big_endian_wkb() {
        let mut wkb = vec![0u8];
        wkb.extend_from_slice(&1u32.to_be_bytes());
        wkb.extend_from_slice(&117.5f64.to_be_bytes());
        wkb.extend_from_slice(&36.5f64.to_be_bytes());
        assert_eq!(read_wkb(&wkb).unwrap(), Geometry::Point([117.5, 36.5]));
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        for g in samples() {
            let blob = encode(&g, SRS_CGCS2000).unwrap();
            for cut in 0..blob.len() {
                assert!(decode(&blob[..cut]).is_err(), "{g:?} cut at {cut}");
            }
        }
        let mut huge = encode(&Geometry::LineString(vec![[0.0, 0.0], [1.0, 1.0]]), 4490).unwrap();
        huge[45..49].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(decode(&huge).unwrap_err().0.contains("exceeds"));
    }
}
