#!/usr/bin/env bash
# End-to-end tests of the desktop app: builds the UI and the app, then drives the real
# window with WebDriver (tauri-driver + WebKitWebDriver) under Xvfb. The whole run happens
# inside a network namespace that has only loopback, so the app provably works offline;
# the offline test additionally traces every connect() of the app's process tree.
# Screenshots and logs go to e2e-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/app-lib.sh

APT_PACKAGES+=("${E2E_APT_PACKAGES[@]}")
install_apt_packages
ensure_cargo
ensure_node
command -v tauri-driver >/dev/null || { step "cargo install tauri-driver"; cargo install tauri-driver --locked --version '^2'; }
build_ui
build_app
step "npm install (tests/e2e)"
(cd tests/e2e && npm install --no-save --no-audit --no-fund --loglevel=error)

# A desktop helper of an earlier run may have left a FUSE mount under e2e-artifacts.
awk -v d="$PWD/e2e-artifacts/" 'index($2, d) == 1 {print $2}' /proc/mounts | xargs -r -n1 fusermount3 -u -z || true
rm -rf e2e-artifacts && mkdir -p e2e-artifacts/fixtures
survey="${TOPONYM_E2E_SURVEY:-}"
if [ -z "$survey" ] && [ -f samples/taishan/taishan.toponym ]; then
  # The committed sample survey (see samples/README.md); tests work on copies of it.
  survey=samples/taishan/taishan.toponym
  export TOPONYM_E2E_PASSPHRASE="${TOPONYM_E2E_PASSPHRASE:-taishan-demo-2026}"
fi
if [ -z "$survey" ]; then
  # The demo survey (reproducible, named seed) is written fresh for every run.
  survey="e2e-artifacts/fixtures/demo.toponym"
  step "writing the demo survey for the tests"
  TOPONYM_DEMO_PASSPHRASE="${TOPONYM_E2E_PASSPHRASE:-taishan-1987}" bash scripts/sample-survey.sh "$survey"
fi
export TOPONYM_E2E_SURVEY="$(realpath "$survey")"

step "end-to-end tests (Xvfb, offline network namespace)"
inner() {
  set -euo pipefail
  ip link set lo up
  # -displayfd picks a free display number, so a stale lock file cannot break the run.
  Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>e2e-artifacts/display >e2e-artifacts/xvfb.log 2>&1 &
  local xvfb=$!
  for _ in $(seq 100); do [ -s e2e-artifacts/display ] && break; sleep 0.1; done
  export DISPLAY=":$(cat e2e-artifacts/display)"
  local rc=0
  (cd tests/e2e && node --test --test-concurrency=1 --test-reporter=spec ${E2E_ONLY:-*.test.mjs}) || rc=$?
  kill "$xvfb" 2>/dev/null || true
  return $rc
}
export -f inner step
if [ "$(id -u)" = 0 ] && [ -z "${TOPONYM_E2E_NO_NETNS:-}" ]; then
  export TOPONYM_E2E_NETNS=1
  unshare --net bash -c inner
else
  echo "warning: not root; running without the offline network namespace" >&2
  inner
fi
