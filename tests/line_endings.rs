//! A checkout with CRLF line endings (git's `core.autocrlf` on Windows, or an editor that saves
//! CRLF) gives the same site, byte for byte, as the LF original.

mod common;

use std::fs;
use std::path::Path;

use common::{copy_tree, run_factsheet, snapshot};

/// What the build parses, and so what git's autocrlf converts and the build must normalise.
/// `static/` and the files of page bundles are copied byte for byte; `.gitattributes` keeps
/// git from converting them (`static/** -text`, `content/** -text`, `content/**/*.md text`).
const PARSED: &[&str] = &["site.yaml", "content", "templates", "sources", "i18n"];

fn is_parsed(root: &Path, file: &Path) -> bool {
    !file.starts_with(root.join("content")) || file.extension().is_some_and(|e| e == "md")
}

/// Rewrites every text file under `root`'s parsed folders with CRLF (or LF) line endings,
/// whatever the checkout gave them (a Windows checkout already has CRLF); returns how many
/// files hold a line break.
fn set_line_endings(root: &Path, crlf: bool) -> usize {
    let mut converted = 0;
    for top in PARSED
        .iter()
        .map(|top| root.join(top))
        .filter(|p| p.exists())
    {
        for entry in walkdir::WalkDir::new(top) {
            let entry = entry.expect("walk");
            if !entry.file_type().is_file() || !is_parsed(root, entry.path()) {
                continue;
            }
            let Ok(text) = fs::read_to_string(entry.path()) else {
                continue; // an image in a page bundle
            };
            if text.contains('\n') {
                let lf = text.replace("\r\n", "\n");
                let wanted = if crlf { lf.replace('\n', "\r\n") } else { lf };
                fs::write(entry.path(), wanted).expect("write");
                converted += 1;
            }
        }
    }
    converted
}

/// Builds the site at `root` into `root/public` with a fixed base URL; returns its files.
fn build(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let root_arg = root.to_str().expect("utf-8 temp path");
    let run = run_factsheet(
        &[
            "build",
            "--root",
            root_arg,
            "--base-url",
            "https://example.github.io/site/",
        ],
        root,
    );
    assert!(run.success(), "build failed:\n{}", run.stderr);
    snapshot(&root.join("public"))
}

fn assert_same_site(source: &Path, parts: &[&str]) {
    let lf = tempfile::tempdir().expect("temp dir");
    let crlf = tempfile::tempdir().expect("temp dir");
    for dir in [&lf, &crlf] {
        for part in parts {
            let from = source.join(part);
            if from.is_dir() {
                copy_tree(&from, &dir.path().join(part));
            } else if from.is_file() {
                fs::copy(&from, dir.path().join(part)).expect("copy");
            }
        }
    }
    set_line_endings(lf.path(), false);
    let converted = set_line_endings(crlf.path(), true);
    assert!(converted > 5, "only {converted} files were converted");

    let lf_site = build(lf.path());
    let crlf_site = build(crlf.path());
    assert_eq!(
        lf_site.keys().collect::<Vec<_>>(),
        crlf_site.keys().collect::<Vec<_>>(),
        "the same files"
    );
    let differing: Vec<&String> = lf_site
        .iter()
        .filter(|(path, bytes)| crlf_site.get(*path) != Some(bytes))
        .map(|(path, _)| path)
        .collect();
    assert!(
        differing.is_empty(),
        "with CRLF line endings these files differ: {differing:?}"
    );
}

#[test]
fn the_repository_site_is_byte_identical_with_crlf_line_endings() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_same_site(repo, common::SITE_PARTS);
}

#[test]
fn a_fixture_with_code_blocks_and_shortcodes_is_byte_identical_with_crlf_line_endings() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/authoring");
    let parts: Vec<String> = common::names_in(&fixture)
        .into_iter()
        .filter(|name| name != "public")
        .collect();
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    assert_same_site(&fixture, &parts);
}
