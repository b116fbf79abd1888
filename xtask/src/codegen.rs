//! `cargo xtask codegen`: writes the generated files that are committed to the repository
//! (record JSON Schemas under schemas/json-schema/, docs/qa-rules.md). `--check` writes
//! nothing and fails when a committed file differs, which is how CI catches staleness.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use toponym_forms::Catalog;

/// Every generated file: (path relative to the repository root, wanted content).
pub fn wanted(root: &Path) -> Result<Vec<(PathBuf, String)>> {
    // Generate from the files on disk, not the copy embedded in the build, so that an
    // edit to a template is picked up without rebuilding toponym-forms first.
    let catalog = Catalog::load_dir(&root.join("schemas")).context("loading schemas/")?;
    let mut out: Vec<(PathBuf, String)> = toponym_forms::schema::generate_all(&catalog)
        .into_iter()
        .map(|(name, text)| (PathBuf::from("schemas/json-schema").join(name), text))
        .collect();
    out.push((
        PathBuf::from("docs/qa-rules.md"),
        toponym_qa::docs::rules_markdown(),
    ));
    Ok(out)
}

/// Paths (relative) whose committed content is missing, different, or no longer generated.
pub fn stale(root: &Path) -> Result<Vec<String>> {
    let want = wanted(root)?;
    let mut bad = Vec::new();
    for (rel, text) in &want {
        let have = std::fs::read_to_string(root.join(rel)).unwrap_or_default();
        if &have != text {
            bad.push(rel.display().to_string());
        }
    }
    let dir = root.join("schemas/json-schema");
    if let Ok(rd) = std::fs::read_dir(&dir) {
        for e in rd.flatten() {
            let rel = PathBuf::from("schemas/json-schema").join(e.file_name());
            if !want.iter().any(|(p, _)| p == &rel) {
                bad.push(format!("{} (no longer generated)", rel.display()));
            }
        }
    }
    Ok(bad)
}

/// Entry point.
pub fn main(root: &Path, args: &[String]) -> Result<()> {
    match args {
        [] => {
            let dir = root.join("schemas/json-schema");
            if dir.exists() {
                std::fs::remove_dir_all(&dir)
                    .with_context(|| format!("clearing {}", dir.display()))?;
            }
            for (rel, text) in wanted(root)? {
                let p = root.join(&rel);
                if let Some(parent) = p.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(&p, text).with_context(|| format!("writing {}", p.display()))?;
            }
            println!("codegen: wrote schemas/json-schema/ and docs/qa-rules.md");
            Ok(())
        }
        [flag] if flag == "--check" => {
            let bad = stale(root)?;
            if bad.is_empty() {
                println!("codegen: generated files are up to date");
                Ok(())
            } else {
                bail!(
                    "stale generated files (run `cargo xtask codegen`):\n  {}",
                    bad.join("\n  ")
                )
            }
        }
        _ => bail!("usage: cargo xtask codegen [--check]"),
    }
}
