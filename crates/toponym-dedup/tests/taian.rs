//! Real data with known truth: the 2016 and 2021 division lists of 泰安市 (schemas/reference/,
//! NBS codes via Vonng/adcode and liyanjie2048) name the same villages, towns and counties
//! under the same 12-digit codes, with real-world written-form drift between the editions
//! (单家庄村村委会 / 单家庄村委会, 傅家 / 付家, 谢台头 / 谢家台头, 青云街道办事处 / 青云街道).
//! The codes are withheld from the engine and used only as truth; there are no coordinates,
//! so names and admin context alone must link the editions.

use std::collections::HashMap;

use toponym_dedup::{Index, Observation, ReviewPolicy, Tables};

fn load(file: &str, tag: &str, out: &mut Vec<Observation>, truth: &mut Vec<String>) {
    let path = format!(
        "{}/../../schemas/reference/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut rdr = csv::Reader::from_path(&path).expect("reference file");
    let h = rdr.headers().expect("header").clone();
    let col = |n: &str| h.iter().position(|x| x == n).expect("column");
    let (code, name, level) = (col("code"), col("name"), col("level"));
    for r in rdr.records() {
        let r = r.expect("row");
        let (c, n, l) = (&r[code], &r[name], &r[level]);
        if n == "市辖区" {
            continue;
        }
        let (template, admin) = match l {
            "village"
                if n.contains("居委会") || n.contains("居民委员会") || n.ends_with("社区") =>
            {
                ("selfgov.community", &c[..9])
            }
            "village" => ("selfgov.village_committee", &c[..9]),
            "town" => ("admin.township", &c[..9]),
            "county" => ("admin.county", &c[..6]),
            _ => continue,
        };
        out.push(Observation::new(format!("{tag}:{c}"), n, template).admin(admin));
        truth.push(c.to_string());
    }
}

#[test]
fn the_2016_and_2021_lists_link_by_names_and_admin_context() {
    let (mut obs, mut truth) = (Vec::new(), Vec::new());
    load(
        "taian_admin_2016_vonng_gcj02.csv",
        "2016",
        &mut obs,
        &mut truth,
    );
    let n2016 = obs.len();
    load(
        "taian_admin_2021_nbs_liyanjie.csv",
        "2021",
        &mut obs,
        &mut truth,
    );
    assert!(n2016 > 3000 && obs.len() > 2 * 3000);

    let mut ix = Index::new(Tables::builtin().clone(), ReviewPolicy::BestReview);
    ix.push(&obs);
    ix.link();
    let cl = ix.clusters();

    // Pairwise over all records: a true pair is the same code in the two editions.
    let mut by_cluster: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, &c) in cl.iter().enumerate() {
        by_cluster.entry(c).or_default().push(i);
    }
    let (mut tp, mut fp) = (0usize, 0usize);
    for members in by_cluster.values() {
        for (k, &i) in members.iter().enumerate() {
            for &j in &members[k + 1..] {
                if truth[i] == truth[j] {
                    tp += 1;
                } else {
                    fp += 1;
                }
            }
        }
    }
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut true_pairs = 0usize;
    let mut renamed = 0usize;
    for (i, c) in truth.iter().enumerate() {
        if let Some(&j) = first.get(c.as_str()) {
            true_pairs += 1;
            if obs[i].name != obs[j].name {
                renamed += 1;
            }
        } else {
            first.insert(c, i);
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / true_pairs as f64;
    println!("Tai'an 2016 × 2021: {true_pairs} true pairs ({renamed} with a different written form), TP {tp}, FP {fp}, precision {precision:.4}, recall {recall:.4}");
    assert!(renamed > 200, "the editions differ in {renamed} names only");
    assert!(precision >= 0.99, "precision {precision:.4}");
    assert!(recall >= 0.95, "recall {recall:.4}");
    // 单家庄村村委会 (2016) and 单家庄村委会 (2021) are one committee.
    let a = obs
        .iter()
        .position(|o| o.name == "单家庄村村委会")
        .expect("2016 row");
    let b = (n2016..obs.len())
        .find(|&i| truth[i] == truth[a])
        .expect("2021 row of the same code");
    assert_eq!(obs[b].name, "单家庄村委会");
    assert_eq!(cl[a], cl[b]);
}
