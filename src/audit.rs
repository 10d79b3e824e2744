//! Checks on the finished HTML of each page, where templates and Markdown meet: an `id` used
//! twice breaks `#links` to it, and an `<img>` without `alt` hides what it shows.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::lint::{Warning, WarningKind};
use crate::render::RenderedFile;

/// Problems in the rendered HTML files, named by the page's source file when it has one; the
/// message gives the line in the HTML, which may come from a template.
pub fn audit_html(files: &[RenderedFile]) -> Vec<Warning> {
    files
        .par_iter()
        .filter(|f| f.output_path.ends_with(".html"))
        .flat_map_iter(audit_file)
        .collect()
}

fn audit_file(file: &RenderedFile) -> Vec<Warning> {
    let mut warnings = Vec::new();
    {
        let path = file
            .source
            .clone()
            .unwrap_or_else(|| PathBuf::from(&file.output_path));
        let mut first_line: BTreeMap<&str, usize> = BTreeMap::new();
        for (index, line) in file.contents.lines().enumerate() {
            for id in attribute_values(line, " id=\"") {
                if let Some(first) = first_line.insert(id, index + 1) {
                    warnings.push(Warning {
                        kind: WarningKind::DuplicateId,
                        path: path.clone(),
                        line: 0,
                        message: format!(
                            "id `{id}` is used twice in {} (HTML lines {first} and {}); links to #{id} reach only the first",
                            file.output_path,
                            index + 1
                        ),
                    });
                }
            }
            for tag in line.split("<img").skip(1) {
                let tag = tag.split('>').next().unwrap_or(tag);
                if !tag.contains(" alt=") {
                    warnings.push(Warning {
                        kind: WarningKind::MissingAlt,
                        path: path.clone(),
                        line: 0,
                        message: format!(
                            "an <img> in {} (HTML line {}) has no alt attribute; add alt=\"what it shows\" in its template (alt=\"\" if it is decoration)",
                            file.output_path,
                            index + 1
                        ),
                    });
                }
            }
        }
    }
    warnings
}

/// The values of `attribute` (given with its opening quote) on one line of HTML.
fn attribute_values<'a>(line: &'a str, attribute: &str) -> Vec<&'a str> {
    line.split(attribute)
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
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
        let found = audit_html(&[page(
            "<h2 id=\"x\">A</h2>\n<p id=\"y\"></p><h2 id=\"x\">B</h2>\n<img src=\"a.png\" alt=\"A\"><img src=\"b.png\">",
        )]);
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
