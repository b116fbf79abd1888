#!/usr/bin/env bash
# Builds and opens the Toponym desktop app on the sample survey, on a fresh Debian 12
# machine as root: apt packages, node, the UI, the app, then the window.
#   bash scripts/run-app.sh [survey-file]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/app-lib.sh

install_apt_packages
ensure_cargo
ensure_node
build_ui
build_app

survey="${1:-${TOPONYM_SURVEY:-}}"
if [ -z "$survey" ] && [ -f samples/taishan/taishan.toponym ]; then
  survey=samples/taishan/taishan.toponym
  step "opening the app on the sample survey $survey (passphrase: taishan-demo-2026, see samples/README.md)"
  exec target/debug/toponym-app --survey "$survey"
fi
if [ -z "$survey" ]; then
  survey="target/demo/demo.toponym"
  if [ ! -f "$survey" ]; then
    step "writing the demo survey $survey"
    bash scripts/sample-survey.sh "$survey"
  fi
  step "opening the app on $survey (passphrase: ${TOPONYM_DEMO_PASSPHRASE:-taishan-1987})"
else
  step "opening the app on $survey"
fi
exec target/debug/toponym-app --survey "$survey"
