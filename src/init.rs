//! `factsheet init DIR`: write a small starter site (config, two pages, templates and a
//! stylesheet) that builds as it is and shows how figures cite their sources.
//!
//! The starter files live in `src/init/site/` and are compiled into the binary, so `init`
//! needs nothing but the executable.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::error::Error;

/// The starter site: each file's path inside the new site folder, and its contents.
const STARTER_FILES: &[(&str, &str)] = &[
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

/// Writes the starter site into `dir`, creating it if needed. Refuses (returns Err) when `dir`
/// exists and is not empty, or is a file.
///
/// Returns the paths written, relative to `dir`, in the order they were written. Files are
/// created with `create_new`, so nothing that appears in `dir` meanwhile is overwritten.
pub fn init_site(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    check_target(dir)?;
    fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut written = Vec::with_capacity(STARTER_FILES.len());
    for (relative, contents) in STARTER_FILES {
        let relative = PathBuf::from(relative);
        let path = dir.join(&relative);
        write_new_file(&path, contents).map_err(|source| Error::Write { path, source })?;
        written.push(relative);
    }
    Ok(written)
}

/// Accepts a folder that does not exist yet or is empty; refuses a file or a non-empty folder.
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
            let mut entries = fs::read_dir(dir).map_err(read_error)?;
            if entries.next().is_some() {
                return Err(refuse("is not empty"));
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
        let written = init_site(tmp.path()).expect("init into an empty dir");
        assert_eq!(written.len(), STARTER_FILES.len());
        for ((relative, contents), path) in STARTER_FILES.iter().zip(&written) {
            assert_eq!(path, &PathBuf::from(relative));
            let on_disk = fs::read_to_string(tmp.path().join(path)).expect("written file");
            assert_eq!(&on_disk, contents);
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
    }
}
