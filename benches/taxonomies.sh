#!/usr/bin/env bash
# What taxonomies cost: build times of factsheet on the generated corpus without and with two
# taxonomies (topics and tags, 1,000 terms; see benches/corpus/mod.rs), and of Zola and Hugo on
# the same corpus with them, with hyperfine on tmpfs; peak memory with /usr/bin/time -v.
#
#   benches/taxonomies.sh [--zola PATH] [--hugo PATH] [--pages "1000 10000"] [--runs 5]
#
# Needs hyperfine and GNU time (Debian: apt-get install hyperfine time). Hugo is the Debian
# package unless --hugo says otherwise; Zola is any zola binary you pass with --zola (0.22.1 is
# the reference); a peer that is absent (or given as "") is skipped with a note. A build that
# fails on its corpus (factsheet before it has taxonomies, say) is shown with its error and left
# out of the timings; the rest still run. Nothing here builds or downloads a peer.
set -euo pipefail
cd "$(dirname "$0")/.."

zola="" hugo="$(command -v hugo || true)" pages=10000 runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --zola) zola="$2"; shift 2 ;;
    --hugo) hugo="$2"; shift 2 ;;
    --pages) pages="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
for tool in hyperfine /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install hyperfine time)" >&2; exit 2; }
done
for peer in "$zola" "$hugo"; do
  [ -n "$peer" ] && [ ! -x "$peer" ] && { echo "$peer is not executable" >&2; exit 2; }
done

# Release binaries of factsheet and the corpus generator, wherever CARGO_TARGET_DIR puts them.
cargo build --release --locked --quiet
cargo bench --locked --no-run --quiet --bench gen_corpus
executable() { # the executable of target $1 in cargo's JSON messages on stdin
  python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == sys.argv[1]:
        print(m["executable"])' "$1" | tail -n 1
}
factsheet="$(cargo build --release --locked --message-format=json 2>/dev/null | executable factsheet)"
gen="$(cargo bench --locked --no-run --message-format=json --bench gen_corpus 2>/dev/null | executable gen_corpus)"

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"
zola_version="zola: skipped (pass --zola PATH)" hugo_version="hugo: skipped (not found; pass --hugo PATH)"
[ -n "$zola" ] && zola_version="$("$zola" --version)"
[ -n "$hugo" ] && hugo_version="hugo $("$hugo" version | cut -d' ' -f2)"
echo "# factsheet $("$factsheet" --version | cut -d' ' -f2), $hugo_version, $zola_version, hyperfine $(hyperfine --version | cut -d' ' -f2)"

results="$(mktemp -d)"
plain=/dev/shm/factsheet-taxonomies-plain tagged=/dev/shm/factsheet-taxonomies-tagged
out=/dev/shm/factsheet-taxonomies-out
trap 'rm -rf "$results" "$plain" "$tagged" "$out"' EXIT
for n in $pages; do
  "$gen" "$plain" "$n" >/dev/null
  "$gen" "$tagged" "$n" --taxonomies >/dev/null
  rm -rf "$out"
  # Name and command of each build, into $out/NAME; factsheet without taxonomies is the
  # baseline the others are measured against.
  runs_of=(
    "factsheet" "$factsheet build --root $plain/factsheet --output $out/factsheet --force"
    "factsheet+taxonomies" "$factsheet build --root $tagged/factsheet --output $out/factsheet+taxonomies --force"
  )
  [ -n "$zola" ] && runs_of+=("zola+taxonomies" "$zola --root $tagged/zola build --output-dir $out/zola+taxonomies --force")
  [ -n "$hugo" ] && runs_of+=("hugo+taxonomies" "$hugo --source $tagged/hugo --destination $out/hugo+taxonomies --quiet")
  commands=()
  for ((i = 0; i < ${#runs_of[@]}; i += 2)); do
    name="${runs_of[i]}" cmd="${runs_of[i + 1]}"
    # One build first: a command that fails is reported and left out, not timed.
    # shellcheck disable=SC2086
    if ! /usr/bin/time -v -o "$results/$n-$name.time" $cmd >"$results/$n-$name.log" 2>&1; then
      echo "# $n pages, $name: skipped, the build fails:"
      awk 'NF && n++ < 5 {print "#   " $0}' "$results/$n-$name.log"
      rm -f "$results/$n-$name.time"
      echo "build fails" >"$results/$n-$name.skipped"
      continue
    fi
    awk '/Maximum resident/ {print $6}' "$results/$n-$name.time" >"$results/$n-$name.rss"
    # Term pages: the index.html of every topics/<term>/ and tags/<term>/ in the output.
    { find "$out/$name/topics" "$out/$name/tags" -mindepth 2 -maxdepth 2 -name index.html 2>/dev/null || true; } |
      wc -l >"$results/$n-$name.terms"
    commands+=(-n "$name" "$cmd")
  done
  [ ${#commands[@]} -gt 0 ] || { echo "# $n pages: every build fails, nothing to time" >&2; exit 1; }
  hyperfine --style none --warmup 1 --runs "$runs" --export-json "$results/$n.json" "${commands[@]}" >/dev/null
  rm -rf "$plain" "$tagged" "$out"
done

python3 - "$results" "$pages" <<'EOF'
import json, os, sys
results, pages = sys.argv[1], sys.argv[2].split()
tools = ["factsheet", "factsheet+taxonomies", "zola+taxonomies", "hugo+taxonomies"]
print("\n| pages | tool | median | ratio to factsheet without | ratio to factsheet with | peak memory | term pages |")
print("|---|---|---|---|---|---|---|")
summary = []
for n in pages:
    runs = {r["command"]: r["median"] for r in json.load(open(os.path.join(results, f"{n}.json")))["results"]}
    def ratio(tool, to):
        return f"{runs[tool] / runs[to]:.2f}×" if tool in runs and to in runs else "–"
    for tool in tools:
        if tool not in runs:
            skipped = os.path.join(results, f"{n}-{tool}.skipped")
            why = open(skipped).read().strip() if os.path.exists(skipped) else "no binary"
            print(f"| {int(n):,} | {tool} | skipped: {why} | | | | |")
            continue
        rss_file = os.path.join(results, f"{n}-{tool}.rss")
        rss = f"{int(open(rss_file).read()) / 1024:.0f} MiB" if os.path.exists(rss_file) else "?"
        terms = open(os.path.join(results, f"{n}-{tool}.terms")).read().strip()
        print(f"| {int(n):,} | {tool} | {runs[tool] * 1000:.0f} ms | {ratio(tool, 'factsheet')} "
              f"| {ratio(tool, 'factsheet+taxonomies')} | {rss} | {int(terms):,} |")
    summary.append(f"- {int(n):,} pages: factsheet with / without taxonomies "
                   f"{ratio('factsheet+taxonomies', 'factsheet')}, factsheet with / zola "
                   f"{ratio('factsheet+taxonomies', 'zola+taxonomies')}, factsheet with / hugo "
                   f"{ratio('factsheet+taxonomies', 'hugo+taxonomies')}")
print("\n" + "\n".join(summary))
EOF
