//! The 23 example pairs of dedup.md §8 as golden tests, one line each: two observations and
//! the decision the specification expects (same_as = automatic link, review, distinct with
//! the blocking rule and suggested relation). Plus the clustering guarantee: no cluster ever
//! holds two records a blocking rule separates, even when links would chain them.

use toponym_dedup::{
    Block, Decision, Evaluation, Index, Observation, Outcome, ReviewPolicy, Signal, Tables,
};

const LON: f64 = 117.10;
const LAT: f64 = 36.20;

/// A point `east_m` / `north_m` metres from the reference point.
fn at(o: Observation, east_m: f64, north_m: f64) -> Observation {
    let lon = LON + east_m / (111_320.0 * LAT.to_radians().cos());
    o.at(lon, LAT + north_m / 110_574.0)
}

fn obs(name: &str, template: &str, admin: &str) -> Observation {
    Observation::new(name, name, template).admin(admin)
}

/// Links two observations and returns the pair's evaluation and whether they share a cluster.
fn pair(a: Observation, b: Observation) -> (Evaluation, bool) {
    let mut ix = Index::new(Tables::builtin().clone(), ReviewPolicy::Queue).with_threads(1);
    ix.push(&[a, b]);
    ix.link();
    let c = ix.clusters();
    (ix.explain(0, 1), c[0] == c[1])
}

fn has(e: &Evaluation, s: Signal) -> bool {
    e.hits.iter().any(|h| h.signal == s)
}

#[track_caller]
fn same_as(a: Observation, b: Observation, key: Signal) {
    let (e, together) = pair(a, b);
    assert_eq!(e.decision, Decision::AutoLink, "{e:#?}");
    assert!(together, "linked records share a cluster");
    assert!(has(&e, key), "expected signal {key:?}: {e:#?}");
}

#[track_caller]
fn review(a: Observation, b: Observation, key: Signal) {
    let (e, together) = pair(a, b);
    assert_eq!(e.decision, Decision::Review, "{e:#?}");
    assert!(
        !together,
        "a review pair is not merged under the queue policy"
    );
    assert!(has(&e, key), "expected signal {key:?}: {e:#?}");
}

#[track_caller]
fn distinct(a: Observation, b: Observation, block: Option<Block>, relation: Option<(&str, bool)>) {
    let (e, together) = pair(a, b);
    assert_eq!(e.decision, Decision::Distinct, "{e:#?}");
    assert!(!together);
    assert_eq!(e.block, block, "{e:#?}");
    assert_eq!(
        e.relation.as_ref().map(|(r, f)| (r.as_str(), *f)),
        relation,
        "{e:#?}"
    );
}

const TW: &str = "370902001";
const VC: &str = "selfgov.village_committee";
const VILLAGE: &str = "settlement.village";

#[test]
fn e01_stand_in_notation_with_the_same_code() {
    let mut a = obs("小（氵甸）村委会", VC, "120115106");
    a.official_code = Some("120115106201".into());
    let mut b = obs("小𣵦村委会", VC, "120115106");
    b.official_code = Some("120115106201".into());
    same_as(a, b, Signal::OfficialCode);
}

#[test]
fn e02_full_width_zero_digit() {
    same_as(
        at(obs("八五一０农场", "settlement.farm", TW), 0.0, 0.0),
        at(obs("八五一〇农场", "settlement.farm", TW), 40.0, 0.0),
        Signal::NameKeyEqual,
    );
}

#[test]
fn e03_look_alike_enclosure_radical() {
    // Same township, no coordinates: the name key (囗 → 口) and admin context decide.
    same_as(
        obs("聂囗村委会", VC, TW),
        obs("聂口村委会", VC, TW),
        Signal::NameKeyEqual,
    );
}

#[test]
fn e04_leading_ideographic_space() {
    same_as(
        at(obs("\u{3000}茶花社区", "selfgov.community", TW), 0.0, 0.0),
        at(obs("茶花社区", "selfgov.community", TW), 200.0, 0.0),
        Signal::NameKeyEqual,
    );
}

#[test]
fn e05_former_name_of_a_renamed_city() {
    let mut a = at(obs("襄樊市", "admin.prefecture", "420600"), 0.0, 0.0);
    a.historical = true;
    let b = at(obs("襄阳市", "admin.prefecture", "420600"), 3000.0, 2000.0).aliases(&["襄樊市"]);
    same_as(a, b, Signal::CrossName);
}

#[test]
fn e06_alias_of_a_peak() {
    same_as(
        at(obs("泰山", "terrain.peak", TW), 0.0, 0.0).aliases(&["岱宗", "岱山"]),
        at(obs("岱宗", "terrain.peak", TW), 120.0, 60.0),
        Signal::CrossName,
    );
}

#[test]
fn e07_village_and_its_committee() {
    distinct(
        at(obs("张庄", VILLAGE, TW), 0.0, 0.0),
        at(obs("张庄村", VC, TW), 80.0, 0.0),
        Some(Block::IncompatibleTemplates),
        Some(("part_of", true)),
    );
}

#[test]
fn e08_jia_infix_nearby() {
    review(
        at(obs("张庄", VILLAGE, TW), 0.0, 0.0),
        at(obs("张家庄", VILLAGE, TW), 150.0, 0.0),
        Signal::JiaZi,
    );
}

#[test]
fn e09_orientation_prefixes() {
    distinct(
        at(obs("前王庄", VILLAGE, TW), 0.0, 0.0),
        at(obs("后王庄", VILLAGE, TW), 100.0, 0.0),
        Some(Block::OrientationConflict),
        None,
    );
}

#[test]
fn e10_ordinals() {
    distinct(
        at(obs("经五路", "transport.urban_road", TW), 0.0, 0.0),
        at(obs("经六路", "transport.urban_road", TW), 300.0, 0.0),
        Some(Block::OrdinalConflict),
        None,
    );
}

#[test]
fn e11_lake_and_reservoir_polygons() {
    let sq = |x0: f64, s: f64| -> Vec<[f64; 2]> {
        let (x, y) = (LON + x0, LAT);
        vec![[x, y], [x + s, y], [x + s, y + s], [x, y + s]]
    };
    let mut a = at(obs("东湖", "water.lake", TW), 0.0, 0.0);
    a.polygon = Some(sq(0.0, 0.01));
    let mut b = at(obs("东湖水库", "infra.reservoir", TW), 50.0, 0.0);
    b.polygon = Some(sq(0.0005, 0.01));
    let (e, _) = pair(a.clone(), b.clone());
    assert!(
        has(&e, Signal::PolygonOverlap) && has(&e, Signal::TemplateCompatible),
        "{e:#?}"
    );
    review(a, b, Signal::GenericExtension);
}

#[test]
fn e12_same_pinyin_far_apart() {
    let a = obs("苏州市", "admin.prefecture", "320500").at(120.585, 31.299);
    let b = obs("宿州市", "admin.prefecture", "341300").at(116.964, 33.646);
    let (e, _) = pair(a.clone(), b.clone());
    assert!(has(&e, Signal::PinyinEqual), "{e:#?}");
    distinct(a, b, Some(Block::FarAcrossCounties), None);
}

#[test]
fn e13_legal_duplicate_in_another_county() {
    distinct(
        at(obs("城关镇", "admin.township", "370921100"), 0.0, 0.0),
        at(obs("城关镇", "admin.township", "370983100"), 60_000.0, 0.0),
        Some(Block::FarAcrossCounties),
        None,
    );
}

#[test]
fn e14_unit_with_admin_prefix() {
    same_as(
        at(obs("人民医院", "unit.hospital", TW), 0.0, 0.0),
        at(obs("宁阳县人民医院", "unit.hospital", TW), 30.0, 0.0),
        Signal::NameKeyEqual,
    );
}

#[test]
fn e15_bridge_registered_from_both_banks() {
    let line = vec![[LON, LAT], [LON, LAT + 0.006]];
    let mut a = at(obs("黄河大桥", "transport.bridge", "370983100"), 0.0, 0.0);
    a.line = Some(line.clone());
    let mut b = at(obs("黄河大桥", "transport.bridge", "371521100"), 0.0, 660.0);
    b.line = Some(line);
    let (e, _) = pair(a.clone(), b.clone());
    assert!(has(&e, Signal::BorderCandidate), "{e:#?}");
    same_as(a, b, Signal::LineOverlap);
}

#[test]
fn e16_near_miss_spelling_with_the_same_origin() {
    let mut a = at(obs("李家洼", VILLAGE, TW), 0.0, 0.0);
    a.origin = Some("明初李姓自洪洞迁此立村，地势低洼".into());
    let mut b = at(obs("李家湾", VILLAGE, TW), 120.0, 0.0);
    b.origin = a.origin.clone();
    let (e, _) = pair(a.clone(), b.clone());
    assert!(has(&e, Signal::Attribute), "{e:#?}");
    review(a, b, Signal::NearMiss);
}

#[test]
fn e17_gcj02_copied_point() {
    // 450 m north-east (§8 #17): within an urban road's radius.
    same_as(
        at(obs("幸福路", "transport.urban_road", TW), 0.0, 0.0),
        at(obs("幸福路", "transport.urban_road", TW), 318.0, 318.0),
        Signal::PointDistance,
    );
    // A bridge (100 m radius) copied from a web map sits at the GCJ-02 offset: undone.
    let p = [LON, LAT];
    let (dx, dy) = toponym_dedup::geom::gcj_offset(p);
    same_as(
        obs("幸福桥", "transport.bridge", TW).at(p[0], p[1]),
        obs("幸福桥", "transport.bridge", TW).at(p[0] + dx, p[1] + dy),
        Signal::GcjOffset,
    );
}

#[test]
fn e18_lane_and_residential_area() {
    distinct(
        at(obs("北二巷", "transport.street_lane", TW), 0.0, 0.0),
        at(obs("北二巷", "settlement.urban", TW), 100.0, 0.0),
        Some(Block::IncompatibleTemplates),
        Some(("named_after", false)),
    );
}

#[test]
fn e19_township_and_its_government() {
    distinct(
        at(obs("红旗镇", "admin.township", "370902100"), 0.0, 0.0),
        at(
            obs("红旗镇人民政府", "unit.government", "370902100"),
            100.0,
            0.0,
        ),
        Some(Block::IncompatibleTemplates),
        Some(("seat_of", false)),
    );
}

#[test]
fn e20_demolished_bridge_and_its_successor() {
    let mut a = at(obs("老城大桥", "transport.bridge", TW), 0.0, 0.0);
    a.historical = true;
    a.established_year = Some(1958);
    let mut b = at(obs("老城大桥", "transport.bridge", TW), 20.0, 0.0);
    b.established_year = Some(2012);
    distinct(
        a,
        b,
        Some(Block::YearsConflict),
        Some(("replaced_by", true)),
    );
}

#[test]
fn e21_river_stretches_meeting_at_the_county_line() {
    let mut a = at(obs("大汶河", "water.river", "370911100"), 0.0, 0.0);
    a.line = Some(vec![[LON - 0.2, LAT], [LON, LAT]]);
    let mut b = at(obs("大汶河", "water.river", "370921100"), 18_000.0, 0.0);
    b.line = Some(vec![[LON + 0.0001, LAT], [LON + 0.2, LAT - 0.02]]);
    same_as(a, b, Signal::LineOverlap);
}

#[test]
fn e22_spring_inside_a_park() {
    distinct(
        at(obs("趵突泉", "water.spring", TW), 0.0, 0.0),
        at(obs("趵突泉公园", "memorial.park", TW), 100.0, 0.0),
        Some(Block::IncompatibleTemplates),
        Some(("contained_by", true)),
    );
}

#[test]
fn e23_wildcard_never_auto_merges() {
    let (a, b) = (
        at(obs("麦?镇", "admin.township", "370902100"), 0.0, 0.0),
        at(obs("麦㙦镇", "admin.township", "370902100"), 50.0, 0.0),
    );
    review(a.clone(), b.clone(), Signal::WildcardName);
    // Not even the unattended review policy merges on "?".
    let mut ix = Index::new(Tables::builtin().clone(), ReviewPolicy::BestReview);
    ix.push(&[a, b]);
    ix.link();
    let c = ix.clusters();
    assert_ne!(c[0], c[1]);
}

#[test]
fn clusters_never_chain_a_committee_and_its_village() {
    // v2 is wrongly coded with the committee's code (a decisive link) and has v1's name
    // (an automatic link): chaining would put v1 and the committee in one cluster.
    let v1 = at(obs("张庄", VILLAGE, TW), 0.0, 0.0);
    let mut v2 = at(obs("张庄", VILLAGE, TW), 30.0, 0.0);
    v2.id = "v2".into();
    v2.official_code = Some("370902001201".into());
    let mut c = at(obs("张庄村", VC, TW), 60.0, 0.0);
    c.official_code = Some("370902001201".into());
    let mut ix = Index::new(Tables::builtin().clone(), ReviewPolicy::BestReview);
    ix.push(&[v1, v2, c]);
    ix.link();
    let cl = ix.clusters();
    assert_ne!(cl[0], cl[2], "a village and its committee in one cluster");
    assert!(ix
        .pairs()
        .iter()
        .any(|p| p.outcome == Outcome::HeldByCluster));
    assert_eq!(ix.blocked(0, 2), Some(Block::IncompatibleTemplates));
}

#[test]
fn clusters_never_chain_opposite_orientations() {
    // 王庄 lists both 前王庄 and 后王庄 as other names: two cross-name links would chain them.
    let hub = at(obs("王庄", VILLAGE, TW), 0.0, 0.0).aliases(&["前王庄", "后王庄"]);
    let qian = at(obs("前王庄", VILLAGE, TW), 50.0, 0.0);
    let hou = at(obs("后王庄", VILLAGE, TW), -50.0, 0.0);
    let mut ix = Index::new(Tables::builtin().clone(), ReviewPolicy::BestReview);
    ix.push(&[hub, qian, hou]);
    ix.link();
    let cl = ix.clusters();
    assert_ne!(cl[1], cl[2], "前王庄 and 后王庄 in one cluster");
    assert!(
        cl[0] == cl[1] || cl[0] == cl[2],
        "the hub links to one of them"
    );
}

#[test]
fn incremental_batches_give_the_batch_result() {
    let recs: Vec<Observation> = (0..60)
        .map(|i| {
            let name = ["王庄", "李家洼", "幸福路", "东湖", "张庄村"][i % 5];
            let tmpl = [
                "settlement.village",
                VILLAGE,
                "transport.urban_road",
                "water.lake",
                VC,
            ][i % 5];
            let mut o = at(
                obs(name, tmpl, TW),
                (i / 10) as f64 * 3000.0,
                (i % 2) as f64 * 40.0,
            );
            o.id = format!("r{i}");
            o
        })
        .collect();
    let mut whole = Index::new(Tables::builtin().clone(), ReviewPolicy::Queue);
    whole.push(&recs);
    whole.link();
    let mut parts = Index::new(Tables::builtin().clone(), ReviewPolicy::Queue);
    for chunk in recs.chunks(7) {
        parts.push(chunk);
        parts.link();
    }
    let (a, b) = (whole.clusters(), parts.clusters());
    assert_eq!(a, b);
    assert!(
        a.iter()
            .enumerate()
            .filter(|&(i, &c)| c as usize != i)
            .count()
            > 10,
        "some links formed"
    );
}

#[test]
fn a_weak_link_does_not_pull_in_a_neighbouring_village() {
    // 张庄 and 张家庄 are two villages 1 km apart; a resurvey of 张家庄 sits between them.
    let zhang = at(obs("张庄", VILLAGE, TW), 0.0, 0.0);
    let mut jia = at(obs("张家庄", VILLAGE, TW), 1000.0, 0.0);
    jia.id = "jia".into();
    let mut jia2 = at(obs("张家庄", VILLAGE, TW), 500.0, 0.0);
    jia2.id = "jia2".into();
    let mut ix = Index::new(Tables::builtin().clone(), ReviewPolicy::BestReview);
    ix.push(&[zhang, jia, jia2]);
    ix.link();
    let cl = ix.clusters();
    assert_eq!(cl[1], cl[2], "the resurvey links to its village");
    assert_ne!(cl[0], cl[1], "张庄 pulled into 张家庄's cluster");
    assert_eq!(ix.explain(0, 2).decision, Decision::Review);
}
