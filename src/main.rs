//! The `factsheet` command: parses flags, runs the library, prints the outcome, picks the exit
//! code (0 done, 1 the site has errors, 2 bad usage).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand};
use factsheet::BuildOptions;
use factsheet::progress::Progress;

#[derive(Parser)]
#[command(
    version,
    about = "Build a fact-sheet website from Markdown, YAML front matter and Tera templates"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default).
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the site [default: ROOT/public].
        #[arg(long)]
        output: Option<PathBuf>,
        /// Replace an output folder that factsheet did not make.
        #[arg(long)]
        force: bool,
    },
    /// Build the site in memory and report every problem; writes nothing.
    Check {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Build, serve on localhost under the site's base path, rebuild and reload on change.
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// The port to listen on (0: any free port).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on; anything but loopback exposes the preview to the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Write a small starter site into DIR (new, empty, or a fresh clone holding only .git).
    Init {
        /// The folder to create the site in.
        dir: PathBuf,
    },
}

/// Flags shared by `build` and `check`.
#[derive(Args)]
struct SiteArgs {
    /// The site folder, holding site.yaml, content/, templates/ and static/.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Override base_url from site.yaml, e.g. https://owner.github.io/repo/.
    #[arg(long)]
    base_url: Option<String>,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Override repository_url from site.yaml (the GitHub repository "Edit this page" links to).
    #[arg(long)]
    repository_url: Option<String>,
}

impl SiteArgs {
    fn options(self, output: Option<PathBuf>, force: bool) -> BuildOptions {
        BuildOptions {
            root: self.root,
            output,
            base_url: self.base_url,
            repository_url: self.repository_url,
            drafts: self.drafts,
            force,
            progress: None,
        }
    }
}

fn main() -> ExitCode {
    tune_allocator();
    match Cli::parse().command {
        Command::Build {
            site,
            output,
            force,
        } => build(&site.options(output, force)),
        Command::Check { site } => check(&site.options(None, false)),
        Command::Init { dir } => init(&dir),
        Command::Serve {
            site,
            port,
            bind,
            open,
        } => serve(
            factsheet::serve::ServeOptions {
                site: site.options(None, false),
                bind,
                port,
            },
            open,
        ),
    }
}

/// Keeps the memory a build frees for its next allocations. By default glibc maps every block
/// over 128 KiB afresh and returns it when freed, and gives back a heap's free top past 128 KiB:
/// the megabyte vectors a large build makes one after another (loaded pages, rendered pages,
/// documents) are each faulted in again, page by page, while one core waits. Reusing them made
/// a 10,000-page build about 10% faster for a few MiB more at its peak (BENCHMARKS.md). `true`
/// when glibc took all
/// three settings; other platforms' allocators keep their defaults (nothing to tune there).
fn tune_allocator() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const MIB: i32 = 1 << 20;
        // SAFETY: mallopt only sets the allocator's parameters, under glibc's arena lock.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 32 * MIB) == 1
                && libc::mallopt(libc::M_TRIM_THRESHOLD, 128 * MIB) == 1
                && libc::mallopt(libc::M_TOP_PAD, 16 * MIB) == 1
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    false
}

fn plural(count: usize, word: &str) -> String {
    format!("{count} {word}{}", if count == 1 { "" } else { "s" })
}

/// How long a build runs before it shows its progress: shorter builds print only their result.
const PROGRESS_AFTER: Duration = Duration::from_secs(2);

/// How often the progress bar reads the counters and redraws.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// Runs `run` (a build or a check) with `options`. On a terminal, a build still running after
/// [`PROGRESS_AFTER`] shows how far it has got on stderr until it ends, `finishing` naming
/// what follows the rendering; the bar is cleared before this returns, so what is printed
/// next stands alone. Elsewhere (a pipe, a file, CI) nothing is shown and no thread runs.
fn with_progress<T>(
    options: &BuildOptions,
    finishing: &'static str,
    run: impl FnOnce(&BuildOptions) -> T,
) -> T {
    if !std::io::stderr().is_terminal() {
        return run(options);
    }
    let started = Instant::now();
    let progress = Arc::new(Progress::new());
    let options = BuildOptions {
        progress: Some(Arc::clone(&progress)),
        ..options.clone()
    };
    let (finished, finish) = mpsc::channel::<()>();
    let display = std::thread::spawn(move || show_progress(&progress, finishing, &finish, started));
    let result = run(&options);
    drop(finished);
    let _ = display.join();
    result
}

/// Draws `progress` on stderr, from [`PROGRESS_AFTER`] after `started` until `finish` says the
/// build ended (its sender is dropped), then clears the bar.
fn show_progress(
    progress: &Progress,
    finishing: &str,
    finish: &mpsc::Receiver<()>,
    started: Instant,
) {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    let wait = PROGRESS_AFTER.saturating_sub(started.elapsed());
    if finish.recv_timeout(wait) != Err(mpsc::RecvTimeoutError::Timeout) {
        return;
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
        .with_elapsed(started.elapsed());
    let mut phase = None;
    loop {
        let (done, total) = progress.snapshot();
        // The site is read and checked before the pages count; audits and the write follow.
        let now = match total {
            0 => "reading the site... {elapsed}".to_string(),
            _ if done < total => "rendering {pos}/{len} pages [{bar:30}] {elapsed}".to_string(),
            _ => format!("rendered {{len}} pages; {finishing}... {{elapsed}}"),
        };
        if phase.as_ref() != Some(&now) {
            // The templates are the three above; the default style is only a safety net.
            let style =
                ProgressStyle::with_template(&now).unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style.progress_chars("=> "));
            bar.set_length(total as u64);
            phase = Some(now);
        }
        bar.set_position(done.min(total) as u64);
        if finish.recv_timeout(PROGRESS_EVERY) != Err(mpsc::RecvTimeoutError::Timeout) {
            break;
        }
    }
    bar.finish_and_clear();
}

fn build(options: &BuildOptions) -> ExitCode {
    let started = Instant::now();
    match with_progress(options, "checking and writing", factsheet::build) {
        Ok(report) => {
            for warning in &report.warnings {
                eprintln!("warning: {warning}");
            }
            let images = report.images;
            let previews = match images.drawn + images.reused {
                0 => String::new(),
                n => format!(
                    " ({}: {} drawn, {} reused)",
                    plural(n, "preview image"),
                    images.drawn,
                    images.reused
                ),
            };
            let handouts = match report.handouts.drawn + report.handouts.reused {
                0 => String::new(),
                n => format!(
                    " ({}: {} drawn, {} reused)",
                    plural(n, "handout"),
                    report.handouts.drawn,
                    report.handouts.reused
                ),
            };
            println!(
                "Built {} into {} in {} ms{previews}{handouts}",
                plural(report.pages, "page"),
                report.output.display(),
                started.elapsed().as_millis()
            );
            ExitCode::SUCCESS
        }
        Err(failure) => {
            for error in &failure.errors {
                eprint!("{}", error.report(&options.root));
            }
            eprintln!(
                "Build failed with {}; the previous output, if any, was left as it was.",
                plural(failure.errors.len(), "error")
            );
            ExitCode::from(1)
        }
    }
}

fn check(options: &BuildOptions) -> ExitCode {
    let report = with_progress(options, "checking", factsheet::check);
    for error in &report.errors {
        eprint!("{}", error.report(&options.root));
    }
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    let summary = format!(
        "check: {}, {} in {}; nothing was written",
        plural(report.errors.len(), "error"),
        plural(report.warnings.len(), "warning"),
        plural(report.pages, "page")
    );
    if report.errors.is_empty() {
        println!("{summary}");
        ExitCode::SUCCESS
    } else {
        eprintln!("{summary}");
        ExitCode::from(1)
    }
}

fn init(dir: &std::path::Path) -> ExitCode {
    use factsheet::init::{PLACEHOLDER_REPOSITORY, Releases, WORKFLOW};
    match factsheet::init::init_site(dir) {
        Ok(done) => {
            for file in &done.files {
                println!("  created {}", dir.join(file).display());
            }
            let here = dir == std::path::Path::new(".");
            println!();
            if here {
                println!("New site in this folder. Look at it while you edit (Ctrl-C stops):");
            } else {
                println!(
                    "New site in {}. Look at it while you edit (Ctrl-C stops):",
                    dir.display()
                );
                println!("  cd {}", dir.display());
            }
            println!("  factsheet serve");
            println!();
            println!(
                "Publish it on GitHub Pages ({WORKFLOW} builds it with factsheet {}):",
                done.version
            );
            // init never creates .git: if it is there, the folder was a clone or a repository.
            let cloned = dir.join(".git").exists();
            if !cloned {
                println!("  git init -b main");
            }
            println!("  git add .");
            println!("  git commit -m \"A new fact sheet\"");
            if !cloned {
                println!("  # create an empty repository OWNER/REPO on GitHub, then:");
                println!("  git remote add origin https://github.com/OWNER/REPO.git");
            }
            println!("  git push -u origin main");
            println!("  # on GitHub: Settings → Pages → Source: GitHub Actions");
            println!("The site is then at https://OWNER.github.io/REPO/.");
            if let Releases::Placeholder { file, line } = &done.releases {
                let _ = std::io::Write::flush(&mut std::io::stdout());
                eprintln!(
                    "warning: this factsheet does not know where its releases are published, \
                     so {file}:{line} names {PLACEHOLDER_REPOSITORY}: replace it with the \
                     GitHub repository that publishes factsheet releases before you push",
                    file = dir.join(file).display()
                );
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}

fn serve(options: factsheet::serve::ServeOptions, open_browser: bool) -> ExitCode {
    use factsheet::serve::{RebuildScope, ServeEvent};
    use std::io::Write;
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: other machines on the network can read the preview",
            options.bind
        );
    }
    let root = options.site.root.clone();
    let result = factsheet::serve::serve(options, &mut |event| match event {
        ServeEvent::Listening { url } => {
            println!("Serving {} at {url} (Ctrl-C to stop)", root.display());
            let _ = std::io::stdout().flush();
            // The system's own way to open a URL: `open` on macOS, `start` on Windows,
            // xdg-open (or WSL's Windows browser) on Linux. A failure only costs the convenience.
            if open_browser && let Err(err) = open::that_detached(&url) {
                eprintln!("warning: could not open a browser ({err}); open {url} yourself");
            }
        }
        ServeEvent::Rebuilt {
            changed,
            rebuilt,
            elapsed,
        } => {
            let what = match rebuilt.scope {
                RebuildScope::Full => "rebuilt the whole site".to_string(),
                _ if rebuilt.written.is_empty() => format!(
                    "nothing to write ({} re-rendered)",
                    plural(rebuilt.rendered, "page")
                ),
                _ => format!(
                    "wrote {} ({} re-rendered)",
                    rebuilt.written.join(", "),
                    plural(rebuilt.rendered, "page")
                ),
            };
            let changed: Vec<String> = changed.iter().map(|p| factsheet::slash::shown(p)).collect();
            println!(
                "{} changed: {what} in {} ms",
                changed.join(", "),
                elapsed.as_millis()
            );
            let _ = std::io::stdout().flush();
        }
        ServeEvent::Failed { report } => {
            eprint!("{report}");
            eprintln!("Rebuild failed; still serving the last good site.");
        }
        ServeEvent::Stopped => println!("Stopped."),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            for error in &failure.errors {
                eprint!("{}", error.report(&root));
            }
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    /// glibc takes every setting (a value past its limit would be refused, silently in main);
    /// elsewhere nothing is set.
    #[test]
    fn the_allocator_takes_its_settings_where_it_is_glibc() {
        assert_eq!(
            super::tune_allocator(),
            cfg!(all(target_os = "linux", target_env = "gnu"))
        );
    }
}
