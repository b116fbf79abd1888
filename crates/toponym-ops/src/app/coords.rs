//! Coordinates as a surveyor types them: decimal degrees ("117.1, 36.2") or DMS
//! ("117°06′00″E 36°12′00″N", "东经117°6′ 北纬36°12′"), longitude first, checked per QA
//! rule S-2 (minutes and seconds below 60, degrees in range).
//!
//! TODO(merge): toponym-geodesy's `dms::parse_dms` (being written on another branch) is
//! the shared reader; this module switches to it when that lands, so the app and the CLI
//! accept the same texts.

use toponym_core::{Finding, Message, Severity};

#[derive(Clone, Copy)]
enum Axis {
    Longitude,
    Latitude,
}

struct DmsParse {
    value: Option<f64>,
    findings: Vec<Finding>,
}

fn s2(path: &str, text: &str, zh: String, en: String) -> Finding {
    Finding::new(
        Some("S-2"),
        Severity::Error,
        path,
        Message::new("dms.invalid", zh, en).with("text", text),
    )
}

/// One coordinate: decimal degrees or degrees, minutes, seconds with an optional
/// hemisphere letter (E/W/N/S or 东/西/北/南).
fn parse_dms(text: &str, axis: Axis, path: &str) -> DmsParse {
    let (max, pos, neg) = match axis {
        Axis::Longitude => (180.0, ['E', 'e', '东'], ['W', 'w', '西']),
        Axis::Latitude => (90.0, ['N', 'n', '北'], ['S', 's', '南']),
    };
    let cleaned = text
        .replace("东经", "东")
        .replace("北纬", "北")
        .replace("西经", "西")
        .replace("南纬", "南");
    let mut nums: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut sign = 1.0;
    let mut bad = false;
    for (i, c) in cleaned.trim().chars().enumerate() {
        match c {
            '0'..='9' | '.' => cur.push(c),
            '-' | '−' if i == 0 => sign = -1.0,
            _ if pos.contains(&c) || neg.contains(&c) => {
                if neg.contains(&c) {
                    sign = -1.0;
                }
                if !cur.is_empty() {
                    nums.push(std::mem::take(&mut cur));
                }
            }
            '°' | '′' | '″' | '\'' | '"' | ':' | ' ' | 'd' | '度' | '分' | '秒' => {
                if !cur.is_empty() {
                    nums.push(std::mem::take(&mut cur));
                }
            }
            _ => bad = true,
        }
    }
    if !cur.is_empty() {
        nums.push(cur);
    }
    let parsed: Option<Vec<f64>> = nums.iter().map(|n| n.parse::<f64>().ok()).collect();
    let fail = |zh: String, en: String| DmsParse {
        value: None,
        findings: vec![s2(path, text, zh, en)],
    };
    let Some(parts) = parsed.filter(|p| !bad && (1..=3).contains(&p.len())) else {
        return fail(
            format!("无法识别的度分秒：{text}"),
            format!("not a coordinate in degrees, minutes, seconds: {text}"),
        );
    };
    let (d, m, s) = (
        parts[0],
        parts.get(1).copied().unwrap_or(0.0),
        parts.get(2).copied().unwrap_or(0.0),
    );
    if m >= 60.0 || s >= 60.0 {
        return fail(
            format!("分、秒必须小于 60：{text}"),
            format!("minutes and seconds must be below 60: {text}"),
        );
    }
    let v = d + m / 60.0 + s / 3600.0;
    if v > max {
        return fail(
            format!("度数超出范围（最大 {max}）：{text}"),
            format!("degrees out of range (max {max}): {text}"),
        );
    }
    DmsParse {
        value: Some(sign * v),
        findings: Vec::new(),
    }
}

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
