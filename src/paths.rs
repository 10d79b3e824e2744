//! The site's folder layout and how its files are read: a leaf module, so that every stage
//! names the same folders and reads text the same way (UTF-8, byte-order mark dropped).

use std::path::Path;

use crate::error::Error;

/// The configuration file, at the site root.
pub const CONFIG_FILE: &str = "site.yaml";

/// The folder, inside the site root, that holds the Markdown.
pub const CONTENT_DIR: &str = "content";

/// The folder, inside the site root, that holds the Tera templates.
pub const TEMPLATES_DIR: &str = "templates";

/// The folder, inside the site root, copied as is into the output.
pub const STATIC_DIR: &str = "static";

/// The folder, inside the site root, where stored source texts are kept by convention.
pub const SOURCES_DIR: &str = "sources";

/// `path` with `/` between its parts on every platform, for URLs and output paths.
pub fn slashed(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads a site file as UTF-8 (a leading byte-order mark is dropped), naming it on failure.
pub fn read_text(root: &Path, relative: &Path) -> Result<String, Error> {
    let bytes = std::fs::read(root.join(relative)).map_err(|source| Error::Read {
        path: relative.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|err| Error::NotUtf8 {
        path: relative.to_path_buf(),
        line: crate::error::utf8_error_line(err.as_bytes(), &err.utf8_error()),
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}
