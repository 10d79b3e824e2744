//! Stage 4, markdown: pulldown-cmark with the GitHub extensions, unique heading ids and a table
//! of contents.

use std::collections::{HashMap, HashSet};

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
    /// Links to other content files (`@/speakers/mamin.md#anchor`), to resolve once every page
    /// is rendered; their `href` in `html` is still the `@/…` target.
    pub internal_links: Vec<InternalLink>,
    /// Things that render but should be fixed (missing alt text, skipped heading levels).
    pub problems: Vec<Problem>,
    /// Markup refused because it would not be safe in the page (a heading id with a quote);
    /// the HTML leaves it out, and the build fails on it.
    pub errors: Vec<MarkupError>,
}

/// Markup that is refused, with its line and a fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkupError {
    /// 1-based line in the Markdown text.
    pub line: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// A link written as `@/path/to/file.md` or `@/path/to/file.md#anchor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    /// The link target as written, starting with `@/`.
    pub target: String,
    /// 1-based line in the Markdown text.
    pub line: usize,
}

/// A problem found in the Markdown, with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line in the Markdown text.
    pub line: usize,
    /// What it is.
    pub kind: ProblemKind,
}

/// The kinds of [`Problem`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// An image without alt text; screen readers announce only its file name.
    MissingAlt {
        /// The image's `src`.
        src: String,
    },
    /// A link or image to `/…`, which ignores the site's base path.
    RootRelativeUrl {
        /// The URL as written.
        url: String,
    },
    /// A heading deeper than the one before by more than one level (`##` then `####`).
    SkippedHeadingLevel {
        /// The level before (1 for the page's title).
        from: u8,
        /// This heading's level.
        to: u8,
    },
}

impl std::fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProblemKind::MissingAlt { src } => write!(
                f,
                "image `{src}` has no alt text; describe it: ![what the image shows]({src})"
            ),
            ProblemKind::RootRelativeUrl { url } => write!(
                f,
                "root-relative URL `{url}` ignores the base path and breaks when the site is published under /repo/; link relative to the page (`../about/`), or with a shortcode that uses url()"
            ),
            ProblemKind::SkippedHeadingLevel { from, to } => write!(
                f,
                "heading level {to} follows level {from}; use level {} (`{}`) so the outline has no gap",
                from + 1,
                "#".repeat(usize::from(*from) + 1)
            ),
        }
    }
}

/// What the renderer learns about an image: its pixel size, when it can find and read the
/// file, or why the image is refused (what is wrong, how to fix it).
pub type ImageSizeLookup<'a> = &'a dyn Fn(&str) -> Result<Option<(u32, u32)>, (String, String)>;

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

/// The words of `text` as `str::split_whitespace` counts them, without decoding ASCII text
/// character by character (this runs on every text run of every page).
fn count_words(text: &str) -> usize {
    if !text.is_ascii() {
        return text.split_whitespace().count();
    }
    // `char::is_whitespace` on ASCII: space, and tab to return (tab, line feed, vertical tab,
    // form feed, return), written without branches.
    let is_space = |byte: u8| (byte == b' ') | (byte.wrapping_sub(b'\t') < 5);
    // A word starts at a non-space byte after a space (or at the start): summed over pairs of
    // neighbouring bytes, a loop the compiler turns into vector instructions.
    let bytes = text.as_bytes();
    let first = bytes.first().is_some_and(|&b| !is_space(b));
    let starts: usize = bytes
        .iter()
        .zip(bytes.iter().skip(1))
        .map(|(&before, &at)| usize::from(is_space(before) & !is_space(at)))
        .sum();
    usize::from(first) + starts
}

/// The pulldown-cmark extensions every page gets; shortcodes parse with the same ones to see
/// where code is.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders Markdown to HTML. Headings without an explicit `{#id}` get one made from their text
/// and a `#` anchor link; images get `loading="lazy"` and, when `image_size` knows the file,
/// `width` and `height`; raw links opening a new tab get `rel="noopener"`.
pub fn render_markdown(text: &str, image_size: ImageSizeLookup<'_>) -> Rendered {
    let parsed: Vec<(Event<'_>, std::ops::Range<usize>)> = Parser::new_ext(text, options())
        .into_offset_iter()
        .collect();
    // Lines are needed only for links and problems: find the line starts only then.
    let line_starts: std::cell::OnceCell<Vec<usize>> = std::cell::OnceCell::new();
    let line_of = |offset: usize| {
        let starts = line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(at, _)| at + 1))
                .collect()
        });
        starts.partition_point(|&start| start <= offset)
    };
    let mut used_ids = UsedIds {
        taken: parsed
            .iter()
            .filter_map(|(event, _)| match event {
                Event::Start(Tag::Heading { id: Some(id), .. }) if is_safe_id(id) => {
                    Some(id.to_string())
                }
                _ => None,
            })
            .collect(),
        ..UsedIds::default()
    };
    let mut out: Vec<Event<'_>> = Vec::with_capacity(parsed.len());
    let mut rendered = Rendered::default();
    let mut flat_toc = Vec::new();
    let mut in_code = false;
    let mut previous_level = 1;
    let mut index = 0;
    while index < parsed.len() {
        let (event, range) = &parsed[index];
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let title = heading_text(parsed[index + 1..].iter().map(|(e, _)| e));
                let refused = heading_attribute_errors(id.as_deref(), classes, attrs);
                let safe = refused.is_empty();
                rendered
                    .errors
                    .extend(refused.into_iter().map(|(message, help)| MarkupError {
                        line: line_of(range.start),
                        message,
                        help,
                    }));
                let id = match id {
                    Some(id) if safe => id.to_string(),
                    _ => unique_id(&slugify(&title), &mut used_ids),
                };
                let level = heading_number(*level);
                if level > previous_level + 1 {
                    rendered.problems.push(Problem {
                        line: line_of(range.start),
                        kind: ProblemKind::SkippedHeadingLevel {
                            from: previous_level,
                            to: level,
                        },
                    });
                }
                previous_level = level;
                flat_toc.push((level, id.clone(), title));
                out.push(Event::Start(Tag::Heading {
                    level: heading_level(level),
                    id: Some(CowStr::from(id)),
                    classes: if safe { classes.clone() } else { Vec::new() },
                    attrs: Vec::new(),
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((_, id, _)) = flat_toc.last() {
                    out.push(Event::Html(CowStr::from(format!(
                        " <a class=\"heading-anchor\" href=\"#{}\" aria-hidden=\"true\" tabindex=\"-1\">#</a>",
                        escape_markup(id)
                    ))));
                }
                out.push(Event::End(TagEnd::Heading(*level)));
            }
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with("@/") => {
                rendered.internal_links.push(InternalLink {
                    target: dest_url.to_string(),
                    line: line_of(range.start),
                });
                out.push(event.clone());
            }
            Event::Start(Tag::Link { dest_url, .. }) if is_root_relative(dest_url) => {
                rendered.problems.push(Problem {
                    line: line_of(range.start),
                    kind: ProblemKind::RootRelativeUrl {
                        url: dest_url.to_string(),
                    },
                });
                out.push(event.clone());
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let (alt, end) = image_alt(&parsed, index);
                if is_root_relative(dest_url) {
                    rendered.problems.push(Problem {
                        line: line_of(range.start),
                        kind: ProblemKind::RootRelativeUrl {
                            url: dest_url.to_string(),
                        },
                    });
                }
                if alt.trim().is_empty() {
                    rendered.problems.push(Problem {
                        line: line_of(range.start),
                        kind: ProblemKind::MissingAlt {
                            src: dest_url.to_string(),
                        },
                    });
                }
                let size = image_size(dest_url).unwrap_or_else(|(message, help)| {
                    rendered.errors.push(MarkupError {
                        line: line_of(range.start),
                        message,
                        help,
                    });
                    None
                });
                out.push(Event::Html(CowStr::from(image_tag(
                    dest_url, &alt, title, size,
                ))));
                index = end + 1;
                continue;
            }
            Event::Html(raw) | Event::InlineHtml(raw) if raw.contains("target=\"_blank\"") => {
                let fixed = with_noopener(raw);
                out.push(match event {
                    Event::Html(_) => Event::Html(CowStr::from(fixed)),
                    _ => Event::InlineHtml(CowStr::from(fixed)),
                });
            }
            Event::Start(Tag::CodeBlock(_)) => {
                in_code = true;
                out.push(event.clone());
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                out.push(event.clone());
            }
            Event::Text(words) => {
                if !in_code {
                    rendered.word_count += count_words(words);
                }
                out.push(event.clone());
            }
            _ => out.push(event.clone()),
        }
        index += 1;
    }
    let mut html_out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut html_out, out.into_iter());
    rendered.summary = memchr::memmem::find(html_out.as_bytes(), SUMMARY_MARKER.as_bytes())
        .map(|at| html_out[..at].trim_end().to_string());
    // Held until the page's template runs, with every other page's: no spare capacity.
    html_out.shrink_to_fit();
    rendered.html = html_out;
    rendered.toc = nest(flat_toc);
    rendered
}

/// Whether `id` may be a heading's id as written: letters and digits of any script, `-`, `_`,
/// `.` and `:`. Such an id needs no escaping in an attribute or a URL fragment.
pub fn is_safe_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

/// Whether `class` is a plain class name: letters and digits of any script, `-` and `_`.
fn is_safe_class(class: &str) -> bool {
    !class.is_empty()
        && class
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
}

/// What is wrong with a heading's `{#id .class}` block, as (message, help) pairs: ids and
/// classes that would need escaping, and any other attribute (`{key=value}`, or `{a, b}` meant
/// as text), which headings do not take.
fn heading_attribute_errors(
    id: Option<&str>,
    classes: &[CowStr<'_>],
    attrs: &[(CowStr<'_>, Option<CowStr<'_>>)],
) -> Vec<(String, String)> {
    let mut errors = Vec::new();
    if let Some(id) = id.filter(|id| !is_safe_id(id)) {
        errors.push((
            format!(
                "heading id `{id}` may hold only letters, digits, `-`, `_`, `.` and `:`, so that it works in an attribute and a link"
            ),
            format!("write it as {{#{}}}", slugify(id)),
        ));
    }
    for class in classes.iter().filter(|class| !is_safe_class(class)) {
        errors.push((
            format!("heading class `{class}` may hold only letters, digits, `-` and `_`"),
            format!("write it as {{.{}}}", slugify(class)),
        ));
    }
    for (key, value) in attrs {
        let written = match value {
            Some(value) => format!("{key}={value}"),
            None => key.to_string(),
        };
        errors.push((
            format!("heading attribute `{written}` is not an {{#id}} or a {{.class}}"),
            "a heading takes only {#id} and {.class} at its end; to show braces as text write \\{, and write other attributes in an HTML heading".to_string(),
        ));
    }
    errors
}

/// `/about/` but not `//host/x` (protocol-relative).
fn is_root_relative(url: &str) -> bool {
    url.starts_with('/') && !url.starts_with("//")
}

/// The alt text of the image starting at `parsed[start]`, and the index of its end event.
fn image_alt(parsed: &[(Event<'_>, std::ops::Range<usize>)], start: usize) -> (String, usize) {
    let mut alt = String::new();
    let mut depth = 0;
    for (offset, (event, _)) in parsed.iter().enumerate().skip(start) {
        match event {
            Event::Start(Tag::Image { .. }) => depth += 1,
            Event::End(TagEnd::Image) => {
                depth -= 1;
                if depth == 0 {
                    return (alt, offset);
                }
            }
            Event::Text(text) | Event::Code(text) => alt.push_str(text),
            _ => {}
        }
    }
    (alt, parsed.len().saturating_sub(1))
}

/// `<img>` with lazy loading and, when known, the intrinsic size (no layout shift).
fn image_tag(src: &str, alt: &str, title: &str, size: Option<(u32, u32)>) -> String {
    let mut tag = format!(
        "<img src=\"{}\" alt=\"{}\"",
        escape_markup(src),
        escape_markup(alt)
    );
    if !title.is_empty() {
        tag.push_str(&format!(" title=\"{}\"", escape_markup(title)));
    }
    if let Some((width, height)) = size {
        tag.push_str(&format!(" width=\"{width}\" height=\"{height}\""));
    }
    tag.push_str(" loading=\"lazy\">");
    tag
}

/// Adds `rel="noopener"` to tags that open a new tab without a `rel`.
fn with_noopener(raw: &str) -> String {
    if raw.contains("rel=") {
        return raw.to_string();
    }
    raw.replace("target=\"_blank\"", "target=\"_blank\" rel=\"noopener\"")
}

/// Escapes text for HTML and XML content and attribute values.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            other => out.push(other),
        }
    }
    out
}

/// The plain text of a heading whose events start at the first of `events`.
fn heading_text<'a>(events: impl Iterator<Item = &'a Event<'a>>) -> String {
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

fn heading_level(number: u8) -> HeadingLevel {
    match number {
        1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
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

/// Ids taken so far on a page, and the next suffix to try for each base.
#[derive(Default)]
struct UsedIds {
    taken: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

/// `base`, or `base-1`, `base-2`… when taken. The next suffix is remembered per base, so a page
/// with thousands of equal headings stays linear.
fn unique_id(base: &str, used: &mut UsedIds) -> String {
    let mut candidate = base.to_string();
    let n = used.next_suffix.entry(base.to_string()).or_insert(1);
    while used.taken.contains(&candidate) {
        candidate = format!("{base}-{n}");
        *n += 1;
    }
    used.taken.insert(candidate.clone());
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
    fn words_are_counted_as_split_whitespace_counts_them() {
        for text in [
            "",
            " ",
            "one",
            " one  two\tthree\nfour\x0Bfive\x0Csix\r ",
            "Алматы  digital\u{00A0}forum",
            "a\u{2003}b c",
            "trailing ",
        ] {
            assert_eq!(
                count_words(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
    }

    fn md(text: &str) -> Rendered {
        render_markdown(text, &|_| Ok(None))
    }

    #[test]
    fn headings_get_unique_ids_and_explicit_ids_win() {
        let out = md("# Key figures\n\n## Key figures\n\n## Custom {#mine}\n");
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
    fn unsafe_heading_ids_and_attributes_are_refused_and_left_out() {
        let out = md("# A\n\n## Title {#x\" onmouseover=\"go()}\n\n## B {.a\"b}\n");
        assert_eq!(out.errors.len(), 3, "{:?}", out.errors);
        assert_eq!(out.errors[0].line, 3);
        assert!(out.errors[0].message.contains("heading id `x\"`"));
        assert_eq!(out.errors[0].help, "write it as {#x}");
        assert!(out.errors[1].message.contains("`onmouseover=\"go()`"));
        assert_eq!(out.errors[2].line, 5);
        assert!(out.errors[2].message.contains("heading class `a\"b`"));
        assert!(
            out.html.contains("<h2 id=\"title\">Title <a"),
            "{}",
            out.html
        );
        assert!(out.html.contains("<h2 id=\"b\">B <a"), "{}", out.html);
        assert!(!out.html.contains("onmouseover"), "{}", out.html);
        assert!(md("## Ok {#алматы-2021.v1:x_y .wide}\n").errors.is_empty());
        assert!(is_safe_id("a-b_c.d:e"));
        assert!(!is_safe_id("a b") && !is_safe_id("a'b") && !is_safe_id("a&b") && !is_safe_id(""));
    }

    #[test]
    fn toc_nests_by_level() {
        let out = md("## A\n### A1\n### A2\n## B\n#### B1\n");
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
        let out = md(
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
        let out = md("One two three.\n\n<!-- more -->\n\nFour five.\n\n```\nnot counted\n```\n");
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
