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
        let mut message = err.to_string();
        // The backend appends " at line X column Y"; we print the location ourselves.
        if let Some(at) = message.find(" at line ") {
            message.truncate(at);
        }
        let mut line = location.as_ref().map(|l| l.line());
        let column = location.as_ref().map(|l| l.column());
        if line.is_none() {
            line = duplicate_key_line(text, &message);
        }
        YamlError {
            line,
            column,
            message,
        }
    })
}

/// serde_yaml reports a duplicate key without a position: find the key's second occurrence.
fn duplicate_key_line(text: &str, message: &str) -> Option<usize> {
    let key = message
        .split("duplicate entry with key \"")
        .nth(1)?
        .split('"')
        .next()?;
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
    fn finds_line_of_duplicate_key() {
        let err = from_str::<BTreeMap<String, String>>("title: a\nweight: 1\ntitle: b\n")
            .unwrap_err();
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
