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

/// Every file under `dir`, by relative path, with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(dir).expect("prefix");
            files.insert(
                relative.to_string_lossy().into_owned(),
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
