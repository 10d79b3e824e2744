//! The GitHub Pages workflow that `factsheet init` writes: it passes the workflow linter, it has
//! the steps a new site needs, and its download step fetches the pinned release and refuses a
//! file that does not match its checksums (run here against a fake release, without network).

mod common;

use std::path::Path;
use std::process::{Command, Output};

use serde_yaml::Value;

const WORKFLOW: &str = ".github/workflows/pages.yml";
const ARCHIVE: &str = "factsheet-x86_64-unknown-linux-musl.tar.gz";

/// Runs the real binary's `init` into `dir` and returns the workflow it wrote, as text.
fn init(dir: &Path) -> (Output, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_factsheet"))
        .arg("init")
        .arg(dir)
        .output()
        .expect("run factsheet init");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let workflow = std::fs::read_to_string(dir.join(WORKFLOW)).expect("the workflow");
    (output, workflow)
}

fn parse(workflow: &str) -> Value {
    serde_yaml::from_str(workflow).expect("the workflow is YAML")
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string in {value:?}"))
}

/// The build job's step that runs a shell script containing `needle`.
fn step_running<'a>(workflow: &'a Value, needle: &str) -> &'a Value {
    workflow["jobs"]["build"]["steps"]
        .as_sequence()
        .expect("build steps")
        .iter()
        .find(|step| step["run"].as_str().is_some_and(|run| run.contains(needle)))
        .unwrap_or_else(|| panic!("no build step runs {needle}"))
}

#[test]
fn the_written_workflow_passes_the_workflow_linter() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let site = tmp.path().join("site");
    init(&site);
    common::lint_workflows(&[site.join(WORKFLOW)]);
}

#[test]
fn the_written_workflow_downloads_verifies_builds_and_deploys() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (output, written) = init(&tmp.path().join("site"));
    let workflow = parse(&written);

    let env = &workflow["env"];
    assert_eq!(text(env, "FACTSHEET_VERSION"), env!("CARGO_PKG_VERSION"));
    let repository = text(env, "FACTSHEET_REPOSITORY");
    let warned = String::from_utf8_lossy(&output.stderr).contains("OWNER/factsheet");
    assert_eq!(repository == "OWNER/factsheet", warned, "{repository}");
    assert_eq!(
        text(env, "FACTSHEET_SHA256"),
        "",
        "no hash is pinned at first"
    );

    let download = text(step_running(&workflow, ARCHIVE), "run");
    assert!(download.contains(
        "release=\"https://github.com/${FACTSHEET_REPOSITORY}/releases/download/v${FACTSHEET_VERSION}\""
    ));
    assert!(download.contains("\"$release/$archive\""), "{download}");
    assert!(download.contains("\"$release/SHA256SUMS\""), "{download}");
    assert!(download.contains("sha256sum --check"), "{download}");

    let build = text(step_running(&workflow, "factsheet build"), "run");
    assert!(
        build.contains("--base-url \"${{ steps.pages.outputs.base_url }}/\""),
        "{build}"
    );
    assert!(
        build.contains("--repository-url \"${{ github.server_url }}/${{ github.repository }}\""),
        "{build}"
    );

    let steps = workflow["jobs"]["build"]["steps"]
        .as_sequence()
        .expect("build steps");
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert_eq!(
        uses,
        [
            "actions/checkout@v6",
            "actions/configure-pages@v6",
            "actions/upload-pages-artifact@v5"
        ]
    );
    assert_eq!(steps[0]["with"]["persist-credentials"], Value::Bool(false));
    assert_eq!(text(&steps[1], "id"), "pages");

    let deploy = &workflow["jobs"]["deploy"];
    assert_eq!(text(deploy, "needs"), "build");
    assert_eq!(text(&deploy["environment"], "name"), "github-pages");
    assert_eq!(text(&deploy["steps"][0], "uses"), "actions/deploy-pages@v5");

    let permissions = &workflow["permissions"];
    assert_eq!(text(permissions, "contents"), "read");
    assert_eq!(text(permissions, "pages"), "write");
    assert_eq!(text(permissions, "id-token"), "write");
    assert_eq!(text(&workflow["concurrency"], "group"), "pages");
    assert_eq!(
        workflow["concurrency"]["cancel-in-progress"],
        Value::Bool(false)
    );
    for job in ["build", "deploy"] {
        assert!(
            workflow["jobs"][job]["timeout-minutes"].is_number(),
            "{job}"
        );
    }
}

/// A fake release folder and a fake `curl` that serves it and logs the URLs asked for.
#[cfg(target_os = "linux")]
struct FakeRelease {
    tmp: tempfile::TempDir,
    script: String,
    env: Vec<(String, String)>,
}

#[cfg(target_os = "linux")]
impl FakeRelease {
    fn new() -> Self {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().expect("temp dir");
        let (_, written) = init(&tmp.path().join("site"));
        let workflow = parse(&written);
        let script = text(step_running(&workflow, ARCHIVE), "run").to_string();
        let env = workflow["env"]
            .as_mapping()
            .expect("env")
            .iter()
            .map(|(k, v)| {
                let k = k.as_str().expect("name").to_string();
                (k, v.as_str().expect("value").to_string())
            })
            .collect();

        let root = tmp.path();
        for dir in ["release", "pack/factsheet-release", "bin", "runner"] {
            std::fs::create_dir_all(root.join(dir)).expect("mkdir");
        }
        let binary = root.join("pack/factsheet-release/factsheet");
        std::fs::write(&binary, "#!/bin/sh\necho \"factsheet (fake)\"\n").expect("write");
        std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let tar = Command::new("tar")
            .arg("-czf")
            .arg(root.join("release").join(ARCHIVE))
            .arg("-C")
            .arg(root.join("pack"))
            .arg("factsheet-release")
            .status()
            .expect("tar");
        assert!(tar.success());
        let curl = root.join("bin/curl");
        std::fs::write(
            &curl,
            r#"#!/usr/bin/env bash
out="" url=""
while [ $# -gt 0 ]; do
  case "$1" in
    --output|--retry) [ "$1" = --output ] && out="$2"; shift 2 ;;
    --*) shift ;;
    *) url="$1"; shift ;;
  esac
done
echo "$url" >> "$FAKE_RELEASE/../curl.log"
[ -f "$FAKE_RELEASE/${url##*/}" ] || { echo "curl: (22) 404 $url" >&2; exit 22; }
cp "$FAKE_RELEASE/${url##*/}" "$out"
"#,
        )
        .expect("write curl");
        std::fs::set_permissions(&curl, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let release = FakeRelease { tmp, script, env };
        release.write_sums(&format!("{}  {ARCHIVE}\n", release.archive_hash()));
        release
    }

    fn root(&self) -> &Path {
        self.tmp.path()
    }

    fn archive_hash(&self) -> String {
        let out = Command::new("sha256sum")
            .arg(self.root().join("release").join(ARCHIVE))
            .output()
            .expect("sha256sum");
        String::from_utf8_lossy(&out.stdout)[..64].to_string()
    }

    fn write_sums(&self, sums: &str) {
        std::fs::write(self.root().join("release/SHA256SUMS"), sums).expect("write sums");
    }

    /// Runs the download step as GitHub does (`bash -e -o pipefail`), with the workflow's env
    /// and `FACTSHEET_SHA256` set to `pinned`.
    fn run(&self, pinned: &str) -> Output {
        let root = self.root();
        let _ = std::fs::remove_dir_all(root.join("runner"));
        std::fs::create_dir_all(root.join("runner")).expect("mkdir");
        let _ = std::fs::remove_file(root.join("curl.log"));
        let path = format!(
            "{}:{}",
            root.join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        Command::new("bash")
            .args(["--noprofile", "--norc", "-e", "-o", "pipefail", "-c"])
            .arg(&self.script)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("FACTSHEET_SHA256", pinned)
            .env("FAKE_RELEASE", root.join("release"))
            .env("RUNNER_TEMP", root.join("runner"))
            .env("GITHUB_PATH", root.join("github_path"))
            .env("PATH", path)
            .output()
            .expect("run the download step")
    }

    fn value(&self, name: &str) -> &str {
        &self.env.iter().find(|(k, _)| k == name).expect(name).1
    }
}

#[cfg(target_os = "linux")]
fn describe(run: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    )
}

#[cfg(target_os = "linux")]
#[test]
fn the_download_step_fetches_the_pinned_release_and_checks_it() {
    let release = FakeRelease::new();
    let run = release.run("");
    assert!(run.status.success(), "{}", describe(&run));
    let log = std::fs::read_to_string(release.root().join("curl.log")).expect("curl log");
    let base = format!(
        "https://github.com/{}/releases/download/v{}",
        release.value("FACTSHEET_REPOSITORY"),
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(log, format!("{base}/{ARCHIVE}\n{base}/SHA256SUMS\n"));
    let hash = release.archive_hash();
    assert!(
        describe(&run).contains(&format!("factsheet archive sha256: {hash}")),
        "the log shows the hash to pin: {}",
        describe(&run)
    );
    assert!(
        describe(&run).contains("factsheet (fake)"),
        "{}",
        describe(&run)
    );
    // The folder added to PATH for the next steps holds the executable.
    let added = std::fs::read_to_string(release.root().join("github_path")).expect("GITHUB_PATH");
    assert!(
        Path::new(added.trim()).join("factsheet").is_file(),
        "{added}"
    );

    // Pinned: the same hash passes (in either case), another one stops the build.
    let run = release.run(&hash.to_uppercase());
    assert!(run.status.success(), "{}", describe(&run));
    let run = release.run(&"0".repeat(64));
    assert!(!run.status.success(), "a different pinned hash must fail");
    assert!(
        describe(&run).contains("FACTSHEET_SHA256"),
        "{}",
        describe(&run)
    );
}

#[cfg(target_os = "linux")]
#[test]
fn the_download_step_refuses_an_archive_its_checksums_do_not_vouch_for() {
    let release = FakeRelease::new();
    // SHA256SUMS without a line for the archive.
    release.write_sums(&format!("{}  other.tar.gz\n", release.archive_hash()));
    let run = release.run("");
    assert!(!run.status.success(), "a missing line must fail");
    assert!(
        describe(&run).contains("has no line for"),
        "{}",
        describe(&run)
    );
    // A line whose hash does not match the download.
    release.write_sums(&format!("{}  {ARCHIVE}\n", "0".repeat(64)));
    let run = release.run("");
    assert!(!run.status.success(), "a wrong hash must fail");
    assert!(describe(&run).contains("FAILED"), "{}", describe(&run));
    // No SHA256SUMS at all.
    std::fs::remove_file(release.root().join("release/SHA256SUMS")).expect("rm");
    let run = release.run("");
    assert!(!run.status.success(), "a missing SHA256SUMS must fail");
}
