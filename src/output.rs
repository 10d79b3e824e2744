//! Stage 6, write: put the rendered site and `static/` into a fresh folder beside the output,
//! then swap it in, so a failed build never leaves a half-written site.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::error::Error;
use crate::paths::{CONTENT_DIR, SOURCES_DIR, STATIC_DIR, TEMPLATES_DIR};
use crate::render::RenderedFile;
use crate::social::OgImage;

/// Marks an output folder as made by factsheet, so a later build may replace it.
pub const OUTPUT_MARKER: &str = ".factsheet-output";

/// Checks that `output` is a folder factsheet may replace and returns its absolute path.
///
/// Refused: the site root, a parent of it, the root's source folders or anything inside them,
/// and an existing non-empty folder without [`OUTPUT_MARKER`] (unless `force`).
pub fn check_output_dir(root: &Path, output: &Path, force: bool) -> Result<PathBuf, Error> {
    let refuse = |reason: String, help: &str| Error::UnsafeOutput {
        path: output.to_path_buf(),
        reason,
        help: help.to_string(),
    };
    let root = absolute(root).map_err(|source| Error::Read {
        path: root.to_path_buf(),
        source,
    })?;
    let target = absolute(output).map_err(|source| Error::Write {
        path: output.to_path_buf(),
        source,
    })?;
    if target.parent().is_none() || root.starts_with(&target) {
        return Err(refuse(
            "is the site root or a folder containing it; replacing it would delete the site".into(),
            "choose an output folder of its own, such as `public`",
        ));
    }
    for source_dir in [CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR, SOURCES_DIR] {
        if target.starts_with(root.join(source_dir)) {
            return Err(refuse(
                format!("is inside the site's `{source_dir}/` folder, which the build only reads"),
                "choose an output folder outside content/, templates/, static/ and sources/",
            ));
        }
    }
    if target.exists() {
        if !target.is_dir() {
            return Err(refuse(
                "exists and is not a folder".into(),
                "remove it or choose another output path",
            ));
        }
        let made_by_us = target.join(OUTPUT_MARKER).is_file();
        let empty = fs::read_dir(&target)
            .map(|mut entries| entries.next().is_none())
            .unwrap_or(false);
        if !made_by_us && !empty && !force {
            return Err(refuse(
                format!("exists and was not made by factsheet (no `{OUTPUT_MARKER}` file in it)"),
                "move it away, choose another output folder, or pass --force to replace it",
            ));
        }
    }
    Ok(target)
}

/// The absolute form of `path`, resolving symlinks where the path exists.
fn absolute(path: &Path) -> io::Result<PathBuf> {
    match fs::canonicalize(path) {
        Ok(resolved) => Ok(resolved),
        Err(_) => {
            let joined = std::path::absolute(path)?;
            // Resolve the existing parent so `./public` and `public` compare equal to the root's
            // children even when the root is reached through a symlink.
            match (joined.parent(), joined.file_name()) {
                (Some(parent), Some(name)) => Ok(absolute(parent)?.join(name)),
                _ => Ok(joined),
            }
        }
    }
}

/// Writes `files` and a copy of `<root>/static` into `target` (checked by
/// [`check_output_dir`]): everything goes to a sibling temporary folder first, which then
/// replaces `target` by rename. On failure the previous `target` is untouched.
pub fn write_output(
    root: &Path,
    target: &Path,
    files: &[&RenderedFile],
    assets: &[(PathBuf, String)],
    og_images: &[OgImage],
) -> Result<ImageStats, Error> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let parent = target.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(write_error(parent))?;
    let staging = parent.join(format!(".{name}.factsheet-new"));
    let retired = parent.join(format!(".{name}.factsheet-old"));
    for leftover in [&staging, &retired] {
        if leftover.exists() {
            fs::remove_dir_all(leftover).map_err(write_error(leftover))?;
        }
    }

    let result = fill_staging(root, &staging, files, assets)
        .and_then(|()| draw_images(target, &staging, og_images));
    let stats = match result {
        Ok(stats) => stats,
        Err(err) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(err);
        }
    };
    if target.exists() {
        fs::rename(target, &retired).map_err(write_error(target))?;
    }
    if let Err(source) = fs::rename(&staging, target) {
        // Put the previous site back before reporting.
        if retired.exists() {
            let _ = fs::rename(&retired, target);
        }
        let _ = fs::remove_dir_all(&staging);
        return Err(Error::Write {
            path: target.to_path_buf(),
            source,
        });
    }
    if retired.exists() {
        remove_tree(&retired).map_err(write_error(&retired))?;
    }
    Ok(stats)
}

/// Updates a folder that `serve` owns in place, file by file: writes `files` whose contents
/// differ from what the folder holds and copies `copies` (source relative to `root`, output
/// path). Used after an incremental rebuild, which changes few files of a large site.
pub fn update_output(
    root: &Path,
    target: &Path,
    files: &[&RenderedFile],
    copies: &[(PathBuf, String)],
) -> Result<Vec<String>, Error> {
    let mut written = Vec::new();
    for file in files {
        let path = target.join(&file.output_path);
        if fs::read(&path).is_ok_and(|old| old == file.contents.as_bytes()) {
            continue;
        }
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(write_error(dir))?;
        }
        fs::write(&path, &file.contents).map_err(write_error(&path))?;
        written.push(file.output_path.clone());
    }
    for (source, output_path) in copies {
        copy_file(root, source, &target.join(output_path))?;
        written.push(output_path.clone());
    }
    Ok(written)
}

/// Removes a folder, its subfolders in parallel: the previous site can hold thousands of pages.
fn remove_tree(dir: &Path) -> io::Result<()> {
    let entries: Vec<PathBuf> = fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<io::Result<_>>()?;
    entries.par_iter().try_for_each(|path| {
        if path.is_dir() && !path.is_symlink() {
            fs::remove_dir_all(path)
        } else {
            fs::remove_file(path)
        }
    })?;
    fs::remove_dir(dir)
}

/// How the social preview images of a build were made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImageStats {
    /// Drawn in this build.
    pub drawn: usize,
    /// Taken from the previous build, their page unchanged.
    pub reused: usize,
}

/// Puts each image into `staging`: copied from the previous output when it has the same name
/// (the name is a hash of the drawing), drawn otherwise.
fn draw_images(previous: &Path, staging: &Path, images: &[OgImage]) -> Result<ImageStats, Error> {
    let mut stats = ImageStats::default();
    for image in images {
        let destination = staging.join(&image.output_path);
        if let Some(dir) = destination.parent() {
            fs::create_dir_all(dir).map_err(write_error(dir))?;
        }
        let old = previous.join(&image.output_path);
        if old.is_file() && fs::copy(&old, &destination).is_ok() {
            stats.reused += 1;
            continue;
        }
        let png = crate::social::render_png(&image.svg).map_err(|message| Error::Image {
            path: PathBuf::from(&image.output_path),
            message,
        })?;
        fs::write(&destination, png).map_err(write_error(&destination))?;
        stats.drawn += 1;
    }
    Ok(stats)
}

fn fill_staging(
    root: &Path,
    staging: &Path,
    files: &[&RenderedFile],
    assets: &[(PathBuf, String)],
) -> Result<(), Error> {
    fs::create_dir_all(staging).map_err(write_error(staging))?;
    copy_static(root, staging)?;
    for (source, output_path) in assets {
        copy_file(root, source, &staging.join(output_path))?;
    }
    // Each page has its own folder: create them and write the files in parallel
    // (`create_dir_all` tolerates a folder another thread has just made).
    files.par_iter().try_for_each(|file| {
        let path = staging.join(&file.output_path);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(write_error(dir))?;
        }
        fs::write(&path, &file.contents).map_err(write_error(&path))
    })?;
    let marker = staging.join(OUTPUT_MARKER);
    fs::write(
        &marker,
        "This folder is written by factsheet; the next build replaces it.\n",
    )
    .map_err(write_error(&marker))?;
    Ok(())
}

/// Copies regular files of `<root>/static` into `staging`; symlinks are not followed.
fn copy_static(root: &Path, staging: &Path) -> Result<(), Error> {
    let dir = root.join(STATIC_DIR);
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in WalkDir::new(&dir).follow_links(false).sort_by_file_name() {
        let entry = entry.map_err(|err| Error::Read {
            path: PathBuf::from(STATIC_DIR),
            source: err.into(),
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        let destination = staging.join(relative);
        if let Some(parent) = destination.parent() {
            fs::create_dir_all(parent).map_err(write_error(parent))?;
        }
        fs::copy(entry.path(), &destination).map_err(|source| Error::Read {
            path: Path::new(STATIC_DIR).join(relative),
            source,
        })?;
    }
    Ok(())
}

/// Copies `source` (relative to `root`) to `destination`, creating its folder.
fn copy_file(root: &Path, source: &Path, destination: &Path) -> Result<(), Error> {
    if let Some(dir) = destination.parent() {
        fs::create_dir_all(dir).map_err(write_error(dir))?;
    }
    fs::copy(root.join(source), destination).map_err(|err| Error::Read {
        path: source.to_path_buf(),
        source: err,
    })?;
    Ok(())
}

/// Maps an I/O failure on `path` to [`Error::Write`].
fn write_error(path: &Path) -> impl FnOnce(io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Write { path, source }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dangerous_output_folders_are_refused_before_anything_is_written() {
        let site = tempfile::tempdir().expect("temp");
        let root = site.path();
        fs::create_dir_all(root.join("static/css")).expect("mkdir");
        for output in [
            PathBuf::from("/"),
            root.to_path_buf(),
            root.join(".."),
            root.join("static"),
            root.join("static/css/out"),
            root.join("content"),
            root.join("sources/x"),
        ] {
            assert!(
                check_output_dir(root, &output, true).is_err(),
                "{} must be refused",
                output.display()
            );
        }
    }

    #[test]
    fn only_empty_or_marked_folders_are_replaced_without_force() {
        let site = tempfile::tempdir().expect("temp");
        let out = site.path().join("public");
        assert!(check_output_dir(site.path(), &out, false).is_ok(), "absent");
        fs::create_dir(&out).expect("mkdir");
        assert!(check_output_dir(site.path(), &out, false).is_ok(), "empty");
        fs::write(out.join("mine.txt"), "x").expect("write");
        assert!(
            check_output_dir(site.path(), &out, false).is_err(),
            "foreign"
        );
        assert!(check_output_dir(site.path(), &out, true).is_ok(), "forced");
        fs::write(out.join(OUTPUT_MARKER), "").expect("write");
        assert!(check_output_dir(site.path(), &out, false).is_ok(), "marked");
        fs::write(site.path().join("file"), "x").expect("write");
        assert!(
            check_output_dir(site.path(), &site.path().join("file"), true).is_err(),
            "a file"
        );
    }
}
