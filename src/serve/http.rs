//! Answers HTTP requests from the output folder, the way GitHub Pages would: under the site's
//! base path, `index.html` for folders, the site's `404.html` with status 404, no listings. In
//! HTML it injects the live-reload script, and the error overlay while a rebuild is failing;
//! built files on disk never contain either.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tiny_http::{Header, Request, Response, StatusCode};

use crate::markdown::escape_markup;
use crate::url::percent_encode_path;

/// The path, under the base path, of the server-sent events stream pages listen to.
pub const EVENTS_PATH: &str = "__factsheet/events";

/// What the request handlers share with the rebuild loop.
pub struct Shared {
    /// The folder served.
    pub out_dir: PathBuf,
    /// The site's base path (`/repo/` or `/`).
    pub base_path: String,
    /// The last rebuild's error report, while it is failing.
    pub error: Mutex<Option<String>>,
    /// One sender per open page, for reload messages.
    pub listeners: Mutex<Vec<Sender<&'static str>>>,
}

impl Shared {
    /// Tells every open page to `reload` or to swap its stylesheets (`css`).
    pub fn broadcast(&self, message: &'static str) {
        let mut listeners = self.listeners.lock().unwrap_or_else(|p| p.into_inner());
        listeners.retain(|listener| listener.send(message).is_ok());
    }
}

/// Answers one request.
pub fn handle(request: Request, shared: &Arc<Shared>) {
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let Some(decoded) = percent_decode(path) else {
        return respond_text(request, 400, "bad request: the path is not valid UTF-8");
    };
    if decoded.contains(['\\', '\0']) || decoded.split('/').any(|s| s == ".." || s == ".") {
        return respond_text(request, 400, "bad request: the path leaves the site");
    }
    let base = &shared.base_path;
    if decoded == base.trim_end_matches('/') && base != "/" {
        return redirect(request, &folder_location(&decoded, &url));
    }
    let Some(inside) = decoded.strip_prefix(base.as_str()) else {
        return respond_text(
            request,
            404,
            &format!("not found: the site is served at {base}"),
        );
    };
    if inside == EVENTS_PATH {
        return stream_events(request, shared);
    }
    let mut file = shared.out_dir.clone();
    for segment in inside.split('/').filter(|s| !s.is_empty()) {
        file.push(segment);
    }
    if file.is_dir() {
        if !decoded.ends_with('/') {
            return redirect(request, &folder_location(&decoded, &url));
        }
        file.push("index.html");
    }
    match confined(&shared.out_dir, &file) {
        Some(file) => respond_file(request, shared, &file, 200),
        None => {
            let not_found = shared.out_dir.join("404.html");
            if not_found.is_file() {
                respond_file(request, shared, &not_found, 404)
            } else {
                respond_text(request, 404, "not found")
            }
        }
    }
}

/// `file` resolved through any symlinks, if it is a file inside `root`.
fn confined(root: &Path, file: &Path) -> Option<PathBuf> {
    let root = root.canonicalize().ok()?;
    let file = file.canonicalize().ok()?;
    (file.starts_with(&root) && file.is_file()).then_some(file)
}

fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match (bytes[index], hex(index + 1), hex(index + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                index += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Where a request for the folder `decoded` (a decoded path without its final `/`) is sent:
/// the path with a `/`, percent-encoded so that the header stays ASCII whatever the folder's
/// name, with the query of the request's `raw` URL kept.
fn folder_location(decoded: &str, raw: &str) -> String {
    let query = raw
        .split('#')
        .next()
        .and_then(|url| url.split_once('?'))
        .map(|(_, query)| query)
        .filter(|query| query.is_ascii() && !query.contains(char::is_control));
    let mut location = format!("{}/", percent_encode_path(decoded));
    if let Some(query) = query {
        location.push('?');
        location.push_str(query);
    }
    location
}

/// The `Content-Type` of a file, by its extension in any case; text types say UTF-8.
fn content_type(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn respond_file(request: Request, shared: &Shared, file: &Path, status: u16) {
    let Ok(mut bytes) = std::fs::read(file) else {
        return respond_text(request, 404, "not found");
    };
    let kind = content_type(file);
    if kind.starts_with("text/html") {
        bytes = inject(&String::from_utf8_lossy(&bytes), shared).into_bytes();
    }
    let mut response = Response::from_data(bytes).with_status_code(StatusCode(status));
    for h in [
        header("Content-Type", kind),
        header("Cache-Control", "no-store"),
    ]
    .into_iter()
    .flatten()
    {
        response.add_header(h);
    }
    let _ = request.respond(response);
}

fn respond_text(request: Request, status: u16, text: &str) {
    let mut response = Response::from_string(text).with_status_code(StatusCode(status));
    if let Some(h) = header("Content-Type", "text/plain; charset=utf-8") {
        response.add_header(h);
    }
    let _ = request.respond(response);
}

fn redirect(request: Request, location: &str) {
    let mut response = Response::empty(StatusCode(301));
    if let Some(h) = header("Location", location) {
        response.add_header(h);
    }
    let _ = request.respond(response);
}

/// The page as built, plus the live-reload script and, while a rebuild fails, the overlay.
fn inject(html: &str, shared: &Shared) -> String {
    let events = format!("{}{EVENTS_PATH}", shared.base_path);
    let mut extra = format!(
        "<script>/* factsheet serve: live reload */(() => {{ const events = new EventSource({events:?}); events.onmessage = (e) => {{ if (e.data === 'css') {{ for (const link of document.querySelectorAll('link[rel=stylesheet]')) {{ const url = new URL(link.href); url.searchParams.set('reload', Date.now()); link.href = url.href; }} }} else {{ location.reload(); }} }}; }})();</script>"
    );
    let error = shared.error.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(report) = error.as_deref() {
        extra.push_str(&error_panel(report));
    }
    match html.rfind("</body>") {
        Some(at) => format!("{}{extra}{}", &html[..at], &html[at..]),
        None => format!("{html}{extra}"),
    }
}

/// The rules of the error panel. They live in its shadow root, so no rule of the site reaches
/// the panel's content, and they are `!important` on `:host`, which beats the site's rules on
/// the host element itself, even important ones; `all: initial` stops inherited colours and
/// fonts, and sizes are in px, not rem, which the site may change. Light and dark schemes both
/// pass WCAG AA: every text colour is at least 9:1 on its background.
const ERROR_PANEL_STYLE: &str = ":host{all:initial!important;display:block!important;position:fixed!important;inset:auto 0 0 0!important;z-index:2147483647!important;box-sizing:border-box!important;max-height:60vh!important;overflow:auto!important;overscroll-behavior:contain!important;margin:0!important;padding:16px 20px!important;background:#fff4f4!important;color:#2a0a0a!important;border-top:4px solid #b3261e!important;box-shadow:0 -2px 12px rgba(0,0,0,.25)!important;font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace!important;text-align:start!important;visibility:visible!important;opacity:1!important}\
strong{display:block;margin:0;color:#8a1010;font:inherit;font-weight:700;font-family:system-ui,sans-serif;font-size:15px}\
pre{margin:8px 0 0;padding:0;border:0;background:none;color:inherit;font:inherit;white-space:pre-wrap;overflow-wrap:anywhere}\
@media (prefers-color-scheme:dark){:host{background:#2b0b0b!important;color:#ffe9e9!important;border-top-color:#ff6b6b!important}strong{color:#ffb4b4}}";

/// The panel shown at the bottom of every page while a rebuild fails: a `<factsheet-error>`
/// host whose content is in a declarative shadow root, so it needs no script and the site's
/// stylesheet cannot touch it. The report is escaped.
fn error_panel(report: &str) -> String {
    format!(
        "<factsheet-error role=\"alert\"><template shadowrootmode=\"open\"><style>{ERROR_PANEL_STYLE}</style><strong>The last rebuild failed; this is the last good version of the page.</strong><pre>{}</pre></template></factsheet-error>",
        escape_markup(report)
    )
}

/// Keeps the request open and sends `data: reload` / `data: css` events as rebuilds finish.
/// The stream is written straight to the socket (tiny_http would buffer a chunked body); it
/// ends when the tab closes or the server stops.
fn stream_events(request: Request, shared: &Arc<Shared>) {
    let (sender, receiver) = mpsc::channel();
    shared
        .listeners
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(sender);
    let mut socket = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nretry: 500\n\n";
    if socket
        .write_all(head.as_bytes())
        .and_then(|()| socket.flush())
        .is_err()
    {
        return;
    }
    loop {
        let event = match receiver.recv_timeout(Duration::from_secs(15)) {
            Ok(message) => format!("data: {message}\n\n"),
            // A comment keeps the stream alive and finds tabs that were closed.
            Err(RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if socket
            .write_all(event.as_bytes())
            .and_then(|()| socket.flush())
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(
            percent_decode("/a%20b/%2e%2e/").as_deref(),
            Some("/a b/../")
        );
        assert_eq!(percent_decode("/%zz%2").as_deref(), Some("/%zz%2"));
        assert_eq!(percent_decode("/%ff"), None);
    }

    #[test]
    fn folder_locations_are_ascii_and_keep_the_query() {
        assert_eq!(
            folder_location(
                "/sub/привет",
                "/sub/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82?a=1#x"
            ),
            "/sub/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82/?a=1"
        );
        assert_eq!(
            folder_location("/sub/50% off", "/sub/50%25%20off"),
            "/sub/50%25%20off/"
        );
        assert_eq!(folder_location("/sub", "/sub"), "/sub/");
    }

    #[test]
    fn content_types_by_extension() {
        for (file, kind) in [
            ("a.mjs", "text/javascript; charset=utf-8"),
            ("a.wasm", "application/wasm"),
            ("a.webp", "image/webp"),
            ("a.avif", "image/avif"),
            ("a.woff2", "font/woff2"),
            ("a.woff", "font/woff"),
            ("a.json", "application/json"),
            ("a.xml", "application/xml"),
            ("a.txt", "text/plain; charset=utf-8"),
            ("a.pdf", "application/pdf"),
            ("a.csv", "text/csv; charset=utf-8"),
            ("a.ico", "image/x-icon"),
            ("site.webmanifest", "application/manifest+json"),
            ("A.PNG", "image/png"),
            ("noextension", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(file)), kind, "{file}");
        }
    }
}
