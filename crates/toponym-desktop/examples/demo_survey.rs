//! Writes a small demo survey for the app's end-to-end tests and for `scripts/run-app.sh`
//! when the sample survey of `samples/` is not there: an investigation list of real
//! places of 泰山区 and 岱岳区 (to do), a few drafts and completed records, all with a named
//! seed and a fixed clock so the file's content is reproducible.
//!
//! `cargo run -p toponym-desktop --example demo_survey -- <path>`; the passphrase is
//! `TOPONYM_DEMO_PASSPHRASE` (default `taishan-1987`).

use std::path::PathBuf;

use anyhow::{bail, Context};
use serde_json::json;
use toponym_core::{FixedClock, Geometry, IdGenerator, SeededIdGenerator};
use toponym_forms::Catalog;
use toponym_store::{Actor, KdfParams, Passphrase, SearchKeys, Store};

const SEED: u64 = 0x0007_a1a9_1987;

/// (template, name, lon, lat, township code, status, registrar) of real places near Tai'an.
const PLACES: &[(&str, &str, f64, f64, &str, &str, bool)] = &[
    (
        "terrain.peak",
        "泰山",
        117.1009,
        36.2567,
        "370902002",
        "complete",
        true,
    ),
    (
        "terrain.peak",
        "傲徕峰",
        117.0738,
        36.2493,
        "370902002",
        "draft",
        true,
    ),
    (
        "water.spring",
        "王母池",
        117.1305,
        36.2065,
        "370902001",
        "draft",
        true,
    ),
    (
        "water.river",
        "梳洗河",
        117.1300,
        36.2000,
        "370902001",
        "draft",
        false,
    ),
    (
        "water.river",
        "泮河",
        117.0600,
        36.1400,
        "370911001",
        "draft",
        false,
    ),
    (
        "water.lake",
        "天平湖",
        117.0560,
        36.2300,
        "370911100",
        "draft",
        false,
    ),
    (
        "memorial.religious_site",
        "岱庙",
        117.1268,
        36.1960,
        "370902001",
        "complete",
        true,
    ),
    (
        "memorial.religious_site",
        "普照寺",
        117.1134,
        36.2085,
        "370902002",
        "draft",
        false,
    ),
    (
        "settlement.village",
        "大河村",
        117.0700,
        36.2200,
        "370911100",
        "draft",
        false,
    ),
    (
        "settlement.village",
        "南关村",
        117.1250,
        36.1880,
        "370902001",
        "draft",
        false,
    ),
    (
        "admin.township",
        "岱庙街道",
        117.1260,
        36.1950,
        "370902001",
        "reviewed",
        true,
    ),
    (
        "admin.township",
        "粥店街道",
        117.0700,
        36.2000,
        "370911001",
        "draft",
        false,
    ),
    (
        "transport.urban_road",
        "泰山大街",
        117.1100,
        36.1900,
        "370902001",
        "returned",
        true,
    ),
];

fn main() -> anyhow::Result<()> {
    let Some(path) = std::env::args().nth(1).map(PathBuf::from) else {
        bail!("usage: demo_survey <survey-file>");
    };
    if path.exists() {
        bail!("{} exists; refusing to overwrite a survey", path.display());
    }
    let pass = std::env::var("TOPONYM_DEMO_PASSPHRASE").unwrap_or_else(|_| "taishan-1987".into());
    let clock = FixedClock(time::macros::datetime!(2026-11-20 09:00 +08:00));
    let ids = SeededIdGenerator::new(1_795_000_000_000, SEED);
    let cat = Catalog::builtin();
    let mut store = Store::create(&path, &Passphrase::new(pass), KdfParams::production())
        .with_context(|| format!("creating {}", path.display()))?;
    store.set_clock(std::sync::Arc::new(clock));
    let mut batch = Vec::new();
    for &(tpl, name, lon, lat, town, status, started) in PLACES {
        let t = cat
            .template(tpl)
            .with_context(|| format!("template {tpl}"))?;
        let mut r = cat
            .new_record(tpl, ids.next_id(), &clock)
            .with_context(|| format!("template {tpl}"))?;
        r.fields.insert("standard_name".into(), json!(name));
        r.fields.insert("admin_areas".into(), json!([town]));
        r.fields.insert("rep_point".into(), json!([lon, lat]));
        r.workflow_status = status
            .parse()
            .map_err(|e: String| anyhow::anyhow!("{tpl} {name}: {e}"))?;
        if let toponym_romanise::Outcome::Romanised { roman, .. } =
            toponym_romanise::Romaniser::builtin().romanise(&toponym_romanise::Request {
                template_id: Some(tpl),
                ..toponym_romanise::Request::new(name)
            })
        {
            r.fields.insert("roman".into(), json!(roman));
        }
        if started {
            r.fields.insert("registrar".into(), json!("李明"));
        }
        r.geometry = Some(match t.geometry {
            toponym_core::GeometryKind::Point => Geometry::Point([lon, lat]),
            toponym_core::GeometryKind::Line => Geometry::LineString(vec![
                [lon - 0.01, lat - 0.008],
                [lon, lat],
                [lon + 0.012, lat + 0.006],
            ]),
            toponym_core::GeometryKind::Polygon => Geometry::Polygon(vec![vec![
                [lon - 0.006, lat - 0.004],
                [lon + 0.006, lat - 0.004],
                [lon + 0.006, lat + 0.004],
                [lon - 0.006, lat + 0.004],
                [lon - 0.006, lat - 0.004],
            ]]),
        });
        batch.push((r, SearchKeys::new([toponym_romanise::search_key(name)])));
    }
    let n = store.put_records(&batch, &Actor::new("demo_survey"), Some("demo survey"))?;
    println!("wrote {n} records to {}", path.display());
    Ok(())
}
