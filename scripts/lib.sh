#!/usr/bin/env bash
# Shared set-up steps for scripts/run-app.sh and scripts/test-all.sh. Every step is
# idempotent, so a second run costs seconds.

step() { printf '\n==> %s\n' "$*"; }

APT_PACKAGES=(
  build-essential pkg-config libssl-dev cmake g++ sqlite3 libsqlite3-dev
  gdal-bin python3-venv
)

install_apt_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    step "apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

ensure_cargo() {
  if ! command -v cargo >/dev/null; then
    [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
  fi
  command -v cargo >/dev/null || { echo "error: cargo (Rust toolchain) not found; install Rust 1.85+ first" >&2; exit 2; }
}

install_cargo_tools() {
  ensure_cargo
  command -v cargo-nextest >/dev/null || cargo install cargo-nextest --locked
  command -v cargo-deny >/dev/null || cargo install cargo-deny --locked
  # cargo-deny's advisory database, from the snapshot in shared/tools (no GitHub here).
  local db="$HOME/.cargo/advisory-dbs/advisory-db-3157b0e258782691"
  if [ ! -d "$db" ]; then
    local bundle
    for bundle in ../shared/tools/rustsec-advisory-db.bundle ../../shared/tools/rustsec-advisory-db.bundle; do
      if [ -f "$bundle" ]; then
        mkdir -p "$(dirname "$db")"
        git clone -q "$bundle" "$db"
        break
      fi
    done
  fi
}
