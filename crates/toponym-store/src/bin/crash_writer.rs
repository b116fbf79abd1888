//! Test helper for the crash test (tests/crash.rs): opens a survey and writes records in
//! separate transactions forever, announcing each batch before it starts and
//! acknowledging it after the commit returns. The parent kills it with SIGKILL at a random
//! moment and then checks that every acknowledged batch is present and every other batch
//! is either wholly present or wholly absent.
//!
//! Usage: toponym-store-crash-writer <db> <seed>   (passphrase in TOPONYM_PASSPHRASE)

use std::io::Write;
use std::process::ExitCode;

use toponym_core::{Geometry, IdGenerator, Record, SeededIdGenerator, TemplateRef};
use toponym_store::{Actor, Passphrase, SearchKeys, Store};

fn record(id_gen: &SeededIdGenerator, n: u64) -> Record {
    let lon = 116.0 + (n % 1000) as f64 * 0.001;
    let lat = 36.0 + (n / 1000 % 1000) as f64 * 0.001;
    let mut fields = serde_json::Map::new();
    fields.insert("standard_name".into(), format!("崩溃测试{n}").into());
    fields.insert(
        "description".into(),
        "描述".repeat(64 + (n % 7) as usize * 50).into(),
    );
    fields.insert("rep_point".into(), serde_json::json!([lon, lat]));
    Record {
        record_id: id_gen.next_id(),
        workflow_status: Default::default(),
        template: TemplateRef {
            id: "terrain.mountain".into(),
            version: "1".into(),
            hash: "sha256:0".into(),
        },
        fields,
        geometry: Some(Geometry::Point([lon, lat])),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(db), Some(seed)) = (args.get(1), args.get(2).and_then(|s| s.parse::<u64>().ok()))
    else {
        eprintln!("usage: toponym-store-crash-writer <db> <seed> [bulk=<n>]");
        return ExitCode::from(2);
    };
    let pass = Passphrase::new(std::env::var("TOPONYM_PASSPHRASE").unwrap_or_default());
    let mut store = match Store::open(db, &pass) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let ids = SeededIdGenerator::new(1_700_000_000_000, seed);
    let actor = Actor::new("crash-writer");
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "ready");
    let _ = out.flush();
    // `bulk=<n>`: the first batch has n records, enough to take the packed box-index path.
    let first = args
        .get(3)
        .and_then(|a| a.strip_prefix("bulk="))
        .and_then(|n| n.parse::<u64>().ok());
    for batch in 0u64.. {
        let size = match first {
            Some(n) if batch == 0 => n,
            _ => 1 + (batch % 5),
        };
        let records: Vec<(Record, SearchKeys)> = (0..size)
            .map(|i| (record(&ids, batch * 10 + i), SearchKeys::default()))
            .collect();
        let list: Vec<String> = records
            .iter()
            .map(|(r, _)| r.record_id.to_string())
            .collect();
        let _ = writeln!(out, "begin {batch} {}", list.join(" "));
        let _ = out.flush();
        if let Err(e) = store.put_records(&records, &actor, Some("crash test")) {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
        let _ = writeln!(out, "ack {batch}");
        let _ = out.flush();
    }
    ExitCode::SUCCESS
}
