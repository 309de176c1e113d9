#!/usr/bin/env bash
# The test suite: installs what is missing, starts the servers the tests
# talk to, checks formatting and runs every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
. scripts/services.sh

cargo fmt --all -- --check
cargo test --workspace --no-fail-fast "$@"
