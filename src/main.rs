//! The `factsheet` command: parses flags, runs the library, prints the outcome, picks the exit
//! code (0 built, 1 the site has errors, 2 bad usage).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use factsheet::BuildOptions;

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
        /// The site folder, holding site.yaml, content/, templates/ and static/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: ROOT/public].
        #[arg(long)]
        output: Option<PathBuf>,
        /// Override base_url from site.yaml, e.g. https://owner.github.io/repo/.
        #[arg(long)]
        base_url: Option<String>,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Replace an output folder that factsheet did not make.
        #[arg(long)]
        force: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            force,
        } => {
            let options = BuildOptions {
                root,
                output,
                base_url,
                drafts,
                force,
            };
            let started = Instant::now();
            match factsheet::build(&options) {
                Ok(report) => {
                    for warning in &report.warnings {
                        eprintln!("warning: {warning}");
                    }
                    println!(
                        "Built {} pages into {} in {} ms",
                        report.pages,
                        report.output.display(),
                        started.elapsed().as_millis()
                    );
                    ExitCode::SUCCESS
                }
                Err(failure) => {
                    eprint!("{failure}");
                    let count = failure.errors.len();
                    eprintln!(
                        "Build failed with {count} error{}; the previous output, if any, was left as it was.",
                        if count == 1 { "" } else { "s" }
                    );
                    ExitCode::from(1)
                }
            }
        }
    }
}
