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
        // Duplicate keys come without a useful position: find the second occurrence.
        if let Some(duplicate) = duplicate_key_line(text, &message) {
            line = Some(duplicate);
            column = None;
        }
        YamlError {
            line,
            column,
            message: message.replace("expected i64", "expected a whole number"),
        }
    })
}

/// Removes the parser's " at line X column Y" parts from `message`; returns the line of the
/// context part ("while scanning … at line X"), if any.
fn strip_locations(message: &str) -> (String, Option<usize>) {
    let mut text = String::with_capacity(message.len());
    let mut context_line = None;
    for (index, part) in message.split(", while ").enumerate() {
        let (words, line) = match part.find(" at line ") {
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

/// The line of the second occurrence of the key a "duplicate" message names.
fn duplicate_key_line(text: &str, message: &str) -> Option<usize> {
    let key = if let Some(rest) = message.strip_prefix("duplicate field `") {
        rest.split('`').next()?
    } else {
        message
            .strip_prefix("duplicate entry with key \"")?
            .split('"')
            .next()?
    };
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
}
