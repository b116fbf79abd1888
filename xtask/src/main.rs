//! `cargo xtask <task>`: project automation. A plain match dispatcher over one module per
//! task, so other helpers can add a task (or a bench target) without touching the rest.

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <task> [args]

tasks:
  codegen [--check]   regenerate schemas/json-schema/ and docs/qa-rules.md (--check: fail if stale)
  tidy                repository hygiene: //! headers, schemas/ and samples/ parse and validate
  bench <target> ...  run a benchmark; `cargo xtask bench list` shows the targets
  soak [--points N] [--seed S] [--release]
                      SIGKILL every write path at N random points (default 10 000)
                      and check nothing acknowledged is lost and nothing is half-written
  bench-mem [--cap-mib N]
                      peak RSS of `toponym survey add` and `toponym validate` on inputs
                      at the record-file cap (default 32 MiB), release build";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = xtask::repo_root();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => xtask::codegen::main(&root, &args[1..]),
        Some("tidy") => xtask::tidy::main(&root),
        Some("bench") => xtask::bench::main(&root, &args[1..]),
        Some("soak") => xtask::soak::main(&root, &args[1..]),
        Some("soak-child") => xtask::soak_child::main(&args[1..]),
        Some("bench-mem") => xtask::bench_mem::main(&root, &args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}
