//! The site's folder layout and how its files are read: a leaf module, so that every stage
//! names the same folders and reads text the same way (UTF-8, byte-order mark dropped).

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::error::Error;

/// The configuration file, at the site root.
pub const CONFIG_FILE: &str = "site.yaml";

/// The folder, inside the site root, that holds the Markdown.
pub const CONTENT_DIR: &str = "content";

/// The folder, inside the site root, that holds the Tera templates.
pub const TEMPLATES_DIR: &str = "templates";

/// The folder, inside the site root, copied as is into the output.
pub const STATIC_DIR: &str = "static";

/// The folder, inside the site root, that holds the interface strings of each language
/// (`i18n/en.yaml`, `i18n/ru.yaml`).
pub const I18N_DIR: &str = "i18n";

/// The folder, inside the site root, where stored source texts are kept by convention.
pub const SOURCES_DIR: &str = "sources";

/// Where `relative` (inside `root`) really leads, when a symbolic link or `..` takes it
/// outside the site folder; `None` when it stays inside or does not exist.
pub fn outside_site(root: &Path, relative: &Path) -> Option<PathBuf> {
    let real_root = std::fs::canonicalize(root).ok()?;
    leads_outside(&real_root, &root.join(relative))
}

fn leads_outside(real_root: &Path, path: &Path) -> Option<PathBuf> {
    let real = std::fs::canonicalize(path).ok()?;
    (!real.starts_with(real_root)).then_some(real)
}

/// The files under the site folder `dir` (`templates`, `static`), relative to `root`, in name
/// order, with the problems found on the way. A symbolic link is followed when it leads to a
/// place inside the site, and refused with [`Error::OutsideSite`] when it leads outside: the
/// build never reads a file outside the site.
pub fn site_files(root: &Path, dir: &str) -> (Vec<PathBuf>, Vec<Error>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let top = root.join(dir);
    if !top.is_dir() {
        return (files, errors);
    }
    let Ok(real_root) = std::fs::canonicalize(root) else {
        return (files, errors);
    };
    let relative = |path: &Path| path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let mut walk = WalkDir::new(&top)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walk.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                // A broken link or a loop of links.
                let path = err.path().map_or_else(|| PathBuf::from(dir), relative);
                errors.push(Error::Read {
                    path,
                    source: err.into(),
                });
                continue;
            }
        };
        if entry.path_is_symlink()
            && let Some(target) = leads_outside(&real_root, entry.path())
        {
            errors.push(Error::OutsideSite {
                path: relative(entry.path()),
                target,
            });
            if entry.file_type().is_dir() {
                walk.skip_current_dir();
            }
            continue;
        }
        if entry.file_type().is_file() {
            files.push(relative(entry.path()));
        }
    }
    (files, errors)
}

/// Reads a site file as UTF-8, naming it on failure. A leading byte-order mark is dropped and
/// CRLF line endings become LF, so a Windows checkout (git's `autocrlf`) or an editor that saves
/// CRLF gives the same site, byte for byte, and the same line numbers in messages.
pub fn read_text(root: &Path, relative: &Path) -> Result<String, Error> {
    let bytes = std::fs::read(root.join(relative)).map_err(|source| Error::Read {
        path: relative.to_path_buf(),
        source,
    })?;
    decode_text(relative, bytes)
}

/// `bytes` of the site file `relative` as [`read_text`] gives them: UTF-8 (or an error naming
/// the line), no byte-order mark, LF line endings.
pub fn decode_text(relative: &Path, bytes: Vec<u8>) -> Result<String, Error> {
    let text = String::from_utf8(bytes).map_err(|err| Error::NotUtf8 {
        path: relative.to_path_buf(),
        line: crate::error::utf8_error_line(err.as_bytes(), &err.utf8_error()),
    })?;
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    Ok(with_lf_line_endings(text))
}

/// `text` with every CRLF turned into LF; a lone CR (a line ending only in old Mac files,
/// which CommonMark also accepts) is left as it is.
pub fn with_lf_line_endings(text: String) -> String {
    if text.contains("\r\n") {
        text.replace("\r\n", "\n")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_becomes_lf_and_a_lone_cr_stays() {
        assert_eq!(with_lf_line_endings("a\r\nb\r\n".into()), "a\nb\n");
        assert_eq!(with_lf_line_endings("a\rb\n".into()), "a\rb\n");
    }

    #[test]
    fn read_text_drops_the_bom_and_crlf() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("a.md"),
            "\u{feff}---\r\ntitle: A\r\n---\r\n",
        )
        .expect("write");
        let text = read_text(dir.path(), Path::new("a.md")).expect("read");
        assert_eq!(text, "---\ntitle: A\n---\n");
    }
}
