//! The floor: pulldown-cmark alone, with factsheet's Markdown options, rendering every page of
//! a factsheet corpus and writing it where a generator would, over the previous run's files
//! (the least file work a rebuild can do; it leaves a page that is gone in place, where a
//! generator must remove it). No templates, no checks. It runs
//! on as many threads as `factsheet build` does (rayon's default: one per core), or on
//! `--threads N`. Run: `cargo bench --bench floor -- SITE_DIR OUT_DIR [--threads N]`.

use std::fs;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;

fn render(source: &Path, site: &Path, out: &Path) -> std::io::Result<()> {
    let text = fs::read_to_string(source)?;
    let body = match text
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
    {
        Some((_, body)) => body,
        None => &text,
    };
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut page = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut page, Parser::new_ext(body, options));
    let relative = source.strip_prefix(site.join("content")).unwrap_or(source);
    let mut target: PathBuf = out.join(relative.with_extension(""));
    if target.file_name().is_some_and(|n| n == "_index") {
        target.pop();
    }
    fs::create_dir_all(&target)?;
    overwrite(&target.join("index.html"), page.as_bytes())
}

/// Writes over the previous build's file in place (or a new one), as `factsheet build` does
/// with the output before last: no file of the site is deleted and made again.
fn overwrite(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    file.write_all(contents)?;
    file.set_len(contents.len() as u64)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let (Some(site), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: cargo bench --bench floor -- SITE_DIR OUT_DIR [--threads N]");
        std::process::exit(2);
    };
    let threads = match args.get(2).map(String::as_str) {
        None => 0, // rayon's default, the build's
        Some("--threads") => match args.get(3).and_then(|n| n.parse().ok()) {
            Some(n) => n,
            None => {
                eprintln!("--threads takes a number");
                std::process::exit(2);
            }
        },
        Some(other) => {
            eprintln!("unknown argument: {other}");
            std::process::exit(2);
        }
    };
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .map_err(std::io::Error::other)?;
    let (site, out) = (PathBuf::from(site), PathBuf::from(out));
    let mut files = Vec::new();
    walk(&site.join("content"), &mut files)?;
    files.sort();
    files
        .par_iter()
        .try_for_each(|file| render(file, &site, &out))
}
