//! Degrees, minutes and seconds (°′″) as written on the census form, checked per QA rule
//! S-2: minutes and seconds in [0, 60), degrees within range, no negative values, seconds
//! with at most two decimals. Output uses two decimals of a second (0.01″ ≈ 0.3 m).
//!
//! Parsing never fails with `Err`: a person typed it, so every problem is a finding with
//! rule S-2, and the value is returned only when the text is valid.

use toponym_core::{Finding, Message, Severity};

/// Which coordinate a DMS text is for; sets the degree range and the hemisphere letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    /// 东经: 0–180, letters E/W (东/西).
    Longitude,
    /// 北纬: 0–90, letters N/S (北/南).
    Latitude,
}

impl Axis {
    fn max_degrees(self) -> f64 {
        match self {
            Axis::Longitude => 180.0,
            Axis::Latitude => 90.0,
        }
    }
}

/// The result of reading one DMS text: the decimal-degree value when valid, and findings.
#[derive(Debug, Clone, PartialEq)]
pub struct DmsParse {
    /// Decimal degrees (negative for W/S), present only when no finding is an ERROR.
    pub value: Option<f64>,
    /// S-2 findings at `path`.
    pub findings: Vec<Finding>,
}

fn finding(path: &str, code: &str, zh: String, en: String, text: &str) -> Finding {
    Finding::new(
        Some("S-2"),
        Severity::Error,
        path,
        Message::new(format!("dms.{code}"), zh, en).with("text", text),
    )
}

/// Splits the text into numbers and the hemisphere letter. Accepts the typographic marks
/// (° ′ ″), ASCII stand-ins (d ' " and '' for seconds), full-width digits are not accepted
/// (rule N-3 reports those elsewhere), and spaces or colons between parts.
fn tokenize(text: &str) -> Option<(Vec<String>, Option<char>, bool)> {
    let mut numbers: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut hemisphere = None;
    let mut negative = false;
    for (i, c) in text.trim().chars().enumerate() {
        match c {
            '0'..='9' | '.' => current.push(c),
            '-' | '−' if i == 0 => negative = true,
            '°' | '′' | '″' | '\'' | '"' | ':' | ' ' | 'd' | '度' | '分' | '秒' => {
                if !current.is_empty() {
                    numbers.push(std::mem::take(&mut current));
                }
            }
            'E' | 'e' | 'W' | 'w' | 'N' | 'n' | 'S' | 's' | '东' | '西' | '北' | '南' => {
                if !current.is_empty() {
                    numbers.push(std::mem::take(&mut current));
                }
                if hemisphere.is_some() {
                    return None;
                }
                hemisphere = Some(c);
            }
            _ => return None,
        }
    }
    if !current.is_empty() {
        numbers.push(current);
    }
    Some((numbers, hemisphere, negative))
}

/// Reads `text` (e.g. `117°12′34.56″E`, `36 39 12.5 N`, `北纬36°39′12.5″`) for `axis`.
/// `path` is the field path the findings point at.
pub fn parse_dms(text: &str, axis: Axis, path: &str) -> DmsParse {
    let bad = |code: &str, zh: String, en: String| DmsParse {
        value: None,
        findings: vec![finding(path, code, zh, en, text)],
    };
    // "北纬"/"东经" prefixes carry the hemisphere; strip the second character.
    let cleaned = text
        .replace("东经", "东")
        .replace("北纬", "北")
        .replace("西经", "西")
        .replace("南纬", "南");
    let Some((numbers, hemi, negative)) = tokenize(&cleaned) else {
        return bad(
            "unreadable",
            format!("无法识别的度分秒：{text}"),
            format!("cannot read degrees/minutes/seconds from {text:?}"),
        );
    };
    if negative {
        return bad(
            "negative",
            format!("度分秒不得为负值：{text}"),
            format!("DMS values must not be negative; use the hemisphere letter: {text:?}"),
        );
    }
    if numbers.is_empty() || numbers.len() > 3 {
        return bad(
            "parts",
            format!("度分秒应有1至3个数：{text}"),
            format!("expected 1 to 3 numbers (degrees, minutes, seconds) in {text:?}"),
        );
    }
    let mut parts = [0.0f64; 3];
    for (i, n) in numbers.iter().enumerate() {
        let decimals = n.split_once('.').map(|(_, d)| d.len());
        // Only the last part may carry decimals, and seconds at most two.
        if decimals.is_some() && i + 1 != numbers.len() {
            return bad(
                "inner_decimal",
                format!("只有最后一部分可以有小数：{text}"),
                format!("only the last part may have decimals: {text:?}"),
            );
        }
        if i == 2 && decimals.unwrap_or(0) > 2 {
            return bad(
                "second_decimals",
                format!("秒最多保留两位小数：{text}"),
                format!("seconds may have at most two decimals: {text:?}"),
            );
        }
        match n.parse::<f64>() {
            Ok(v) if v.is_finite() => parts[i] = v,
            _ => {
                return bad(
                    "unreadable",
                    format!("无法识别的数字 {n}：{text}"),
                    format!("cannot read the number {n:?} in {text:?}"),
                )
            }
        }
    }
    let [d, m, s] = parts;
    if m >= 60.0 {
        return bad(
            "minutes_range",
            format!("分须在 [0, 60) 之内：{text}"),
            format!("minutes must be in [0, 60): {text:?}"),
        );
    }
    if s >= 60.0 {
        return bad(
            "seconds_range",
            format!("秒须在 [0, 60) 之内：{text}"),
            format!("seconds must be in [0, 60): {text:?}"),
        );
    }
    let value = d + m / 60.0 + s / 3600.0;
    if value > axis.max_degrees() {
        return bad(
            "degrees_range",
            format!("度数超出范围（最大 {}）：{text}", axis.max_degrees()),
            format!(
                "degrees out of range (at most {}): {text:?}",
                axis.max_degrees()
            ),
        );
    }
    let sign =
        match (axis, hemi) {
            (_, None) => 1.0,
            (Axis::Longitude, Some('E' | 'e' | '东'))
            | (Axis::Latitude, Some('N' | 'n' | '北')) => 1.0,
            (Axis::Longitude, Some('W' | 'w' | '西'))
            | (Axis::Latitude, Some('S' | 's' | '南')) => -1.0,
            _ => {
                return bad(
                    "hemisphere",
                    format!("方位字母与坐标轴不符：{text}"),
                    format!("hemisphere letter does not fit this axis: {text:?}"),
                )
            }
        };
    DmsParse {
        value: Some(sign * value),
        findings: Vec::new(),
    }
}

/// Formats decimal degrees as `117°12′34.56″E` with two decimals of a second. Rounding is
/// done on hundredths of a second as integers so that 59.995″ carries into the minute
/// instead of printing an invalid `60.00″`. Returns `None` for a non-finite value.
pub fn format_dms(value: f64, axis: Axis) -> Option<String> {
    if !value.is_finite() {
        return None;
    }
    let hemi = match (axis, value < 0.0) {
        (Axis::Longitude, false) => 'E',
        (Axis::Longitude, true) => 'W',
        (Axis::Latitude, false) => 'N',
        (Axis::Latitude, true) => 'S',
    };
    let centis = (value.abs() * 360_000.0).round() as u64;
    let deg = centis / 360_000;
    let min = (centis % 360_000) / 6_000;
    let sec = centis % 6_000;
    Some(format!(
        "{deg}°{min:02}′{:02}.{:02}″{hemi}",
        sec / 100,
        sec % 100
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str, axis: Axis) -> f64 {
        let p = parse_dms(text, axis, "fields.rep_point");
        assert!(p.findings.is_empty(), "{text}: {:?}", p.findings);
        p.value.expect("value")
    }

    fn err_code(text: &str, axis: Axis) -> String {
        let p = parse_dms(text, axis, "fields.rep_point");
        assert_eq!(p.value, None, "{text} should be rejected");
        assert_eq!(p.findings.len(), 1);
        assert_eq!(p.findings[0].rule.as_deref(), Some("S-2"));
        p.findings[0].message.code.clone()
    }

    #[test]
    fn reads_the_usual_notations() {
        let expected = 117.0 + 12.0 / 60.0 + 34.56 / 3600.0;
        for t in [
            "117°12′34.56″E",
            "117°12'34.56\"E",
            "117 12 34.56",
            "东经117°12′34.56″",
            "117d12'34.56\"e",
        ] {
            assert!((ok(t, Axis::Longitude) - expected).abs() < 1e-12, "{t}");
        }
        assert!((ok("36°39′S", Axis::Latitude) + 36.65).abs() < 1e-12);
        assert!((ok("36.5", Axis::Latitude) - 36.5).abs() < 1e-12);
    }

    #[test]
    fn rejects_what_rule_s2_forbids() {
        assert_eq!(
            err_code("117°65′12″E", Axis::Longitude),
            "dms.minutes_range"
        );
        assert_eq!(
            err_code("117°12′60″E", Axis::Longitude),
            "dms.seconds_range"
        );
        assert_eq!(
            err_code("117°12′34.567″E", Axis::Longitude),
            "dms.second_decimals"
        );
        assert_eq!(err_code("-117°12′34″", Axis::Longitude), "dms.negative");
        assert_eq!(err_code("91°00′00″N", Axis::Latitude), "dms.degrees_range");
        assert_eq!(err_code("36°39′12″E", Axis::Latitude), "dms.hemisphere");
        assert_eq!(err_code("117.5°12′", Axis::Longitude), "dms.inner_decimal");
        assert_eq!(err_code("117°12′x", Axis::Longitude), "dms.unreadable");
        assert_eq!(err_code("", Axis::Longitude), "dms.parts");
    }

    #[test]
    fn formats_with_two_decimals_and_carries_rounding() {
        assert_eq!(
            format_dms(117.0 + 12.0 / 60.0 + 34.56 / 3600.0, Axis::Longitude).unwrap(),
            "117°12′34.56″E"
        );
        // 59.996″ rounds to the next minute, never to "60.00″".
        assert_eq!(
            format_dms(36.0 + 59.0 / 60.0 + 59.996 / 3600.0, Axis::Latitude).unwrap(),
            "37°00′00.00″N"
        );
        assert_eq!(format_dms(-0.5, Axis::Latitude).unwrap(), "0°30′00.00″S");
        assert_eq!(format_dms(f64::NAN, Axis::Latitude), None);
    }

    #[test]
    fn format_then_parse_round_trips_within_half_a_hundredth_second() {
        // A deterministic sweep over China's extent.
        let mut v = 73.4;
        while v < 135.1 {
            let text = format_dms(v, Axis::Longitude).unwrap();
            let back = ok(&text, Axis::Longitude);
            assert!(
                (back - v).abs() <= 0.005 / 3600.0 + 1e-12,
                "{v} -> {text} -> {back}"
            );
            v += 0.123_456_7;
        }
    }
}
