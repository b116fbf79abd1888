//! S-2 (ERROR): coordinates typed as degree–minute–second text are valid (minutes and
//! seconds in [0, 60), degrees in range, no negatives, seconds with ≤ 2 decimals), and a
//! valid DMS text is still reported because records store decimal degrees: the message
//! carries the converted value so the input layer can fix it.

use serde_json::Value;
use toponym_core::Severity;

use super::RuleInfo;
use crate::model::FieldDef;
use crate::validate::{msg, Ctx, P};

pub(crate) static INFO: RuleInfo = RuleInfo {
    id: "S-2",
    severity: Severity::Error,
    title_zh: "度分秒输入有效",
    title_en: "DMS input valid",
    checks: "A point coordinate given as text is parsed as D°M′S″[EWNS] (also 度分秒, ' and \"): invalid parts are reported; valid text is reported with its decimal-degree value.",
    file: "src/rules/s_2_dms_text.rs",
};

/// Why a DMS text is invalid.
#[derive(Debug, PartialEq)]
pub(crate) enum DmsError {
    Syntax,
    Negative,
    Minutes,
    Seconds,
    SecondDecimals,
    Degrees,
}

/// Parses DMS text to decimal degrees; `lat` selects the degree limit (90 vs 180).
pub(crate) fn parse_dms(s: &str, lat: bool) -> Result<f64, DmsError> {
    let t = s.trim();
    if t.starts_with('-') {
        return Err(DmsError::Negative);
    }
    let mut hemi_neg = false;
    let mut body = String::new();
    for c in t.chars() {
        match c {
            'E' | 'N' | 'e' | 'n' | '东' | '北' => {}
            'W' | 'S' | 'w' | 's' | '西' | '南' => hemi_neg = true,
            '°' | '度' | '′' | '\'' | '分' | '’' | '″' | '"' | '秒' | '”' | ' ' => {
                body.push(' ')
            }
            _ => body.push(c),
        }
    }
    let parts: Vec<&str> = body.split_whitespace().collect();
    if parts.is_empty() || parts.len() > 3 {
        return Err(DmsError::Syntax);
    }
    let mut nums = [0.0f64; 3];
    for (i, p) in parts.iter().enumerate() {
        nums[i] = p.parse::<f64>().map_err(|_| DmsError::Syntax)?;
        if !nums[i].is_finite() {
            return Err(DmsError::Syntax);
        }
        if nums[i] < 0.0 {
            return Err(DmsError::Negative);
        }
    }
    if parts.len() == 3 {
        if let Some((_, dec)) = parts[2].split_once('.') {
            if dec.len() > 2 {
                return Err(DmsError::SecondDecimals);
            }
        }
    }
    let [d, m, sec] = nums;
    if !(0.0..60.0).contains(&m) {
        return Err(DmsError::Minutes);
    }
    if !(0.0..60.0).contains(&sec) {
        return Err(DmsError::Seconds);
    }
    let v = d + m / 60.0 + sec / 3600.0;
    if v > if lat { 90.0 } else { 180.0 } {
        return Err(DmsError::Degrees);
    }
    Ok(if hemi_neg { -v } else { v })
}

pub(crate) fn check_point(cx: &mut Ctx<'_>, def: &FieldDef, v: &Value, path: &P<'_>) {
    let shape_bad = |cx: &mut Ctx<'_>| {
        cx.emit_plain(
            Severity::Error,
            path,
            msg(
                "field.type",
                format!("“{}”应为 [经度, 纬度]", def.label_zh),
                format!("'{}' must be [longitude, latitude]", def.label_en),
            )
            .with("key", def.key.clone())
            .with("expected", "[lon, lat]"),
        )
    };
    let Some(a) = v.as_array() else {
        return shape_bad(cx);
    };
    if a.len() != 2 {
        return shape_bad(cx);
    }
    for (i, c) in a.iter().enumerate() {
        let lat = i == 1;
        match c {
            // The extent is S-1's business (it tells a swapped pair, with a "latitude" up
            // to 180, from a wild one); a number that is no degree value at all (beyond
            // ±180, such as 1e308) is a shape error.
            Value::Number(n) => {
                if !n
                    .as_f64()
                    .is_some_and(|x| x.is_finite() && x.abs() <= 180.0)
                {
                    shape_bad(cx);
                }
            }
            Value::String(s) => {
                let p = P::Index(path, i);
                match parse_dms(s, lat) {
                    Ok(deg) => cx.emit(
                        "S-2",
                        &p,
                        msg(
                            "coord.dms_text",
                            format!("坐标“{s}”为度分秒文本；请存为十进制度 {deg:.7}"),
                            format!(
                                "coordinate \"{s}\" is DMS text; store decimal degrees {deg:.7}"
                            ),
                        )
                        .with("value", s.clone())
                        .with("decimal", format!("{deg:.7}")),
                    ),
                    Err(e) => {
                        let (zh, en) = match e {
                            DmsError::Syntax => ("无法识别的度分秒格式", "unreadable DMS text"),
                            DmsError::Negative => (
                                "不能为负值（请用 E/W/N/S）",
                                "no negative values (use E/W/N/S)",
                            ),
                            DmsError::Minutes => {
                                ("分必须在 0–60 之间", "minutes must be in [0, 60)")
                            }
                            DmsError::Seconds => {
                                ("秒必须在 0–60 之间", "seconds must be in [0, 60)")
                            }
                            DmsError::SecondDecimals => {
                                ("秒最多两位小数", "seconds take at most 2 decimals")
                            }
                            DmsError::Degrees => ("度数超出范围", "degrees out of range"),
                        };
                        cx.emit(
                            "S-2",
                            &p,
                            msg(
                                "coord.dms_invalid",
                                format!("坐标“{s}”无效：{zh}"),
                                format!("coordinate \"{s}\" is invalid: {en}"),
                            )
                            .with("value", s.clone()),
                        );
                    }
                }
            }
            _ => shape_bad(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dms_is_parsed_and_bad_parts_are_named() {
        let v = parse_dms("117°07′12″E", false).unwrap();
        assert!((v - 117.12).abs() < 1e-9, "{v}");
        assert!((parse_dms("36度12分36秒", true).unwrap() - 36.21).abs() < 1e-9);
        assert_eq!(parse_dms("117°65′12″E", false), Err(DmsError::Minutes));
        assert_eq!(parse_dms("117°05′60″E", false), Err(DmsError::Seconds));
        assert_eq!(
            parse_dms("117°05′12.345″", false),
            Err(DmsError::SecondDecimals)
        );
        assert_eq!(parse_dms("-117°05′", false), Err(DmsError::Negative));
        assert_eq!(parse_dms("95°", true), Err(DmsError::Degrees));
        assert_eq!(parse_dms("abc", false), Err(DmsError::Syntax));
    }
}
