//! The tasks behind `cargo xtask`, as a library so that tests can run them (tidy and the
//! codegen staleness check run as part of `cargo test`).

use std::path::PathBuf;

pub mod bench;
pub mod bench_mem;
pub mod codegen;
pub mod soak;
pub mod soak_child;
pub mod tidy;

/// The workspace root (the parent of this crate's folder).
pub fn repo_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map(PathBuf::from).unwrap_or(here)
}
