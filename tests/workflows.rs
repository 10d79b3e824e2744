//! The GitHub side. Every workflow passes actionlint (when `.ci/run` provides it through
//! `FACTSHEET_WORKFLOW_LINT`), and the promises the workflows make are kept: the MSRV job tests
//! on Cargo.toml's `rust-version`, one pinned Rust everywhere, checkouts that keep no token,
//! a CI concurrency group that cannot collide with the Pages deploy, no deploy without CI,
//! Dependabot for both ecosystems, and the release asset names `factsheet init` relies on.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde_yaml::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The workflow files in `.github/workflows/`, sorted.
fn workflow_files() -> Vec<PathBuf> {
    let dir = root().join(".github/workflows");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("read {}: {err}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "yml" || ext == "yaml")
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no workflows in {}", dir.display());
    files
}

fn load(path: &Path) -> Value {
    let text =
        fs::read_to_string(path).unwrap_or_else(|err| panic!("read {}: {err}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// A workflow of `.github/workflows/` by file name.
fn workflow(name: &str) -> Value {
    load(&root().join(".github/workflows").join(name))
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// `(job id, job)` for every job of a workflow.
fn jobs(workflow: &Value) -> Vec<(&str, &Value)> {
    workflow["jobs"]
        .as_mapping()
        .expect("a `jobs` mapping")
        .iter()
        .map(|(id, job)| (id.as_str().expect("job id"), job))
        .collect()
}

/// `(job id, step)` for every step of every job of a workflow.
fn steps(workflow: &Value) -> Vec<(&str, &Value)> {
    jobs(workflow)
        .into_iter()
        .flat_map(|(id, job)| {
            job["steps"]
                .as_sequence()
                .into_iter()
                .flatten()
                .map(move |step| (id, step))
        })
        .collect()
}

fn uses(step: &Value) -> &str {
    step["uses"].as_str().unwrap_or("")
}

/// The job ids a job lists under `needs` (a string or a list).
fn needs(job: &Value) -> Vec<&str> {
    match &job["needs"] {
        Value::String(one) => vec![one.as_str()],
        Value::Sequence(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// `key = "value"` from Cargo.toml's `[package]` table.
fn cargo_package_field(key: &str) -> String {
    let text = fs::read_to_string(root().join("Cargo.toml")).expect("read Cargo.toml");
    let mut in_package = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package
            && let Some((name, value)) = line.split_once('=')
            && name.trim() == key
        {
            return value.trim().trim_matches('"').to_string();
        }
    }
    panic!("no {key} in Cargo.toml's [package]");
}

/// The toolchain a `dtolnay/rust-toolchain` step installs: its `toolchain:` input, else its ref.
fn toolchain_of(step: &Value) -> String {
    match &step["with"]["toolchain"] {
        Value::String(toolchain) => toolchain.clone(),
        Value::Null => uses(step)
            .split_once('@')
            .map(|(_, rev)| rev.to_string())
            .expect("uses: ...@REV"),
        other => panic!("toolchain input is not a string: {other:?}"),
    }
}

/// The literal text of a concurrency group before its first `${{ ... }}`.
fn literal_prefix(group: &str) -> &str {
    group.split("${{").next().unwrap_or("")
}

#[test]
fn every_workflow_passes_the_lint() {
    common::lint_workflows(&workflow_files());
}

#[test]
fn msrv_job_tests_on_cargo_rust_version() {
    let rust_version = cargo_package_field("rust-version");
    let ci = workflow("ci.yml");
    let toolchains: Vec<String> = steps(&ci)
        .into_iter()
        .filter(|(job, step)| *job == "msrv" && uses(step).starts_with("dtolnay/rust-toolchain@"))
        .map(|(_, step)| toolchain_of(step))
        .collect();
    assert_eq!(
        toolchains,
        vec![rust_version.clone()],
        "ci.yml's msrv job must install exactly Cargo.toml's rust-version {rust_version}"
    );
    // A rust-toolchain file would silently override the toolchain every job installs.
    for name in ["rust-toolchain", "rust-toolchain.toml"] {
        assert!(
            !root().join(name).exists(),
            "{name} overrides the toolchains CI installs; pin the version in the workflows"
        );
    }
}

#[test]
fn one_pinned_toolchain_in_every_workflow() {
    let ci = workflow("ci.yml");
    let pinned = ci["env"]["RUST_TOOLCHAIN"]
        .as_str()
        .expect("ci.yml declares env.RUST_TOOLCHAIN");
    let parts: Vec<&str> = pinned.split('.').collect();
    assert!(
        parts.len() == 3 && parts.iter().all(|part| part.parse::<u32>().is_ok()),
        "RUST_TOOLCHAIN is a full version such as 1.95.0, not {pinned:?}"
    );
    for path in workflow_files() {
        let name = file_name(&path);
        let workflow = load(&path);
        for (job, step) in steps(&workflow) {
            let action = uses(step);
            if !action.starts_with("dtolnay/rust-toolchain@") {
                continue;
            }
            let toolchain = toolchain_of(step);
            match (name.as_str(), job) {
                ("ci.yml", "msrv") => {} // Cargo.toml's rust-version, checked above.
                ("ci.yml", "latest-stable") => assert_eq!(toolchain, "stable", "{name} {job}"),
                _ => {
                    assert_eq!(
                        toolchain, "${{ env.RUST_TOOLCHAIN }}",
                        "{name} job {job}: install the pinned toolchain (dtolnay/rust-toolchain@master with toolchain: ${{{{ env.RUST_TOOLCHAIN }}}})"
                    );
                    assert_eq!(
                        workflow["env"]["RUST_TOOLCHAIN"].as_str(),
                        Some(pinned),
                        "{name}: env.RUST_TOOLCHAIN must equal ci.yml's {pinned}"
                    );
                }
            }
        }
    }
}

#[test]
fn every_checkout_is_v6_and_keeps_no_credentials() {
    let mut checkouts = 0;
    for path in workflow_files() {
        let name = file_name(&path);
        let workflow = load(&path);
        for (job, step) in steps(&workflow) {
            if !uses(step).starts_with("actions/checkout") {
                continue;
            }
            checkouts += 1;
            assert_eq!(uses(step), "actions/checkout@v6", "{name} job {job}");
            assert_eq!(
                step["with"]["persist-credentials"],
                Value::Bool(false),
                "{name} job {job}: checkout needs `persist-credentials: false`"
            );
        }
    }
    assert!(checkouts > 0, "no checkout steps found");
}

#[test]
fn every_job_has_a_timeout() {
    for path in workflow_files() {
        let name = file_name(&path);
        let workflow = load(&path);
        for (id, job) in jobs(&workflow) {
            // A job that calls a reusable workflow has no runner of its own, and no timeout.
            if job["uses"].is_string() {
                continue;
            }
            assert!(
                job["timeout-minutes"].is_number(),
                "{name} job {id} has no timeout-minutes"
            );
        }
    }
}

#[test]
fn ci_concurrency_group_cannot_equal_the_pages_group() {
    let ci = workflow("ci.yml");
    let pages = workflow("pages.yml");
    let ci_group = ci["concurrency"]["group"]
        .as_str()
        .expect("ci.yml has a concurrency group");
    assert!(
        ci_group.contains("github.ref"),
        "ci.yml's group is per ref: {ci_group}"
    );
    let cancel = &ci["concurrency"]["cancel-in-progress"];
    assert!(
        cancel
            .as_str()
            .is_some_and(|expr| expr.contains("pull_request")),
        "ci.yml cancels superseded runs of pull requests only, not {cancel:?}"
    );
    // Called from pages.yml, `github.workflow` is pages.yml's name: a group equal to pages.yml's
    // own would make the deploy wait for itself. Literal prefixes that differ rule that out.
    let pages_group = pages["concurrency"]["group"]
        .as_str()
        .expect("pages.yml has a concurrency group");
    let (a, b) = (literal_prefix(ci_group), literal_prefix(pages_group));
    assert!(
        !a.is_empty() && !a.starts_with(b) && !b.starts_with(a),
        "ci.yml's group {ci_group:?} could equal pages.yml's {pages_group:?}"
    );
    assert_eq!(
        pages["concurrency"]["cancel-in-progress"],
        Value::Bool(false)
    );
}

#[test]
fn pages_deploys_only_after_ci() {
    let ci = workflow("ci.yml");
    assert!(
        ci["on"]
            .as_mapping()
            .is_some_and(|on| on.contains_key("workflow_call")),
        "ci.yml can be called (on: workflow_call)"
    );
    let pages = workflow("pages.yml");
    assert_eq!(
        pages["jobs"]["ci"]["uses"].as_str(),
        Some("./.github/workflows/ci.yml"),
        "pages.yml's ci job calls ci.yml"
    );
    let deploying: Vec<&str> = steps(&pages)
        .into_iter()
        .filter(|(_, step)| uses(step).starts_with("actions/deploy-pages@"))
        .map(|(job, _)| job)
        .collect();
    assert!(
        !deploying.is_empty(),
        "pages.yml deploys with actions/deploy-pages"
    );
    for job in deploying {
        // Everything the deploying job waits for, directly or through other jobs.
        let mut reached = BTreeSet::new();
        let mut todo = vec![job];
        while let Some(id) = todo.pop() {
            for need in needs(&pages["jobs"][id]) {
                if reached.insert(need) {
                    todo.push(need);
                }
            }
        }
        assert!(
            reached.contains("ci"),
            "pages.yml job {job} deploys without waiting for ci (needs: {reached:?})"
        );
    }
}

#[test]
fn dependabot_covers_cargo_and_actions() {
    let config = load(&root().join(".github/dependabot.yml"));
    let ecosystems: BTreeSet<&str> = config["updates"]
        .as_sequence()
        .expect("dependabot.yml has updates")
        .iter()
        .filter_map(|update| update["package-ecosystem"].as_str())
        .collect();
    for wanted in ["cargo", "github-actions"] {
        assert!(
            ecosystems.contains(wanted),
            "dependabot.yml updates {wanted}"
        );
    }
}

#[test]
fn release_publishes_the_assets_init_downloads() {
    let path = root().join(".github/workflows/release.yml");
    let release = load(&path);
    let targets: BTreeSet<&str> = release["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .expect("release.yml's build job has a matrix of targets")
        .iter()
        .filter_map(|row| row["target"].as_str())
        .collect();
    let expected = BTreeSet::from([
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "aarch64-apple-darwin",
        "x86_64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ]);
    assert_eq!(targets, expected);
    // `factsheet init`'s workflow downloads factsheet-x86_64-unknown-linux-musl.tar.gz and
    // SHA256SUMS from the release; the names below are that contract.
    let text = fs::read_to_string(&path).expect("read release.yml");
    for name in [
        "\"dist/factsheet-$TARGET.tar.gz\"",
        "> SHA256SUMS",
        "factsheet-* SHA256SUMS",
    ] {
        assert!(text.contains(name), "release.yml no longer writes {name}");
    }
}
