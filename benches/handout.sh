#!/usr/bin/env bash
# What the handouts (factsheet.pdf per language) cost a build of this repository's own site:
# the same release binary builds, on tmpfs, with hyperfine, in one run,
#   1. a copy of the site without templates/handout.svg (no handouts),
#   2. the site, the previous build's handouts reused (nothing they show changed),
#   3. the site, the handouts drawn (the previous build's PDFs removed before each run).
# The preview images are reused in all three (each output folder is built once first).
#
#   benches/handout.sh [--runs 40]
#
# Needs hyperfine (Debian: apt-get install hyperfine) and python3 (for the medians).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=40
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
command -v hyperfine >/dev/null || { echo "missing hyperfine (apt-get install hyperfine)" >&2; exit 2; }

cargo build --release --locked --quiet
bin="${CARGO_TARGET_DIR:-target}/release/factsheet"
work=$(mktemp -d /dev/shm/factsheet-handout.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/plain"
cp -r site.yaml content templates static sources i18n "$work/plain/"
rm "$work/plain/templates/handout.svg"
"$bin" build --root "$work/plain" --output "$work/plain-out" --force >/dev/null
"$bin" build --output "$work/out" --force >/dev/null
pdfs="$work/out/factsheet.pdf $work/out/ru/factsheet.pdf $work/out/kk/factsheet.pdf"
hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/handout.json" \
  --prepare "true" -n "no handout template" "$bin build --root $work/plain --output $work/plain-out --force" \
  --prepare "true" -n "handouts reused" "$bin build --output $work/out --force" \
  --prepare "rm -f $pdfs" -n "handouts drawn" "$bin build --output $work/out --force"
python3 - "$work/handout.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
for r in results:
    print(f"{r['command']:>20}: median {r['median'] * 1000:.1f} ms")
base = results[0]["median"]
for r in results[1:]:
    print(f"{r['command']:>20}: {(r['median'] - base) * 1000:+.1f} ms against no handout")
PY
