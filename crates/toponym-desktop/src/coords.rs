//! Coordinates as a surveyor types them: decimal degrees ("117.1, 36.2") or DMS
//! ("117°06′00″E 36°12′00″N", "东经117°6′ 北纬36°12′"), longitude first. Each half goes
//! through toponym-geodesy's DMS reader, so the app and the CLI accept the same texts and
//! report the same S-2 findings.

use toponym_core::{Finding, Message, Severity};
use toponym_geodesy::{parse_dms, Axis};

use super::dto::{CoordsDto, FindingDto};

/// Splits "lon, lat" / "lon lat" / "117°E 36°N" into its two halves.
fn halves(text: &str) -> Option<(String, String)> {
    let t = text.trim();
    for sep in [',', '，', ';', '；', '/'] {
        if let Some((a, b)) = t.split_once(sep) {
            return Some((a.trim().to_owned(), b.trim().to_owned()));
        }
    }
    // "117°06′00″E 36°12′00″N": split after the longitude's hemisphere letter.
    if let Some(i) = t.find(['E', 'W', '东', '西']) {
        let c = t[i..].chars().next()?;
        let cut = i + c.len_utf8();
        // A leading "东经"/"东" names the axis before the numbers; split before 北/N instead.
        if t[cut..]
            .trim()
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
            && i == 0
        {
            if let Some(j) = t.find(['N', 'S', '北', '南']) {
                return Some((t[..j].trim().to_owned(), t[j..].trim().to_owned()));
            }
        }
        return Some((t[..cut].trim().to_owned(), t[cut..].trim().to_owned()));
    }
    let parts: Vec<&str> = t.split_whitespace().collect();
    match parts.as_slice() {
        [a, b] => Some(((*a).to_owned(), (*b).to_owned())),
        _ => None,
    }
}

/// Parses typed coordinates; problems are findings, never errors.
pub fn parse_coords(text: &str) -> CoordsDto {
    let Some((lon_t, lat_t)) = halves(text) else {
        let f = Finding::new(
            Some("S-2"),
            Severity::Error,
            "fields.rep_point",
            Message::new(
                "coords.unparsed",
                format!("无法识别坐标：{text}（经度在前，纬度在后）"),
                format!("Coordinates not understood: {text} (longitude first, then latitude)"),
            )
            .with("text", text),
        );
        return CoordsDto {
            lon_lat: None,
            findings: vec![(&f).into()],
        };
    };
    let lon = parse_dms(&lon_t, Axis::Longitude, "fields.rep_point[0]");
    let lat = parse_dms(&lat_t, Axis::Latitude, "fields.rep_point[1]");
    let findings: Vec<FindingDto> = lon
        .findings
        .iter()
        .chain(lat.findings.iter())
        .map(FindingDto::from)
        .collect();
    let lon_lat = match (lon.value, lat.value) {
        (Some(x), Some(y)) => Some([x, y]),
        _ => None,
    };
    CoordsDto { lon_lat, findings }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> [f64; 2] {
        let c = parse_coords(text);
        c.lon_lat
            .unwrap_or_else(|| panic!("{text}: {:?}", c.findings))
    }

    #[test]
    fn decimal_and_dms_forms_agree() {
        let d = ok("117.1, 36.2");
        assert!((d[0] - 117.1).abs() < 1e-9 && (d[1] - 36.2).abs() < 1e-9);
        let m = ok("117°06′00″E 36°12′00″N");
        assert!(
            (m[0] - 117.1).abs() < 1e-9 && (m[1] - 36.2).abs() < 1e-9,
            "{m:?}"
        );
        let z = ok("东经117°6′0″，北纬36°12′0″");
        assert!(
            (z[0] - 117.1).abs() < 1e-9 && (z[1] - 36.2).abs() < 1e-9,
            "{z:?}"
        );
    }

    #[test]
    fn nonsense_is_a_finding_not_a_value() {
        let c = parse_coords("somewhere near Taishan");
        assert!(c.lon_lat.is_none());
        assert!(c.findings.iter().any(|f| f.blocking));
        let c = parse_coords("117°75′00″E, 36°12′00″N");
        assert!(c.lon_lat.is_none(), "75 minutes is not a valid DMS value");
    }
}
