//! Store benchmarks (harness = false): prints the figures that docs/benchmarks/store.md
//! records. Targets, encrypted store, 2-vCPU machine:
//!   insert 100 000 records in one transaction  ≥ 50 000 records/s
//!   bbox query (~100 hits) on 1 000 000 records ≤ 1 ms median
//!   open a 100 000-record store (without KDF)   ≤ 300 ms
//!   name search                                  ≤ 5 ms median
//! Each figure is also measured unencrypted to give the cost of encryption as a ratio.
//!
//!   cargo bench -p toponym-store --bench store
//!   TOPONYM_BENCH_SCALE=0.1 cargo bench -p toponym-store --bench store   (quick run)

use std::path::Path;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;
use toponym_core::{Geometry, IdGenerator, Record, SeededIdGenerator, TemplateRef};
use toponym_store::{derive_key, Actor, KdfParams, Passphrase, SearchKeys, Store};

/// The allocator the shipped binaries (CLI and app) use.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Named seed for the synthetic survey.
const BENCH_SEED: u64 = 0xBE7C_2026;

/// Place-name characters with their toneless pinyin, for names and search keys.
const SYLLABLES: [(&str, &str); 40] = [
    ("泰", "tai"),
    ("岱", "dai"),
    ("东", "dong"),
    ("西", "xi"),
    ("南", "nan"),
    ("北", "bei"),
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
    ("周", "zhou"),
    ("吴", "wu"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("马", "ma"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("何", "he"),
    ("高", "gao"),
    ("林", "lin"),
    ("罗", "luo"),
    ("郑", "zheng"),
    ("梁", "liang"),
    ("谢", "xie"),
    ("宋", "song"),
    ("唐", "tang"),
    ("许", "xu"),
    ("韩", "han"),
    ("冯", "feng"),
    ("邓", "deng"),
    ("曹", "cao"),
    ("彭", "peng"),
    ("曾", "zeng"),
    ("肖", "xiao"),
    ("田", "tian"),
];
const GENERICS: [(&str, &str, &str); 8] = [
    ("山", "shan", "terrain.mountain"),
    ("河", "he", "water.river"),
    ("村", "cun", "settlement.village"),
    ("庄", "zhuang", "settlement.village"),
    ("路", "lu", "transport.urban_road"),
    ("桥", "qiao", "transport.bridge"),
    ("湖", "hu", "water.lake"),
    ("寺", "si", "memorial.religious_site"),
];

/// Picks one element (the arrays are non-empty constants).
fn pick<T: Copy>(rng: &mut ChaCha8Rng, xs: &[T]) -> T {
    xs[rng.gen_range(0..xs.len())]
}

/// Records spread over a 2° × 2° area around Tai'an; 1 in 10 is a line or polygon.
fn make(rng: &mut ChaCha8Rng, ids: &SeededIdGenerator) -> (Record, SearchKeys) {
    let (a, pa) = pick(rng, &SYLLABLES);
    let (b, pb) = pick(rng, &SYLLABLES);
    let (g, pg, template) = pick(rng, &GENERICS);
    let name = format!("{a}{b}{g}");
    let lon = 116.0 + rng.gen::<f64>() * 2.0;
    let lat = 35.5 + rng.gen::<f64>() * 2.0;
    let geometry = match rng.gen_range(0..10) {
        0 => Geometry::LineString(vec![
            [lon, lat],
            [lon + 0.01, lat + 0.004],
            [lon + 0.02, lat + 0.001],
        ]),
        1 => Geometry::Polygon(vec![vec![
            [lon, lat],
            [lon + 0.003, lat],
            [lon + 0.003, lat + 0.002],
            [lon, lat],
        ]]),
        _ => Geometry::Point([lon, lat]),
    };
    let fields = json!({
        "standard_name": name,
        "specific_part": format!("{a}{b}"),
        "generic_part": g,
        "roman": format!("{}{} {}", pa[..1].to_uppercase() + &pa[1..], pb, pg),
        "census_status": "新增",
        "secrecy": "公开",
        "admin_areas": ["370902"],
        "rep_point": [lon, lat],
        "survey_method": "实测",
        "position_source": "GNSS",
        "usage": "现今地名",
        "origin": "因村中有古槐得名。",
        "meaning": "寓意吉祥。",
        "history": "清代成村，1958年属红旗公社，1984年改乡。",
        "description": "位于镇驻地东北，地势平坦，以种植小麦、玉米为主。",
        "registrar": "王测",
        "registering_unit": "泰山区地名办",
        "registered_at": "2024-05-01T10:00:00+08:00",
    });
    let record = Record {
        record_id: ids.next_id(),
        workflow_status: Default::default(),
        template: TemplateRef {
            id: template.into(),
            version: "1.0.0".into(),
            hash: "sha256:00".into(),
        },
        fields: fields.as_object().cloned().unwrap_or_default(),
        geometry: Some(geometry),
    };
    (record, SearchKeys::new([format!("{pa}{pb}{pg}")]))
}

/// CPU time of this thread (ns on CPU, from /proc/thread-self/schedstat), so the figures
/// can be read apart from other processes competing for the two cores.
fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map(Duration::from_nanos)
        .unwrap_or_default()
}

/// Minor page faults of the whole process so far (/proc/self/stat field 10): fresh memory
/// is expensive on this virtual machine, so the insert figures print how much was touched.
fn minor_faults() -> u64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = &s[s.rfind(')')? + 2..];
            rest.split_whitespace().nth(7)?.parse().ok()
        })
        .unwrap_or(0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Inserts `n` records in transactions of up to 100 000; returns (wall, thread CPU, minor
/// page faults).
fn fill(store: &mut Store, n: usize, seed: u64) -> (Duration, Duration, u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let ids = SeededIdGenerator::new(1_714_550_400_000, seed);
    let actor = Actor::new("bench");
    let mut total = Duration::ZERO;
    let mut cpu = Duration::ZERO;
    let mut done = 0;
    let mut faults = 0;
    while done < n {
        let chunk = (n - done).min(100_000);
        let batch: Vec<_> = (0..chunk).map(|_| make(&mut rng, &ids)).collect();
        let t = Instant::now();
        let c = thread_cpu();
        let f = minor_faults();
        store.put_records(&batch, &actor, None).expect("insert");
        total += t.elapsed();
        cpu += thread_cpu() - c;
        faults += minor_faults() - f;
        done += chunk;
    }
    (total, cpu, faults)
}

fn create(path: &Path, encrypted: bool) -> Store {
    if encrypted {
        Store::create(
            path,
            &Passphrase::new("bench-passphrase"),
            KdfParams::insecure_for_tests(),
        )
        .expect("create")
    } else {
        Store::create_unencrypted(path).expect("create")
    }
}

struct Figures {
    insert_per_s: f64,
    open_ms: f64,
    search_ms: f64,
    bbox_ms: f64,
    bbox_hits: f64,
}

fn run(dir: &Path, encrypted: bool, scale: f64) -> Figures {
    let label = if encrypted { "encrypted" } else { "plain" };
    let n_small = ((100_000.0 * scale) as usize).max(1000);
    let n_big = ((1_000_000.0 * scale) as usize).max(10_000);

    // Insert 100 000 in one transaction.
    let p = dir.join(format!("{label}-100k.toponym"));
    // A repeated run starts from a new file.
    for suffix in ["", "-wal", "-shm", ".toponym-kdf"] {
        let mut q = p.clone().into_os_string();
        q.push(suffix);
        let _ = std::fs::remove_file(q);
    }
    let mut store = create(&p, encrypted);
    let (t, cpu, faults) = fill(&mut store, n_small, BENCH_SEED);
    let insert_per_s = n_small as f64 / t.as_secs_f64();
    println!(
        "[{label}] insert {n_small} records in one transaction: {:.2} s wall = {insert_per_s:.0} records/s; \
         {:.2} s thread CPU = {:.0} records per CPU-second; {faults} minor page faults",
        t.as_secs_f64(),
        cpu.as_secs_f64(),
        n_small as f64 / cpu.as_secs_f64()
    );
    let size_mib = |p: &Path| std::fs::metadata(p).map_or(0.0, |m| m.len() as f64 / 1048576.0);
    let mut wal = p.clone().into_os_string();
    wal.push("-wal");
    println!(
        "[{label}] written: WAL {:.1} MiB (database file {:.1} MiB before the checkpoint)",
        size_mib(Path::new(&wal)),
        size_mib(&p)
    );
    // The commit returned once the WAL was fsynced; copying it into the database file
    // is the background checkpointer's job. Measured here on its own for transparency.
    let t = Instant::now();
    store.checkpoint().expect("checkpoint");
    println!(
        "[{label}] then copying the WAL into the database file (done in the background by the app): {:.2} s",
        t.elapsed().as_secs_f64()
    );
    drop(store);
    if std::env::var("TOPONYM_BENCH_ONLY").as_deref() == Ok("insert") {
        return Figures {
            insert_per_s,
            open_ms: 1.0,
            search_ms: 1.0,
            bbox_ms: 1.0,
            bbox_hits: 0.0,
        };
    }

    // Open (without KDF): 7 runs, median.
    let key = derive_key(&p, &Passphrase::new("bench-passphrase")).expect("derive");
    let opens: Vec<Duration> = (0..7)
        .map(|_| {
            let t = Instant::now();
            let s = Store::open_with_key(&p, &key).expect("open");
            let n = s.count().expect("count");
            assert_eq!(n as usize, n_small);
            t.elapsed()
        })
        .collect();
    let open_ms = median(opens).as_secs_f64() * 1e3;
    println!("[{label}] open {n_small}-record store (no KDF) + count: median {open_ms:.1} ms");

    // Name search: characters, pinyin, spaced pinyin; 300 queries.
    let store = Store::open_with_key(&p, &key).expect("open");
    let mut rng = ChaCha8Rng::seed_from_u64(BENCH_SEED ^ 0x5EA4);
    let mut times = Vec::new();
    let mut hits = 0;
    for i in 0..300 {
        let (a, pa) = pick(&mut rng, &SYLLABLES);
        let (b, pb) = pick(&mut rng, &SYLLABLES);
        let q = match i % 3 {
            0 => format!("{a}{b}"),
            1 => format!("{pa}{pb}"),
            _ => format!("{pa} {pb}"),
        };
        let t = Instant::now();
        hits += store.search_names(&q, 20).expect("search").len();
        times.push(t.elapsed());
    }
    let search_ms = median(times).as_secs_f64() * 1e3;
    let t = Instant::now();
    let v = store.verify_audit_chain().expect("verify");
    assert!(v.is_intact(), "{v:?}");
    println!(
        "[{label}] verify the audit chain and every record against it ({} entries): {:.2} s",
        v.entries,
        t.elapsed().as_secs_f64()
    );
    println!(
        "[{label}] name search (limit 20), 300 queries: median {search_ms:.3} ms, mean hits {:.1}",
        hits as f64 / 300.0
    );
    drop(store);

    // Bbox on the big store.
    let pb = dir.join(format!("{label}-1m.toponym"));
    let mut big = create(&pb, encrypted);
    let (t, cpu, _) = fill(&mut big, n_big, BENCH_SEED + 1);
    println!(
        "[{label}] built {n_big}-record store in {:.1} s wall, {:.1} s thread CPU",
        t.as_secs_f64(),
        cpu.as_secs_f64()
    );
    drop(big);
    let big = Store::open(&pb, &Passphrase::new("bench-passphrase")).expect("open");
    // 1e6 records over 4 deg²: a 0.02° square holds ~100 on average.
    let side = 0.02 / scale.sqrt();
    let mut rng = ChaCha8Rng::seed_from_u64(BENCH_SEED ^ 0xBB0C);
    for _ in 0..50 {
        // Warm the page cache like a surveyor panning the map.
        let w = 116.0 + rng.gen::<f64>() * 1.9;
        let s = 35.5 + rng.gen::<f64>() * 1.9;
        big.query_bbox([w, s, w + side, s + side]).expect("bbox");
    }
    let mut times = Vec::new();
    let mut total_hits = 0;
    for _ in 0..500 {
        let w = 116.0 + rng.gen::<f64>() * (2.0 - side);
        let s = 35.5 + rng.gen::<f64>() * (2.0 - side);
        let t = Instant::now();
        total_hits += big
            .query_bbox([w, s, w + side, s + side])
            .expect("bbox")
            .len();
        times.push(t.elapsed());
    }
    let bbox_ms = median(times).as_secs_f64() * 1e3;
    let bbox_hits = total_hits as f64 / 500.0;
    println!("[{label}] bbox query on {n_big} records, 500 queries: median {bbox_ms:.3} ms, mean hits {bbox_hits:.1}");
    Figures {
        insert_per_s,
        open_ms,
        search_ms,
        bbox_ms,
        bbox_hits,
    }
}

fn main() {
    // As the CLI runs the store: mimalloc (above) and no transparent huge pages.
    let thp_off = toponym_store::disable_transparent_huge_pages();
    println!(
        "allocator mimalloc; transparent huge pages {}",
        if thp_off {
            "off"
        } else {
            "as the system sets them"
        }
    );
    // `cargo bench` passes --bench; ignore all arguments.
    let scale: f64 = std::env::var("TOPONYM_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let dir = tempfile::tempdir().expect("tempdir");

    // The deliberate key-derivation cost with the production parameters.
    let p = KdfParams::production();
    let probe = dir.path().join("kdf.toponym");
    let t = Instant::now();
    drop(Store::create(&probe, &Passphrase::new("bench-passphrase"), p).expect("create"));
    let create_kdf = t.elapsed();
    let kdfs: Vec<Duration> = (0..3)
        .map(|_| {
            let t = Instant::now();
            derive_key(&probe, &Passphrase::new("bench-passphrase")).expect("derive");
            t.elapsed()
        })
        .collect();
    println!(
        "KDF Argon2id m={} KiB t={} p={}: median {:.0} ms (create incl. KDF {:.0} ms)",
        p.m_cost_kib,
        p.t_cost,
        p.p_cost,
        median(kdfs).as_secs_f64() * 1e3,
        create_kdf.as_secs_f64() * 1e3
    );

    // Insert-only runs can be repeated (encrypted and plain in turn) to see the spread on
    // a shared machine: TOPONYM_BENCH_ONLY=insert TOPONYM_BENCH_REPS=3.
    let reps: usize = std::env::var("TOPONYM_BENCH_REPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    for _ in 1..reps {
        run(dir.path(), true, scale);
        run(dir.path(), false, scale);
    }
    let enc = run(dir.path(), true, scale);
    let plain = run(dir.path(), false, scale);
    println!("\nencryption cost (encrypted / plain; >1 = slower):");
    println!(
        "  insert time   × {:.2}",
        plain.insert_per_s / enc.insert_per_s
    );
    println!("  open          × {:.2}", enc.open_ms / plain.open_ms);
    println!("  name search   × {:.2}", enc.search_ms / plain.search_ms);
    println!(
        "  bbox query    × {:.2}  (hits {:.1} vs {:.1})",
        enc.bbox_ms / plain.bbox_ms,
        enc.bbox_hits,
        plain.bbox_hits
    );
}
