//! Stage 7, serve: build, serve the output over HTTP under the site's base path, watch the
//! sources, rebuild what changed and tell open pages to reload. A failed rebuild keeps the last
//! good site and shows the error in the page and through `report`.

mod batch;
pub mod http;
pub mod session;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use batch::{Batcher, Change, Message};

use notify::{RecursiveMode, Watcher};

use crate::config::BuildOptions;
use crate::error::{BuildFailure, Error};
use crate::paths::{CONFIG_FILE, CONTENT_DIR, I18N_DIR, SOURCES_DIR, STATIC_DIR, TEMPLATES_DIR};
pub use session::{RebuildScope, Rebuilt, Session};

/// What `factsheet serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site and build flags (the output folder is the server's own).
    pub site: BuildOptions,
    /// The address to listen on; loopback unless asked otherwise.
    pub bind: IpAddr,
    /// The port; 0 lets the system pick a free one.
    pub port: u16,
}

/// What the server reports while it runs, for the caller to print.
#[derive(Debug)]
pub enum ServeEvent<'a> {
    /// The first build is done and the server listens at `url`.
    Listening {
        /// The site's home page on this server.
        url: String,
    },
    /// A change was rebuilt.
    Rebuilt {
        /// The source files that changed, relative to the site root.
        changed: &'a [PathBuf],
        /// What the rebuild did.
        rebuilt: &'a Rebuilt,
        /// How long it took.
        elapsed: Duration,
    },
    /// A rebuild failed; the last good site is still served.
    Failed {
        /// The errors, as reports with source excerpts.
        report: &'a str,
    },
    /// Ctrl-C: the server stopped and removed its output folder.
    Stopped,
}

/// The folders of the site that serve watches, besides `site.yaml`.
const WATCHED_DIRS: [&str; 5] = [
    CONTENT_DIR,
    TEMPLATES_DIR,
    STATIC_DIR,
    SOURCES_DIR,
    I18N_DIR,
];

/// Builds the site, serves it and rebuilds on change until Ctrl-C. Fails when the first build
/// fails or the address cannot be used.
pub fn serve(
    options: ServeOptions,
    report: &mut dyn FnMut(ServeEvent<'_>),
) -> Result<(), BuildFailure> {
    let root = options.site.root.clone();
    let out_dir = std::env::temp_dir().join(format!("factsheet-serve-{}", std::process::id()));
    // Removed however serve ends: Ctrl-C, or a port or watcher that cannot be had after the
    // first build wrote it.
    let _remove_output = RemoveOnDrop(out_dir.clone());
    let mut session = Session::new(options.site.clone(), out_dir.clone());
    session.build_all().map_err(BuildFailure::from)?;
    let base_path = session.base_path().unwrap_or("/").to_string();

    let server = listen(SocketAddr::new(options.bind, options.port))
        .map_err(|err| err.to_string())
        .and_then(|listener| {
            tiny_http::Server::from_listener(listener, None).map_err(|err| err.to_string())
        })
        .map_err(|err| Error::Serve {
            message: format!("cannot listen on {}:{}: {err}", options.bind, options.port),
            help: "pick another --port, or stop the program that uses it".into(),
        })?;
    let server = Arc::new(server);
    let port = server
        .server_addr()
        .to_ip()
        .map_or(options.port, |address| address.port());
    let shared = Arc::new(http::Shared {
        out_dir: out_dir.clone(),
        base_path: base_path.clone(),
        error: Mutex::new(None),
        listeners: Mutex::new(Vec::new()),
    });
    let acceptor = {
        let (server, shared) = (Arc::clone(&server), Arc::clone(&shared));
        thread::spawn(move || {
            for request in server.incoming_requests() {
                let shared = Arc::clone(&shared);
                thread::spawn(move || http::handle(request, &shared));
            }
        })
    };

    let (sender, messages) = mpsc::channel();
    let stop = sender.clone();
    // Without a handler Ctrl-C would kill the process and leave the output folder behind.
    ctrlc::set_handler(move || {
        let _ = stop.send(Message::Stop);
    })
    .map_err(|err| Error::Serve {
        message: format!("cannot handle Ctrl-C: {err}"),
        help: "run factsheet serve from a terminal".into(),
    })?;
    let _watcher = watch(&root, sender)?;

    let host = match options.bind {
        IpAddr::V6(address) => format!("[{address}]"),
        IpAddr::V4(address) => address.to_string(),
    };
    report(ServeEvent::Listening {
        url: format!("http://{host}:{port}{base_path}"),
    });

    // A save is rebuilt as soon as the file is complete; a burst, one rebuild (see `batch`).
    let batcher = Batcher::default();
    while let Some(changed) = batcher.next_batch(&messages) {
        let started = Instant::now();
        match session.apply(&changed) {
            Ok(rebuilt) if rebuilt.scope == RebuildScope::Nothing => {}
            Ok(rebuilt) => {
                *shared.error.lock().unwrap_or_else(|p| p.into_inner()) = None;
                shared.broadcast(if rebuilt.css_only { "css" } else { "reload" });
                report(ServeEvent::Rebuilt {
                    changed: &changed,
                    rebuilt: &rebuilt,
                    elapsed: started.elapsed(),
                });
            }
            Err(errors) => {
                let text: String = errors.iter().map(|e| e.report(&root)).collect();
                *shared.error.lock().unwrap_or_else(|p| p.into_inner()) = Some(text.clone());
                shared.broadcast("reload");
                report(ServeEvent::Failed { report: &text });
            }
        }
    }
    server.unblock();
    let _ = acceptor.join();
    drop(_remove_output);
    report(ServeEvent::Stopped);
    Ok(())
}

/// A socket listening on `address` whose connections send each write at once
/// (`TCP_NODELAY`, which accepted sockets inherit from it on Linux). tiny_http writes a
/// response's head and body separately: with Nagle's algorithm the body of every response but
/// the first on a keep-alive connection waited for the browser's delayed ACK, 40 ms.
fn listen(address: SocketAddr) -> std::io::Result<TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(
        Domain::for_address(address),
        Type::STREAM,
        Some(Protocol::TCP),
    )?;
    // As std's TcpListener::bind: a restarted server can take its port back at once.
    #[cfg(not(windows))]
    socket.set_reuse_address(true)?;
    socket.set_tcp_nodelay(true)?;
    socket.bind(&address.into())?;
    socket.listen(128)?;
    Ok(socket.into())
}

/// An output folder removed when this goes out of scope, with the output before last that
/// its builds keep beside it.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = crate::output::remove_output(&self.0);
    }
}

/// Watches the site's sources and sends the changed paths, relative to `root`.
fn watch(root: &Path, sender: mpsc::Sender<Message>) -> Result<notify::RecommendedWatcher, Error> {
    let roots: Vec<PathBuf> = [root.to_path_buf(), root.canonicalize().unwrap_or_default()]
        .into_iter()
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        let changed: Vec<Change> = event
            .paths
            .iter()
            .filter_map(|path| roots.iter().find_map(|r| path.strip_prefix(r).ok()))
            .filter(|path| is_source(path))
            .filter_map(|path| Change::of(path.to_path_buf(), &event.kind))
            .collect();
        if !changed.is_empty() {
            let _ = sender.send(Message::Changed(changed));
        }
    })
    .map_err(|err| watch_error(root, err))?;
    for dir in WATCHED_DIRS {
        let path = root.join(dir);
        if path.is_dir() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|err| watch_error(&path, err))?;
        }
    }
    // The root itself only for site.yaml: watching it recursively would watch target/ too.
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|err| watch_error(root, err))?;
    Ok(watcher)
}

fn watch_error(path: &Path, err: notify::Error) -> Error {
    Error::Serve {
        message: format!("cannot watch {} for changes: {err}", path.display()),
        help: "on Linux, raise fs.inotify.max_user_watches".into(),
    }
}

/// Whether a changed path is a source of the site (not an editor's swap or backup file).
fn is_source(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let scratch = name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp");
    let in_sources = WATCHED_DIRS.iter().any(|dir| path.starts_with(dir));
    !scratch && (in_sources || path == Path::new(CONFIG_FILE))
}
