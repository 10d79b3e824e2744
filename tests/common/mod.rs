//! Helpers shared by the integration tests: a fixture site copied into a temp dir, the real
//! `factsheet` binary run against it, and snapshots of output folders.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// A fixture site copied into its own temporary folder.
pub struct TestSite {
    pub dir: TempDir,
}

impl TestSite {
    /// Copies `tests/fixtures/<name>` into a fresh temp dir.
    pub fn fixture(name: &str) -> TestSite {
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        let dir = tempfile::tempdir().expect("temp dir");
        copy_tree(&source, dir.path());
        TestSite { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Runs `factsheet build --root <site>` plus `args`.
    pub fn build(&self, args: &[&str]) -> Run {
        let mut full = vec!["build", "--root"];
        let root = self.root().to_str().expect("utf-8 temp path").to_string();
        full.push(&root);
        full.extend_from_slice(args);
        run_factsheet(&full, self.root())
    }

    /// Builds and fails the test, showing stderr, when the build fails.
    pub fn build_ok(&self, args: &[&str]) -> Run {
        let run = self.build(args);
        assert!(run.success(), "build failed:\n{}", run.stderr);
        run
    }

    pub fn write(&self, relative: &str, text: &str) {
        let path = self.root().join(relative);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    }

    /// Replaces the first `from` with `to` in the site file `relative`, which must hold it.
    pub fn edit(&self, relative: &str, from: &str, to: &str) {
        let path = self.root().join(relative);
        let text = fs::read_to_string(&path).expect("read");
        assert!(text.contains(from), "{relative} has no {from:?}");
        fs::write(path, text.replacen(from, to, 1)).expect("write");
    }

    pub fn remove(&self, relative: &str) {
        fs::remove_file(self.root().join(relative)).expect("remove");
    }

    pub fn read_output(&self, relative: &str) -> String {
        let path = self.public().join(relative);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }
}

/// The outcome of one run of the binary.
pub struct Run {
    pub output: Output,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn success(&self) -> bool {
        self.output.status.success()
    }

    pub fn code(&self) -> Option<i32> {
        self.output.status.code()
    }
}

/// Runs the real `factsheet` binary in `cwd`.
pub fn run_factsheet(args: &[&str], cwd: &Path) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_factsheet"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run factsheet");
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        output,
    }
}

/// Builds the repository's own site into a fresh temp dir (kept alive by the returned guard),
/// with `extra` flags; fails the test, showing stderr, when the build fails.
pub fn build_repo_site_with(extra: &[&str]) -> (TempDir, PathBuf, Run) {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = tempfile::tempdir().expect("temp");
    let target = out.path().join("public");
    let mut args = vec!["build", "--root", root, "--output"];
    let target_arg = target.to_str().expect("utf-8 temp path").to_string();
    args.push(&target_arg);
    args.extend_from_slice(extra);
    let run = run_factsheet(&args, Path::new(root));
    assert!(run.success(), "the repo's site must build:\n{}", run.stderr);
    (out, target, run)
}

/// Builds the `basic` fixture once, breaks it with `breakage`, rebuilds and checks the failure
/// kept the previous `public/` byte for byte. Returns the failed run.
pub fn break_and_rebuild(breakage: impl FnOnce(&TestSite)) -> Run {
    break_and_rebuild_with(&[], breakage)
}

/// [`break_and_rebuild`], with `args` added to the failing build only.
pub fn break_and_rebuild_with(args: &[&str], breakage: impl FnOnce(&TestSite)) -> Run {
    break_fixture_and_rebuild("basic", args, breakage)
}

/// [`break_and_rebuild_with`] on the fixture `name`.
pub fn break_fixture_and_rebuild(
    name: &str,
    args: &[&str],
    breakage: impl FnOnce(&TestSite),
) -> Run {
    let site = TestSite::fixture(name);
    site.build_ok(&[]);
    let good = snapshot(&site.public());
    breakage(&site);
    let run = site.build(args);
    assert_eq!(
        run.code(),
        Some(1),
        "stdout: {}\nstderr: {}",
        run.stdout,
        run.stderr
    );
    assert!(
        run.stdout.is_empty(),
        "nothing claimed as built: {}",
        run.stdout
    );
    assert_eq!(good, snapshot(&site.public()), "previous public/ changed");
    // Pages are written into a staging folder as they are rendered: a failed build removes it.
    let leftovers: Vec<String> = names_in(site.root())
        .into_iter()
        .filter(|name| name.contains("factsheet-"))
        .collect();
    assert!(leftovers.is_empty(), "left beside public/: {leftovers:?}");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

/// Every file under `dir`, by relative path, with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(dir).expect("prefix");
            files.insert(
                factsheet::slash::slashed(relative),
                fs::read(entry.path()).expect("read"),
            );
        }
    }
    files
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk fixture");
        let target = to.join(entry.path().strip_prefix(from).expect("prefix"));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every `href` and `src` in the HTML files of `public` that does not lead to a file of
/// `public` when the folder is served at `mount` (`/digital-almaty/` or `/`) and published
/// at `base_url`. Fragments must name an `id` in the target page. External links are skipped.
pub fn broken_links(public: &Path, mount: &str, base_url: &str) -> Vec<String> {
    let files = snapshot(public);
    let mut broken = Vec::new();
    for (file, bytes) in &files {
        if !file.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        // 404.html is served for any missing URL: resolve its links from a deep one.
        let page_url = if file == "404.html" {
            format!("{mount}__missing__/a/b/")
        } else {
            format!("{mount}{}", file.trim_end_matches("index.html"))
        };
        for attribute in ["href=\"", "src=\""] {
            for value in html
                .split(attribute)
                .skip(1)
                .filter_map(|v| v.split('"').next())
            {
                let url = value.replace("&amp;", "&");
                if let Some(fragment) = url.strip_prefix('#') {
                    if !html.contains(&format!("id=\"{fragment}\"")) {
                        broken.push(format!("{file}: {url}: no such id on the page"));
                    }
                    continue;
                }
                if let Some(problem) = check_link(&files, &page_url, &url, mount, base_url) {
                    broken.push(format!("{file}: {attribute}{url}\": {problem}"));
                }
            }
        }
    }
    broken
}

fn check_link(
    files: &BTreeMap<String, Vec<u8>>,
    page_url: &str,
    url: &str,
    mount: &str,
    base_url: &str,
) -> Option<String> {
    if ["mailto:", "tel:", "data:"]
        .iter()
        .any(|p| url.starts_with(p))
    {
        return None;
    }
    let local = if let Some(rest) = url.strip_prefix(base_url) {
        format!("{mount}{rest}")
    } else if url.contains("://") {
        return None; // external: not fetched here
    } else if url.starts_with('/') {
        url.to_string()
    } else {
        resolve_relative(page_url, url)
    };
    let (path, fragment) = match local.split_once('#') {
        Some((path, fragment)) => (path.to_string(), Some(fragment.to_string())),
        None => (local.clone(), None),
    };
    let path = path.split('?').next().unwrap_or_default();
    let Some(inside) = path.strip_prefix(mount) else {
        return Some(format!("leaves {mount}"));
    };
    let file = if inside.is_empty() || inside.ends_with('/') {
        format!("{inside}index.html")
    } else {
        inside.to_string()
    };
    let Some(target) = files.get(&file) else {
        return Some(format!("no file {file}"));
    };
    if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
        let html = String::from_utf8_lossy(target);
        if !html.contains(&format!("id=\"{fragment}\"")) {
            return Some(format!("no id {fragment} in {file}"));
        }
    }
    None
}

fn resolve_relative(page_url: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = page_url.trim_end_matches('/').split('/').collect();
    for segment in relative.split('/') {
        match segment {
            ".." => {
                parts.pop();
            }
            "." => {}
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// Names the workflow linter; `.ci/run` sets it to `.ci/workflow-lint`.
const LINT_VAR: &str = "FACTSHEET_WORKFLOW_LINT";

/// Lints GitHub workflow files with the program named by `FACTSHEET_WORKFLOW_LINT`
/// (`.ci/workflow-lint FILE...`: exit 0 when clean) and panics with its output when it fails.
/// When the variable is unset it prints why and returns, so plain `cargo test` needs no Node.js.
pub fn lint_workflows(files: &[PathBuf]) {
    let Some(program) = std::env::var_os(LINT_VAR).filter(|value| !value.is_empty()) else {
        println!("skipped: {LINT_VAR} is not set (.ci/run sets it)");
        return;
    };
    assert!(!files.is_empty(), "lint: no files given");
    let shown = files
        .iter()
        .map(|file| file.display().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let output = Command::new(&program)
        .args(files)
        .output()
        .unwrap_or_else(|err| panic!("cannot run {LINT_VAR}={}: {err}", program.display()));
    assert!(
        output.status.success(),
        "workflow lint failed ({}): {} {shown}\n{}{}",
        output.status,
        program.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
}

/// What a site is made of, at its root: what a copy of the repository's site needs.
pub const SITE_PARTS: &[&str] = &[
    "site.yaml",
    "content",
    "templates",
    "static",
    "sources",
    "i18n",
];

/// Copies the parts of the site at `from` (see [`SITE_PARTS`]) that exist into `to`.
pub fn copy_site(from: &Path, to: &Path) {
    for part in SITE_PARTS {
        let source = from.join(part);
        if source.is_dir() {
            copy_tree(&source, &to.join(part));
        } else if source.is_file() {
            fs::create_dir_all(to).expect("mkdir");
            fs::copy(&source, to.join(part)).expect("copy");
        }
    }
}

/// The names of the entries of the folder `dir`, in the order it lists them.
pub fn names_in(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .expect("read folder")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}
