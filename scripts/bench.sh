#!/usr/bin/env bash
# Benchmarks that print figures (nothing here asserts a time):
#   1. `tiredeg prepare` on the five real seasons, one process, wall time;
#   2. one million simulated laps: simulate, then prepare, with peak memory;
#   3. training time of each model type and prediction speed of a bundle.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh

cargo build -q -p tiredeg
cargo build -q -p tiredeg-models --example bench_bundle
tiredeg="$CARGO_TARGET_DIR/debug/tiredeg"
data="${TIREDEG_F1_DATA:-../shared/data/f1-laps}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Wall seconds and peak resident memory (MiB) of one command.
measure() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>&1
    awk '{printf "%.3f s, %.0f MiB peak\n", $1, $2 / 1024}' "$work/time"
  else
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    echo "$(( (end - start) / 1000000 )) ms (install GNU time for memory)"
  fi
}

if [ -d "$data" ]; then
  echo "== prepare: five real seasons ($data), 7 runs"
  for _ in 1 2 3 4 5 6 7; do
    measure "$tiredeg" -q prepare --laps "$data/transformed_grand_prix_laps_*.csv" --out "$work/f1"
  done
fi

echo "== one million simulated laps"
echo -n "simulate + write Parquet: "
measure "$tiredeg" -q simulate --stints 39000 --seed 1 --out "$work/sim"
echo -n "prepare: "
measure "$tiredeg" -q prepare --laps "$work/sim/laps.parquet" \
  --tracks "$work/sim/tracks.csv" --drivers "$work/sim/drivers.csv" --out "$work/sim-prepared"
echo -n "laps: "
python3 -c "import json; print(json.load(open('$work/sim-prepared/prepare_report.json'))['laps']['read'])"

if [ -d "$work/f1" ]; then
  echo "== models on the five real seasons"
  "$CARGO_TARGET_DIR/debug/examples/bench_bundle" "$work/f1"
fi
