#!/usr/bin/env bash
# Runs every test of Toponym on a fresh Debian 12 machine as root: installs the apt
# packages, npm packages and cargo tools it needs, then format, lint, licence/advisory
# checks, the workspace tests (real SQLite/SQLCipher files, real GDAL, real zip files) and
# the end-to-end tests of the real app window (scripts/e2e.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/app-lib.sh

APT_PACKAGES+=("${E2E_APT_PACKAGES[@]}")
install_apt_packages
install_cargo_tools
ensure_node
# The app crate embeds ui/dist at compile time, so the UI is built before any cargo step.
build_ui

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo deny (licences, bans, sources, advisories from the local snapshot)"
cargo fetch --locked --quiet
cargo deny --offline --log-level error check

step "cargo test (workspace)"
cargo nextest run --workspace --locked --no-fail-fast

step "fuzzing record import and the QA engine, briefly (scripts/fuzz-smoke.sh)"
FUZZ_SECONDS="${FUZZ_SECONDS:-30}" bash scripts/fuzz-smoke.sh

step "end-to-end tests of the app window"
bash scripts/e2e.sh

step "all tests passed"
