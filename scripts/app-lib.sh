#!/usr/bin/env bash
# Set-up steps shared by scripts/run-app.sh and scripts/e2e.sh: the apt packages the
# desktop app and its end-to-end tests need (added to lib.sh's list), node, the UI build
# and the app build. Every step is idempotent.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

APT_PACKAGES+=(
  libwebkit2gtk-4.1-dev librsvg2-dev libxdo-dev libayatana-appindicator3-dev file
  fonts-wqy-microhei
)
E2E_APT_PACKAGES=(webkit2gtk-driver xvfb xauth dbus-x11 strace iproute2 util-linux imagemagick)

node_ok() {
  command -v node >/dev/null && command -v npm >/dev/null &&
    node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 20 ? 1 : 0)'
}

# Vite 7 needs node 20.19+; Debian 12's own nodejs is 18, so a machine without node 20
# gets a clear message instead of a failing build.
ensure_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    step "installing nodejs and npm (Debian packages)"
    APT_PACKAGES+=(nodejs npm)
    install_apt_packages
  fi
  node_ok || {
    echo "error: node 20 or newer with npm is needed for the UI build (found $(node -v 2>/dev/null || echo none))" >&2
    exit 2
  }
}

# `npm install --no-save` rather than `npm ci`: the registry mirror here has no packages for
# other platforms (rollup's optional binaries), so the lock file lacks them and `npm ci`
# refuses it; install still follows the locked versions.
build_ui() {
  step "npm install + vite build (ui/)"
  (cd ui && npm install --no-save --no-audit --no-fund --loglevel=error && npm run build)
}

build_app() {
  step "cargo build -p toponym-app"
  cargo build -p toponym-app --locked
}
