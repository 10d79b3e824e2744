//! Warnings about things that build but would break once published: a hand-written
//! root-relative URL (`href="/about/"`, CSS `url(/img.png)`) ignores the base path, so it
//! works at a domain root and breaks under a GitHub Pages project path (`/repo/`).

use std::path::Path;

use walkdir::WalkDir;

use crate::error::{Warning, WarningKind};
use crate::paths::{STATIC_DIR, TEMPLATES_DIR, read_text};

/// Attribute and CSS openings after which a `/` starts a root-relative URL.
const TEMPLATE_PATTERNS: &[&str] = &["href=\"/", "src=\"/", "action=\"/", "href='/", "src='/"];
const CSS_PATTERNS: &[&str] = &["url(/", "url(\"/", "url('/"];

/// Root-relative URLs written by hand in templates and stylesheets (the Markdown stage finds
/// those in content).
pub fn root_relative_urls(root: &Path) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for (dir, extensions, patterns, fix) in [
        (
            TEMPLATES_DIR,
            &["html", "xml", "txt"][..],
            TEMPLATE_PATTERNS,
            "write it as {{ url(path=\"/…\") }}",
        ),
        (
            STATIC_DIR,
            &["css"][..],
            CSS_PATTERNS,
            "write it relative to the stylesheet, e.g. url(../images/x.png)",
        ),
    ] {
        for entry in WalkDir::new(root.join(dir))
            .follow_links(false)
            .into_iter()
            .flatten()
        {
            let has_extension = entry
                .path()
                .extension()
                .is_some_and(|e| extensions.iter().any(|x| e == *x));
            if !entry.file_type().is_file() || !has_extension {
                continue;
            }
            let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
            if let Ok(text) = read_text(root, relative) {
                scan(relative, &text, 1, patterns, fix, &mut warnings);
            }
        }
    }
    warnings.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    warnings
}

fn scan(
    path: &Path,
    text: &str,
    first_line: usize,
    patterns: &[&str],
    fix: &str,
    out: &mut Vec<Warning>,
) {
    for (index, line) in text.lines().enumerate() {
        for pattern in patterns {
            for (at, _) in line.match_indices(pattern) {
                let url_start = at + pattern.len() - 1;
                // `//host/x` is protocol-relative, not root-relative.
                if line[url_start..].starts_with("//") {
                    continue;
                }
                let url: String = line[url_start..]
                    .chars()
                    .take_while(|c| !matches!(c, '"' | '\'' | ')' | ' ' | '>'))
                    .collect();
                out.push(Warning {
                    kind: WarningKind::RootRelativeUrl,
                    path: path.to_path_buf(),
                    line: first_line + index,
                    message: format!(
                        "root-relative URL `{url}` ignores the base path and breaks when the site is published under /repo/; {fix}"
                    ),
                });
            }
        }
    }
}
