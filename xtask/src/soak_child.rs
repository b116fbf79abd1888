//! The write loops that `cargo xtask soak` kills with SIGKILL where no CLI command fits:
//! the desktop app's save (`toponym_desktop::Session::record_save`) and the in-place
//! migration of a survey made at an older schema. Run as `xtask soak-child <mode> …`.
//!
//! Each loop prints `ready` once it is set up, then for every write `begin <n> …` before
//! it starts and `ack <n>` after it returned, each line flushed before the next step, so
//! the parent knows exactly which writes were acknowledged and which one was in flight
//! when the kill landed.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use toponym_desktop::dto::RecordDto;
use toponym_desktop::Session;
use toponym_store::{derive_key, sidecar_path, Passphrase, Store};

/// Templates the app-save loop creates records of.
pub const APP_TEMPLATES: &[&str] = &["settlement.village", "terrain.peak", "transport.bridge"];

/// Entry point: `soak-child app-save <survey> <seed>` or
/// `soak-child migrate <fixture> <dir> <seed>`; the passphrase comes from
/// TOPONYM_PASSPHRASE.
pub fn main(args: &[String]) -> Result<()> {
    let pass = std::env::var("TOPONYM_PASSPHRASE").context("TOPONYM_PASSPHRASE is not set")?;
    match args {
        [mode, survey, seed] if mode == "app-save" => {
            app_save(Path::new(survey), &pass, seed.parse().context("seed")?)
        }
        [mode, fixture, dir, seed] if mode == "migrate" => migrate(
            Path::new(fixture),
            Path::new(dir),
            &pass,
            seed.parse().context("seed")?,
        ),
        _ => bail!(
            "usage: xtask soak-child app-save <survey> <seed> | migrate <fixture> <dir> <seed>"
        ),
    }
}

fn say(line: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    // A closed pipe means the parent has gone: the next write fails the loop anyway.
    let _ = out.write_fmt(line);
    let _ = out.write_all(b"\n");
    let _ = out.flush();
}

/// Saves new records and edits of records saved earlier, one `record_save` each, the way
/// the app's form does, until killed. Lines: `begin <n> new|upd <id> <name>`, `ack <n>`.
fn app_save(survey: &Path, pass: &str, seed: u64) -> Result<()> {
    let mut session = Session::unlock(survey, pass, false)
        .map_err(|e| anyhow::anyhow!("unlock {}: {e:?}", survey.display()))?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut saved: Vec<String> = Vec::new();
    // The first check loads the QA engine's reference data (seconds in a debug build);
    // do it before `ready`, so that the kills land in saves, not in that one-off load.
    session
        .record_new(APP_TEMPLATES[0])
        .map_err(|e| anyhow::anyhow!("warm-up: {e:?}"))?;
    say(format_args!("ready"));
    for n in 0u64.. {
        let name = format!("浸泡{seed}号{n}");
        let (kind, mut dto): (&str, RecordDto) = if !saved.is_empty() && rng.gen_bool(0.3) {
            let id = &saved[rng.gen_range(0..saved.len())];
            let opened = session
                .record_open(id)
                .map_err(|e| anyhow::anyhow!("open {id}: {e:?}"))?;
            ("upd", opened.record)
        } else {
            let t = APP_TEMPLATES[rng.gen_range(0..APP_TEMPLATES.len())];
            let opened = session
                .record_new(t)
                .map_err(|e| anyhow::anyhow!("new {t}: {e:?}"))?;
            ("new", opened.record)
        };
        dto.fields.insert(
            "standard_name".into(),
            serde_json::Value::String(name.clone()),
        );
        let id = dto.id.clone();
        say(format_args!("begin {n} {kind} {id} {name}"));
        session
            .record_save(dto, rng.gen_bool(0.2))
            .map_err(|e| anyhow::anyhow!("save {id}: {e:?}"))?;
        say(format_args!("ack {n}"));
        if kind == "new" {
            saved.push(id);
        }
    }
    Ok(())
}

/// Copies the old-schema fixture to a fresh file and opens it (which migrates it in
/// place), again and again until killed. The key is derived once: every copy has the
/// fixture's sidecar, hence its salt. Lines: `begin <n> <path>`, `ack <n>`.
fn migrate(fixture: &Path, dir: &Path, pass: &str, seed: u64) -> Result<()> {
    let key = derive_key(fixture, &Passphrase::new(pass)).context("derive the fixture key")?;
    say(format_args!("ready"));
    for n in 0u64.. {
        let path: PathBuf = dir.join(format!("m{seed}-{n}.toponym"));
        std::fs::copy(fixture, &path).context("copy the fixture")?;
        std::fs::copy(sidecar_path(fixture), sidecar_path(&path)).context("copy sidecar")?;
        // Only a complete copy is announced: a kill during the copy is not a migration.
        std::fs::File::open(&path)?.sync_all()?;
        say(format_args!("begin {n} {}", path.display()));
        let store = Store::open_with_key(&path, &key).context("open (migrate) the copy")?;
        drop(store);
        say(format_args!("ack {n}"));
    }
    Ok(())
}
