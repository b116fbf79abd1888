//! Embeds every file under the workspace `schemas/` folder that the catalogue needs
//! (templates and the class-code table), so `Catalog::builtin()` works without a path.
//! The list is generated because 80 hand-written `include_str!` lines would drift.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets this"));
    let schemas = manifest.join("../../schemas");
    let mut files = Vec::new();
    collect(&schemas.join("templates"), &mut files);
    files.push(schemas.join("class-codes.json"));
    files.sort();
    let mut code = String::from("/// (path relative to `schemas/`, file text) for every embedded schema file.\npub(crate) static EMBEDDED: &[(&str, &str)] = &[\n");
    for f in &files {
        let rel = f
            .strip_prefix(&schemas)
            .expect("under schemas")
            .to_string_lossy()
            .replace('\\', "/");
        let abs = f.canonicalize().expect("file exists");
        let _ = writeln!(
            code,
            "    ({rel:?}, include_str!({:?})),",
            abs.to_string_lossy()
        );
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets this")).join("embedded.rs");
    std::fs::write(out, code).expect("write embedded.rs");
    println!(
        "cargo:rerun-if-changed={}",
        schemas.join("templates").display()
    );
    println!(
        "cargo:rerun-if-changed={}",
        schemas.join("class-codes.json").display()
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
    }
}
