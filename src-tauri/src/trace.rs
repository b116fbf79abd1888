//! Startup trace, for measuring the cold start outside WebDriver: with
//! `TOPONYM_TRACE_STARTUP=1` the app prints one line per milestone on stderr (`main`,
//! Tauri's setup hook, the event loop ready, the page load starting and finishing, the first
//! call of each IPC command), in milliseconds since its process started. Off by default;
//! a disabled trace costs one relaxed atomic load per call. `tests/e2e/startup-trace.mjs`
//! launches the app repeatedly and summarises these lines.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

static ON: AtomicBool = AtomicBool::new(false);
/// When `main` ran, and how long after the process started that was (ms).
static ORIGIN: OnceLock<(Instant, f64)> = OnceLock::new();
static SEEN: Mutex<Option<HashSet<String>>> = Mutex::new(None);

/// Turns the trace on when `TOPONYM_TRACE_STARTUP` is set; call first thing in `main`.
pub fn init() {
    if std::env::var_os("TOPONYM_TRACE_STARTUP").is_none_or(|v| v.is_empty() || v == "0") {
        return;
    }
    // Without /proc (not Linux) the times count from `main` instead.
    let since_start = ms_since_process_start().unwrap_or(0.0);
    let _ = ORIGIN.set((Instant::now(), since_start));
    ON.store(true, Ordering::Relaxed);
    mark("main entered (process start → main: dynamic linking and runtime set-up)");
}

/// Prints `what` with the time since the process started, when the trace is on.
pub fn mark(what: &str) {
    if !ON.load(Ordering::Relaxed) {
        return;
    }
    if let Some((t0, base)) = ORIGIN.get() {
        let ms = base + t0.elapsed().as_secs_f64() * 1000.0;
        eprintln!("toponym-trace {ms:9.1} ms  {what}");
    }
}

/// Like [`mark`], but only the first time `what` is seen (for IPC commands).
pub fn mark_first(what: &str) {
    if !ON.load(Ordering::Relaxed) {
        return;
    }
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    if seen
        .get_or_insert_with(HashSet::new)
        .insert(what.to_owned())
    {
        mark(what);
    }
}

/// Milliseconds between this process's start and now, from `/proc` (10 ms resolution:
/// both the start time and the uptime are counted in clock ticks of 1/100 s).
fn ms_since_process_start() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Field 22 (starttime), counted after the parenthesised command name.
    let after = stat.get(stat.rfind(')')? + 2..)?;
    let ticks: f64 = after.split(' ').nth(19)?.parse().ok()?;
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()?
        .split(' ')
        .next()?
        .parse()
        .ok()?;
    Some((uptime - ticks / 100.0) * 1000.0)
}
