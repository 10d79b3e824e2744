//! Stage 4, markdown: pulldown-cmark with the GitHub extensions, unique heading ids and a table
//! of contents.

use std::collections::{HashMap, HashSet, VecDeque};
use std::ops::Range;

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
    /// The headings' ids, each followed by a newline, once [`Rendered::keep_only_heading_ids`]
    /// has let `toc` go (empty before).
    pub heading_ids: Box<str>,
}

impl Rendered {
    /// Lets `toc` go but for the headings' ids, which move into [`Rendered::heading_ids`]: all
    /// a build reads of a page's headings once its document is written, when no template shows
    /// a table of contents (the `#anchor` check reads the ids). A nested table keeps a struct
    /// and two strings per heading for the rest of the build; the ids fit in one string.
    pub fn keep_only_heading_ids(&mut self) {
        if self.toc.is_empty() {
            return;
        }
        let mut ids = String::new();
        self.for_each_heading_id(|id| {
            ids.push_str(id);
            ids.push('\n');
        });
        self.heading_ids = ids.into_boxed_str();
        self.toc = Vec::new();
    }

    /// Calls `f` with the id of every heading, wherever it is kept (`toc` at every level, or
    /// [`Rendered::heading_ids`]).
    pub fn for_each_heading_id(&self, mut f: impl FnMut(&str)) {
        fn walk(toc: &[TocEntry], f: &mut impl FnMut(&str)) {
            for entry in toc {
                f(&entry.id);
                walk(&entry.children, f);
            }
        }
        walk(&self.toc, &mut f);
        self.heading_ids.split_terminator('\n').for_each(f);
    }
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
    // A word starts at a non-space byte after a space (or at the start): counted over pairs
    // of neighbouring bytes, in blocks of 64 pairs that the compiler turns into vector
    // instructions (a block's count fits in a byte).
    let bytes = text.as_bytes();
    let first = bytes.first().is_some_and(|&byte| !is_ascii_space(byte));
    let (before, at) = match bytes.len() {
        0 => (bytes, bytes),
        len => (&bytes[..len - 1], &bytes[1..]),
    };
    let (before_blocks, before_rest) = before.as_chunks::<64>();
    let (at_blocks, at_rest) = at.as_chunks::<64>();
    let is_start = |before: &u8, at: &u8| u8::from(is_ascii_space(*before) & !is_ascii_space(*at));
    let blocks: usize = before_blocks
        .iter()
        .zip(at_blocks)
        .map(|(before, at)| {
            let starts = before
                .iter()
                .zip(at)
                .fold(0u8, |sum, (b, a)| sum + is_start(b, a));
            usize::from(starts)
        })
        .sum();
    let rest: usize = before_rest
        .iter()
        .zip(at_rest)
        .map(|(b, a)| usize::from(is_start(b, a)))
        .sum();
    usize::from(first) + blocks + rest
}

/// `char::is_whitespace` on an ASCII byte: space, and tab to return (tab, line feed, vertical
/// tab, form feed, return), written without branches.
fn is_ascii_space(byte: u8) -> bool {
    (byte == b' ') | (byte.wrapping_sub(b'\t') < 5)
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
pub fn render_markdown(text: &str, image_size: ImageSizeLookup<'_>, words: Words) -> Rendered {
    let mut pass = Pass {
        parser: Parser::new_ext(text, options()).into_offset_iter(),
        held: VecDeque::new(),
        queued: None,
        lines: Lines::new(text),
        image_size,
        used_ids: UsedIds::with(explicit_ids(text)),
        rendered: Rendered::default(),
        flat_toc: Vec::new(),
        in_code: false,
        previous_level: 1,
        words,
    };
    let mut html_out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut html_out, pass.by_ref());
    let Pass {
        mut rendered,
        flat_toc,
        ..
    } = pass;
    rendered.summary = memchr::memmem::find(html_out.as_bytes(), SUMMARY_MARKER.as_bytes())
        .map(|at| html_out[..at].trim_end().to_string());
    // Held until the page's template runs, with every other page's: no spare capacity.
    html_out.shrink_to_fit();
    rendered.html = html_out;
    rendered.toc = nest(flat_toc);
    rendered
}

/// The safe `{#id}`s the page's headings give themselves, which made ids must not take. Only
/// a page with a `{` can have one: the others are not parsed twice.
fn explicit_ids(text: &str) -> HashSet<String> {
    if memchr::memchr(b'{', text.as_bytes()).is_none() {
        return HashSet::new();
    }
    Parser::new_ext(text, options())
        .filter_map(|event| match event {
            Event::Start(Tag::Heading { id: Some(id), .. }) if is_safe_id(&id) => {
                Some(id.to_string())
            }
            _ => None,
        })
        .collect()
}

/// The 1-based line of a byte offset. Offsets are asked for in increasing order (links and
/// problems, as the parser meets them), so the newlines are counted on from the last one.
struct Lines<'t> {
    text: &'t str,
    /// The last offset asked for, and the line it is on.
    last: (usize, usize),
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        Lines { text, last: (0, 1) }
    }

    fn of(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let (from, line) = match self.last {
            (last, line) if last <= offset => (last, line),
            _ => (0, 1),
        };
        let newlines = memchr::memchr_iter(b'\n', &self.text.as_bytes()[from..offset]).count();
        self.last = (offset, line + newlines);
        line + newlines
    }
}

/// One pass over a page's Markdown events, handing pulldown-cmark's HTML writer the events it
/// should write as they are parsed (no copy of the whole list), and noting on the way what
/// [`Rendered`] tells of the page. A heading's events are held until its end, for its text;
/// an image's are read to its end, for its alt text.
struct Pass<'t, 'l, I> {
    parser: I,
    /// Events read ahead (a heading's), still to go through [`Pass::next`].
    held: VecDeque<(Event<'t>, Range<usize>)>,
    /// An event to write after the one just returned.
    queued: Option<Event<'t>>,
    lines: Lines<'t>,
    image_size: ImageSizeLookup<'l>,
    used_ids: UsedIds,
    rendered: Rendered,
    flat_toc: Vec<(u8, String, String)>,
    in_code: bool,
    previous_level: u8,
    words: Words,
}

/// Whether [`Rendered::word_count`] is counted: only templates that show `word_count` or
/// `reading_time` need it, and counting is a tenth of the Markdown pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Words {
    /// Words of text outside code are counted.
    Counted,
    /// `word_count` stays 0.
    NotCounted,
}

impl<'t, I: Iterator<Item = (Event<'t>, Range<usize>)>> Pass<'t, '_, I> {
    fn next_parsed(&mut self) -> Option<(Event<'t>, Range<usize>)> {
        self.held.pop_front().or_else(|| self.parser.next())
    }

    fn heading(&mut self, start: Tag<'t>, range: Range<usize>) -> Event<'t> {
        let Tag::Heading {
            level,
            id,
            classes,
            attrs,
        } = start
        else {
            return Event::Start(start);
        };
        // Headings do not nest: the first heading end is this one's.
        for (event, range) in self.parser.by_ref() {
            let end = matches!(event, Event::End(TagEnd::Heading(_)));
            self.held.push_back((event, range));
            if end {
                break;
            }
        }
        let title = heading_text(self.held.iter().map(|(event, _)| event));
        let refused = heading_attribute_errors(id.as_deref(), &classes, &attrs);
        let safe = refused.is_empty();
        for (message, help) in refused {
            let line = self.lines.of(range.start);
            self.rendered.errors.push(MarkupError {
                line,
                message,
                help,
            });
        }
        let id = match id {
            Some(id) if safe => id.to_string(),
            _ => unique_id(slugify(&title), &mut self.used_ids),
        };
        let level = heading_number(level);
        if level > self.previous_level + 1 {
            self.rendered.problems.push(Problem {
                line: self.lines.of(range.start),
                kind: ProblemKind::SkippedHeadingLevel {
                    from: self.previous_level,
                    to: level,
                },
            });
        }
        self.previous_level = level;
        self.flat_toc.push((level, id.clone(), title));
        Event::Start(Tag::Heading {
            level: heading_level(level),
            id: Some(CowStr::from(id)),
            classes: if safe { classes } else { Vec::new() },
            attrs: Vec::new(),
        })
    }

    fn image(&mut self, dest_url: &str, title: &str, range: Range<usize>) -> Event<'t> {
        // The alt text is the text up to the image's end (an image may hold images).
        let mut alt = String::new();
        let mut depth = 1;
        while let Some((event, _)) = self.next_parsed() {
            match event {
                Event::Start(Tag::Image { .. }) => depth += 1,
                Event::End(TagEnd::Image) => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                Event::Text(text) | Event::Code(text) => alt.push_str(&text),
                _ => {}
            }
        }
        if is_root_relative(dest_url) {
            self.rendered.problems.push(Problem {
                line: self.lines.of(range.start),
                kind: ProblemKind::RootRelativeUrl {
                    url: dest_url.to_string(),
                },
            });
        }
        if alt.trim().is_empty() {
            self.rendered.problems.push(Problem {
                line: self.lines.of(range.start),
                kind: ProblemKind::MissingAlt {
                    src: dest_url.to_string(),
                },
            });
        }
        let size = match (self.image_size)(dest_url) {
            Ok(size) => size,
            Err((message, help)) => {
                let line = self.lines.of(range.start);
                self.rendered.errors.push(MarkupError {
                    line,
                    message,
                    help,
                });
                None
            }
        };
        Event::Html(CowStr::from(image_tag(dest_url, &alt, title, size)))
    }
}

impl<'t, I: Iterator<Item = (Event<'t>, Range<usize>)>> Iterator for Pass<'t, '_, I> {
    type Item = Event<'t>;

    fn next(&mut self) -> Option<Event<'t>> {
        if let Some(event) = self.queued.take() {
            return Some(event);
        }
        let (event, range) = self.next_parsed()?;
        Some(match event {
            Event::Start(start @ Tag::Heading { .. }) => self.heading(start, range),
            Event::End(TagEnd::Heading(level)) => {
                self.queued = Some(Event::End(TagEnd::Heading(level)));
                match self.flat_toc.last() {
                    Some((_, id, _)) => Event::Html(CowStr::from(format!(
                        " <a class=\"heading-anchor\" href=\"#{}\" aria-hidden=\"true\" tabindex=\"-1\">#</a>",
                        escape_markup(id)
                    ))),
                    None => self.queued.take()?,
                }
            }
            Event::Start(Tag::Link { ref dest_url, .. }) if dest_url.starts_with("@/") => {
                let line = self.lines.of(range.start);
                self.rendered.internal_links.push(InternalLink {
                    target: dest_url.to_string(),
                    line,
                });
                event
            }
            Event::Start(Tag::Link { ref dest_url, .. }) if is_root_relative(dest_url) => {
                let line = self.lines.of(range.start);
                self.rendered.problems.push(Problem {
                    line,
                    kind: ProblemKind::RootRelativeUrl {
                        url: dest_url.to_string(),
                    },
                });
                event
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => self.image(&dest_url, &title, range),
            Event::Html(raw) if raw.contains("target=\"_blank\"") => {
                Event::Html(CowStr::from(with_noopener(&raw)))
            }
            Event::InlineHtml(raw) if raw.contains("target=\"_blank\"") => {
                Event::InlineHtml(CowStr::from(with_noopener(&raw)))
            }
            Event::Start(Tag::CodeBlock(_)) => {
                self.in_code = true;
                event
            }
            Event::End(TagEnd::CodeBlock) => {
                self.in_code = false;
                event
            }
            Event::Text(ref words) => {
                if !self.in_code && self.words == Words::Counted {
                    self.rendered.word_count += count_words(words);
                }
                event
            }
            other => other,
        })
    }
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
    push_escaped_markup(&mut out, text);
    out
}

/// [`escape_markup`] of `text`, written at the end of `out`: the runs between the five
/// characters are copied whole.
pub fn push_escaped_markup(out: &mut String, text: &str) {
    let mut copied = 0;
    for (at, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&apos;",
            _ => continue,
        };
        out.push_str(&text[copied..at]);
        out.push_str(entity);
        copied = at + 1;
    }
    out.push_str(&text[copied..]);
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

/// Ids taken so far on a page, and the next suffix to try for each base that was taken. A page
/// has a handful of headings: they are searched in a list, and hashed only past
/// [`UsedIds::LISTED`] (a page of thousands of headings stays linear).
#[derive(Default)]
struct UsedIds {
    listed: Vec<String>,
    hashed: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

impl UsedIds {
    const LISTED: usize = 32;

    fn with(explicit: HashSet<String>) -> Self {
        UsedIds {
            hashed: explicit,
            ..UsedIds::default()
        }
    }

    fn contains(&self, id: &str) -> bool {
        self.listed.iter().any(|taken| taken == id) || self.hashed.contains(id)
    }

    fn insert(&mut self, id: String) {
        if self.listed.len() < Self::LISTED {
            self.listed.push(id);
        } else {
            self.hashed.insert(id);
        }
    }
}

/// `base`, or `base-1`, `base-2`… when taken. The next suffix is remembered per base, so a page
/// with thousands of equal headings stays linear.
fn unique_id(base: String, used: &mut UsedIds) -> String {
    if !used.contains(&base) {
        used.insert(base.clone());
        return base;
    }
    let mut n = used.next_suffix.get(&base).copied().unwrap_or(1);
    let mut candidate = format!("{base}-{n}");
    while used.contains(&candidate) {
        n += 1;
        candidate = format!("{base}-{n}");
    }
    used.next_suffix.insert(base, n + 1);
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
    fn words_are_counted_as_split_whitespace_counts_them() {
        // Words and spaces across the 64-byte blocks the ASCII count works in.
        let long: Vec<String> = (0..200)
            .map(|n| {
                let word = "w".repeat(n % 70 + 1);
                let space = [" ", "  ", "\t", "\n \r", "\x0B\x0C"][n % 5];
                format!("{word}{space}")
            })
            .collect();
        let long = long.concat();
        for cut in [0, 1, 63, 64, 65, 127, 128, 129, 500, long.len()] {
            let text = &long[..cut];
            assert_eq!(count_words(text), text.split_whitespace().count(), "{cut}");
            let text = &long[cut..];
            assert_eq!(count_words(text), text.split_whitespace().count(), "{cut}");
        }
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
        render_markdown(text, &|_| Ok(None), Words::Counted)
    }

    #[test]
    fn keeping_only_heading_ids_keeps_every_id_at_every_level_and_lets_the_toc_go() {
        fn ids(toc: &[TocEntry], out: &mut Vec<String>) {
            for entry in toc {
                out.push(entry.id.clone());
                ids(&entry.children, out);
            }
        }
        let mut out = md("# A\n\n## B\n\n### C\n\n## D {#mine}\n\n# E\n");
        let mut before = Vec::new();
        ids(&out.toc, &mut before);
        assert_eq!(before, ["a", "b", "c", "mine", "e"]);
        out.keep_only_heading_ids();
        assert!(out.toc.is_empty());
        let after: Vec<&str> = out.heading_ids.split_terminator('\n').collect();
        assert_eq!(after, before);
        // Once is enough: a second call changes nothing.
        out.keep_only_heading_ids();
        assert_eq!(out.heading_ids.split_terminator('\n').count(), 5);
        let mut none = md("No headings.\n");
        none.keep_only_heading_ids();
        assert!(none.heading_ids.is_empty());
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
    fn lines_of_offsets_asked_in_any_order_are_counted_from_the_start() {
        let text = "a\nbb\n\nccc\nd";
        let mut lines = Lines::new(text);
        for offset in [0, 2, 1, 5, 6, 7, 3, 11, 12, 40, 0] {
            let expected = 1 + text[..offset.min(text.len())].matches('\n').count();
            assert_eq!(lines.of(offset), expected, "offset {offset}");
        }
    }

    #[test]
    fn ids_stay_unique_past_the_listed_ones_and_skip_explicit_and_suffixed_ids() {
        // 40 equal headings (past the 32 ids kept in a list), one heading that takes
        // `same-7` itself, and a title whose slug is what the tenth suffix would be.
        let mut text = String::from("## Same {#same-7}\n\n## Same 10\n\n");
        for _ in 0..40 {
            text.push_str("## Same\n\n");
        }
        let out = md(&text);
        let ids: Vec<&str> = out
            .html
            .match_indices("<h2 id=\"")
            .map(|(at, tag)| {
                let rest = &out.html[at + tag.len()..];
                &rest[..rest.find('"').unwrap_or(0)]
            })
            .collect();
        assert_eq!(ids.len(), 42);
        let unique: HashSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), 42, "{ids:?}");
        assert_eq!(&ids[..4], ["same-7", "same-10", "same", "same-1"]);
        assert_eq!(ids[9], "same-8", "same-7 is taken: {ids:?}");
        assert_eq!(ids[11], "same-11", "same-10 is taken: {ids:?}");
        assert_eq!(ids[41], "same-41", "{ids:?}");
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
