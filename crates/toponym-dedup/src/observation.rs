//! What the engine is given: one surveyor's observation of one place (dedup.md §1), with
//! only the fields duplicate detection reads. The store or a CSV reader builds these; the
//! engine never sees a database row or a file.

/// One observation (a record of a bundle, a baseline row, a benchmark row).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observation {
    /// The caller's id of the observation (record id, `unique_id`); echoed in the plan.
    pub id: String,
    /// Standard name (标准名称) as registered; never rewritten.
    pub name: String,
    /// Template id (`settlement.village`).
    pub template: String,
    /// Admin code of the place (6, 9 or 12 digits: county, township, village level).
    pub admin_code: Option<String>,
    /// Representative point (定位点), CGCS2000 (lon, lat).
    pub point: Option<[f64; 2]>,
    /// Line geometry, CGCS2000 (lon, lat) vertices, when known.
    pub line: Option<Vec<[f64; 2]>>,
    /// Polygon outer ring, CGCS2000 (lon, lat) vertices, when known.
    pub polygon: Option<Vec<[f64; 2]>>,
    /// Other names: 别名, 曾用名, 图上名称, 简称.
    pub aliases: Vec<String>,
    /// Official code: 12-digit statistical code (committees) or a valid 地名代码.
    pub official_code: Option<String>,
    /// Route number of a highway (G104, S222, X037).
    pub route_no: Option<String>,
    /// 使用时间 = 历史地名 (a historical name, e.g. demolished or abolished).
    pub historical: bool,
    /// 设立年份 / 建成年份.
    pub established_year: Option<i32>,
    /// Positional tolerance of the point in metres (GNSS ≈ 10, 1:50 000 map ≈ 25).
    pub tolerance_m: Option<f64>,
    /// 地名的来历 text, compared verbatim as an attribute.
    pub origin: Option<String>,
    /// Bundle, registrar and registration minute (for the double-entry signal).
    pub session: Option<Session>,
}

/// Who registered an observation and when, for the "same bundle, same registrar, within
/// 10 minutes" signal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Bundle id.
    pub bundle: String,
    /// Registrar (登记人).
    pub registrar: String,
    /// Registration time in minutes since any fixed epoch.
    pub minute: i64,
}

impl Observation {
    /// An observation with the three required fields.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        template: impl Into<String>,
    ) -> Self {
        Observation {
            id: id.into(),
            name: name.into(),
            template: template.into(),
            ..Observation::default()
        }
    }

    /// With an admin code.
    pub fn admin(mut self, code: &str) -> Self {
        self.admin_code = Some(code.to_string());
        self
    }

    /// With a representative point.
    pub fn at(mut self, lon: f64, lat: f64) -> Self {
        self.point = Some([lon, lat]);
        self
    }

    /// With other names.
    pub fn aliases(mut self, names: &[&str]) -> Self {
        self.aliases = names.iter().map(|s| s.to_string()).collect();
        self
    }
}
