#!/usr/bin/env bash
# The main job end to end on embedded defaults (files and SQLite, no
# servers): simulate a few seasons of laps, prepare them, train an
# XGBoost + LightGBM ensemble, evaluate it against the baselines,
# register it, and predict with it. Everything lands in ./runs/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh

cargo build -p tiredeg
tiredeg="$CARGO_TARGET_DIR/debug/tiredeg"
out=runs/demo
rm -rf "$out"
mkdir -p "$out"
export TIREDEG_REGISTRY="$out/registry"

"$tiredeg" simulate --stints 3000 --seed 7 --out "$out/sim"
"$tiredeg" prepare --laps "$out/sim/laps.parquet" \
  --tracks "$out/sim/tracks.csv" --drivers "$out/sim/drivers.csv" \
  --out "$out/prepared"
"$tiredeg" train --model-type ensemble --data-path "$out/prepared" \
  --no-optimize --version 1.0.0 --alias staging \
  --report "$out/train_report.json"
"$tiredeg" evaluate --version staging --data-path "$out/prepared" \
  --output "$out/eval_1.0.0.json"
"$tiredeg" registry list
"$tiredeg" predict --version staging --data-path "$out/prepared" \
  --output "$out/predictions.csv"

echo
echo "demo finished: reports, plots and predictions are in $out/"
ls "$out"
