//! The benchmark's CSV columns as observations: `unique_id, name, pinyin_key, template,
//! admin_code, lon, lat, aliases` (bench/README.md). The caller reads the file; this module
//! only turns one row's fields into an [`Observation`], or says which column is wrong.
//! The truth columns (`entity_id`, `case`, `related_entity`) are never read.

use crate::{DedupError, Observation};

/// Column positions of one header.
#[derive(Debug, Clone, Copy)]
pub struct Columns {
    unique_id: usize,
    name: usize,
    template: usize,
    admin_code: Option<usize>,
    lon: Option<usize>,
    lat: Option<usize>,
    aliases: Option<usize>,
}

/// Columns the engine reads; anything else is ignored.
pub const READ: [&str; 7] = [
    "unique_id",
    "name",
    "template",
    "admin_code",
    "lon",
    "lat",
    "aliases",
];

impl Columns {
    /// Finds the columns in a header row. `unique_id`, `name` and `template` are required.
    pub fn from_header<'a>(header: impl IntoIterator<Item = &'a str>) -> Result<Self, DedupError> {
        let names: Vec<&str> = header
            .into_iter()
            .map(|h| h.trim_start_matches('\u{feff}'))
            .collect();
        let find = |n: &str| names.iter().position(|&h| h == n);
        let need = |n: &str| {
            find(n).ok_or_else(|| DedupError::Input {
                row: 0,
                column: n.to_string(),
                message: format!("required column {n:?} is missing from the header"),
            })
        };
        Ok(Columns {
            unique_id: need("unique_id")?,
            name: need("name")?,
            template: need("template")?,
            admin_code: find("admin_code"),
            lon: find("lon"),
            lat: find("lat"),
            aliases: find("aliases"),
        })
    }

    /// One data row (1-based `row`) as an observation.
    pub fn observation<'a>(
        &self,
        row: usize,
        field: impl Fn(usize) -> Option<&'a str>,
    ) -> Result<Observation, DedupError> {
        let bad = |column: &str, message: String| DedupError::Input {
            row,
            column: column.to_string(),
            message,
        };
        let get = |i: Option<usize>| i.and_then(&field).unwrap_or("");
        let id = get(Some(self.unique_id));
        if id.is_empty() {
            return Err(bad("unique_id", "empty; every row needs an id".to_string()));
        }
        let name = get(Some(self.name));
        if name.trim_matches(|c: char| c.is_whitespace()).is_empty() {
            return Err(bad("name", "empty name".to_string()));
        }
        let template = get(Some(self.template));
        if template.is_empty() {
            return Err(bad("template", "empty template id".to_string()));
        }
        let admin = get(self.admin_code);
        let admin_ok = admin.is_empty()
            || (admin.chars().all(|c| c.is_ascii_digit()) && matches!(admin.len(), 6 | 9 | 12));
        if !admin_ok {
            return Err(bad(
                "admin_code",
                format!("{admin:?} is not a 6-, 9- or 12-digit admin code"),
            ));
        }
        let coord =
            |col: &str, i: Option<usize>, lo: f64, hi: f64| -> Result<Option<f64>, DedupError> {
                let s = get(i).trim();
                if s.is_empty() {
                    return Ok(None);
                }
                match s.parse::<f64>() {
                    Ok(v) if v.is_finite() && (lo..=hi).contains(&v) => Ok(Some(v)),
                    _ => Err(bad(
                        col,
                        format!("{s:?} is not a number in {lo}..{hi} (CGCS2000 degrees)"),
                    )),
                }
            };
        let lon = coord("lon", self.lon, -180.0, 180.0)?;
        let lat = coord("lat", self.lat, -90.0, 90.0)?;
        let point = match (lon, lat) {
            (Some(x), Some(y)) => Some([x, y]),
            (None, None) => None,
            (Some(_), None) => return Err(bad("lat", "lon is given but lat is empty".to_string())),
            (None, Some(_)) => return Err(bad("lon", "lat is given but lon is empty".to_string())),
        };
        let aliases = get(self.aliases)
            .split('|')
            .filter(|a| !a.trim().is_empty())
            .map(str::to_string)
            .collect();
        Ok(Observation {
            id: id.to_string(),
            name: name.to_string(),
            template: template.to_string(),
            admin_code: (!admin.is_empty()).then(|| admin.to_string()),
            point,
            aliases,
            ..Observation::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols() -> Columns {
        Columns::from_header("unique_id,entity_id,name,pinyin_key,template,admin_code,lon,lat,registrar,aliases,case".split(','))
            .expect("header")
    }

    fn row(s: &'static str) -> Result<Observation, DedupError> {
        let f: Vec<&'static str> = s.split(',').collect();
        cols().observation(7, |i| f.get(i).copied())
    }

    #[test]
    fn reads_a_row_and_ignores_truth_columns() {
        let o = row(
            "3,999,王庄,wangzhuang,settlement.village,370102100,117.1,36.2,x,红旗庄|东风庄,base",
        )
        .expect("row");
        assert_eq!(o.id, "3");
        assert_eq!(o.point, Some([117.1, 36.2]));
        assert_eq!(o.aliases, vec!["红旗庄", "东风庄"]);
        let o = row("4,1,王庄,,settlement.village,370102100,,,x,,base").expect("no coordinates");
        assert_eq!(o.point, None);
    }

    #[test]
    fn bad_values_name_row_and_column() {
        let e =
            row("3,1,王庄,,settlement.village,370102100,east,36.2,x,,base").expect_err("bad lon");
        assert_eq!(
            e.to_string(),
            "row 7, column lon: \"east\" is not a number in -180..180 (CGCS2000 degrees)"
        );
        let e = row("3,1,王庄,,settlement.village,3701,117,36,x,,base").expect_err("bad admin");
        assert!(e.to_string().contains("column admin_code"), "{e}");
        let e =
            row("3,1,王庄,,settlement.village,370102100,117,,x,,base").expect_err("lat missing");
        assert!(e.to_string().contains("column lat"), "{e}");
        let e = Columns::from_header("id,name".split(',')).expect_err("header");
        assert!(e.to_string().contains("unique_id"), "{e}");
    }
}
