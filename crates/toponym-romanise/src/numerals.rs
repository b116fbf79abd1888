//! Chinese numerals in street names (R6, R7): which character runs are numbers, and their
//! value. Only canonical numerals count (五, 十二, 二十三, 一百零五); digit-by-digit runs such as
//! 五一 or 三八 are commemorative names (五一广场, 三八路) and stay spelled (R6).

/// The digit value of a numeral character, or 10/100 for the unit characters.
pub(crate) fn numeral_value(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        '十' => 10,
        '百' => 100,
        _ => return None,
    })
}

/// Parse a canonical numeral (1–999). None for digit sequences (五一) and malformed runs.
pub(crate) fn parse(chars: &[char]) -> Option<u32> {
    let mut total = 0u32;
    let mut pending: Option<u32> = None;
    let mut last_unit = 1000u32;
    let mut zero_seen = false;
    for &c in chars {
        let v = numeral_value(c)?;
        match v {
            10 | 100 => {
                if v >= last_unit {
                    return None;
                }
                let d = match pending.take() {
                    Some(d) if d > 0 => d,
                    Some(_) => return None,
                    // 十二 = 12, but 百 alone is not a numeral in names (百花路).
                    None if v == 10 && total == 0 => 1,
                    None => return None,
                };
                total += d * v;
                last_unit = v;
            }
            0 => {
                if pending.is_some() || zero_seen || last_unit != 100 {
                    return None;
                }
                zero_seen = true;
            }
            d => {
                if pending.is_some() {
                    return None; // two digits in a row: 五一, 三八
                }
                pending = Some(d);
            }
        }
    }
    if let Some(d) = pending {
        // 一百五 (colloquially 150) is ambiguous in a name: refuse it; 二十三 and 一百零五 are fine.
        if last_unit == 100 && !zero_seen {
            return None;
        }
        total += d;
    }
    (total > 0).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::parse;

    fn p(s: &str) -> Option<u32> {
        parse(&s.chars().collect::<Vec<_>>())
    }

    #[test]
    fn canonical_numerals_parse() {
        assert_eq!(p("五"), Some(5));
        assert_eq!(p("十"), Some(10));
        assert_eq!(p("十二"), Some(12));
        assert_eq!(p("二十"), Some(20));
        assert_eq!(p("四十二"), Some(42));
        assert_eq!(p("一百零五"), Some(105));
        assert_eq!(p("一百二十"), Some(120));
    }

    #[test]
    fn commemorative_runs_are_not_numbers() {
        assert_eq!(p("五一"), None);
        assert_eq!(p("三八"), None);
        assert_eq!(p("百"), None);
        assert_eq!(p("十十"), None);
        assert_eq!(p("一百五"), None);
        assert_eq!(p("〇"), None);
    }
}
