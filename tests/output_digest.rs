//! Nothing dropped, nothing changed by accident: the repository's site builds to exactly the
//! files recorded in `tests/real-site.digest` (each file's path, size and content hash). Work
//! on speed or structure must leave this test passing. When the output changes on purpose (new
//! content, a template edit), record it deliberately and review the diff of the digest:
//!
//! ```sh
//! FACTSHEET_UPDATE_DIGEST=1 cargo test --test output_digest
//! git diff tests/real-site.digest
//! ```

mod common;

use std::path::Path;

use common::{build_repo_site_with, snapshot};
use factsheet::hash::content_hash;

const DIGEST_FILE: &str = "tests/real-site.digest";

#[test]
fn the_real_site_builds_to_the_recorded_bytes() {
    let (_out, target, _run) = build_repo_site_with(&[]);
    let built: String = snapshot(&target)
        .iter()
        .map(|(path, bytes)| format!("{}  {:>8}  {path}\n", content_hash(bytes), bytes.len()))
        .collect();
    let digest_path = Path::new(env!("CARGO_MANIFEST_DIR")).join(DIGEST_FILE);
    if std::env::var_os("FACTSHEET_UPDATE_DIGEST").is_some() {
        std::fs::write(&digest_path, &built).expect("write the digest");
        return;
    }
    let recorded = std::fs::read_to_string(&digest_path)
        .expect("tests/real-site.digest: record it with FACTSHEET_UPDATE_DIGEST=1")
        .replace("\r\n", "\n");
    let differences: Vec<String> = diff_lines(&recorded, &built);
    assert!(
        differences.is_empty(),
        "the site's output differs from {DIGEST_FILE} (- recorded, + built):\n{}\n\
         If the change is intended, run FACTSHEET_UPDATE_DIGEST=1 cargo test --test output_digest \
         and commit the digest.",
        differences.join("\n")
    );
}

/// The lines only in `recorded` (`-`) or only in `built` (`+`).
fn diff_lines(recorded: &str, built: &str) -> Vec<String> {
    let old: std::collections::BTreeSet<&str> = recorded.lines().collect();
    let new: std::collections::BTreeSet<&str> = built.lines().collect();
    old.difference(&new)
        .map(|line| format!("- {line}"))
        .chain(new.difference(&old).map(|line| format!("+ {line}")))
        .collect()
}
