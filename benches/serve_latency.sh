#!/usr/bin/env bash
# Edit-to-browser latency of `factsheet serve`, and of `zola serve` when a Zola binary is given:
# over HTTP, from just before a page's Markdown file is written to the first response for that
# page that contains the new text, on the corpus of benches/gen_corpus.rs.
#
#   benches/serve_latency.sh [--pages 10000] [--edits 10] [--zola PATH] [--zola-default-edits 5]
#                            [--dir DIR]
#
# Each edit appends a unique token to the body of a different page (content/sN/page-I.md), then
# polls that page's URL on a keep-alive connection, one GET about every millisecond, until the
# body contains the token. factsheet runs with its default settings; Zola runs as
# `zola serve --fast --debounce 1` and as plain `zola serve` (its default debounce is 1 s, so
# that one gets fewer edits). Prints the median, min and max per tool and the ratio to
# factsheet. The corpus goes into a temporary folder under DIR (default $TMPDIR or /tmp; use
# /dev/shm for tmpfs). Needs python3. Nothing here builds or downloads a peer.
set -euo pipefail
cd "$(dirname "$0")/.."

pages=10000 edits=10 zola="" zola_default_edits=5 dir="${TMPDIR:-/tmp}"
while [ $# -gt 0 ]; do
  case "$1" in
    --pages) pages="$2"; shift 2 ;;
    --edits) edits="$2"; shift 2 ;;
    --zola) zola="$2"; shift 2 ;;
    --zola-default-edits) zola_default_edits="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
command -v python3 >/dev/null || { echo "missing python3" >&2; exit 2; }
[ -n "$zola" ] && [ ! -x "$zola" ] && { echo "--zola $zola is not executable" >&2; exit 2; }

# Release binaries: factsheet itself and the corpus generator (wherever CARGO_TARGET_DIR puts them).
cargo build --release --locked --quiet
exe() { # path of a bench target's binary
  cargo bench --locked --no-run --message-format=json --bench "$1" 2>/dev/null |
    python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == sys.argv[1]:
        print(m["executable"])' "$1" | tail -n 1
}
target="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
factsheet="${FACTSHEET_BIN:-$target/release/factsheet}" gen="$(exe gen_corpus)"

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
zola_version="zola: skipped (pass --zola PATH)"
[ -n "$zola" ] && zola_version="$("$zola" --version)"
echo "# factsheet $("$factsheet" --version | cut -d' ' -f2), $zola_version; $pages pages in $dir"

corpus="$(mktemp -d "$dir/factsheet-serve-latency.XXXXXX")"
trap 'rm -rf "$corpus"' EXIT
"$gen" "$corpus" "$pages" >/dev/null

python3 - "$corpus" "$pages" "$edits" "$factsheet" "$zola" "$zola_default_edits" <<'EOF'
import http.client, os, re, secrets, signal, socket, statistics, subprocess, sys, threading, time

corpus, pages, edits, factsheet, zola, zola_default_edits = sys.argv[1:7]
pages, edits, zola_default_edits = int(pages), int(edits), int(zola_default_edits)

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

class Server:
    """A serve process, its output drained by a thread, and the URL it printed."""
    def __init__(self, command):
        self.lines, self.url = [], None
        self.printed = threading.Event()
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, text=True, errors="replace")
        threading.Thread(target=self.drain, daemon=True).start()

    def drain(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            found = re.search(r"http://127\.0\.0\.1:\d+[^\s\x1b]*", line)
            if found and self.url is None:
                self.url = found.group(0).rstrip("/") + "/"
                self.printed.set()

    def wait_until_serving(self, timeout=600):
        deadline = time.monotonic() + timeout
        while not self.printed.wait(0.1):
            if self.process.poll() is not None or time.monotonic() > deadline:
                sys.exit("the server did not start:\n" + "\n".join(self.lines[-20:]))

    def stop(self):
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

class Client:
    """GETs on one keep-alive connection, reconnecting when the server closes it."""
    def __init__(self, url):
        host, port = re.match(r"http://([^:/]+):(\d+)", url).groups()
        self.address = (host, int(port))
        self.connection = None

    def get(self, path):
        for _ in range(2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection(*self.address, timeout=30)
                self.connection.request("GET", path)
                response = self.connection.getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException):
                if self.connection is not None:
                    self.connection.close()
                self.connection = None
        return None, b""

def measure(name, command, page_root, count, first_page, settle):
    """Times `count` edits, each of another page; returns the latencies in seconds."""
    server = Server(command)
    try:
        server.wait_until_serving()
        base = re.sub(r"^http://[^/]+", "", server.url)
        client = Client(server.url)
        times = []
        for edit in range(count):
            index = (first_page + edit * 7919) % pages
            path = f"{base}s{index % 10}/page-{index}/"
            source = os.path.join(page_root, "content", f"s{index % 10}", f"page-{index}.md")
            deadline = time.monotonic() + 120
            while True:  # the first build may still be going on when the URL is printed
                status, body = client.get(path)
                if status == 200:
                    break
                if time.monotonic() > deadline:
                    sys.exit(f"{name}: {path} answers {status}:\n" + "\n".join(server.lines[-20:]))
                time.sleep(0.05)
            token = "zq" + secrets.token_hex(8)
            started = time.perf_counter()
            with open(source, "a") as file:
                file.write(f"\n\nEdit {token}.\n")
            deadline = started + 60
            while True:
                status, body = client.get(path)
                now = time.perf_counter()
                if token.encode() in body:
                    break
                if now > deadline:
                    sys.exit(f"{name}: the edit of {source} never showed:\n" + "\n".join(server.lines[-20:]))
                time.sleep(0.001)
            times.append(now - started)
            print(f"  {name} edit {edit + 1}/{count} ({path}): {(now - started) * 1000:.1f} ms", flush=True)
            time.sleep(settle)  # let the server finish whatever else the edit started
        return times
    finally:
        server.stop()

results = []
port = free_port()
root = os.path.join(corpus, "factsheet")
results.append(("factsheet serve", measure(
    "factsheet", [factsheet, "serve", "--root", root, "--port", str(port)], root, edits, 1, 0.3)))
if zola:
    root = os.path.join(corpus, "zola")
    for name, flags, count, first, settle in [
        ("zola serve --fast --debounce 1", ["--fast", "--debounce", "1"], edits, 3, 0.3),
        ("zola serve", [], min(edits, zola_default_edits), 5, 1.5),
    ]:
        port = free_port()
        command = [zola, "--root", root, "serve", "--interface", "127.0.0.1", "--port", str(port)] + flags
        results.append((name, measure(name, command, root, count, first, settle)))

ours = statistics.median(results[0][1])
print(f"\n| tool | pages | edits | median | min / max | ratio to factsheet |")
print("|---|---|---|---|---|---|")
for name, times in results:
    median = statistics.median(times)
    print(f"| {name} | {pages:,} | {len(times)} | {median * 1000:.1f} ms | "
          f"{min(times) * 1000:.1f} / {max(times) * 1000:.1f} ms | {median / ours:.2f}× |")
EOF
