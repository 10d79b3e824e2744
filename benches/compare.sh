#!/usr/bin/env bash
# Side-by-side build times of factsheet, Hugo, Zola and two pulldown-cmark floors (on as many
# threads as the build, and on one) on the same generated corpus, on tmpfs and on disk, and
# their peak memory (GNU time). benches/rounds.py times the tools in rounds on tmpfs (each once
# a round, the order rotating and reversed every other round), so this machine's drift is shared by all of them, and each
# tool's builds back to back on disk (there the peers' memory would empty the page cache between
# two of a tool's builds); dirty pages are flushed before every build. Three warm-up builds
# for factsheet and the floors (factsheet's third build is the first to write over the output
# before last, as every rebuild after it does), one for Hugo and Zola, whose second build is
# already like every later one (on tmpfs they join the rounds late, so that every tool's timed
# builds share the same rounds). The last column is what the machine read from disk during a build (median):
# a build on disk that reads found the files it writes over evicted from the page cache.
#
#   benches/compare.sh [--zola PATH] [--hugo PATH] [--pages "1000 10000 100000"] [--runs 5]
#                      [--large-runs 3] [--disk DIR]
#
# Corpora of 50,000 pages or more are timed --large-runs times (a 100,000-page Hugo build
# takes about a minute), each build 3 s after the one before (see rounds.py --settle).
# Needs python3 and GNU time (Debian: apt-get install time). Hugo is the Debian package; Zola
# is any zola binary you pass with --zola (0.22.1 is the reference); without it Zola is
# skipped with a note. Nothing here builds or downloads a peer.
set -euo pipefail
cd "$(dirname "$0")/.."

zola="" hugo="$(command -v hugo || true)" pages="1000 10000 100000" runs=5 large_runs=3
disk="${TMPDIR:-/tmp}"
while [ $# -gt 0 ]; do
  case "$1" in
    --zola) zola="$2"; shift 2 ;;
    --hugo) hugo="$2"; shift 2 ;;
    --pages) pages="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --large-runs) large_runs="$2"; shift 2 ;;
    --disk) disk="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
for tool in /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install time python3)" >&2; exit 2; }
done
[ -n "$zola" ] && [ ! -x "$zola" ] && { echo "--zola $zola is not executable" >&2; exit 2; }

# Release binaries: factsheet itself, the corpus generator and the floor.
cargo build --release --locked --quiet
exe() { # path of a bench target's binary
  cargo bench --locked --no-run --message-format=json --bench "$1" 2>/dev/null |
    python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == sys.argv[1]:
        print(m["executable"])' "$1" | tail -n 1
}
factsheet="$PWD/target/release/factsheet" gen="$(exe gen_corpus)" floor="$(exe floor)"

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"
zola_version="zola: skipped (pass --zola PATH)"
[ -n "$zola" ] && zola_version="$("$zola" --version)"
echo "# factsheet $("$factsheet" --version | cut -d' ' -f2), hugo $("$hugo" version 2>/dev/null | cut -d' ' -f2 || echo 'absent'), $zola_version"

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
for where in tmpfs disk; do
  base=$([ "$where" = tmpfs ] && echo /dev/shm || echo "$disk")
  for n in $pages; do
    corpus="$base/factsheet-bench-$n"
    out="$base/factsheet-bench-out"
    "$gen" "$corpus" "$n" >/dev/null
    declare -A command_of=(
      [factsheet]="$factsheet build --root $corpus/factsheet --output $out/factsheet --force"
      [floor]="$floor $corpus/factsheet $out/floor"
      [floor-1]="$floor $corpus/factsheet $out/floor-1 --threads 1"
    )
    [ -n "$hugo" ] && command_of[hugo]="$hugo --source $corpus/hugo --destination $out/hugo --quiet"
    [ -n "$zola" ] && command_of[zola]="$zola --root $corpus/zola build --output-dir $out/zola --force"
    commands=() peer_warmups=()
    for name in factsheet floor floor-1 hugo zola; do
      [ -n "${command_of[$name]:-}" ] && commands+=("$name" "${command_of[$name]}")
    done
    for name in hugo zola; do
      [ -n "${command_of[$name]:-}" ] && peer_warmups+=(--warmup-of "$name=1")
    done
    n_runs=$runs settle=0
    # From 50,000 pages the peers take gigabytes (Hugo 11 GiB at 100,000), which this virtual
    # machine hands back to its host as they end: every build starts 3 s after the one before.
    [ "$n" -ge 50000 ] && n_runs=$large_runs settle=3
    # On disk each tool's builds run back to back: in rounds, Hugo's 10 GiB and Zola's 3 GiB at
    # 100,000 pages evict from the page cache the output a rebuild writes over.
    order=()
    [ "$where" = disk ] && order=(--blocks)
    python3 benches/rounds.py --runs "$n_runs" --warmup 3 "${peer_warmups[@]}" --sync --settle "$settle" "${order[@]}" --json "$results/$where-$n.json" "${commands[@]}"
    for name in "${!command_of[@]}"; do
      # shellcheck disable=SC2086
      /usr/bin/time -f %M -o "$results/$where-$n-$name.rss" ${command_of[$name]} >/dev/null 2>&1
    done
    unset command_of
    rm -rf "$corpus" "$out"
  done
done

python3 - "$results" <<'EOF'
import json, os, statistics, sys
results = sys.argv[1]
print("\n| where | pages | tool | median | min / max | ratio to the parallel floor | factsheet is faster by | peak memory | read from disk |")
print("|---|---|---|---|---|---|---|---|---|")
def order(name):
    where, pages = name[:-5].split("-")
    return (where != "tmpfs", int(pages))
for name in sorted((n for n in os.listdir(results) if n.endswith(".json")), key=order):
    where, pages = name[:-5].split("-")
    runs = json.load(open(os.path.join(results, name)))
    median = {tool: statistics.median(run["times"]) for tool, run in runs.items()}
    ours, floor = median["factsheet"], median["floor"]
    for tool in ["factsheet", "floor", "floor-1", "hugo", "zola"]:
        if tool not in runs:
            continue
        times = runs[tool]["times"]
        rss = f"{int(open(os.path.join(results, f'{where}-{pages}-{tool}.rss')).read()) / 1024:,.0f} MiB"
        faster = f"{median[tool] / ours:.2f}×" if tool != "factsheet" else "—"
        reads = runs[tool].get("read_kib") or []
        read = f"{statistics.median(reads) / 1024:,.1f} MiB" if reads else "—"
        label = f"**{tool}**" if tool == "factsheet" else tool
        print(f"| {where} | {int(pages):,} | {label} | {median[tool] * 1000:,.0f} ms "
              f"| {min(times) * 1000:,.0f} / {max(times) * 1000:,.0f} ms | {median[tool] / floor:.2f}× | {faster} | {rss} | {read} |")
EOF
