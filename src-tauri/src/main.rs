//! Entry point of the desktop app binary; all wiring lives in the library so tests and
//! benchmarks can reach it.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    toponym_app_lib::run();
}
