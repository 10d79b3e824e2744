//! `factsheet init DIR`: write a small starter site (config, two pages, templates and a
//! stylesheet) that builds as it is and shows how figures cite their sources.
//!
//! The starter files live in `src/init/site/` and are compiled into the binary, so `init`
//! needs nothing but the executable. Besides the site, `init` writes `.gitignore`,
//! `.gitattributes` and a GitHub Pages workflow that downloads this very version of factsheet
//! from its releases (checked against the release's `SHA256SUMS`) instead of compiling it.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::error::Error;

/// The publishing workflow, relative to the site folder.
pub const WORKFLOW: &str = ".github/workflows/pages.yml";

/// In the workflow template, replaced by the version of factsheet that runs `init`. The tokens
/// cannot be mistaken for GitHub's own `${{ ... }}` expressions, which the template also holds.
const VERSION_TOKEN: &str = "@FACTSHEET_VERSION@";

/// In the workflow template, replaced by the repository that publishes factsheet releases.
const REPOSITORY_TOKEN: &str = "@FACTSHEET_REPOSITORY@";

/// What the workflow names when factsheet does not know where its releases are published.
pub const PLACEHOLDER_REPOSITORY: &str = "OWNER/factsheet";

/// The starter site: each file's path inside the new site folder, and its contents.
const STARTER_FILES: &[(&str, &str)] = &[
    (".gitignore", include_str!("init/site/.gitignore")),
    (".gitattributes", include_str!("init/site/.gitattributes")),
    (
        WORKFLOW,
        include_str!("init/site/.github/workflows/pages.yml"),
    ),
    ("site.yaml", include_str!("init/site/site.yaml")),
    (
        "content/_index.md",
        include_str!("init/site/content/_index.md"),
    ),
    (
        "content/about.md",
        include_str!("init/site/content/about.md"),
    ),
    (
        "templates/base.html",
        include_str!("init/site/templates/base.html"),
    ),
    (
        "templates/index.html",
        include_str!("init/site/templates/index.html"),
    ),
    (
        "templates/page.html",
        include_str!("init/site/templates/page.html"),
    ),
    (
        "templates/partials/figure-card.html",
        include_str!("init/site/templates/partials/figure-card.html"),
    ),
    (
        "templates/section.html",
        include_str!("init/site/templates/section.html"),
    ),
    (
        "templates/404.html",
        include_str!("init/site/templates/404.html"),
    ),
    (
        "templates/shortcodes/figure.html",
        include_str!("init/site/templates/shortcodes/figure.html"),
    ),
    (
        "static/css/style.css",
        include_str!("init/site/static/css/style.css"),
    ),
];

/// What [`init_site`] wrote.
#[derive(Debug)]
pub struct Initialized {
    /// The files written, relative to the site folder, in the order they were written.
    pub files: Vec<PathBuf>,
    /// The factsheet version the publishing workflow downloads.
    pub version: String,
    /// Where the publishing workflow downloads it from.
    pub releases: Releases,
}

/// Where the publishing workflow downloads factsheet from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Releases {
    /// The GitHub repository (`owner/name`) that publishes factsheet releases.
    Repository(String),
    /// Unknown to this build of factsheet (built from source): the workflow names
    /// [`PLACEHOLDER_REPOSITORY`], which must be edited before the workflow can run.
    Placeholder {
        /// The workflow, relative to the site folder.
        file: PathBuf,
        /// The line (from 1) that names the placeholder.
        line: usize,
    },
}

/// Writes the starter site into `dir`, creating it if needed. Refuses (returns Err) when `dir`
/// exists and is not empty, or is a file.
///
/// Files are created with `create_new`, so nothing that appears in `dir` meanwhile is
/// overwritten. The workflow pins this version of factsheet and the release repository it was
/// built with (see [`release_repository`]).
pub fn init_site(dir: &Path) -> Result<Initialized, Error> {
    let repository = release_repository(
        option_env!("FACTSHEET_RELEASES_REPOSITORY"),
        env!("CARGO_PKG_REPOSITORY"),
    );
    write_site(dir, env!("CARGO_PKG_VERSION"), repository.as_deref())
}

/// The GitHub repository (`owner/name`) that publishes factsheet releases: `releases_env`
/// (the compile-time `FACTSHEET_RELEASES_REPOSITORY`, which release builds set) if it is set,
/// else the package's repository if it is a github.com URL. None when neither names one.
pub fn release_repository(releases_env: Option<&str>, package_repository: &str) -> Option<String> {
    let named = match releases_env {
        Some(value) => value,
        None => {
            let rest = package_repository.strip_prefix("https://github.com/")?;
            let rest = rest.strip_suffix('/').unwrap_or(rest);
            rest.strip_suffix(".git").unwrap_or(rest)
        }
    };
    let valid_part = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    match named.split_once('/') {
        Some((owner, name)) if valid_part(owner) && valid_part(name) => Some(named.to_string()),
        _ => None,
    }
}

/// [`init_site`] with the version and release repository given.
fn write_site(dir: &Path, version: &str, repository: Option<&str>) -> Result<Initialized, Error> {
    check_target(dir)?;
    fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let workflow = STARTER_FILES
        .iter()
        .find(|(relative, _)| *relative == WORKFLOW)
        .map(|(_, template)| {
            template.replace(VERSION_TOKEN, version).replace(
                REPOSITORY_TOKEN,
                repository.unwrap_or(PLACEHOLDER_REPOSITORY),
            )
        })
        .unwrap_or_default();
    let mut files = Vec::with_capacity(STARTER_FILES.len());
    for (relative, contents) in STARTER_FILES {
        let contents = if *relative == WORKFLOW {
            workflow.as_str()
        } else {
            contents
        };
        let relative = PathBuf::from(relative);
        let path = dir.join(&relative);
        write_new_file(&path, contents).map_err(|source| Error::Write { path, source })?;
        files.push(relative);
    }
    let releases = match repository {
        Some(repository) => Releases::Repository(repository.to_string()),
        None => Releases::Placeholder {
            file: PathBuf::from(WORKFLOW),
            line: workflow
                .lines()
                .position(|line| line.contains(PLACEHOLDER_REPOSITORY))
                .map_or(0, |index| index + 1),
        },
    };
    Ok(Initialized {
        files,
        version: version.to_string(),
        releases,
    })
}

/// Accepts a folder that does not exist yet, is empty, or holds only `.git`; refuses a file or
/// any other folder.
fn check_target(dir: &Path) -> Result<(), Error> {
    let refuse = |reason: &str| Error::UnsafeOutput {
        path: dir.to_path_buf(),
        reason: reason.to_string(),
        help: "choose a new or empty folder".to_string(),
    };
    let read_error = |source| Error::Read {
        path: dir.to_path_buf(),
        source,
    };
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {
            // A fresh clone of an empty GitHub repository holds only `.git`: accepted, so
            // "create the repository, clone it, init into it" works.
            for entry in fs::read_dir(dir).map_err(read_error)? {
                if entry.map_err(read_error)?.file_name() != ".git" {
                    return Err(refuse("is not empty"));
                }
            }
            Ok(())
        }
        Ok(_) => Err(refuse("is a file, not a folder")),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(read_error(error)),
    }
}

/// Creates `path` (and its parent folders) and writes `contents`; fails if `path` exists.
fn write_new_file(path: &Path, contents: &str) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(contents.as_bytes())?;
    file.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_every_starter_file_into_an_empty_dir() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let written = init_site(tmp.path()).expect("init into an empty dir").files;
        assert_eq!(written.len(), STARTER_FILES.len());
        for ((relative, contents), path) in STARTER_FILES.iter().zip(&written) {
            assert_eq!(path, &PathBuf::from(relative));
            let on_disk = fs::read_to_string(tmp.path().join(path)).expect("written file");
            if *relative != WORKFLOW {
                assert_eq!(&on_disk, contents);
            }
        }
    }

    #[test]
    fn creates_a_missing_dir() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("new").join("site");
        init_site(&dir).expect("init into a new dir");
        assert!(dir.join("site.yaml").is_file());
        assert!(dir.join("templates/shortcodes/figure.html").is_file());
    }

    #[test]
    fn refuses_a_non_empty_dir_without_touching_it() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let mine = tmp.path().join("site.yaml");
        fs::write(&mine, "title: mine\n").expect("write");
        let error = init_site(tmp.path()).expect_err("a non-empty dir is refused");
        match &error {
            Error::UnsafeOutput { reason, help, .. } => {
                assert!(reason.contains("is not empty"), "{reason}");
                assert!(help.contains("choose a new or empty folder"), "{help}");
            }
            other => panic!("unexpected error: {other}"),
        }
        assert_eq!(fs::read_to_string(&mine).expect("read"), "title: mine\n");
        let entries = fs::read_dir(tmp.path()).expect("read dir").count();
        assert_eq!(entries, 1, "nothing else was written");
    }

    #[test]
    fn accepts_a_fresh_clone_that_holds_only_git() {
        let tmp = tempfile::tempdir().expect("temp dir");
        fs::create_dir(tmp.path().join(".git")).expect("mkdir");
        init_site(tmp.path()).expect("init into a clone of an empty repository");
        assert!(tmp.path().join("site.yaml").is_file());
        let other = tempfile::tempdir().expect("temp dir");
        fs::create_dir(other.path().join(".git")).expect("mkdir");
        fs::write(other.path().join("README.md"), "mine").expect("write");
        assert!(
            init_site(other.path()).is_err(),
            "a clone with files is refused"
        );
    }

    #[test]
    fn refuses_a_file() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let file = tmp.path().join("notes.txt");
        fs::write(&file, "keep me").expect("write");
        let error = init_site(&file).expect_err("a file is refused");
        assert!(matches!(error, Error::UnsafeOutput { .. }), "{error}");
        assert_eq!(fs::read_to_string(&file).expect("read"), "keep me");
    }

    #[test]
    fn table_lists_every_file_of_the_starter_folder() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/init/site");
        let mut on_disk: Vec<String> = walkdir::WalkDir::new(&root)
            .into_iter()
            .map(|entry| entry.expect("walk"))
            .filter(|entry| entry.file_type().is_file())
            .map(|entry| {
                let relative = entry.path().strip_prefix(&root).expect("inside root");
                relative.to_string_lossy().replace('\\', "/")
            })
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = STARTER_FILES.iter().map(|(p, _)| p.to_string()).collect();
        listed.sort();
        assert_eq!(listed, on_disk);
    }

    #[test]
    fn writes_the_git_files_and_the_pages_workflow() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let done = init_site(tmp.path()).expect("init");
        for file in [".gitignore", ".gitattributes", WORKFLOW] {
            assert!(
                done.files.contains(&PathBuf::from(file)),
                "{file} not reported"
            );
            assert!(tmp.path().join(file).is_file(), "{file} not written");
        }
        let ignore = fs::read_to_string(tmp.path().join(".gitignore")).expect(".gitignore");
        // The output and the folders a build keeps beside it (the output before last).
        assert_eq!(ignore, "public/\n.public.factsheet-*/\n");
        let attributes =
            fs::read_to_string(tmp.path().join(".gitattributes")).expect(".gitattributes");
        let rules: Vec<&str> = attributes
            .lines()
            .filter(|line| !line.starts_with('#'))
            .collect();
        assert!(rules.contains(&"static/** -text"), "{attributes}");
    }

    #[test]
    fn workflow_names_the_pinned_version_and_the_release_repository() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let done = write_site(tmp.path(), "1.2.3", Some("someone/factsheet")).expect("init");
        assert_eq!(done.version, "1.2.3");
        assert_eq!(
            done.releases,
            Releases::Repository("someone/factsheet".to_string())
        );
        let workflow = fs::read_to_string(tmp.path().join(WORKFLOW)).expect("workflow");
        assert!(
            workflow.contains("  FACTSHEET_VERSION: \"1.2.3\"\n"),
            "{workflow}"
        );
        assert!(
            workflow.contains("  FACTSHEET_REPOSITORY: \"someone/factsheet\"\n"),
            "{workflow}"
        );
        assert!(workflow.contains(
            "https://github.com/${FACTSHEET_REPOSITORY}/releases/download/v${FACTSHEET_VERSION}"
        ));
    }

    #[test]
    fn init_pins_the_version_that_ran_it() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let done = init_site(tmp.path()).expect("init");
        assert_eq!(done.version, env!("CARGO_PKG_VERSION"));
        let workflow = fs::read_to_string(tmp.path().join(WORKFLOW)).expect("workflow");
        let line = format!("  FACTSHEET_VERSION: \"{}\"\n", env!("CARGO_PKG_VERSION"));
        assert!(workflow.contains(&line), "{workflow}");
    }

    #[test]
    fn no_token_is_left_in_the_workflow() {
        let template = STARTER_FILES
            .iter()
            .find(|(path, _)| *path == WORKFLOW)
            .map(|(_, contents)| *contents)
            .expect("the workflow is a starter file");
        for token in [VERSION_TOKEN, REPOSITORY_TOKEN] {
            assert_eq!(template.matches(token).count(), 1, "{token}");
        }
        for repository in [Some("someone/factsheet"), None] {
            let tmp = tempfile::tempdir().expect("temp dir");
            write_site(tmp.path(), "1.2.3", repository).expect("init");
            let workflow = fs::read_to_string(tmp.path().join(WORKFLOW)).expect("workflow");
            assert!(!workflow.contains("@FACTSHEET_"), "{workflow}");
            // The GitHub expressions are left alone.
            assert!(workflow.contains("${{ steps.pages.outputs.base_url }}"));
        }
    }

    #[test]
    fn an_unknown_release_repository_is_a_placeholder_at_a_reported_line() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let done = write_site(tmp.path(), "1.2.3", None).expect("init");
        let Releases::Placeholder { file, line } = &done.releases else {
            panic!("expected the placeholder, got {:?}", done.releases);
        };
        assert_eq!(file, &PathBuf::from(WORKFLOW));
        let workflow = fs::read_to_string(tmp.path().join(WORKFLOW)).expect("workflow");
        let text = workflow.lines().nth(line - 1).expect("the reported line");
        assert_eq!(
            text,
            format!("  FACTSHEET_REPOSITORY: \"{PLACEHOLDER_REPOSITORY}\"")
        );
    }

    #[test]
    fn a_build_without_a_release_repository_reports_the_placeholder() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let done = init_site(tmp.path()).expect("init");
        let built_in = release_repository(
            option_env!("FACTSHEET_RELEASES_REPOSITORY"),
            env!("CARGO_PKG_REPOSITORY"),
        );
        match built_in {
            // `cargo test` without FACTSHEET_RELEASES_REPOSITORY (and Cargo.toml names no
            // GitHub repository): the case a build from source is in.
            None => assert!(
                matches!(done.releases, Releases::Placeholder { .. }),
                "{:?}",
                done.releases
            ),
            Some(repository) => assert_eq!(done.releases, Releases::Repository(repository)),
        }
    }

    #[test]
    fn release_repository_from_the_build_settings() {
        let github = "https://github.com/someone/factsheet";
        assert_eq!(
            release_repository(Some("a/b"), github).as_deref(),
            Some("a/b")
        );
        assert_eq!(
            release_repository(None, github).as_deref(),
            Some("someone/factsheet")
        );
        for url in [
            "https://github.com/someone/factsheet/",
            "https://github.com/someone/factsheet.git",
        ] {
            assert_eq!(
                release_repository(None, url).as_deref(),
                Some("someone/factsheet"),
                "{url}"
            );
        }
        for (set, package) in [
            (None, ""),
            (None, "https://gitlab.com/someone/factsheet"),
            (None, "https://github.com/someone"),
            (None, "https://github.com/someone/factsheet/tree/main"),
            (Some(""), ""),
            (Some("someone"), github),
            (Some("some one/factsheet"), github),
            (Some("someone/factsheet\""), github),
        ] {
            assert_eq!(release_repository(set, package), None, "{set:?} {package}");
        }
    }

    #[test]
    fn starter_site_builds_without_warnings() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().join("site");
        init_site(&root).expect("init");
        let mut options = crate::config::BuildOptions::new(&root);
        options.output = Some(tmp.path().join("out"));
        let report = match crate::pipeline::build(&options) {
            Ok(report) => report,
            Err(failure) => panic!("the starter site does not build:\n{failure}"),
        };
        assert!(report.warnings.is_empty(), "{:?}", report.warnings);
        let index = fs::read_to_string(tmp.path().join("out/index.html")).expect("index.html");
        assert!(index.contains(r#"href="https://example.org/report""#));
        assert!(index.contains("fig-card"));
        for git_file in [".github", ".gitignore", ".gitattributes"] {
            assert!(
                !tmp.path().join("out").join(git_file).exists(),
                "{git_file}"
            );
        }
    }
}
