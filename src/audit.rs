//! Checks on the finished HTML of each page, where templates and Markdown meet: an `id` used
//! twice breaks `#links` to it, and an `<img>` without `alt` hides what it shows.

use std::collections::HashMap;
use std::path::PathBuf;

use memchr::memmem;

use crate::error::{Warning, WarningKind};
use crate::render::RenderedFile;

/// Problems in one rendered HTML file (other files have none), named by the page's source
/// file when it has one; the message gives the line in the HTML, which may come from a
/// template. Lines are counted only for what is reported.
pub fn audit_file(file: &RenderedFile) -> Vec<Warning> {
    if !file.output_path.ends_with(".html") {
        return Vec::new();
    }
    let text = file.contents.as_str();
    let line_starts: std::cell::OnceCell<Vec<usize>> = std::cell::OnceCell::new();
    let line_at = |offset: usize| {
        let starts = line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| at + 1))
                .collect()
        });
        starts.partition_point(|&start| start <= offset)
    };
    let path = || {
        file.source
            .clone()
            .unwrap_or_else(|| PathBuf::from(&file.output_path))
    };
    let mut warnings = Vec::new();
    let mut first_use: HashMap<&str, usize> = HashMap::new();
    for at in memmem::find_iter(text.as_bytes(), b" id=\"") {
        let value_start = at + " id=\"".len();
        let Some(length) = memchr::memchr(b'"', &text.as_bytes()[value_start..]) else {
            continue;
        };
        let id = &text[value_start..value_start + length];
        if let Some(first) = first_use.insert(id, at) {
            warnings.push(Warning {
                kind: WarningKind::DuplicateId,
                path: path(),
                line: 0,
                message: format!(
                    "id `{id}` is used twice in {} (HTML lines {} and {}); links to #{id} reach only the first",
                    file.output_path,
                    line_at(first),
                    line_at(at)
                ),
            });
        }
    }
    for at in memmem::find_iter(text.as_bytes(), b"<img") {
        let tag = &text.as_bytes()[at..];
        let tag = &tag[..memchr::memchr(b'>', tag).unwrap_or(tag.len())];
        if memmem::find(tag, b" alt=").is_none() {
            warnings.push(Warning {
                kind: WarningKind::MissingAlt,
                path: path(),
                line: 0,
                message: format!(
                    "an <img> in {} (HTML line {}) has no alt attribute; add alt=\"what it shows\" in its template (alt=\"\" if it is decoration)",
                    file.output_path,
                    line_at(at)
                ),
            });
        }
    }
    warnings
}

/// The preview images (`og/<hash>.png`) that `html` links to.
pub fn linked_images(html: &str) -> impl Iterator<Item = &str> {
    const NAME_LENGTH: usize = crate::social::OG_DIR.len() + 1 + 16 + ".png".len();
    memmem::find_iter(html.as_bytes(), b"og/").filter_map(|at| {
        html.get(at..at + NAME_LENGTH)
            .filter(|name| name.ends_with(".png"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(html: &str) -> RenderedFile {
        RenderedFile {
            output_path: "a/index.html".into(),
            source: Some(PathBuf::from("content/a.md")),
            contents: html.into(),
        }
    }

    #[test]
    fn finds_duplicate_ids_and_images_without_alt() {
        let file = page(
            "<h2 id=\"x\">A</h2>\n<p id=\"y\"></p><h2 id=\"x\">B</h2>\n<img src=\"a.png\" alt=\"A\"><img src=\"b.png\">",
        );
        let found = audit_file(&file);
        let kinds: Vec<WarningKind> = found.iter().map(|w| w.kind).collect();
        assert_eq!(kinds, [WarningKind::DuplicateId, WarningKind::MissingAlt]);
        assert!(
            found[0]
                .message
                .contains("id `x` is used twice in a/index.html (HTML lines 1 and 2)"),
            "{}",
            found[0].message
        );
    }
}
