#!/usr/bin/env bash
# The test suite: installs what is missing, starts the servers the tests
# talk to, checks formatting and runs every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
. scripts/services.sh

cargo fmt --all -- --check
cargo test --workspace --no-fail-fast "$@"

# An independent, standard-library Python reading of SPEC 2-5 must agree
# with `tiredeg prepare` on every stint and sample of the real seasons.
data=../shared/data/f1-laps
if [ -d "$data" ]; then
  reference=$(mktemp -d)
  trap 'rm -rf "$reference"' EXIT
  "$CARGO_TARGET_DIR/debug/tiredeg" -q prepare \
    --laps "$data/transformed_grand_prix_laps_*.csv" --csv --out "$reference" >/dev/null
  python3 scripts/reference_prepare.py "$data" "$reference"
  echo "reference check: every stint and sample agrees with the SPEC reading"
else
  echo "reference check skipped: $data not found" >&2
fi
