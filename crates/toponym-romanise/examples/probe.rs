//! Probe of real data (issue 5, part 4): run the engine over the national township list
//! (xiangyuecn 2023, machine-made toneless pinyin) and the Natural Earth Shandong places, and
//! report where we differ from the file, grouped by cause. The report is the input of
//! docs/romanisation-probe.md; the full list of differences goes to a TSV.
//!
//! Run: cargo run -p toponym-romanise --example probe -- \
//!        /work/shared/data/admin/cn_admin_to_township_2023_pinyin_xiangyuecn.csv \
//!        /work/shared/data/romanization/ne_10m_populated_places_shandong_wgs84.geojson \
//!        target/romanisation-probe.tsv

use std::collections::BTreeMap;
use std::io::Write;

use toponym_romanise::{syllable, Outcome, ReadingSource, Request, Romaniser};

fn toneless(s: &str) -> String {
    let mut k = String::new();
    syllable::key_push(s, &mut k);
    k
}

/// The file writes ü as v, but also as u after l/n (lue); fold both to v.
fn fold_file(s: &str) -> String {
    match s {
        "lue" => "lve".into(),
        "nue" => "nve".into(),
        _ => s.to_string(),
    }
}

#[derive(Default)]
struct Group {
    count: usize,
    examples: Vec<String>,
}

type PairKey = (char, String, String, &'static str);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let csv_path = args
        .get(1)
        .map(String::as_str)
        .unwrap_or("/work/shared/data/admin/cn_admin_to_township_2023_pinyin_xiangyuecn.csv");
    let ne_path = args
        .get(2)
        .map(String::as_str)
        .unwrap_or("/work/shared/data/romanization/ne_10m_populated_places_shandong_wgs84.geojson");
    let out_path = args
        .get(3)
        .map(String::as_str)
        .unwrap_or("target/romanisation-probe.tsv");
    let r = Romaniser::builtin();
    let text = std::fs::read_to_string(csv_path)?;
    let text = text.trim_start_matches('\u{feff}');
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut groups: BTreeMap<&'static str, Group> = BTreeMap::new();
    let mut pairs: BTreeMap<PairKey, (usize, Vec<String>)> = BTreeMap::new();
    let mut out = std::fs::File::create(out_path)?;
    writeln!(out, "id\tdeep\tname\tfile\tours\tcause\tchar\tours_source")?;
    let (mut total, mut same, mut flagged_names) = (0usize, 0usize, 0usize);
    let mut flag_chars: BTreeMap<char, usize> = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec?;
        let (id, deep, name, file) = (&rec[0], &rec[2], &rec[3], &rec[5]);
        let template = match deep {
            "0" => "admin.province",
            "1" => "admin.prefecture",
            "2" => "admin.county",
            _ => "admin.township",
        };
        total += 1;
        let req = Request {
            template_id: Some(template),
            admin_code: Some(id),
            ..Request::new(name)
        };
        let outcome = r.romanise(&req);
        let (roman, flags) = match &outcome {
            Outcome::Romanised { roman, flags, .. } => (roman.clone(), flags.clone()),
            Outcome::Refused {
                rule, character, ..
            } => {
                let g = groups
                    .entry("refused: stand-in notation (N-1)")
                    .or_default();
                g.count += 1;
                if g.examples.len() < 12 {
                    g.examples
                        .push(format!("{name} ({id}) `{file}` — {rule} at {character:?}"));
                }
                writeln!(
                    out,
                    "{id}\t{deep}\t{name}\t{file}\t\trefused\t{character}\t"
                )?;
                continue;
            }
            Outcome::ManualRequired { reason } => {
                let g = groups.entry("manual: no reading known").or_default();
                g.count += 1;
                if g.examples.len() < 12 {
                    g.examples
                        .push(format!("{name} ({id}) `{file}` — {}", reason.en));
                }
                continue;
            }
        };
        if flags.iter().any(|f| f.rule == "R-4") {
            flagged_names += 1;
        }
        for f in flags.iter().filter(|f| f.rule == "R-4") {
            if let Some(c) = f.position.and_then(|p| name.chars().nth(p)) {
                *flag_chars.entry(c).or_insert(0usize) += 1;
            }
        }
        let readings = r.explain(&req).unwrap_or_default();
        let file_syl: Vec<String> = file.split_whitespace().map(fold_file).collect();
        if file_syl.len() != readings.len() {
            let g = groups
                .entry("syllable count differs (digits, erhua or a file error)")
                .or_default();
            g.count += 1;
            if g.examples.len() < 12 {
                g.examples
                    .push(format!("{name} ({id}) file `{file}` ours {roman}"));
            }
            writeln!(out, "{id}\t{deep}\t{name}\t{file}\t{roman}\tcount\t\t")?;
            continue;
        }
        let mut cause: Option<(&'static str, char, String, String, ReadingSource)> = None;
        for (rd, fs) in readings.iter().zip(&file_syl) {
            let ours = toneless(&rd.pinyin);
            if &ours == fs {
                continue;
            }
            let known = r
                .readings_of(rd.character)
                .iter()
                .any(|k| &toneless(k) == fs);
            let watched = flags
                .iter()
                .any(|f| f.rule == "R-4" && f.position == Some(rd.position));
            let c = match rd.source {
                ReadingSource::Special | ReadingSource::Lexicon | ReadingSource::Override => {
                    "file differs from our place-name source (file wrong)"
                }
                _ if !known => "file reading is not a reading of the character (file typo)",
                _ if watched => "polyphone: ours from dictionary/default, flagged R-4 for review",
                _ => "polyphone not on the watch-list: file uses another reading",
            };
            cause = Some((c, rd.character, ours, fs.clone(), rd.source));
            break;
        }
        match cause {
            None => same += 1,
            Some((c, ch, ours, fs, src)) => {
                let g = groups.entry(c).or_default();
                g.count += 1;
                if g.examples.len() < 12 {
                    g.examples
                        .push(format!("{name} ({id}) file `{file}` ours {roman}"));
                }
                let p = pairs.entry((ch, ours.clone(), fs.clone(), c)).or_default();
                p.0 += 1;
                if p.1.len() < 4 {
                    p.1.push(name.to_string());
                }
                writeln!(
                    out,
                    "{id}\t{deep}\t{name}\t{file}\t{roman}\t{c}\t{ch}\t{src:?}"
                )?;
            }
        }
    }
    println!(
        "# Township list: {total} names, {same} agree with the file (toneless), {} differ",
        total - same
    );
    println!("# names with an R-4 review flag: {flagged_names}");
    let mut fc: Vec<_> = flag_chars.iter().collect();
    fc.sort_by_key(|e| std::cmp::Reverse(*e.1));
    let top: Vec<String> = fc
        .iter()
        .take(25)
        .map(|(c, n)| format!("{c} {n}"))
        .collect();
    println!("# R-4 flags by character: {}\n", top.join(", "));
    for (k, g) in &groups {
        println!("## {k}: {}", g.count);
        for e in &g.examples {
            println!("- {e}");
        }
        println!();
    }
    println!("## most frequent character differences (char, ours, file, cause): count, examples");
    let mut v: Vec<_> = pairs.into_iter().collect();
    v.sort_by_key(|e| std::cmp::Reverse(e.1 .0));
    for ((ch, ours, fs, c), (n, ex)) in v.iter().take(100) {
        println!("- {ch} ours {ours} file {fs} [{c}]: {n} — {}", ex.join(" "));
    }

    // Natural Earth: official-looking romanisations with known defects.
    println!("\n# Natural Earth Shandong populated places");
    let ne: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(ne_path)?)?;
    for f in ne["features"].as_array().into_iter().flatten() {
        let p = &f["properties"];
        let (en, zh) = (
            p["NAME"].as_str().unwrap_or(""),
            p["NAME_ZH"].as_str().unwrap_or(""),
        );
        if zh.is_empty() {
            println!("- {en}: no Chinese name in the file (cannot check)");
            continue;
        }
        let o = r.romanise(&Request {
            admin_code: Some("37"),
            ..Request::new(zh)
        });
        let (roman, key) = match &o {
            Outcome::Romanised { roman, key, .. } => (roman.clone(), key.clone()),
            _ => (String::new(), String::new()),
        };
        let mut plain = String::new();
        syllable::strip_tones(&roman, &mut plain);
        let en_key = en.to_lowercase();
        let verdict = if key == en_key && plain.contains('\'') {
            "same letters; the file lacks the R11 apostrophe"
        } else if key == en_key {
            "agrees"
        } else if key.starts_with(&en_key) {
            "agrees (the file omits the generic)"
        } else {
            "DIFFERS"
        };
        println!("- {zh}: file {en}, ours {roman} ({plain}): {verdict}");
    }
    Ok(())
}
