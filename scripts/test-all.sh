#!/usr/bin/env bash
# Runs every test of Toponym on a fresh Debian 12 machine as root: installs the apt
# packages and cargo tools it needs, then format, lint, licence/advisory checks, the
# workspace tests (real SQLite files, real GDAL), and the app's end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

install_apt_packages
install_cargo_tools

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo deny"
cargo deny --offline --log-level error check

step "cargo test (workspace)"
cargo nextest run --workspace --locked --no-fail-fast

step "done"
