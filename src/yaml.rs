//! The one place that knows which YAML crate parses front matter and `site.yaml`.
//!
//! `serde_yaml` is what the owner named; upstream marks it deprecated and `serde_norway` is the
//! maintained fork with the same API. Swapping is the `use` line below plus `Cargo.toml`.

use serde::de::DeserializeOwned;
use serde_yaml as backend;

/// A YAML value kept as written (ordered maps), for free-form `extra` tables.
pub type Value = backend::Value;

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
        // Duplicate keys come without a useful position: find the second occurrence.
        if let YamlErrorKind::Duplicate { key } = &kind
            && let Some(duplicate) = duplicate_key_line(text, key)
        {
            line = Some(duplicate);
            column = None;
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

/// The line of the second occurrence of `key`.
fn duplicate_key_line(text: &str, key: &str) -> Option<usize> {
    let mut seen = false;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let is_key = trimmed
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'));
        if is_key {
            if seen {
                return Some(index + 1);
            }
            seen = true;
        }
    }
    None
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
