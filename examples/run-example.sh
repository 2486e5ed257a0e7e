#!/bin/sh
# run-example.sh: the main job on the example program: builds examples/train.c, runs it
# under sacred-run into examples/runs, and shows where the record went.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$ROOT/build/examples"
cc -g -O2 -o "$ROOT/build/examples/train" "$ROOT/examples/train.c" # -g: train.c becomes a source
cd "$ROOT/examples"
"$ROOT/build/sacred-run" -F runs -c "example run" --base-dir "$ROOT" "$ROOT/build/examples/train" --epochs 3 --lr 0.2
run=$(ls runs | grep -E '^[0-9]+$' | sort -n | tail -1)
echo
echo "Recorded in examples/runs/$run:"
ls -l "runs/$run"
echo
echo "cout.txt (progress bars filtered as Sacred does):"
cat "runs/$run/cout.txt"
echo
echo "sources: $(sed -n 's|^ *"\(_sources/[^"]*\)"$|\1|p' "runs/$run/run.json" | tr '\n' ' ')"
echo "status: $(sed -n 's/^  "status": "\(.*\)",*$/\1/p' "runs/$run/run.json")"
