//! `toponym dedup` end to end on a small CSV: two spellings of one village are one cluster,
//! its neighbouring look-alike is not; the output goes through the safe-output path (never
//! over the input, an existing file only with --replace).

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

mod common;
use common::{code_out_err, toponym};

#[test]
fn dedup_writes_clusters_and_never_overwrites_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("records.csv");
    std::fs::write(
        &csv,
        "unique_id,name,pinyin_key,template,admin_code,lon,lat,aliases\n\
         a,前王庄,qianwangzhuang,settlement.village,370902101,117.10000,36.20000,\n\
         b,前王庄,qianwangzhuang,settlement.village,370902101,117.10010,36.20005,\n\
         c,后王庄,houwangzhuang,settlement.village,370902101,117.11000,36.21000,\n",
    )
    .unwrap();
    let (c, _, e) = code_out_err(&toponym(&[
        "dedup",
        csv.to_str().unwrap(),
        "--out",
        csv.to_str().unwrap(),
        "--quiet",
    ]));
    assert_eq!(c, 2, "{e}");
    assert!(std::fs::read_to_string(&csv).unwrap().contains("后王庄"));
    let out = dir.path().join("clusters.csv");
    let args = [
        "dedup",
        csv.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    let (c, _, e) = code_out_err(&toponym(&args));
    assert_eq!(c, 0, "{e}");
    let text = std::fs::read_to_string(&out).unwrap();
    let cluster = |id: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .and_then(|l| l.split(',').nth(1))
            .unwrap()
            .to_owned()
    };
    assert_eq!(cluster("a"), cluster("b"), "{text}");
    assert_ne!(cluster("a"), cluster("c"), "{text}");
    let (c, _, e) = code_out_err(&toponym(&args));
    assert_eq!(
        c, 2,
        "an existing output was replaced without --replace: {e}"
    );
    let mut again = args.to_vec();
    again.push("--replace");
    assert_eq!(code_out_err(&toponym(&again)).0, 0);
}
