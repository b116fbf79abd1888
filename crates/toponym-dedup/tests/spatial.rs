//! The spatial candidate stage (a grid of cells): neighbours that share no key — one edit
//! apart (李家洼 / 李家湾) — must be found wherever the cell lines fall, from either batch of
//! an incremental run, and beyond the 3 × 3 cells around a point when a large positional
//! tolerance widens the search radius.

use toponym_dedup::{Index, Observation, Outcome, ReviewPolicy, Signal, Tables};

const LON: f64 = 117.10;
const LAT: f64 = 36.20;

fn at(name: &str, east_m: f64, north_m: f64) -> Observation {
    let lon = LON + east_m / (111_320.0 * LAT.to_radians().cos());
    Observation::new(name, name, "settlement.village")
        .admin("370102100")
        .at(lon, LAT + north_m / 110_574.0)
}

const SURNAMES: [&str; 20] = [
    "李", "王", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗",
];

/// 20 pairs `X家洼` / `X家湾` 250 m apart, 1.37 km between pairs: every offset against the
/// cell lines occurs.
fn near_miss_pairs() -> Vec<Observation> {
    let mut out = Vec::new();
    for (k, s) in SURNAMES.iter().enumerate() {
        let (e, n) = (k as f64 * 1370.0, (k % 7) as f64 * 310.0);
        let (dx, dy) = match k % 4 {
            0 => (250.0, 0.0),
            1 => (0.0, 250.0),
            2 => (-177.0, 177.0),
            _ => (177.0, -177.0),
        };
        out.push(at(&format!("{s}家洼"), e, n));
        out.push(at(&format!("{s}家湾"), e + dx, n + dy));
    }
    out
}

fn review_pairs(ix: &Index) -> Vec<(u32, u32)> {
    let mut v: Vec<(u32, u32)> = ix
        .pairs()
        .iter()
        .filter(|p| p.outcome == Outcome::Review)
        .map(|p| (p.a.min(p.b), p.a.max(p.b)))
        .collect();
    v.sort_unstable();
    v
}

#[test]
fn one_edit_neighbours_are_found_across_cell_lines() {
    let obs = near_miss_pairs();
    let mut ix = Index::new(Tables::builtin().clone(), ReviewPolicy::Queue);
    ix.push(&obs);
    ix.link();
    let want: Vec<(u32, u32)> = (0..SURNAMES.len() as u32)
        .map(|k| (2 * k, 2 * k + 1))
        .collect();
    assert_eq!(review_pairs(&ix), want);
    let e = ix.explain(0, 1);
    assert!(
        e.hits.iter().any(|h| h.signal == Signal::NearMiss),
        "{e:#?}"
    );
}

#[test]
fn one_edit_neighbours_are_found_from_either_batch() {
    let obs = near_miss_pairs();
    // First the 洼 of every pair, then the 湾: every pair is one old and one new record.
    let (old, new): (Vec<_>, Vec<_>) = obs
        .iter()
        .cloned()
        .enumerate()
        .partition(|(i, _)| i % 2 == 0);
    let old: Vec<Observation> = old.into_iter().map(|(_, o)| o).collect();
    let new: Vec<Observation> = new.into_iter().map(|(_, o)| o).collect();
    let mut ix = Index::new(Tables::builtin().clone(), ReviewPolicy::Queue).with_threads(2);
    ix.push(&old);
    ix.link();
    ix.push(&new);
    ix.link();
    let n = SURNAMES.len() as u32;
    let want: Vec<(u32, u32)> = (0..n).map(|k| (k, n + k)).collect();
    assert_eq!(review_pairs(&ix), want);
}

#[test]
fn a_large_tolerance_searches_beyond_the_neighbouring_cells() {
    // 1.5 km apart, each point known to ±1 km (a sketch map): the template radius plus both
    // tolerances covers the distance, so the pair is a near miss in review, although the
    // two points can lie two cells apart.
    let mut a = at("李家洼", 0.0, 0.0);
    let mut b = at("李家湾", 1500.0, 0.0);
    a.tolerance_m = Some(1000.0);
    b.tolerance_m = Some(1000.0);
    for order in [[a.clone(), b.clone()], [b, a]] {
        let mut ix = Index::new(Tables::builtin().clone(), ReviewPolicy::Queue);
        ix.push(&order[..1]);
        ix.link();
        ix.push(&order[1..]);
        ix.link();
        assert_eq!(review_pairs(&ix), vec![(0, 1)]);
    }
    // Without the tolerance the same two points are too far apart to be a candidate.
    let mut ix = Index::new(Tables::builtin().clone(), ReviewPolicy::Queue);
    ix.push(&[at("李家洼", 0.0, 0.0), at("李家湾", 1500.0, 0.0)]);
    ix.link();
    assert!(ix.pairs().is_empty(), "{:?}", ix.pairs());
}
