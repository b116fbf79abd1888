//! Entry point of the desktop app binary; all wiring lives in the library so tests and
//! benchmarks can reach it.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// The allocator of the CLI too: saves and imports prepare rows on one thread and write
/// them on another, and glibc's arenas made those cross-thread frees slow.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    toponym_app_lib::run();
}
