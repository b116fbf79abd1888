#!/usr/bin/env bash
# Writes the demo survey the app opens when samples/ has no sample survey yet:
#   bash scripts/sample-survey.sh <survey-file>
# Passphrase: TOPONYM_DEMO_PASSPHRASE (default taishan-1987). Reproducible (named seed,
# fixed clock); see crates/toponym-desktop/examples/demo_survey.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:?usage: sample-survey.sh <survey-file>}"
mkdir -p "$(dirname "$out")"
cargo run --quiet --locked -p toponym-desktop --example demo_survey -- "$out"
