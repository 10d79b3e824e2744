//! Stage 4, markdown: pulldown-cmark with the GitHub extensions, unique heading ids and a table
//! of contents.

use std::collections::HashSet;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use serde::Serialize;

/// Marks the end of a page's summary in its Markdown, as in Zola and Hugo.
pub const SUMMARY_MARKER: &str = "<!-- more -->";

/// A Markdown body turned into HTML, with what templates need to know about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The HTML.
    pub html: String,
    /// The HTML before [`SUMMARY_MARKER`], when the body has one.
    pub summary: Option<String>,
    /// The headings, nested by level.
    pub toc: Vec<TocEntry>,
    /// Words of prose (code and markup not counted).
    pub word_count: usize,
}

/// One heading in a table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    /// 1 for `#`, 2 for `##`, …
    pub level: u8,
    /// The heading's `id`, to link to with `#id`.
    pub id: String,
    /// The heading's text.
    pub title: String,
    /// Deeper headings below this one.
    pub children: Vec<TocEntry>,
}

/// The pulldown-cmark extensions every page gets.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders Markdown to HTML; headings without an explicit `{#id}` get one made from their text.
pub fn render_markdown(text: &str) -> Rendered {
    let mut events: Vec<Event<'_>> = Parser::new_ext(text, options()).collect();
    let mut used_ids: HashSet<String> = events
        .iter()
        .filter_map(|event| match event {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            _ => None,
        })
        .collect();
    let mut flat_toc = Vec::new();
    let mut word_count = 0;
    let mut in_code = false;
    for index in 0..events.len() {
        match &events[index] {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let title = heading_text(&events[index + 1..]);
                let id = match id {
                    Some(id) => id.to_string(),
                    None => unique_id(&slugify(&title), &mut used_ids),
                };
                flat_toc.push((heading_number(*level), id.clone(), title));
                if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[index] {
                    *slot = Some(CowStr::from(id));
                }
            }
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(text) if !in_code => word_count += text.split_whitespace().count(),
            _ => {}
        }
    }
    let mut html_out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut html_out, events.into_iter());
    let summary = html_out
        .find(SUMMARY_MARKER)
        .map(|at| html_out[..at].trim_end().to_string());
    Rendered {
        html: html_out,
        summary,
        toc: nest(flat_toc),
        word_count,
    }
}

/// The plain text of a heading whose events start at `events[0]`.
fn heading_text(events: &[Event<'_>]) -> String {
    let mut title = String::new();
    for event in events {
        match event {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(text) | Event::Code(text) => title.push_str(text),
            Event::SoftBreak | Event::HardBreak => title.push(' '),
            _ => {}
        }
    }
    title.trim().to_string()
}

fn heading_number(level: HeadingLevel) -> u8 {
    level as u8
}

/// Lowercase words joined by `-`; letters of any script are kept.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        slug.push_str("section");
    }
    slug
}

/// `base`, or `base-1`, `base-2`… when taken.
fn unique_id(base: &str, used: &mut HashSet<String>) -> String {
    let mut candidate = base.to_string();
    let mut n = 1;
    while used.contains(&candidate) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    used.insert(candidate.clone());
    candidate
}

/// Nests a flat list of (level, id, title) so each heading holds the deeper ones after it.
fn nest(flat: Vec<(u8, String, String)>) -> Vec<TocEntry> {
    let mut roots: Vec<TocEntry> = Vec::new();
    for (level, id, title) in flat {
        let entry = TocEntry {
            level,
            id,
            title,
            children: Vec::new(),
        };
        insert_heading(&mut roots, entry);
    }
    roots
}

/// Puts `entry` under the last heading of `siblings` when that one is shallower, else beside it.
fn insert_heading(siblings: &mut Vec<TocEntry>, entry: TocEntry) {
    match siblings.last_mut() {
        Some(last) if last.level < entry.level => insert_heading(&mut last.children, entry),
        _ => siblings.push(entry),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_unique_ids_and_explicit_ids_win() {
        let out = render_markdown("# Key figures\n\n## Key figures\n\n## Custom {#mine}\n");
        assert!(
            out.html.contains(r#"<h1 id="key-figures">"#),
            "{}",
            out.html
        );
        assert!(
            out.html.contains(r#"<h2 id="key-figures-1">"#),
            "{}",
            out.html
        );
        assert!(out.html.contains(r#"<h2 id="mine">"#), "{}", out.html);
    }

    #[test]
    fn toc_nests_by_level() {
        let out = render_markdown("## A\n### A1\n### A2\n## B\n#### B1\n");
        let shape: Vec<(String, Vec<String>)> = out
            .toc
            .iter()
            .map(|e| {
                (
                    e.id.clone(),
                    e.children.iter().map(|c| c.id.clone()).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                ("a".to_string(), vec!["a1".to_string(), "a2".to_string()]),
                ("b".to_string(), vec!["b1".to_string()]),
            ]
        );
    }

    #[test]
    fn gfm_extensions_render() {
        let out = render_markdown(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1] ~~old~~ \"quoted\"\n\n- [x] done\n\n[^1]: Note.\n",
        );
        assert!(out.html.contains("<table>"));
        assert!(out.html.contains("footnote-reference"));
        assert!(out.html.contains("<del>old</del>"));
        assert!(out.html.contains("\u{201c}quoted\u{201d}"));
        assert!(out.html.contains("checkbox"));
    }

    #[test]
    fn summary_and_word_count() {
        let out = render_markdown(
            "One two three.\n\n<!-- more -->\n\nFour five.\n\n```\nnot counted\n```\n",
        );
        assert_eq!(out.summary.as_deref(), Some("<p>One two three.</p>"));
        assert_eq!(out.word_count, 5);
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("Digital Reset: The Leap!"),
            "digital-reset-the-leap"
        );
        assert_eq!(slugify("Алматы 2021"), "алматы-2021");
        assert_eq!(slugify("???"), "section");
    }
}
