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
E2E_APT_PACKAGES=(webkit2gtk-driver xvfb xauth dbus-x11 strace iproute2 util-linux)

ensure_node() {
  if ! command -v npm >/dev/null || ! node -e 'process.exit(+process.versions.node.split(".")[0] < 20)'; then
    step "installing node 20+ (Debian packages)"
    APT_PACKAGES+=(nodejs npm)
    install_apt_packages
  fi
  node -e 'process.exit(+process.versions.node.split(".")[0] < 20)' || {
    echo "error: node 20 or newer is needed for the UI build (found $(node -v))" >&2; exit 2; }
}

build_ui() {
  step "npm ci + vite build (ui/)"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build)
}

build_app() {
  step "cargo build -p toponym-app"
  cargo build -p toponym-app --locked
}
