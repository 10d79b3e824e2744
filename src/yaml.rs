//! The one place that knows which YAML crate parses front matter and `site.yaml`: it alone
//! reads the parser's messages (into a [`YamlErrorKind`]), and [`line_of`] is the one way to
//! find the line of a value for an error.
//!
//! `serde_yaml` is what the owner named; upstream marks it deprecated and `serde_norway` is the
//! maintained fork with the same API. Swapping is the `use` line below plus `Cargo.toml`.

use serde::de::DeserializeOwned;
use serde_yaml as backend;

/// A YAML value kept as written (ordered maps), for free-form `extra` tables.
pub type Value = backend::Value;

/// A scalar as text (`42`, `true`, `text`); a list or map as compact YAML on one line.
pub fn to_display(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => flag.to_string(),
        Value::Null => String::new(),
        other => backend::to_string(other)
            .map(|text| text.trim().replace('\n', " "))
            .unwrap_or_default(),
    }
}

/// Where and why a YAML document failed to parse, with the line counted inside the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line inside the YAML text, when the parser knows it.
    pub line: Option<usize>,
    /// 1-based column, when the parser knows it.
    pub column: Option<usize>,
    /// The parser's message, without its own "at line X column Y" suffix.
    pub message: String,
    /// What kind of failure it is, read from the parser's message here so that no other
    /// module reads serde's wording.
    pub kind: YamlErrorKind,
}

/// The kinds of [`YamlError`] that get their own report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// A key the type does not have; `line` is the key's own line.
    UnknownField {
        /// The key as written.
        field: String,
        /// The keys allowed there.
        expected: Vec<String>,
    },
    /// A required key is absent.
    MissingField {
        /// The key.
        field: String,
    },
    /// A key given twice in one map; `line` is its second occurrence.
    Duplicate {
        /// The key.
        key: String,
    },
    /// A map (`key: value` lines) was expected, and a list or a single value was found.
    NotAMap,
    /// A value has the wrong type (text where a number belongs).
    InvalidType,
    /// A value its type refuses, such as a date that is not one; `line` is the value's line.
    InvalidValue(Box<RefusedValue>),
    /// The parser mentions tabs.
    Tab,
    /// Anything else: a syntax error.
    Other,
}

/// A value its `Deserialize` refused, with what is wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedValue {
    /// The key the value belongs to (empty for a list item).
    pub key: String,
    /// The key of the map holding it, when that map is itself a key's value (`event`);
    /// `None` at the top level and inside list items.
    pub parent: Option<String>,
    /// The refused value, as written.
    pub value: String,
    /// What is wrong, to follow the quoted value: `is not a date`.
    pub problem: String,
    /// How to fix it.
    pub help: String,
}

/// Parses `text` into `T`, reporting failures with a line inside `text`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    backend::from_str(text).map_err(|err| {
        let location = err.location();
        let (message, context_line) = strip_locations(&err.to_string());
        let mut line = location.as_ref().map(|l| l.line());
        let mut column = location.as_ref().map(|l| l.column());
        // "end of stream while scanning a quoted scalar at line 3": the quote opened on line 3
        // is what the editor must fix, not the end of the block.
        if message.contains("end of stream") && context_line.is_some() {
            line = context_line;
            column = None;
        }
        let kind = kind_of(&message);
        match &kind {
            // serde places these at the map, or not usefully: find the key itself.
            YamlErrorKind::UnknownField { field, .. } => {
                let map = map_path(&message, "unknown field `");
                let mut path = segments(map);
                path.push(Segment::Key(field));
                if let Some(found) = line_of(text, &path) {
                    line = Some(found);
                    column = None;
                }
            }
            YamlErrorKind::Duplicate { key } => {
                let map = map_path(&message, "duplicate ");
                if let Some(found) = nth_key_line(text, &segments(map), key, 1) {
                    line = Some(found);
                    column = None;
                }
            }
            _ => {}
        }
        let message = match &kind {
            // The help says how to write it; the message keeps what is wrong.
            YamlErrorKind::InvalidValue(_) => message
                .split("\n  help: ")
                .next()
                .unwrap_or_default()
                .to_string(),
            _ => message.replace("expected i64", "expected a whole number"),
        };
        YamlError {
            line,
            column,
            message,
            kind,
        }
    })
}

/// Reads the kind of failure from the parser's message (without its locations).
fn kind_of(message: &str) -> YamlErrorKind {
    if let Some(kind) = invalid_value(message) {
        return kind;
    }
    let quoted = |rest: &str, quote: char| rest.split(quote).next().unwrap_or_default().to_string();
    if let Some((_, rest)) = message.split_once("unknown field `") {
        let expected = rest
            .split("expected ")
            .nth(1)
            .map(|list| {
                list.split('`')
                    .skip(1)
                    .step_by(2)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        return YamlErrorKind::UnknownField {
            field: quoted(rest, '`'),
            expected,
        };
    }
    if let Some((_, rest)) = message.split_once("missing field `") {
        return YamlErrorKind::MissingField {
            field: quoted(rest, '`'),
        };
    }
    if let Some((_, rest)) = message.split_once("duplicate field `") {
        return YamlErrorKind::Duplicate {
            key: quoted(rest, '`'),
        };
    }
    if let Some((_, rest)) = message.split_once("duplicate entry with key \"") {
        return YamlErrorKind::Duplicate {
            key: quoted(rest, '"'),
        };
    }
    if message.contains("expected struct") || message.contains("expected a map") {
        return YamlErrorKind::NotAMap;
    }
    if message.contains("tab") {
        return YamlErrorKind::Tab;
    }
    if message.contains("invalid type") {
        return YamlErrorKind::InvalidType;
    }
    YamlErrorKind::Other
}

/// A value refused by its `Deserialize` (see `date::DateError`), whose message reads
/// "<path>: `<value>` <problem>\n  help: <help>".
fn invalid_value(message: &str) -> Option<YamlErrorKind> {
    let (head, help) = message.rsplit_once("\n  help: ")?;
    let (path, quoted) = match head.strip_prefix('`') {
        Some(rest) => ("", rest),
        None => {
            let (path, rest) = head.split_once(": `")?;
            (path, rest)
        }
    };
    let (value, problem) = quoted.rsplit_once("` ")?;
    let path = segments(path);
    let key = match path.last() {
        Some(Segment::Key(key)) => key.to_string(),
        _ => String::new(),
    };
    let parent = match path.len().checked_sub(2).map(|at| path[at]) {
        Some(Segment::Key(parent)) => Some(parent.to_string()),
        _ => None,
    };
    Some(YamlErrorKind::InvalidValue(Box::new(RefusedValue {
        key,
        parent,
        value: value.to_string(),
        problem: problem.to_string(),
        help: help.to_string(),
    })))
}

/// The path serde puts before `marker` ("figures[0]: unknown field …"), or "" at the top.
fn map_path<'a>(message: &'a str, marker: &str) -> &'a str {
    message
        .split_once(marker)
        .and_then(|(before, _)| before.strip_suffix(": "))
        .unwrap_or_default()
}

/// serde's path text (`figures[0].source`) as segments; "" and "." are the top.
fn segments(path: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    if path.is_empty() || path == "." {
        return out;
    }
    for part in path.split('.') {
        let (key, indexes) = part.split_once('[').unwrap_or((part, ""));
        if !key.is_empty() {
            out.push(Segment::Key(key));
        }
        for index in indexes.split('[') {
            if let Ok(index) = index.trim_end_matches(']').parse() {
                out.push(Segment::Index(index));
            }
        }
    }
    out
}

/// Removes the parser's " at line X column Y" parts from `message`; returns the line of the
/// context part ("while scanning … at line X"), if any.
fn strip_locations(message: &str) -> (String, Option<usize>) {
    let mut text = String::with_capacity(message.len());
    let mut context_line = None;
    for (index, part) in message.split(", while ").enumerate() {
        let (words, line) = match part.rfind(" at line ") {
            Some(at) => {
                let line = part[at + 9..]
                    .split(' ')
                    .next()
                    .and_then(|n| n.parse().ok());
                (&part[..at], line)
            }
            None => (part, None),
        };
        if index > 0 {
            text.push_str(" while ");
            context_line = context_line.or(line);
        }
        text.push_str(words);
    }
    (text, context_line)
}

/// One step of a path into a YAML document: a key of a map, or an item of a list (from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment<'a> {
    /// The value of this key.
    Key(&'a str),
    /// This item, counting from 0.
    Index(usize),
}

/// The 1-based line, inside `text`, of the last step of `path`: the line of the key, or of
/// the item's `-`. Walks block maps and lists by indentation (`- key: v` items, nested maps,
/// comments, blank lines, quoted keys); `None` when the path is empty or not there, or goes
/// through a flow value (`[a, b]`, `{a: 1}`).
pub fn line_of(text: &str, path: &[Segment<'_>]) -> Option<usize> {
    let (last, parents) = path.split_last()?;
    let lines = content_lines(text);
    let block = walk(
        Block {
            head: None,
            body: &lines,
        },
        parents,
    )?;
    let (line, _) = match last {
        Segment::Key(key) => block.entry(key, 0)?,
        Segment::Index(index) => block.item(*index)?,
    };
    Some(line)
}

/// The line of `path` in `text` as [`line_of`] finds it, or else that of its nearest parent
/// that it finds (a value inside a flow map `{a: 1}` gets the line of the map's key), or else 1:
/// a line an error can always point at.
pub fn nearest_line(text: &str, path: &[Segment<'_>]) -> usize {
    (1..=path.len())
        .rev()
        .find_map(|len| line_of(text, &path[..len]))
        .unwrap_or(1)
}

/// The line of occurrence `nth` (from 0) of `key` in the map at `map`.
fn nth_key_line(text: &str, map: &[Segment<'_>], key: &str, nth: usize) -> Option<usize> {
    let lines = content_lines(text);
    let block = walk(
        Block {
            head: None,
            body: &lines,
        },
        map,
    )?;
    block.entry(key, nth).map(|(line, _)| line)
}

fn walk<'t, 'l>(mut block: Block<'t, 'l>, path: &[Segment<'_>]) -> Option<Block<'t, 'l>> {
    for segment in path {
        block = match segment {
            Segment::Key(key) => block.entry(key, 0)?.1,
            Segment::Index(index) => block.item(*index)?.1,
        };
    }
    Some(block)
}

/// A line that holds something: its number, its indentation and its text after that.
#[derive(Debug, Clone, Copy)]
struct Line<'t> {
    number: usize,
    indent: usize,
    content: &'t str,
}

/// The lines of `text` that hold YAML: not blank, not comments, not document markers.
fn content_lines(text: &str) -> Vec<Line<'_>> {
    text.lines()
        .enumerate()
        .filter_map(|(index, raw)| {
            let content = raw.trim_start_matches(' ');
            let indent = raw.len() - content.len();
            let content = content.trim_end();
            let marker = indent == 0 && (content == "---" || content == "...");
            (!content.is_empty() && !content.starts_with('#') && !marker).then_some(Line {
                number: index + 1,
                indent,
                content,
            })
        })
        .collect()
}

/// A node of the document: an optional `head` (what follows `key:` or `- ` on the line that
/// opens it, as a line of its own at its column) and the more-indented lines below.
#[derive(Debug, Clone, Copy)]
struct Block<'t, 'l> {
    head: Option<Line<'t>>,
    body: &'l [Line<'t>],
}

impl<'t, 'l> Block<'t, 'l> {
    fn get(&self, at: usize) -> Option<Line<'t>> {
        match (self.head, at) {
            (Some(head), 0) => Some(head),
            (Some(_), at) => self.body.get(at - 1).copied(),
            (None, at) => self.body.get(at).copied(),
        }
    }

    /// The block of the lines `from..to` (positions in this block; `from` ≥ 1 when there is
    /// a head), opened by `head`.
    fn child(&self, head: Option<Line<'t>>, from: usize, to: usize) -> Block<'t, 'l> {
        let skip = usize::from(self.head.is_some());
        Block {
            head,
            body: &self.body[from - skip..to - skip],
        }
    }

    /// The end of the lines that belong to the entry at `at`, indented as `indent`: those
    /// indented more, and, after a key with nothing after it, a list at the key's own indent.
    fn entry_end(&self, at: usize, indent: usize, list_may_follow: bool) -> usize {
        let mut end = at + 1;
        while let Some(line) = self.get(end) {
            let more = line.indent > indent;
            let same_indent_list =
                list_may_follow && line.indent == indent && is_item(line.content);
            if !(more || same_indent_list) {
                break;
            }
            end += 1;
        }
        end
    }

    /// Occurrence `nth` of `key` in this block, read as a map: its line and its value.
    fn entry(&self, key: &str, nth: usize) -> Option<(usize, Block<'t, 'l>)> {
        let first = self.get(0)?;
        if is_item(first.content) {
            return None;
        }
        let mut seen = 0;
        let mut at = 0;
        while let Some(line) = self.get(at) {
            if line.indent < first.indent {
                break;
            }
            let Some((found, rest)) = (line.indent == first.indent)
                .then(|| split_key(line.content))
                .flatten()
            else {
                at += 1;
                continue;
            };
            let end = self.entry_end(at, line.indent, rest.is_empty());
            if found == key {
                if seen == nth {
                    let head = (!rest.is_empty()).then(|| Line {
                        number: line.number,
                        indent: line.indent + (line.content.len() - rest.len()),
                        content: rest,
                    });
                    return Some((line.number, self.child(head, at + 1, end)));
                }
                seen += 1;
            }
            at = end;
        }
        None
    }

    /// Item `index` of this block, read as a list: the line of its `-` and its value.
    fn item(&self, index: usize) -> Option<(usize, Block<'t, 'l>)> {
        let first = self.get(0)?;
        let mut count = 0;
        let mut at = 0;
        while let Some(line) = self.get(at) {
            if line.indent < first.indent {
                break;
            }
            if line.indent > first.indent || !is_item(line.content) {
                at += 1;
                continue;
            }
            let end = self.entry_end(at, line.indent, false);
            if count == index {
                let rest = line.content[1..].trim_start();
                let head = (!rest.is_empty() && !rest.starts_with('#')).then(|| Line {
                    number: line.number,
                    indent: line.indent + (line.content.len() - rest.len()),
                    content: rest,
                });
                return Some((line.number, self.child(head, at + 1, end)));
            }
            count += 1;
            at = end;
        }
        None
    }
}

/// Whether a line's text opens a list item: `-` alone or followed by a space.
fn is_item(content: &str) -> bool {
    content == "-" || content.starts_with("- ") || content.starts_with("-\t")
}

/// `key: rest` → `(key, rest)`, with quotes taken off a quoted key and `rest` empty when the
/// value is on the lines below (anchors, tags and comments do not count as a value).
fn split_key(content: &str) -> Option<(&str, &str)> {
    let (key, after) = match content.chars().next()? {
        quote @ ('"' | '\'') => {
            let mut escaped = false;
            let mut close = None;
            for (at, c) in content.char_indices().skip(1) {
                if escaped {
                    escaped = false;
                } else if c == '\\' && quote == '"' {
                    escaped = true;
                } else if c == quote {
                    // '' inside single quotes is a quote, not the end.
                    if quote == '\'' && content[at + 1..].starts_with('\'') {
                        escaped = true;
                        continue;
                    }
                    close = Some(at);
                    break;
                }
            }
            let close = close?;
            (&content[1..close], content[close + 1..].trim_start())
        }
        '-' if is_item(content) => return None,
        '[' | '{' | '?' | '&' | '!' | '|' | '>' => return None,
        _ => {
            let colon = content.match_indices(':').find_map(|(at, _)| {
                let next = content[at + 1..].chars().next();
                next.is_none_or(|n| n == ' ' || n == '\t').then_some(at)
            })?;
            (content[..colon].trim_end(), &content[colon..])
        }
    };
    let rest = after.strip_prefix(':')?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let mut rest = rest.trim_start();
    // `key: &anchor`, `key: !tag`: the value is below.
    while rest.starts_with(['&', '!']) {
        rest = rest.split_once(' ').map_or("", |(_, r)| r).trim_start();
    }
    if rest.starts_with('#') {
        rest = "";
    }
    (!key.is_empty()).then_some((key, rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn reports_line_of_bad_indentation() {
        let err = from_str::<BTreeMap<String, String>>("title: a\n  bad: b\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(!err.message.contains(" at line "));
    }

    #[test]
    fn unclosed_quote_points_at_its_opening_line() {
        let err =
            from_str::<BTreeMap<String, String>>("title: a\ndescription: \"open\nweight: 1\n")
                .unwrap_err();
        assert_eq!(err.line, Some(2), "{err:?}");
        assert!(err.message.contains("quoted scalar"), "{}", err.message);
    }

    #[test]
    fn finds_line_of_duplicate_key() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Front {
            title: String,
            weight: i64,
        }
        let err = from_str::<Front>("title: a\nweight: 1\ntitle: b\n").unwrap_err();
        assert!(err.message.contains("duplicate"), "{}", err.message);
        assert_eq!(err.line, Some(3));
    }

    #[test]
    fn keeps_typed_strings_as_written() {
        let map: BTreeMap<String, String> = from_str("a: 1.10\nb: NO\nc: 0123\n").unwrap();
        assert_eq!(map["a"], "1.10");
        assert_eq!(map["b"], "NO");
        assert_eq!(map["c"], "0123");
    }

    const FRONT: &str = "\
title: T   # the page's title
# figures, checked at build
figures:
  - value: \"99%\"
    label: coverage
    source: a

  - id: roads
    # where it was said
    source: b
    nested:
      deeper: 1
quotes:
- text: t
  source: c
\"said by\": x
'extra': {a: 1}
";

    #[test]
    fn locates_keys_items_and_their_fields() {
        use Segment::{Index, Key};
        let cases: &[(&[Segment<'_>], Option<usize>)] = &[
            (&[Key("title")], Some(1)),
            (&[Key("figures")], Some(3)),
            (&[Key("figures"), Index(0)], Some(4)),
            (&[Key("figures"), Index(0), Key("value")], Some(4)),
            (&[Key("figures"), Index(0), Key("source")], Some(6)),
            (&[Key("figures"), Index(1), Key("id")], Some(8)),
            // A key after a comment line, and in a map inside a list item.
            (&[Key("figures"), Index(1), Key("source")], Some(10)),
            (
                &[Key("figures"), Index(1), Key("nested"), Key("deeper")],
                Some(12),
            ),
            // A list at its key's own indentation.
            (&[Key("quotes"), Index(0), Key("source")], Some(15)),
            // Quoted keys.
            (&[Key("said by")], Some(16)),
            (&[Key("extra")], Some(17)),
            // Missing: no such key, item or field; a field of another item; a flow map.
            (&[Key("weight")], None),
            (&[Key("figures"), Index(2)], None),
            (&[Key("figures"), Index(0), Key("id")], None),
            (&[Key("quotes"), Index(0), Key("label")], None),
            (&[Key("extra"), Key("a")], None),
            (&[Key("title"), Key("x")], None),
            (&[Key("figures"), Key("value")], None),
            (&[Key("label")], None),
            (&[], None),
        ];
        for (path, line) in cases {
            assert_eq!(line_of(FRONT, path), *line, "{path:?}");
        }
    }

    #[test]
    fn locates_in_odd_documents_without_panicking() {
        use Segment::{Index, Key};
        assert_eq!(line_of("", &[Key("a")]), None);
        assert_eq!(line_of("---\na: 1\n", &[Key("a")]), Some(2));
        assert_eq!(
            line_of("a:\n-\n  b: 1\n", &[Key("a"), Index(0), Key("b")]),
            Some(3)
        );
        assert_eq!(line_of("- - x\n  - y\n", &[Index(0), Index(1)]), Some(2));
        assert_eq!(line_of("url: http://x: y\n", &[Key("url")]), Some(1));
        assert_eq!(line_of("'it''s': 1\n", &[Key("it''s")]), Some(1));
        assert_eq!(line_of("a: &x\n  b: 1\n", &[Key("a"), Key("b")]), Some(2));
        assert_eq!(line_of("a: |\n  b: 1\nc: 2\n", &[Key("c")]), Some(3));
        assert_eq!(line_of("  a: 1\n b: 2\n", &[Key("b")]), None);
        assert_eq!(nth_key_line("a: 1\nb: 2\na: 3\n", &[], "a", 1), Some(3));
        assert_eq!(nearest_line("x: 1\na: {b: 1}\n", &[Key("a"), Key("b")]), 2);
        assert_eq!(nearest_line("x: 1\n", &[Key("a"), Key("b")]), 1);
        assert_eq!(nearest_line("", &[]), 1);
    }

    #[test]
    fn unknown_keys_are_found_where_they_are() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Item {
            value: String,
        }
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Front {
            title: String,
            #[serde(default)]
            figures: Vec<Item>,
        }
        let err =
            from_str::<Front>("title: a\nfigures:\n  - value: x\n  - value: y\n    colour: z\n")
                .unwrap_err();
        assert_eq!(
            err.kind,
            YamlErrorKind::UnknownField {
                field: "colour".into(),
                expected: vec!["value".into()]
            }
        );
        assert_eq!(err.line, Some(5));
        let err = from_str::<Front>("figures: []\ntitle: a\ntitel: b\n").unwrap_err();
        assert_eq!(err.line, Some(3), "{err:?}");
        let err =
            from_str::<Front>("figures:\n  - value: x\n    value: y\ntitle: a\n").unwrap_err();
        assert_eq!(
            err.kind,
            YamlErrorKind::Duplicate {
                key: "value".into()
            }
        );
        assert_eq!(err.line, Some(3), "{err:?}");
    }

    #[test]
    fn refused_dates_carry_key_value_and_help() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Event {
            start_date: crate::date::Date,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Front {
            date: Option<crate::date::Date>,
            event: Option<Event>,
        }
        let err = from_str::<Front>("event:\n  start_date: 2021-02-30\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        let YamlErrorKind::InvalidValue(refused) = err.kind else {
            panic!("{err:?}")
        };
        let RefusedValue {
            key,
            parent,
            value,
            problem,
            help,
        } = *refused;
        assert_eq!(
            (key.as_str(), parent.as_deref(), value.as_str()),
            ("start_date", Some("event"), "2021-02-30")
        );
        assert_eq!(problem, "is not a date: February 2021 has 28 days");
        assert!(help.contains("YYYY-MM-DD"), "{help}");
        let err = from_str::<Front>("\n\ndate: \"2021-02-05 at line 3\"\n").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(
            matches!(&err.kind, YamlErrorKind::InvalidValue(r) if r.key == "date" && r.parent.is_none() && r.value == "2021-02-05 at line 3"),
            "{err:?}"
        );
        let ok: Front = from_str("date: 2021-02-05 10:00Z\n").unwrap();
        assert_eq!(
            ok.date.map(|d| d.to_string()).as_deref(),
            Some("2021-02-05T10:00:00Z")
        );
    }
}
