//! `toponym samples build <dir>`: the 泰山区 sample survey, built reproducibly from the real
//! reference tables plus generated content (never by hand edits).
//!
//! Everything random comes from [`SAMPLE_SEED`] and every timestamp from [`sample_clock`],
//! so two builds write byte-identical record files and photos. The output is
//! `<dir>/taishan/records/*.json` (one record per file), `<dir>/taishan/media/*.jpg`,
//! `<dir>/taishan/defects.json` (the deliberately defective records and the QA rule each
//! must trip) and the encrypted survey `<dir>/taishan/taishan.toponym` built from them
//! (SQLCipher salts are random, so only the survey *contents* repeat, not its bytes).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rand::{Rng as _, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use time::macros::datetime;
use time::OffsetDateTime;
use toponym_core::{
    FixedClock, Geometry, GeometryKind, IdGenerator, LonLat, Record, SeededIdGenerator,
};
use toponym_forms::model::{FieldDef, FieldKind};
use toponym_forms::Catalog;
use toponym_reference::{builtin, plan_baseline, BaselineEntry, Boundaries};
use toponym_romanise::{Outcome, Request, Romaniser};
use toponym_store::StoreError;
use toponym_store::{Actor, Closure, KdfParams, Passphrase, SearchKeys, Store};

use toponym_ops::baseline::{import_baseline, load_reference_tables};
use toponym_ops::OpsError;

/// The named seed of the sample build ("TAISHAN" in ASCII).
pub const SAMPLE_SEED: u64 = 0x5441_4953_4841_4E00;
/// The demo passphrase of the sample survey (documented in samples/README.md).
pub const DEMO_PASSPHRASE: &str = "taishan-demo-2026";
/// The county of the sample survey.
pub const COUNTY: &str = "370902";
/// The two registrars (登记人) and the reviewer (审核人).
pub const REGISTRARS: [&str; 2] = ["李秀英", "张建国"];
/// The reviewer.
pub const REVIEWER: &str = "刘玉兰";
/// The registrar who bulk-enters the natural villages (the W-7 burst).
const BULK_REGISTRAR: &str = REGISTRARS[0];
const UNIT: &str = "泰安市泰山区民政局地名办公室";

/// The fixed instant of the sample build.
pub fn sample_clock() -> FixedClock {
    FixedClock(datetime!(2026-06-01 09:00 +08:00))
}

/// A deliberately defective record.
#[derive(Debug, Clone, Serialize)]
pub struct Defect {
    /// The QA rule it must trip.
    pub rule: String,
    /// The record, for a defect of one record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// What the finding is about when it concerns the survey rather than one record
    /// (`investigation:<code>`, `registrar:<name>`): the finding's path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Template.
    pub template_id: String,
    /// What is wrong, in English.
    pub what: String,
    /// The fields that carry the fault (where the rule must report it).
    pub paths: Vec<String>,
}

/// One generated photo.
#[derive(Debug, Clone)]
pub struct Photo {
    /// File name.
    pub file_name: String,
    /// JPEG bytes with EXIF GPS and time.
    pub bytes: Vec<u8>,
}

/// The generated content, before it is written anywhere.
#[derive(Debug, Clone)]
pub struct SampleSet {
    /// Every record (valid ones first, then the defective ones).
    pub records: Vec<Record>,
    /// Photos referenced by records' `media`.
    pub photos: Vec<Photo>,
    /// The defective records.
    pub defects: Vec<Defect>,
    /// Investigation-list codes closed by a record: (code, record id).
    pub closures: Vec<(String, String)>,
}

/// What a build wrote.
#[derive(Debug, Clone, Serialize)]
pub struct SamplesReport {
    /// The survey file.
    pub survey: PathBuf,
    /// Records written.
    pub records: usize,
    /// Distinct templates covered.
    pub templates: usize,
    /// Photos written.
    pub photos: usize,
    /// Defective records.
    pub defects: usize,
    /// Investigation-list entries still open after the build.
    pub open_entries: usize,
}

/// Deterministic generator state: a ChaCha8 stream from a named seed, with the two draws the
/// generator needs (a raw 64-bit value and a uniform value in [0, 1)).
struct Rng(ChaCha8Rng);

impl Rng {
    fn seeded(seed: u64) -> Self {
        Rng(ChaCha8Rng::seed_from_u64(seed))
    }
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn unit(&mut self) -> f64 {
        self.0.gen::<f64>()
    }
}

/// (template, 专名, 通名) of the generated records: invented but plausible names for
/// 泰山区, real where the place is well known (泰山, 岱庙, 红门, 普照寺, 东岳大街 …).
const NAMES: &[(&str, &str, &str)] = &[
    ("marine.bay", "岱阳", "湾"),
    ("marine.strait", "汶口", "水道"),
    ("marine.island", "青云", "岛"),
    ("marine.reef", "石牛", "礁"),
    ("marine.cape", "望岳", "角"),
    ("water.river", "奈", "河"),
    ("water.lake", "天平", "湖"),
    ("water.spring", "王母", "泉"),
    ("water.waterfall", "黑龙潭", "瀑布"),
    ("water.islet", "梳洗", "洲"),
    ("water.wetland", "泮河", "湿地"),
    ("terrain.range", "徂徕", "山脉"),
    ("terrain.peak", "泰", "山"),
    ("terrain.pass", "南天", "门"),
    ("terrain.valley", "桃花", "峪"),
    ("terrain.cave", "白云", "洞"),
    ("terrain.region", "泰莱", "平原"),
    ("admin.province", "山东", "省"),
    ("admin.prefecture", "泰安", "市"),
    ("admin.county", "泰山", "区"),
    ("selfgov.villager_group", "上梨园第一", "村民小组"),
    ("nonadmin.dev_zone", "泰山高新技术产业", "开发区"),
    ("nonadmin.agri_zone", "徂徕山", "林场"),
    ("nonadmin.nature_reserve", "泰山", "自然保护区"),
    ("nonadmin.district_area", "岱庙", "片区"),
    ("nonadmin.port_of_entry", "泰安", "公路口岸"),
    ("settlement.urban", "东湖", "小区"),
    ("settlement.village", "上梨园", "村"),
    ("settlement.mining", "大津口", "矿区"),
    ("settlement.farm", "药乡", "林场点"),
    ("transport.railway", "京沪", "铁路"),
    ("transport.highway", "泰佛", "公路"),
    ("transport.urban_road", "东岳", "大街"),
    ("transport.street_lane", "通天", "街"),
    ("transport.bridge", "红门", "桥"),
    ("transport.tunnel", "天烛峰", "隧道"),
    ("transport.railway_station", "泰安", "站"),
    ("transport.bus_station", "泰安汽车", "站"),
    ("transport.port", "泮河", "码头"),
    ("transport.ferry", "大汶河", "渡口"),
    ("transport.airport", "泰山", "机场"),
    ("transport.junction", "岱宗", "立交桥"),
    ("transport.service_facility", "泰山", "服务区"),
    ("infra.well", "岱庙古", "井"),
    ("infra.pond", "樱桃园", "塘坝"),
    ("infra.reservoir", "虎山", "水库"),
    ("infra.flood_storage", "泮河", "蓄滞洪区"),
    ("infra.channel", "东湖", "干渠"),
    ("infra.pumping_station", "邱家店", "泵站"),
    ("infra.embankment", "奈河", "河堤"),
    ("infra.sluice_dam", "泮河", "橡胶坝"),
    ("infra.canal", "泰汶", "运河"),
    ("infra.power_station", "泰山抽水蓄能", "电站"),
    ("infra.substation", "岱宗", "变电站"),
    ("infra.telecom", "泰山", "通信塔"),
    ("memorial.memorial_site", "泰山革命烈士", "陵园"),
    ("memorial.religious_site", "普照", "寺"),
    ("memorial.park", "天外村", "公园"),
    ("memorial.scenic_area", "泰山", "风景名胜区"),
    ("memorial.heritage_site", "岱", "庙"),
    ("building.tower", "泰山金融", "大厦"),
    ("building.pavilion", "望岳", "亭"),
    ("building.square", "泰山", "广场"),
    ("building.stadium", "泰安市", "体育中心"),
    ("building.fortification", "泰安古城", "城墙"),
    ("building.market", "财源", "市场"),
    ("unit.government", "泰安市泰山区人民", "政府"),
    ("unit.school", "泰山区实验", "学校"),
    ("unit.hospital", "泰山区人民", "医院"),
    ("unit.public_institution", "泰山区气象", "站"),
    ("unit.enterprise", "泰山区岱宗", "公司"),
    ("unit.social_org", "泰山区地名文化", "协会"),
];

fn ts(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn romanise(name: &str, specific: &str, generic: &str, template: &str) -> (String, String) {
    let seg = (!generic.is_empty()).then_some((specific, generic));
    let req = Request {
        template_id: Some(template),
        segmentation: seg,
        ..Request::new(name)
    };
    match Romaniser::builtin().romanise(&req) {
        Outcome::Romanised {
            roman,
            roman_generic,
            ..
        } => (roman, roman_generic),
        _ => (String::new(), String::new()),
    }
}

/// The readings a registrar confirmed (读音特例, one syllable per character) when the
/// engine asks for confirmation of a polyphone; `None` when it does not.
fn confirmed_readings(name: &str, specific: &str, generic: &str, template: &str) -> Option<String> {
    let seg = (!generic.is_empty()).then_some((specific, generic));
    let req = Request {
        template_id: Some(template),
        segmentation: seg,
        ..Request::new(name)
    };
    let ro = Romaniser::builtin();
    let Outcome::Romanised { flags, .. } = ro.romanise(&req) else {
        return None;
    };
    if !flags.iter().any(|f| f.rule == "R-4") {
        return None;
    }
    let readings = ro.explain(&req)?;
    Some(
        readings
            .iter()
            .map(|r| r.pinyin.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Shrinks a generated line or polygon around its point until it lies inside the
/// county it lists (generated shapes near the county line would otherwise cross it, S-4),
/// and keeps 起点/止点 and 四至 in step.
fn fit_inside(bounds: &Boundaries, r: &mut Record) {
    let in_county = r
        .fields
        .get("admin_areas")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|c| c.as_str() == Some(COUNTY)));
    let Some(p) = r.rep_point().filter(|_| in_county) else {
        return;
    };
    let Some(kind) = (match &r.geometry {
        Some(Geometry::LineString(_)) => Some(GeometryKind::Line),
        Some(Geometry::Polygon(_)) => Some(GeometryKind::Polygon),
        _ => None,
    }) else {
        return;
    };
    let inside = |g: &Geometry| {
        g.positions()
            .all(|q| bounds.within(COUNTY, *q, 0.0).unwrap_or(true))
    };
    if r.geometry.as_ref().is_some_and(inside) {
        return;
    }
    for scale in [0.5, 0.25, 0.1, 0.05] {
        let g = scaled_geometry(kind, p, scale);
        if inside(&g) || scale == 0.05 {
            if let Geometry::LineString(l) = &g {
                r.fields.insert("start_point".into(), json!(l[0]));
                r.fields.insert("end_point".into(), json!(l[l.len() - 1]));
            }
            if let Some([w, s, e, n]) = g.bbox() {
                r.fields.insert(
                    "extent".into(),
                    json!([round6(w), round6(s), round6(e), round6(n)]),
                );
            }
            r.geometry = Some(g);
            return;
        }
    }
}

/// A value for a template-specific field, by its definition.
fn field_value(
    def: &FieldDef,
    name: &str,
    rng: &mut Rng,
    refs: &BTreeMap<String, String>,
) -> Option<Value> {
    let num = |rng: &mut Rng| {
        let lo = def.min.unwrap_or(0.0).max(0.0);
        let v = lo + 1.0 + (rng.unit() * 40.0).round() / 4.0;
        (v * 100.0).round() / 100.0
    };
    Some(match def.kind {
        FieldKind::Text => {
            if let Some(n) = def.length {
                if def.digits_only {
                    let digits: String = (0..n)
                        .map(|i| char::from(b'0' + ((i as u64 * 7 + rng.next()) % 10) as u8))
                        .collect();
                    return Some(json!(digits));
                }
            }
            match def.key.as_str() {
                "route_no" => json!("X012"),
                "iata_code" => json!("TAX"),
                "icao_code" => json!("ZSTA"),
                "field_grade" => json!("4C"),
                "flood_standard" => json!("五十年一遇"),
                "market_days" => json!("逢三、八"),
                "uscc" => json!("91370902MA3C5X8K2Q"),
                _ => json!(format!(
                    "{name}{}",
                    def.label_zh
                        .split(['(', '（', '/'])
                        .next()
                        .unwrap_or("情况")
                )),
            }
        }
        FieldKind::Int => json!(num(rng).round() as i64),
        // The first scale is 大(1)型 (≥ 10 亿m³ by SL 252, QA rule L-4): a capacity that
        // agrees with it, so that the clean reservoir is clean.
        FieldKind::Dec if def.key == "total_capacity_1e4m3" => json!(125000.0),
        FieldKind::Dec => json!(num(rng)),
        FieldKind::Year => json!(1950 + (rng.next() % 70) as i64),
        FieldKind::Date => json!("2010-05-01"),
        FieldKind::Datetime => json!("2026-05-20T10:00:00+08:00"),
        FieldKind::Bool => json!(true),
        FieldKind::Enum => json!(def.values.first()?),
        FieldKind::Ref => {
            let target = def.ref_templates.iter().find_map(|t| {
                let prefix = t.trim_end_matches('*');
                refs.iter()
                    .find(|(k, _)| {
                        if t.ends_with('*') {
                            k.starts_with(prefix)
                        } else {
                            *k == t
                        }
                    })
                    .map(|(_, v)| v)
            })?;
            json!(target)
        }
        FieldKind::List => {
            let item = def.item.as_ref()?;
            if !item.fields.is_empty() {
                let mut o = Map::new();
                for f in &item.fields {
                    if let Some(v) = field_value(f, name, rng, refs) {
                        o.insert(f.key.clone(), v);
                    }
                }
                json!([o])
            } else {
                let kind = item.kind?;
                let scalar = FieldDef {
                    kind,
                    values: item.values.clone(),
                    ref_templates: item.ref_templates.clone(),
                    item: None,
                    ..def.clone()
                };
                json!([field_value(&scalar, name, rng, refs)?])
            }
        }
        FieldKind::AdminCodes => json!([COUNTY]),
        FieldKind::Object => {
            let item = def.item.as_ref()?;
            let mut o = Map::new();
            for f in &item.fields {
                o.insert(f.key.clone(), json!(format!("{}相邻地块", f.label_zh)));
            }
            json!(o)
        }
        FieldKind::Person => json!(REVIEWER),
        _ => return None,
    })
}

fn geometry_for(kind: GeometryKind, p: LonLat) -> Geometry {
    scaled_geometry(kind, p, 1.0)
}

/// A generated shape around `p`, `scale` times the usual size (≈ 200 m), rounded to 6
/// decimals.
fn scaled_geometry(kind: GeometryKind, p: LonLat, scale: f64) -> Geometry {
    let g = scaled_geometry_raw(kind, p, scale);
    match g {
        Geometry::LineString(l) => {
            Geometry::LineString(l.iter().map(|q| [round6(q[0]), round6(q[1])]).collect())
        }
        Geometry::Polygon(rs) => Geometry::Polygon(
            rs.iter()
                .map(|r| r.iter().map(|q| [round6(q[0]), round6(q[1])]).collect())
                .collect(),
        ),
        other => other,
    }
}

fn scaled_geometry_raw(kind: GeometryKind, p: LonLat, scale: f64) -> Geometry {
    let d = 0.002 * scale;
    match kind {
        GeometryKind::Point => Geometry::Point(p),
        GeometryKind::Line => Geometry::LineString(vec![
            [p[0] - d, p[1] - d / 2.0],
            p,
            [p[0] + d, p[1] + d / 2.0],
        ]),
        GeometryKind::Polygon => Geometry::Polygon(vec![vec![
            [p[0] - d, p[1] - d],
            [p[0] + d, p[1] - d],
            [p[0] + d, p[1] + d],
            [p[0] - d, p[1] + d],
            [p[0] - d, p[1] - d],
        ]]),
    }
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// A deterministic point inside the county outline.
fn point_in(b: &Boundaries, code: &str, rng: &mut Rng) -> LonLat {
    let Some(area) = b.area(code) else {
        return [117.13, 36.19];
    };
    let Some([w, s, e, n]) = area.geometry.bbox() else {
        return [117.13, 36.19];
    };
    for _ in 0..1000 {
        let p = [
            round6(w + rng.unit() * (e - w)),
            round6(s + rng.unit() * (n - s)),
        ];
        if b.distance_m(code, p) == Some(0.0)
            && b.distance_m(code, [p[0] + 0.003, p[1] + 0.003]) == Some(0.0)
            && b.distance_m(code, [p[0] - 0.003, p[1] - 0.003]) == Some(0.0)
        {
            return p;
        }
    }
    [117.13, 36.19]
}

/// A 160×120 JPEG with EXIF GPS position and time, reproducible from its inputs.
pub fn make_photo(seed: u64, p: LonLat, shot: OffsetDateTime) -> Result<Vec<u8>, OpsError> {
    let mut rng = Rng::seeded(seed);
    let (r0, g0, b0) = (
        (rng.next() % 200) as u8,
        (rng.next() % 200) as u8,
        (rng.next() % 200) as u8,
    );
    let img = image::RgbImage::from_fn(160, 120, |x, y| {
        let sky = y < 50;
        let ridge = (y as i64) < 50 + ((x as i64 * 7 + seed as i64 % 13) % 30);
        if sky {
            image::Rgb([120, 170, 230u8.saturating_sub((y / 2) as u8)])
        } else if ridge {
            image::Rgb([r0 / 2 + 30, g0 / 2 + 60, b0 / 3])
        } else {
            image::Rgb([
                r0.wrapping_add((x % 20) as u8),
                g0,
                b0.wrapping_add((y % 15) as u8),
            ])
        }
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80)
        .encode_image(&img)
        .map_err(|e| OpsError::Generator(format!("JPEG encoding: {e}")))?;
    let app1 = exif_app1(p, shot);
    if jpeg.len() < 2 || jpeg[..2] != [0xFF, 0xD8] {
        return Err(OpsError::Generator("JPEG without SOI".into()));
    }
    let mut out = Vec::with_capacity(jpeg.len() + app1.len());
    out.extend_from_slice(&jpeg[..2]);
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    Ok(out)
}

/// An EXIF APP1 segment (little-endian TIFF) with DateTimeOriginal and GPS lat/lon.
fn exif_app1(p: LonLat, shot: OffsetDateTime) -> Vec<u8> {
    fn entry(t: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: u32) {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&typ.to_le_bytes());
        t.extend_from_slice(&count.to_le_bytes());
        t.extend_from_slice(&value.to_le_bytes());
    }
    fn dms(t: &mut Vec<u8>, v: f64) {
        let v = v.abs();
        let d = v.floor();
        let m = ((v - d) * 60.0).floor();
        let s = ((v - d) * 60.0 - m) * 60.0;
        for (num, den) in [
            (d as u32, 1u32),
            (m as u32, 1),
            ((s * 10_000.0).round() as u32, 10_000),
        ] {
            t.extend_from_slice(&num.to_le_bytes());
            t.extend_from_slice(&den.to_le_bytes());
        }
    }
    let mut t = Vec::new();
    t.extend_from_slice(b"II*\0");
    t.extend_from_slice(&8u32.to_le_bytes());
    // IFD0 at 8: two pointers.
    t.extend_from_slice(&2u16.to_le_bytes());
    entry(&mut t, 0x8769, 4, 1, 38);
    entry(&mut t, 0x8825, 4, 1, 76);
    t.extend_from_slice(&0u32.to_le_bytes());
    // Exif IFD at 38: DateTimeOriginal → 56.
    t.extend_from_slice(&1u16.to_le_bytes());
    entry(&mut t, 0x9003, 2, 20, 56);
    t.extend_from_slice(&0u32.to_le_bytes());
    let local = shot;
    let stamp = format!(
        "{:04}:{:02}:{:02} {:02}:{:02}:{:02}\0",
        local.year(),
        u8::from(local.month()),
        local.day(),
        local.hour(),
        local.minute(),
        local.second()
    );
    t.extend_from_slice(stamp.as_bytes());
    // GPS IFD at 76: five entries → rationals at 142 and 166.
    t.extend_from_slice(&5u16.to_le_bytes());
    entry(&mut t, 0x0000, 1, 4, u32::from_le_bytes([2, 3, 0, 0]));
    entry(
        &mut t,
        0x0001,
        2,
        2,
        u32::from_le_bytes([if p[1] >= 0.0 { b'N' } else { b'S' }, 0, 0, 0]),
    );
    entry(&mut t, 0x0002, 5, 3, 142);
    entry(
        &mut t,
        0x0003,
        2,
        2,
        u32::from_le_bytes([if p[0] >= 0.0 { b'E' } else { b'W' }, 0, 0, 0]),
    );
    entry(&mut t, 0x0004, 5, 3, 166);
    t.extend_from_slice(&0u32.to_le_bytes());
    dms(&mut t, p[1]);
    dms(&mut t, p[0]);
    let mut seg = vec![0xFF, 0xE1];
    let len = (2 + 6 + t.len()) as u16;
    seg.extend_from_slice(&len.to_be_bytes());
    seg.extend_from_slice(b"Exif\0\0");
    seg.extend_from_slice(&t);
    seg
}

struct Ctx<'a> {
    catalog: &'a Catalog,
    ids: SeededIdGenerator,
    clock: FixedClock,
    rng: Rng,
    photos: Vec<Photo>,
    n: usize,
}

impl Ctx<'_> {
    /// A complete, reviewed record with common fields filled.
    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        template: &str,
        specific: &str,
        generic: &str,
        point: LonLat,
        admin: Vec<String>,
        status: &str,
        extra: Map<String, Value>,
        refs: &BTreeMap<String, String>,
    ) -> Result<Record, OpsError> {
        let id = self.ids.next_id();
        let mut r = self
            .catalog
            .new_record(template, id, &self.clock)
            .ok_or_else(|| OpsError::Generator(format!("no template {template}")))?;
        let t = self
            .catalog
            .template(template)
            .ok_or_else(|| OpsError::Generator(template.into()))?;
        let name = format!("{specific}{generic}");
        let (roman, roman_generic) = romanise(&name, specific, generic, template);
        let i = self.n;
        self.n += 1;
        let registrar = REGISTRARS[i % 2];
        let base = datetime!(2026-04-01 08:30 +08:00) + time::Duration::minutes(37 * i as i64);
        let f = &mut r.fields;
        f.insert("census_status".into(), json!(status));
        f.insert("standard_name".into(), json!(name));
        f.insert("specific_part".into(), json!(specific));
        if !generic.is_empty() {
            f.insert("generic_part".into(), json!(generic));
        }
        f.insert("roman".into(), json!(roman));
        if let Some(readings) = confirmed_readings(&name, specific, generic, template) {
            f.insert("roman_override".into(), json!(readings));
        }
        if !roman_generic.is_empty() {
            f.insert("roman_generic".into(), json!(roman_generic));
        }
        f.insert("admin_areas".into(), json!(admin));
        f.insert("rep_point".into(), json!(point));
        f.insert("survey_method".into(), json!("实测"));
        f.insert("position_source".into(), json!("GNSS"));
        f.insert(
            "origin".into(),
            json!(format!(
                "{name}因当地世代相沿的称谓“{specific}”而得名，见于民国《泰安县志》。"
            )),
        );
        f.insert(
            "meaning".into(),
            json!(format!(
                "专名“{specific}”沿用当地传统称谓，通名“{generic}”表明其地理实体类别。"
            )),
        );
        f.insert(
            "history".into(),
            json!(format!(
                "{name}一名沿用已久，1981年第一次地名普查时登记，名称沿用至今。"
            )),
        );
        f.insert(
            "description".into(),
            json!(format!(
                "{name}位于泰安市泰山区境内，{}，是当地重要的地理方位参照。",
                t.name_zh
            )),
        );
        f.insert(
            "sources".into(),
            json!([{ "kind": "一普成果", "detail": "《泰安市地名志》（1988年）" }, { "kind": "实地调查", "detail": format!("{registrar}实地调查（示例数据，由 toponym samples build 生成）") }]),
        );
        f.insert("registrar".into(), json!(registrar));
        f.insert("registering_unit".into(), json!(UNIT));
        f.insert("registered_at".into(), json!(ts(base)));
        f.insert("reviewer".into(), json!(REVIEWER));
        f.insert(
            "reviewed_at".into(),
            json!(ts(base + time::Duration::days(20))),
        );
        f.insert("review_result".into(), json!("通过"));
        if matches!(template, "terrain.peak" | "terrain.pass") {
            f.insert(
                "elevation_m".into(),
                json!(if template == "terrain.peak" {
                    1532.7
                } else {
                    1460.0
                }),
            );
        }
        let g = geometry_for(t.geometry, point);
        if t.geometry == GeometryKind::Line {
            if let Geometry::LineString(l) = &g {
                f.insert("start_point".into(), json!(l[0]));
                f.insert("end_point".into(), json!(l[l.len() - 1]));
            }
        }
        if let Some([w, s, e, n]) = g.bbox() {
            if t.geometry != GeometryKind::Point {
                f.insert(
                    "extent".into(),
                    json!([round6(w), round6(s), round6(e), round6(n)]),
                );
            }
        }
        r.geometry = Some(match g {
            Geometry::LineString(l) => {
                Geometry::LineString(l.iter().map(|p| [round6(p[0]), round6(p[1])]).collect())
            }
            Geometry::Polygon(rs) => Geometry::Polygon(
                rs.iter()
                    .map(|r| r.iter().map(|p| [round6(p[0]), round6(p[1])]).collect())
                    .collect(),
            ),
            other => other,
        });
        let defs: Vec<FieldDef> = t.fields.clone();
        for def in &defs {
            if r.fields.contains_key(&def.key) || extra.contains_key(&def.key) {
                continue;
            }
            if let Some(v) = field_value(def, specific, &mut self.rng, refs) {
                r.fields.insert(def.key.clone(), v);
            }
        }
        for (k, v) in extra {
            r.fields.insert(k, v);
        }
        // The part in the county is never longer than the whole (L-3).
        if let (Some(all), Some(part)) = (
            r.fields.get("length_km").and_then(Value::as_f64),
            r.fields.get("length_in_county_km").and_then(Value::as_f64),
        ) {
            if part > all {
                r.fields.insert("length_in_county_km".into(), json!(all));
            }
        }
        // Sub-type enums (国道/省道, 主干路 …) select the class code.
        let code = self.catalog.class_code_for(t, &r);
        r.fields.insert("class_code".into(), json!(code));
        if t.photo_required.is_some() {
            let shot = base - time::Duration::minutes(20);
            let file_name = format!("{name}-{:03}.jpg", i + 1);
            let bytes = make_photo(SAMPLE_SEED ^ i as u64, point, shot)?;
            let sha = hex::encode(Sha256::digest(&bytes));
            r.fields.insert(
                "media".into(),
                json!([{ "sha256": sha, "file_name": file_name, "caption": format!("{name}现状"), "shot_at": ts(shot), "point": point }]),
            );
            self.photos.push(Photo { file_name, bytes });
        }
        Ok(r)
    }
}

fn entry_extra(e: &BaselineEntry) -> Map<String, Value> {
    let mut m = Map::new();
    for (k, v) in &e.prefill {
        if matches!(
            k.as_str(),
            "standard_name"
                | "census_status"
                | "admin_areas"
                | "rep_point"
                | "usage"
                | "survey_method"
                | "position_source"
                | "crs"
                | "sources"
        ) {
            continue;
        }
        m.insert(k.clone(), v.clone());
    }
    m
}

fn split_committee(name: &str) -> (String, String) {
    for g in [
        "社区居民委员会",
        "村民委员会",
        "社区居委会",
        "居委会",
        "村委会",
    ] {
        if let Some(s) = name.strip_suffix(g) {
            return (s.to_owned(), g.to_owned());
        }
    }
    for g in ["街道办事处", "街道", "镇", "乡"] {
        if let Some(s) = name.strip_suffix(g) {
            return (s.to_owned(), g.to_owned());
        }
    }
    (name.to_owned(), String::new())
}

/// Generates the sample records, photos and defects. Pure and deterministic.
pub fn generate() -> Result<SampleSet, OpsError> {
    let catalog = Catalog::builtin();
    let bounds = builtin::taian_boundaries()?;
    let (old, new) = (builtin::taian_2016()?, builtin::taian_2021()?);
    let plan = plan_baseline(COUNTY, &old, &new)?;
    let mut cx = Ctx {
        catalog,
        ids: SeededIdGenerator::new(1_780_000_000_000, SAMPLE_SEED),
        clock: sample_clock(),
        rng: Rng::seeded(SAMPLE_SEED),
        photos: Vec::new(),
        n: 0,
    };
    let mut records = Vec::new();
    let mut closures = Vec::new();
    let mut refs: BTreeMap<String, String> = BTreeMap::new();
    // 1. One form per investigation-list entry, from the real tables.
    for e in &plan.entries {
        if e.status.as_zh() == "注销" {
            continue;
        }
        let (specific, generic) = split_committee(&e.standard_name);
        let point = match e.prefill.get("rep_point").and_then(Value::as_array) {
            Some(a) if a.len() == 2 => [
                a[0].as_f64().unwrap_or(117.13),
                a[1].as_f64().unwrap_or(36.19),
            ],
            _ => point_in(&bounds, COUNTY, &mut cx.rng),
        };
        let admin: Vec<String> = e
            .prefill
            .get("admin_areas")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default();
        let mut extra = entry_extra(e);
        extra.insert("seat".into(), json!(format!("{specific}")));
        let r = cx.record(
            &e.template_id,
            &specific,
            &generic,
            point,
            admin,
            e.status.as_zh(),
            extra,
            &refs,
        )?;
        refs.entry(e.template_id.clone())
            .or_insert_with(|| r.record_id.to_string());
        closures.push((e.code.clone(), r.record_id.to_string()));
        records.push(r);
    }
    // 2. One record for every other template, references resolved to earlier records.
    let (_, river) = builtin::yellow_river()?;
    for (template, specific, generic) in NAMES {
        let point = point_in(&bounds, COUNTY, &mut cx.rng);
        let mut extra = Map::new();
        let admin = match *template {
            "admin.province" => vec!["370000".to_owned()],
            "admin.prefecture" => vec!["370000".to_owned()],
            "admin.county" => vec!["370900".to_owned()],
            _ => vec![COUNTY.to_owned()],
        };
        // Administrative areas are placed at their seats (S-7), from the 2016 centres.
        let seat = match *template {
            "admin.province" => Some("370000000000"),
            "admin.prefecture" => Some("370900000000"),
            "admin.county" => Some("370902000000"),
            _ => None,
        }
        .and_then(|c| old.units.get(c))
        .and_then(|u| u.point);
        let point = seat.map(|p| [round6(p[0]), round6(p[1])]).unwrap_or(point);
        match *template {
            "admin.province" => {
                extra.insert("division_code".into(), json!("370000"));
            }
            "admin.prefecture" => {
                extra.insert("division_code".into(), json!("370900"));
            }
            "admin.county" => {
                extra.insert("division_code".into(), json!("370902"));
            }
            _ => {}
        }
        let r = cx.record(
            template, specific, generic, point, admin, "不变", extra, &refs,
        )?;
        refs.entry((*template).to_owned())
            .or_insert_with(|| r.record_id.to_string());
        records.push(r);
    }
    // The Yellow River as a real water.river feature (Natural Earth line, 东平县 stretch listed).
    let mut extra = Map::new();
    extra.insert(
        "remarks".into(),
        json!("几何为 Natural Earth 10m 河流中心线（山东段，WGS84 视同 CGCS2000），非实测。"),
    );
    // Its 定位点 is the vertex of the line nearest to 东平县's stretch, read from the map.
    let near = river
        .geometry
        .positions()
        .map(|q| [round6(q[0]), round6(q[1])])
        .find(|q| bounds.within("370923", *q, 0.0) == Some(true))
        .unwrap_or([116.2, 36.1]);
    let mut huang = cx.record(
        "water.river",
        "黄",
        "河",
        near,
        vec!["370923".to_owned()],
        "不变",
        extra,
        &refs,
    )?;
    huang.geometry = Some(river.geometry.clone());
    huang.fields.insert("survey_method".into(), json!("图解"));
    huang.fields.insert("position_source".into(), json!("资料"));
    let r6 = |q: Option<&LonLat>| q.map(|q| [round6(q[0]), round6(q[1])]);
    huang.fields.insert(
        "start_point".into(),
        json!(r6(river.geometry.positions().next())),
    );
    huang.fields.insert(
        "end_point".into(),
        json!(r6(river.geometry.positions().last())),
    );
    if let Some([w, s, e, n]) = river.geometry.bbox() {
        huang.fields.insert("extent".into(), json!([w, s, e, n]));
    }
    records.push(huang);
    // A natural village under every villagers' committee (C-9), bulk-entered by one
    // registrar from the old 地名录 in one sitting, 50 s apart: the productivity burst
    // that W-7 reports (INFO, on the registrar, not on the records).
    let committees: Vec<(String, String, LonLat)> = records
        .iter()
        .filter(|r| r.template.id == "selfgov.village_committee")
        .filter_map(|r| {
            Some((
                r.record_id.to_string(),
                r.text("specific_part")?.to_owned(),
                r.rep_point()?,
            ))
        })
        .collect();
    let burst_start = datetime!(2026-04-15 09:00 +08:00);
    for (k, (cid, spec, p)) in committees.into_iter().enumerate() {
        let mut extra = Map::new();
        extra.insert("committee".into(), json!(cid));
        let at = burst_start + time::Duration::seconds(50 * k as i64);
        extra.insert("registrar".into(), json!(BULK_REGISTRAR));
        extra.insert("registered_at".into(), json!(ts(at)));
        extra.insert(
            "sources".into(),
            json!([{ "kind": "一普成果", "detail": "《泰安市地名志》（1988年）" }, { "kind": "实地调查", "detail": format!("{BULK_REGISTRAR}据一普地名录补录（示例数据，由 toponym samples build 生成）") }]),
        );
        // Next to the committee's seat, on the side that keeps its outline in the county.
        let q = [
            (0.001, 0.001),
            (-0.001, -0.001),
            (0.001, -0.001),
            (-0.001, 0.001),
            (0.0, 0.0),
        ]
        .into_iter()
        .map(|(dx, dy)| [round6(p[0] + dx), round6(p[1] + dy)])
        .find(|q| {
            [
                (-0.003, -0.003),
                (0.003, 0.003),
                (-0.003, 0.003),
                (0.003, -0.003),
            ]
            .iter()
            .all(|(dx, dy)| bounds.within(COUNTY, [q[0] + dx, q[1] + dy], 0.0) == Some(true))
        })
        .unwrap_or([round6(p[0]), round6(p[1])]);
        let r = cx.record(
            "settlement.village",
            &spec,
            "",
            q,
            vec![COUNTY.to_owned()],
            "不变",
            extra,
            &refs,
        )?;
        records.push(r);
    }
    for r in records.iter_mut() {
        fit_inside(&bounds, r);
    }
    let valid = records.len();
    // 3. Deliberately defective records, each a copy of a valid one with one fault.
    let mut defects = Vec::new();
    let mut defective = Vec::new();
    let base_of = |t: &str| {
        records
            .iter()
            .take(valid)
            .find(|r| r.template.id == t)
            .cloned()
    };
    let specs: Vec<(&str, &str, &str)> = vec![
        (
            "N-1",
            "settlement.village",
            "标准名称 contains a \"?\" stand-in for a character the system could not type",
        ),
        (
            "N-2",
            "selfgov.community",
            "标准名称 starts with an ideographic space U+3000",
        ),
        (
            "N-3",
            "nonadmin.agri_zone",
            "标准名称 uses a full-width digit ０ instead of 〇",
        ),
        (
            "N-4",
            "settlement.village",
            "标准名称 uses 囗 (U+56D7) where 口 is meant",
        ),
        ("C-1", "settlement.urban", "所在(跨)行政区 is missing"),
        (
            "C-2",
            "memorial.park",
            "地名含义 is the placeholder 不详 with no reason",
        ),
        (
            "C-5",
            "building.fortification",
            "使用时间 = 历史地名 without 废止年份",
        ),
        (
            "S-1",
            "transport.bridge",
            "定位点 has latitude and longitude swapped",
        ),
        (
            "S-3",
            "unit.school",
            "定位点 lies in 岱岳区 while 所在行政区 lists only 泰山区",
        ),
        (
            "S-8",
            "building.market",
            "定位点 copied from a web map in GCJ-02 (position_source 第三方地图)",
        ),
        ("L-2", "settlement.urban", "面积 is 0 instead of empty"),
        (
            "L-4",
            "infra.reservoir",
            "规模 小(2)型 with 总库容 5 000 万m³",
        ),
        (
            "K-5",
            "selfgov.village_committee",
            "统计用区划代码 ends in 005, a 居委会 range, on a 村委会",
        ),
        (
            "R-2",
            "transport.street_lane",
            "罗马字母拼写 starts with a lower-case letter",
        ),
        (
            "R-5",
            "transport.urban_road",
            "罗马字母拼写 of 泰安路 lacks the apostrophe (Tàiān)",
        ),
        (
            "W-1",
            "unit.hospital",
            "审核人 is the same person as 登记人",
        ),
        (
            "C-9",
            "selfgov.village_committee",
            "a 村委会 that no natural village belongs to",
        ),
        (
            "D-1",
            "transport.bus_station",
            "an exact copy of a clean record under a new id",
        ),
        (
            "W-6",
            "memorial.religious_site",
            "定位点 moved 3 km north while its photo's EXIF position stayed",
        ),
    ];
    for (rule, template, what) in specs {
        let mut r = base_of(template)
            .ok_or_else(|| OpsError::Generator(format!("no base record for {template}")))?;
        r.record_id = cx.ids.next_id();
        let f = &mut r.fields;
        let name = f
            .get("standard_name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        match rule {
            "N-1" => {
                f.insert("standard_name".into(), json!("胡子?村"));
                f.insert("specific_part".into(), json!("胡子?"));
            }
            "N-2" => {
                f.insert("standard_name".into(), json!(format!("\u{3000}{name}")));
            }
            "N-3" => {
                f.insert("standard_name".into(), json!("八五一０林场"));
                f.insert("specific_part".into(), json!("八五一０"));
            }
            "N-4" => {
                f.insert("standard_name".into(), json!("聂\u{56D7}村"));
                f.insert("specific_part".into(), json!("聂\u{56D7}"));
            }
            "C-1" => {
                f.remove("admin_areas");
            }
            "C-2" => {
                f.insert("meaning".into(), json!("不详"));
            }
            "C-5" => {
                f.insert("usage".into(), json!("历史地名"));
                f.remove("abolished_year");
            }
            "S-1" => {
                let p = r.rep_point().unwrap_or([117.13, 36.19]);
                r.fields.insert("rep_point".into(), json!([p[1], p[0]]));
            }
            "S-3" => {
                let p = old
                    .units
                    .get("370911000000")
                    .and_then(|u| u.point)
                    .unwrap_or([117.15, 36.05]);
                let p = [round6(p[0]), round6(p[1] - 0.05)];
                f.insert("rep_point".into(), json!(p));
                r.geometry = Some(geometry_for(GeometryKind::Polygon, p));
            }
            "S-8" => {
                let p = r.rep_point().unwrap_or([117.13, 36.19]);
                let g = toponym_geodesy::gcj02::wgs84_to_gcj02(p);
                r.fields
                    .insert("rep_point".into(), json!([round6(g[0]), round6(g[1])]));
                r.fields
                    .insert("position_source".into(), json!("第三方地图"));
                r.fields.insert("survey_method".into(), json!("图解"));
                r.geometry = Some(geometry_for(
                    GeometryKind::Polygon,
                    [round6(g[0]), round6(g[1])],
                ));
            }
            "L-2" => {
                f.insert("area_km2".into(), json!(0));
            }
            "L-4" => {
                f.insert("scale".into(), json!("小(2)型"));
                f.insert("total_capacity_1e4m3".into(), json!(5000));
            }
            "K-5" => {
                let code = f
                    .get("stats_code")
                    .and_then(Value::as_str)
                    .unwrap_or("370902100200")
                    .to_owned();
                f.insert(
                    "stats_code".into(),
                    json!(format!("{}005", &code[..9.min(code.len())])),
                );
            }
            "R-2" => {
                let roman = f
                    .get("roman")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                let mut c = roman.chars();
                let lowered: String = c
                    .next()
                    .map(|x| x.to_lowercase().collect::<String>() + c.as_str())
                    .unwrap_or_default();
                f.insert("roman".into(), json!(lowered));
            }
            "R-5" => {
                f.insert("standard_name".into(), json!("泰安路"));
                f.insert("specific_part".into(), json!("泰安"));
                f.insert("generic_part".into(), json!("路"));
                f.insert("roman".into(), json!("Tàiān Lù"));
                f.insert("roman_generic".into(), json!("Lù"));
            }
            "W-1" => {
                let reg = f.get("registrar").cloned().unwrap_or(json!(REGISTRARS[0]));
                f.insert("reviewer".into(), reg);
            }
            "W-6" => {
                let p = r.rep_point().unwrap_or([117.13, 36.19]);
                let q = [p[0], round6(p[1] + 0.027)];
                r.fields.insert("rep_point".into(), json!(q));
                let kind = catalog
                    .template(template)
                    .map(|t| t.geometry)
                    .unwrap_or(GeometryKind::Point);
                r.geometry = Some(geometry_for(kind, q));
                if let Some([w, s, e, n]) = r.geometry.as_ref().and_then(Geometry::bbox) {
                    if kind != GeometryKind::Point {
                        r.fields.insert(
                            "extent".into(),
                            json!([round6(w), round6(s), round6(e), round6(n)]),
                        );
                    }
                }
            }
            _ => {}
        }
        r.fields.insert(
            "remarks".into(),
            json!(format!("示例缺陷记录：应触发质检规则 {rule}。")),
        );
        let paths: Vec<String> = match rule {
            "N-1" | "N-3" | "N-4" => {
                vec!["fields.standard_name".into(), "fields.specific_part".into()]
            }
            "N-2" => vec!["fields.standard_name".into()],
            "C-1" => vec!["fields.admin_areas".into()],
            "C-2" => vec!["fields.meaning".into()],
            "C-5" => vec!["fields.abolished_year".into()],
            "S-1" | "S-3" | "S-8" => vec!["fields.rep_point".into()],
            "L-2" => vec!["fields.area_km2".into()],
            "L-4" => vec!["fields.total_capacity_1e4m3".into()],
            "K-5" => vec!["fields.stats_code".into()],
            "R-2" | "R-5" => vec!["fields.roman".into()],
            "C-9" => vec!["fields.natural_villages".into()],
            "D-1" => vec!["fields.standard_name".into()],
            "W-6" => vec!["fields.media[0]".into()],
            _ => vec!["fields.reviewer".into()],
        };
        defects.push(Defect {
            paths,
            rule: rule.to_owned(),
            record_id: Some(r.record_id.to_string()),
            subject: None,
            template_id: template.to_owned(),
            what: what.to_owned(),
        });
        defective.push(r);
    }
    // C-3: one boilerplate 历史沿革 pasted into four forms (copies of clean records).
    let boilerplate = "据当地老人回忆，该地名由来已久，具体形成年代已无从考证，沿用至今未变。";
    for template in [
        "water.spring",
        "terrain.cave",
        "building.pavilion",
        "memorial.heritage_site",
    ] {
        let mut r = base_of(template)
            .ok_or_else(|| OpsError::Generator(format!("no base record for {template}")))?;
        r.record_id = cx.ids.next_id();
        r.fields.insert("history".into(), json!(boilerplate));
        r.fields.insert(
            "remarks".into(),
            json!("示例缺陷记录：应触发质检规则 C-3。"),
        );
        defects.push(Defect {
            paths: vec!["fields.history".into()],
            rule: "C-3".into(),
            record_id: Some(r.record_id.to_string()),
            subject: None,
            template_id: template.to_owned(),
            what: "the same boilerplate 历史沿革 pasted into four forms".into(),
        });
        defective.push(r);
    }
    // C-8: one investigation-list entry left open (its form exists, the entry was never
    // closed); W-7: the natural villages' burst above.
    if let Some(pos) = plan
        .entries
        .iter()
        .rposition(|e| e.template_id == "selfgov.community")
        .and_then(|i| {
            closures
                .iter()
                .position(|(c, _)| *c == plan.entries[i].code)
        })
    {
        let (code, _) = closures.remove(pos);
        defects.push(Defect {
            paths: vec![format!("investigation:{code}")],
            rule: "C-8".into(),
            record_id: None,
            subject: Some(format!("investigation:{code}")),
            template_id: "selfgov.community".into(),
            what: "an investigation-list entry whose form exists but that was never closed".into(),
        });
    }
    defects.push(Defect {
        paths: vec![format!("registrar:{BULK_REGISTRAR}")],
        rule: "W-7".into(),
        record_id: None,
        subject: Some(format!("registrar:{BULK_REGISTRAR}")),
        template_id: "settlement.village".into(),
        what: "the natural villages bulk-entered by one registrar, 50 s apart".into(),
    });
    records.extend(defective);
    Ok(SampleSet {
        records,
        photos: cx.photos,
        defects,
        closures,
    })
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), OpsError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| OpsError::Io {
            action: "create folder",
            path: parent.to_owned(),
            source,
        })?;
    }
    // Through the one safe-output path: an earlier build's file is replaced, a store or a
    // special file at that name is not.
    toponym_io::OutputFile::create(path, toponym_io::OutputOptions::replacing(true))
        .and_then(|f| f.write_all_and_commit(bytes))
        .map(|_| ())
        .map_err(|e| OpsError::Store(e.into()))
}

/// Builds the sample into `<dir>/taishan/`, replacing an earlier build.
pub fn build(dir: &Path, kdf: KdfParams) -> Result<SamplesReport, OpsError> {
    let set = generate()?;
    let root = dir.join("taishan");
    // Only an earlier sample survey (one the demo passphrase opens, or a damaged one) is
    // replaced, never another survey; checked before anything is removed.
    let survey = root.join("taishan.toponym");
    if survey.exists() {
        match Store::open(&survey, &Passphrase::new(DEMO_PASSPHRASE)) {
            Ok(s) => drop(s),
            // A damaged earlier build is replaced.
            Err(StoreError::Damaged { .. }) => {}
            Err(e) => {
                return Err(OpsError::Generator(format!(
                    "{} exists and is not the sample survey ({e}); refusing to replace it",
                    survey.display()
                )))
            }
        }
    }
    for sub in ["records", "media"] {
        let p = root.join(sub);
        if p.exists() {
            std::fs::remove_dir_all(&p).map_err(|source| OpsError::Io {
                action: "remove",
                path: p.clone(),
                source,
            })?;
        }
    }
    // Defects of rules that record validation implements carry `_expect`, so the repository
    // tidy check knows they are deliberate (and that they still trip their rule).
    let implemented: std::collections::BTreeSet<&str> =
        toponym_forms::RULES.iter().map(|r| r.id).collect();
    let expect: BTreeMap<String, Value> = set
        .defects
        .iter()
        .filter(|d| implemented.contains(d.rule.as_str()))
        .filter_map(|d| Some((d, d.record_id.clone()?)))
        .map(|(d, id)| {
            let list: Vec<Value> = d
                .paths
                .iter()
                .map(|p| json!({ "rule": d.rule, "path": p }))
                .collect();
            (id, Value::Array(list))
        })
        .collect();
    for (i, r) in set.records.iter().enumerate() {
        let mut v = serde_json::to_value(r).map_err(|e| OpsError::Generator(e.to_string()))?;
        if let (Some(e), Some(o)) = (expect.get(&r.record_id.to_string()), v.as_object_mut()) {
            o.insert("_expect".into(), e.clone());
        }
        let text =
            serde_json::to_string_pretty(&v).map_err(|e| OpsError::Generator(e.to_string()))?;
        write(
            &root
                .join("records")
                .join(format!("{:03}-{}.json", i + 1, r.template.id)),
            (text + "\n").as_bytes(),
        )?;
    }
    for p in &set.photos {
        write(&root.join("media").join(&p.file_name), &p.bytes)?;
    }
    let defects = serde_json::to_string_pretty(&set.defects)
        .map_err(|e| OpsError::Generator(e.to_string()))?;
    write(&root.join("defects.json"), (defects + "\n").as_bytes())?;
    // The survey: removed and rebuilt from the files just written.
    for p in [
        survey.clone(),
        toponym_store::sidecar_path(&survey),
        PathBuf::from(format!("{}-wal", survey.display())),
        PathBuf::from(format!("{}-shm", survey.display())),
    ] {
        if p.exists() {
            std::fs::remove_file(&p).map_err(|source| OpsError::Io {
                action: "remove",
                path: p.clone(),
                source,
            })?;
        }
    }
    let mut store = Store::create(&survey, &Passphrase::new(DEMO_PASSPHRASE), kdf)?;
    store.set_clock(std::sync::Arc::new(sample_clock()));
    load_reference_tables(&mut store, Some("37"))?;
    let (old, new) = (builtin::taian_2016()?, builtin::taian_2021()?);
    import_baseline(&mut store, COUNTY, &old, &new)?;
    for p in &set.photos {
        store.add_media(&p.bytes, &p.file_name)?;
    }
    let ro = Romaniser::builtin();
    let batch: Vec<(Record, SearchKeys)> = set
        .records
        .iter()
        .map(|r| {
            (
                r.clone(),
                SearchKeys::new([ro.search_key(r.standard_name().unwrap_or(""))]),
            )
        })
        .collect();
    store.put_records(
        &batch,
        &Actor::new("toponym samples build"),
        Some("sample build"),
    )?;
    let closer = Actor::new(REVIEWER);
    for (code, id) in &set.closures {
        store.close_investigation_entry(
            code,
            &Closure::Form {
                record_id: id.clone(),
            },
            &closer,
        )?;
    }
    for e in store.open_investigation_entries(Some(COUNTY))? {
        if e.suggested_status == "注销" {
            store.close_investigation_entry(
                &e.code,
                &Closure::Abolished {
                    reason: "2021年统计用区划代码中已无此代码，经实地核实已撤并。".into(),
                },
                &closer,
            )?;
        }
    }
    let open = store.open_investigation_entries(Some(COUNTY))?.len();
    store.checkpoint()?;
    let templates: std::collections::BTreeSet<&str> =
        set.records.iter().map(|r| r.template.id.as_str()).collect();
    Ok(SamplesReport {
        survey,
        records: set.records.len(),
        templates: templates.len(),
        photos: set.photos.len(),
        defects: set.defects.len(),
        open_entries: open,
    })
}
