#!/usr/bin/env bash
# Installs what building tiredeg needs on Debian or Ubuntu, and nothing
# that is already there. Sourced by the other scripts; safe to run twice.
#
# Needs: a Rust toolchain (rustup), a C++ compiler, libclang (bindgen),
# ninja and cmake >= 3.28 (XGBoost and LightGBM are compiled from the
# sources bundled in their crates). Debian's cmake is too old, so cmake
# comes from PyPI when the system one is missing or older than 3.28.
set -euo pipefail

say() { printf 'setup: %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else say "need root for: $*"; return 1
  fi
}

if ! command -v cargo >/dev/null 2>&1; then
  if [ -f "$HOME/.cargo/env" ]; then . "$HOME/.cargo/env"; fi
fi
if ! command -v cargo >/dev/null 2>&1; then
  say "no Rust toolchain: install it with"
  say "  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh"
  exit 1
fi

missing=()
command -v c++ >/dev/null 2>&1 || missing+=(build-essential)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v ninja >/dev/null 2>&1 || missing+=(ninja-build)
ls /usr/lib/llvm-*/lib/libclang*.so* >/dev/null 2>&1 || missing+=(libclang-dev)
command -v python3 >/dev/null 2>&1 || missing+=(python3 python3-pip)
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

cmake_ok() {
  command -v cmake >/dev/null 2>&1 || return 1
  local version
  version=$(cmake --version | head -n 1 | awk '{print $3}')
  [ "$(printf '%s\n3.28\n' "$version" | sort -V | head -n 1)" = "3.28" ]
}
if ! cmake_ok; then
  say "installing cmake >= 3.28 from PyPI"
  python3 -m pip install --quiet --user cmake 2>/dev/null ||
    python3 -m pip install --quiet --user --break-system-packages cmake
  export PATH="$HOME/.local/bin:$PATH"
  if ! cmake_ok; then
    say "cmake >= 3.28 is still not on PATH; install it and retry"
    exit 1
  fi
fi

# The C++ libraries take about fifteen minutes to compile on two cores;
# a target directory outside the checkout keeps that cost to the first
# build on a machine. Set CARGO_TARGET_DIR yourself to choose another.
if [ -z "${CARGO_TARGET_DIR:-}" ]; then
  cache="${TIREDEG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tiredeg}"
  mkdir -p "$cache"
  export CARGO_TARGET_DIR="$cache/target"
fi
say "cargo target directory: $CARGO_TARGET_DIR"
