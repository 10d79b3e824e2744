//! `factsheet serve` as an editor uses it: the real binary on a free port, pages fetched over
//! HTTP, files edited and broken while it runs. Runs on every platform; only the clean stop by
//! Ctrl-C is checked on Unix alone (a test cannot send Ctrl-C to one process on Windows).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::TestSite;

/// Sends Ctrl-C (SIGINT) as a terminal would.
#[cfg(unix)]
fn interrupt(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
}

/// Windows has no Ctrl-C for one process of a test's console: the server is killed.
#[cfg(not(unix))]
fn interrupt(child: &mut Child) {
    let _ = child.kill();
}

/// A running `factsheet serve`; stopped with Ctrl-C (SIGINT) when dropped.
struct Server {
    child: Child,
    base: String,
    port: u16,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    fn start(site: &TestSite) -> Server {
        Server::start_in(site, None)
    }

    /// Starts serve with `temp` (when given) as the system's temporary folder.
    fn start_in(site: &TestSite, temp: Option<&std::path::Path>) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_factsheet"));
        if let Some(temp) = temp {
            command
                .env("TMPDIR", temp)
                .env("TMP", temp)
                .env("TEMP", temp);
        }
        let mut child = command
            .args(["serve", "--port", "0", "--root"])
            .arg(site.root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start serve");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let first = lines.next().expect("a first line").expect("utf-8");
        let url = first
            .split(" at ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .expect("url")
            .to_string();
        let after_host = url.strip_prefix("http://127.0.0.1:").expect("loopback");
        let (port, base) = after_host.split_at(after_host.find('/').expect("path"));
        let stdout = Arc::new(Mutex::new(first.clone() + "\n"));
        let out = Arc::clone(&stdout);
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                out.lock().expect("lock").push_str(&(line + "\n"));
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let err = Arc::clone(&stderr);
        let mut pipe = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                err.lock()
                    .expect("lock")
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        Server {
            child,
            base: base.to_string(),
            port: port.parse().expect("port"),
            stdout,
            stderr,
        }
    }

    /// GET `path` (raw, not normalised); returns the status and the body.
    fn get(&self, path: &str) -> (u16, String) {
        let (status, _, body) = self.fetch(path);
        (status, body)
    }

    /// GET `path` (raw, not normalised); returns the status, the headers (one `Name: value`
    /// a line, names in lower case) and the body.
    fn fetch(&self, path: &str) -> (u16, String, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .expect("send");
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        let response = String::from_utf8_lossy(&bytes);
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        let headers = head
            .lines()
            .skip(1)
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| format!("{}: {}\n", name.to_ascii_lowercase(), value.trim()))
            .collect();
        (status, headers, body.to_string())
    }

    /// Polls `path` until its body satisfies `wanted`, for at most two seconds.
    fn wait_for(&self, path: &str, wanted: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let (_, body) = self.get(path);
            if wanted(&body) {
                return body;
            }
            assert!(
                started.elapsed() < Duration::from_secs(2),
                "not within 2 s; last body:\n{body}\nstderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().expect("lock").clone()
    }

    /// Ctrl-C, then the exit status and everything printed.
    fn stop(mut self) -> (bool, String) {
        interrupt(&mut self.child);
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(status)) = self.child.try_wait() {
                std::thread::sleep(Duration::from_millis(50));
                return (status.success(), self.stdout.lock().expect("lock").clone());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        (false, "did not stop within 5 s".into())
    }
}

impl Drop for Server {
    /// Ctrl-C first, so the server removes its output folder; a kill if it hangs.
    fn drop(&mut self) {
        interrupt(&mut self.child);
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(3) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn an_edit_is_served_within_two_seconds() {
    let site = TestSite::fixture("basic");
    let server = Server::start(&site);
    assert_eq!(
        server.base, "/sub/",
        "served under the base path of base_url"
    );
    let page = format!("{}notes/beta/", server.base);
    let (status, body) = server.get(&page);
    assert_eq!(status, 200);
    assert!(body.contains("First by weight."), "{body}");
    site.write(
        "content/notes/beta.md",
        "---\ntitle: Beta\nweight: 1\n---\nEdited while serving.\n",
    );
    server.wait_for(&page, |body| body.contains("Edited while serving."));
    let (stopped, stdout) = server.stop();
    if cfg!(unix) {
        assert!(stopped, "Ctrl-C stops cleanly: {stdout}");
        assert!(stdout.contains("Stopped."), "{stdout}");
    }
    assert!(
        stdout.contains(
            "content/notes/beta.md changed: wrote notes/beta/index.html (2 pages re-rendered) in"
        ),
        "{stdout}"
    );
}

#[test]
fn a_broken_file_keeps_the_last_good_page_and_shows_the_error_until_fixed() {
    let site = TestSite::fixture("basic");
    let server = Server::start(&site);
    let page = format!("{}notes/beta/", server.base);
    site.write(
        "content/notes/beta.md",
        "---\ntitle: Beta\nweight: [\n---\nBroken.\n",
    );
    let body = server.wait_for(&page, |body| body.contains("<factsheet-error"));
    assert!(
        body.contains("First by weight."),
        "the last good page: {body}"
    );
    assert!(
        body.contains("content/notes/beta.md:3:"),
        "file and line in the overlay: {body}"
    );
    let started = Instant::now();
    while !server.stderr().contains("content/notes/beta.md:3:") {
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "error in the terminal: {}",
            server.stderr()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    site.write(
        "content/notes/beta.md",
        "---\ntitle: Beta\nweight: 1\n---\nFixed.\n",
    );
    // The fixed page is written a moment before the error is cleared (and the reload sent):
    // wait for both, not for the first.
    server.wait_for(&page, |body| {
        body.contains("Fixed.") && !body.contains("factsheet-error")
    });
}

#[test]
fn the_error_panel_is_an_escaped_report_in_a_shadow_root_the_site_css_cannot_reach() {
    let site = TestSite::fixture("basic");
    let server = Server::start(&site);
    let page = format!("{}notes/beta/", server.base);
    // The report quotes the bad line; unescaped, it would close the template and put a
    // `<b>` into the page.
    site.write(
        "content/notes/beta.md",
        "---\ntitle: Beta\nweight: </template><b>&\n---\nBroken.\n",
    );
    let body = server.wait_for(&page, |body| body.contains("<factsheet-error"));
    assert!(
        body.contains("First by weight."),
        "the last good page: {body}"
    );
    assert_eq!(
        body.matches("<factsheet-error").count(),
        1,
        "one panel: {body}"
    );
    let open = "<factsheet-error role=\"alert\"><template shadowrootmode=\"open\"><style>";
    let start = body
        .find(open)
        .unwrap_or_else(|| panic!("a host with an open declarative shadow root: {body}"));
    let end = body[start..]
        .find("</template></factsheet-error>")
        .map(|at| start + at)
        .unwrap_or_else(|| panic!("the shadow root closes where the host does: {body}"));
    let shadow = &body[start + open.len()..end];
    assert!(
        !shadow.contains("</template>") && !shadow.contains("<b>"),
        "nothing from the report is markup: {shadow}"
    );
    assert!(
        shadow.contains(":host{") && shadow.contains("prefers-color-scheme:dark"),
        "the panel brings its own style for light and dark: {shadow}"
    );
    assert!(
        shadow.contains("The last rebuild failed; this is the last good version of the page."),
        "{shadow}"
    );
    assert!(
        shadow.contains("content/notes/beta.md:3:9: invalid YAML"),
        "file, line and column inside the shadow root: {shadow}"
    );
    assert!(
        shadow.contains("weight: &lt;/template&gt;&lt;b&gt;&amp;"),
        "the quoted line, escaped: {shadow}"
    );
    assert!(
        body.rfind("</factsheet-error>") < body.rfind("</body>"),
        "inside the body: {body}"
    );
}

#[test]
fn traversal_never_leaves_the_output_folder() {
    let site = TestSite::fixture("basic");
    site.write("secret.txt", "TOP SECRET");
    let server = Server::start(&site);
    for path in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "//etc/passwd",
        "/sub/../secret.txt",
        "/sub/%2e%2e/secret.txt",
        "/sub/%2E%2E%2Fsecret.txt",
        "/sub/..%5csecret.txt",
        "/sub//etc/passwd",
    ] {
        let (status, body) = server.get(path);
        assert!(status == 400 || status == 404, "{path}: {status}");
        assert!(
            !body.contains("TOP SECRET") && !body.contains("root:"),
            "{path}: {body}"
        );
    }
}

#[test]
fn missing_pages_get_the_site_404_with_status_404_and_folders_their_index() {
    let site = TestSite::fixture("basic");
    site.write(
        "templates/404.html",
        "<!doctype html><title>Lost</title><p>OUR 404</p></html>",
    );
    let server = Server::start(&site);
    let (status, body) = server.get("/sub/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("OUR 404"), "{body}");
    let (status, body) = server.get("/sub/notes/");
    assert_eq!(status, 200);
    assert!(
        body.contains("<h1>Notes</h1>"),
        "index.html for a folder: {body}"
    );
    let (status, _) = server.get("/sub/css/");
    assert_eq!(status, 404, "no directory listing");
    let (status, body) = server.get("/sub/css/style.css");
    assert_eq!((status, body.as_str()), (200, "body { color: #222; }\n"));
}

#[test]
fn open_pages_are_told_to_reload_and_build_output_has_no_reload_script() {
    let site = TestSite::fixture("basic");
    let server = Server::start(&site);
    let (_, page) = server.get(&format!("{}notes/beta/", server.base));
    assert!(
        page.contains("new EventSource(\"/sub/__factsheet/events\")"),
        "{page}"
    );
    let mut events = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    events
        .set_read_timeout(Some(Duration::from_secs(2)))
        .expect("timeout");
    write!(
        events,
        "GET /sub/__factsheet/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .expect("send");
    let mut received = String::new();
    let mut buffer = [0u8; 1024];
    while !received.contains("retry:") {
        let n = events.read(&mut buffer).expect("headers");
        received.push_str(&String::from_utf8_lossy(&buffer[..n]));
    }
    site.write(
        "content/notes/beta.md",
        "---\ntitle: Beta\nweight: 1\n---\nReload me.\n",
    );
    while !received.contains("data: reload") {
        let n = events.read(&mut buffer).expect("an event within 2 s");
        received.push_str(&String::from_utf8_lossy(&buffer[..n]));
    }
    site.write("static/css/style.css", "body { color: #000; }\n");
    while !received.contains("data: css") {
        let n = events.read(&mut buffer).expect("a css event within 2 s");
        received.push_str(&String::from_utf8_lossy(&buffer[..n]));
    }

    let built = TestSite::fixture("basic");
    built.build_ok(&[]);
    for (path, bytes) in common::snapshot(&built.public()) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("EventSource"),
            "{path} has the reload script"
        );
    }
}

#[test]
fn files_are_served_with_their_content_types() {
    let site = TestSite::fixture("basic");
    let types = [
        ("app.mjs", "text/javascript"),
        ("app.js", "text/javascript"),
        ("module.wasm", "application/wasm"),
        ("photo.webp", "image/webp"),
        ("photo.avif", "image/avif"),
        ("font.woff2", "font/woff2"),
        ("font.woff", "font/woff"),
        ("data.json", "application/json"),
        ("feed.xml", "application/xml"),
        ("notes.txt", "text/plain"),
        ("paper.pdf", "application/pdf"),
        ("table.csv", "text/csv"),
        ("favicon.ico", "image/x-icon"),
        ("site.webmanifest", "application/manifest+json"),
        ("PHOTO.PNG", "image/png"),
        ("unknown.xyz", "application/octet-stream"),
    ];
    for (name, _) in types {
        site.write(&format!("static/files/{name}"), "x");
    }
    let server = Server::start(&site);
    for (name, wanted) in types {
        let (status, headers, _) = server.fetch(&format!("/sub/files/{name}"));
        assert_eq!(status, 200, "{name}");
        let kind = headers
            .lines()
            .find_map(|line| line.strip_prefix("content-type: "))
            .unwrap_or_else(|| panic!("{name}: no content type in {headers}"));
        assert!(
            kind == wanted || kind.starts_with(&format!("{wanted};")),
            "{name}: {kind}, wanted {wanted}"
        );
    }
}

#[test]
fn folders_with_non_ascii_names_redirect_to_a_percent_encoded_location() {
    let site = TestSite::fixture("basic");
    // Content file names become ASCII slugs; folders of static/ keep their names.
    site.write("static/привет/index.html", "<p>Привет</p>\n");
    site.write("static/a b/c/index.html", "<p>Spaced</p>\n");
    let server = Server::start(&site);
    let encoded = "/sub/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82";
    for (path, location) in [
        (encoded.to_string(), format!("{encoded}/")),
        (format!("{encoded}?x=1"), format!("{encoded}/?x=1")),
        ("/sub/a%20b/c".to_string(), "/sub/a%20b/c/".to_string()),
        ("/sub/notes".to_string(), "/sub/notes/".to_string()),
        ("/sub".to_string(), "/sub/".to_string()),
    ] {
        let (status, headers, _) = server.fetch(&path);
        assert_eq!(status, 301, "{path}: {headers}");
        assert!(
            headers.contains(&format!("location: {location}\n")),
            "{path}: {headers}"
        );
    }
    let (status, body) = server.get(&format!("{encoded}/"));
    assert_eq!(status, 200);
    assert!(body.contains("Привет"), "{body}");
}

#[test]
fn a_port_in_use_fails_after_the_first_build_and_leaves_no_output_behind() {
    let site = TestSite::fixture("basic");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let port = taken.local_addr().expect("address").port().to_string();
    let temp = tempfile::tempdir().expect("temp dir");
    let output = Command::new(env!("CARGO_BIN_EXE_factsheet"))
        .args(["serve", "--port", &port, "--root"])
        .arg(site.root())
        // serve builds into the system's temporary folder: here, one this test watches.
        .env("TMPDIR", temp.path())
        .env("TMP", temp.path())
        .env("TEMP", temp.path())
        .output()
        .expect("run serve");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot listen"), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(temp.path())
        .expect("read temp dir")
        .map(|entry| entry.expect("entry").file_name())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn serve_leaves_nothing_in_the_temporary_folder_after_a_full_rebuild() {
    let site = TestSite::fixture("basic");
    let temp = tempfile::tempdir().expect("temp dir");
    let names = || common::names_in(temp.path());
    let server = Server::start_in(&site, Some(temp.path()));
    // A new page changes the site's shape: a full build, which keeps the output it replaces
    // beside the new one for the next build to write over.
    site.write(
        "content/notes/iota.md",
        "---\ntitle: Iota\n---\nA page added while serving.\n",
    );
    let page = format!("{}notes/iota/", server.base);
    server.wait_for(&page, |body| body.contains("A page added while serving."));
    assert!(
        names().iter().any(|name| name.ends_with(".factsheet-old")),
        "the output before last is kept while serving: {:?}",
        names()
    );
    let (stopped, stdout) = server.stop();
    if cfg!(unix) {
        assert!(stopped, "Ctrl-C stops cleanly: {stdout}");
        assert!(names().is_empty(), "left behind: {:?}", names());
    }
}
