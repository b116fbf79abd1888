#!/usr/bin/env bash
# Brief fuzzing of record import and the QA engine for CI (issue 12): installs cargo-fuzz if missing, seeds
# each target's corpus from the sample and fixture records, and runs every target for
# FUZZ_SECONDS (default 30) on stable Rust (`-s none`: no sanitizer, which needs nightly).
# The fuzz crate builds into its own target directory, fuzz/target (a full release build
# of the product's dependencies; see docs/benchmarks/fuzz.md for its cost).
# A crash leaves its input in fuzz/artifacts/<target>/ and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
install_apt_packages
ensure_cargo
# The fuzz build links Debian's libcrypto (libssl-dev) instead of building OpenSSL from
# source for SQLCipher: openssl-sys honours OPENSSL_NO_VENDOR even with its `vendored`
# feature. The product binaries keep the vendored OpenSSL; this only makes the fuzz build
# (its own target directory, fuzz/target) cheaper for CI.
export OPENSSL_NO_VENDOR=1

SECONDS_PER_TARGET="${FUZZ_SECONDS:-30}"
TARGETS=(record_import validate key_file)

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

seed_corpus() {
  local dir="fuzz/corpus/$1"
  mkdir -p "$dir"
  if [ -z "$(ls -A "$dir")" ]; then
    local f
    for f in samples/records/*.json samples/taishan/records/*.json \
      crates/*/tests/fixtures/*.json crates/*/tests/golden/*/*.json fuzz/regressions/* \
      samples/taishan/*.toponym-kdf crates/*/tests/fixtures/*.toponym-kdf fuzz/seeds/*; do
      # (an `if`, not `[ … ] && cp`: under `set -e` a last unmatched glob ended the script)
      if [ -f "$f" ]; then cp "$f" "$dir/$(echo "$f" | tr '/' '_')"; fi
    done
  fi
}

step "cargo fuzz build (stable, -s none)"
time cargo fuzz build -s none

for t in "${TARGETS[@]}"; do
  seed_corpus "$t"
  step "cargo fuzz run $t for ${SECONDS_PER_TARGET} s"
  cargo fuzz run "$t" -s none -- -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=4096
done
step "fuzz smoke passed"
