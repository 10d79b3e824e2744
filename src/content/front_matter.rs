//! Splitting a content file into YAML front matter and Markdown body, and parsing the front
//! matter into [`FrontMatter`].

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::error::Error;
use crate::yaml;

/// The keys a page or section may set between its `---` lines, and a declared taxonomy's
/// terms (`topics: [Connectivity]`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct FrontMatter {
    /// The page's title (required, except on the home section).
    pub title: Option<String>,
    /// One sentence for the meta description and listings.
    pub description: Option<String>,
    /// The day (or moment) of what the page reports: `YYYY-MM-DD`, or with a time and its
    /// offset. The Atom feed's `<published>`.
    pub date: Option<Date>,
    /// When the page's content last changed, shown as "Last updated"; the sitemap's `lastmod`
    /// and the feed's `<updated>` (which use `date` when it is unset).
    pub updated: Option<Date>,
    /// Dated corrections, shown in a box on the page.
    #[serde(default)]
    pub corrections: Vec<Correction>,
    /// Lower weights come first in listings.
    pub weight: Option<i64>,
    /// Left out of the build unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// A template other than the default (`page.html`, `section.html`, `index.html`).
    pub template: Option<String>,
    /// Numbers with their speaker, source and quote, checked at build.
    #[serde(default)]
    pub figures: Vec<Figure>,
    /// Words with their speaker and source, checked at build.
    #[serde(default)]
    pub quotes: Vec<Quote>,
    /// On a section: how many pages each listing page shows; the rest go on `page/2/`, ….
    pub paginate_by: Option<usize>,
    /// Free-form data for templates.
    #[serde(default)]
    pub extra: BTreeMap<String, yaml::Value>,
    /// The keys that are none of the above, as parsed; emptied by [`take_terms`].
    #[serde(flatten)]
    pub rest: BTreeMap<String, yaml::Value>,
    /// Terms by taxonomy (`topics` → `[Connectivity]`), as the default language names them.
    #[serde(skip)]
    pub terms: Terms,
}

/// Terms by taxonomy name, in the default language, as written (trimmed).
pub type Terms = BTreeMap<String, Vec<String>>;

/// The keys a page's front matter has besides the taxonomies, for "did you mean".
pub const FRONT_MATTER_KEYS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "corrections",
    "weight",
    "draft",
    "template",
    "figures",
    "quotes",
    "paginate_by",
    "extra",
];

/// The keys of a figure besides the taxonomies.
pub const FIGURE_KEYS: &[&str] = &["id", "value", "label", "said_by", "source", "quote"];

/// The keys of a quote besides the taxonomies.
pub const QUOTE_KEYS: &[&str] = &["text", "said_by", "source", "context", "translation"];

/// Why a key that is not a field was refused by [`take_terms`].
#[derive(Debug, PartialEq, Eq)]
pub enum TermProblem {
    /// Not a field, and not a declared taxonomy either; `names` when its value is a list of
    /// names, as a taxonomy's would be.
    Unknown {
        /// The key as written.
        key: String,
        /// Whether the value is a list of names.
        names: bool,
    },
    /// A declared taxonomy whose value is not a list of names (or one name).
    NotNames(String),
    /// An empty name in a taxonomy's list.
    EmptyName(String),
}

impl TermProblem {
    /// The key the problem is about.
    pub fn key(&self) -> &str {
        match self {
            TermProblem::Unknown { key, .. }
            | TermProblem::NotNames(key)
            | TermProblem::EmptyName(key) => key,
        }
    }
}

/// Moves the declared taxonomies' terms out of `rest` into `terms`. A key of `rest` that is
/// not in `declared` is refused, as is a value that is not a name or a list of names.
pub fn take_terms(
    rest: &mut BTreeMap<String, yaml::Value>,
    terms: &mut Terms,
    declared: &[String],
) -> Result<(), TermProblem> {
    let name = |item: &yaml::Value| match item {
        yaml::Value::Mapping(_) | yaml::Value::Sequence(_) | yaml::Value::Null => None,
        other => Some(yaml::to_display(other).trim().to_string()),
    };
    for (key, value) in std::mem::take(rest) {
        if !declared.contains(&key) {
            let names = matches!(&value, yaml::Value::Sequence(items) if items.iter().all(|i| name(i).is_some()));
            return Err(TermProblem::Unknown { key, names });
        }
        let names: Vec<String> = match &value {
            yaml::Value::Sequence(items) => items
                .iter()
                .map(name)
                .collect::<Option<_>>()
                .ok_or_else(|| TermProblem::NotNames(key.clone()))?,
            yaml::Value::String(_) | yaml::Value::Number(_) | yaml::Value::Bool(_) => {
                vec![yaml::to_display(&value).trim().to_string()]
            }
            _ => return Err(TermProblem::NotNames(key)),
        };
        if names.iter().any(String::is_empty) {
            return Err(TermProblem::EmptyName(key));
        }
        let mut unique: Vec<String> = Vec::with_capacity(names.len());
        for name in names {
            if !unique.contains(&name) {
                unique.push(name);
            }
        }
        terms.insert(key, unique);
    }
    Ok(())
}

/// A correction of a published page.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// When it was made, `YYYY-MM-DD`.
    pub date: Date,
    /// What was corrected.
    pub text: String,
}

/// A number somebody said, with who said it, where it was published and their words.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Figure {
    /// A name to place the figure in prose: `{{ figure(id="coverage") }}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The number as shown, e.g. `99%` or `20 thousand km`.
    pub value: String,
    /// What the number measures.
    pub label: String,
    /// Who said it, with their role.
    pub said_by: String,
    /// The `id` of a source in `site.yaml`. A translation leaves it out: it is the original's.
    #[serde(default)]
    pub source: String,
    /// The words of the source that state the number, copied exactly. A translation leaves it
    /// out: it is the original's.
    #[serde(default)]
    pub quote: String,
    /// The keys that are none of the above, as parsed; emptied by [`take_terms`].
    #[serde(flatten)]
    pub rest: BTreeMap<String, yaml::Value>,
    /// Its terms by taxonomy (a translation's are its original's).
    #[serde(skip)]
    pub terms: Terms,
}

/// Words somebody said, copied exactly from a source.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Quote {
    /// The words, exactly as the source prints them. A translation leaves them out: they stay
    /// the original's, the speaker's own words.
    #[serde(default)]
    pub text: String,
    /// Who said them, with their role.
    pub said_by: String,
    /// The `id` of a source in `site.yaml`. A translation leaves it out.
    #[serde(default)]
    pub source: String,
    /// Where or how they were said, e.g. `video message to the forum`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// In a translated page: the editors' translation of `text`, shown beside the exact words
    /// and labelled as a translation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translation: Option<String>,
    /// The keys that are none of the above, as parsed; emptied by [`take_terms`].
    #[serde(flatten)]
    pub rest: BTreeMap<String, yaml::Value>,
    /// Its terms by taxonomy (a translation's are its original's).
    #[serde(skip)]
    pub terms: Terms,
}

/// A content file cut in two, with the line numbers needed to report errors in the file.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the `---` lines (empty when the file has none).
    pub front_matter: &'a str,
    /// Lines of the file before the YAML starts (1 when it starts after `---`).
    pub front_matter_offset: usize,
    /// The Markdown after the closing `---`.
    pub body: &'a str,
    /// 1-based line where the body starts.
    pub body_line: usize,
}

/// Cuts `text` at its front-matter fences. A file that does not start with `---` is all body.
/// Returns `Err(line)` of the opening fence when the closing one is missing.
pub fn split(text: &str) -> Result<Split<'_>, usize> {
    let Some(after_open) = strip_fence(text) else {
        return Ok(Split {
            front_matter: "",
            front_matter_offset: 0,
            body: text,
            body_line: 1,
        });
    };
    let yaml_start = text.len() - after_open.len();
    let mut offset = yaml_start;
    for (index, line) in after_open.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            let body_start = offset + line.len();
            return Ok(Split {
                front_matter: &text[yaml_start..offset],
                front_matter_offset: 1,
                body: &text[body_start..],
                body_line: index + 3,
            });
        }
        offset += line.len();
    }
    Err(1)
}

/// The text after an opening `---` line, if `text` starts with one.
fn strip_fence(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("---")?;
    let rest = rest.trim_start_matches([' ', '\t']);
    rest.strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))
}

/// Parses the front matter of `file` (a path relative to the site root) and checks its values.
pub fn parse(file: &Path, split: &Split<'_>) -> Result<FrontMatter, Error> {
    if split.front_matter.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    if let Some(front) = plain_front_matter(split.front_matter) {
        return Ok(front);
    }
    // Dates are parsed here too (`Date` refuses what is not one), so a bad one is reported
    // with its own line.
    yaml::from_str(split.front_matter).map_err(|err| {
        Error::from_yaml(
            file.to_path_buf(),
            split.front_matter,
            split.front_matter_offset,
            err,
        )
    })
}

/// Front matter of the plainest form read without the YAML parser, which costs a large
/// site's build more than any other step of loading a page: lines `key: value` for `title`
/// and `description` (words: letters, digits, spaces and `-_.,()/'`, starting with a letter),
/// `date` (a day, `YYYY-MM-DD`), `weight` (a whole number) and `draft` (`true` or `false`),
/// each key once, blank lines between. Anything else, including every mistake, gives `None`
/// and goes to the YAML parser, which reads it the same way or reports it with its line (the
/// tests compare the two readings).
fn plain_front_matter(text: &str) -> Option<FrontMatter> {
    let mut front = FrontMatter::default();
    let mut seen = [false; 5];
    for line in text.split('\n') {
        if line.is_empty() {
            continue;
        }
        let (key, value) = line.split_once(": ")?;
        let value = value.trim_end_matches(' ');
        let slot = match key {
            "title" => 0,
            "description" => 1,
            "date" => 2,
            "weight" => 3,
            "draft" => 4,
            _ => return None,
        };
        if std::mem::replace(&mut seen[slot], true) {
            return None; // said twice: YAML names the line
        }
        match slot {
            0 => front.title = Some(plain_words(value)?.to_string()),
            1 => front.description = Some(plain_words(value)?.to_string()),
            2 => front.date = Some(plain_day(value)?),
            3 => front.weight = Some(plain_whole_number(value)?),
            _ => {
                front.draft = match value {
                    "true" => true,
                    "false" => false,
                    _ => return None,
                }
            }
        }
    }
    Some(front)
}

/// `value` when YAML reads it as this very text: starts with a letter, holds only letters,
/// digits, spaces and `-_.,()/'`, and is not a word YAML gives a meaning (`null`, `true`…).
fn plain_words(value: &str) -> Option<&str> {
    let starts_with_letter = value.starts_with(char::is_alphabetic);
    let words = value.chars().all(|c| {
        c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | ',' | '(' | ')' | '/' | '\'')
    });
    let meaningful = matches!(
        value,
        "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
    );
    (starts_with_letter && words && !meaningful).then_some(value)
}

/// A day written `YYYY-MM-DD` that is one.
fn plain_day(value: &str) -> Option<Date> {
    let shape = value.len() == 10
        && value.bytes().enumerate().all(|(at, b)| match at {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    shape.then(|| Date::parse(value).ok()).flatten()
}

/// A whole number as YAML writes one in decimal, without a leading zero or `+`.
fn plain_whole_number(value: &str) -> Option<i64> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let plain = !digits.is_empty()
        && digits.len() <= 18
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && value != "-0";
    plain.then(|| value.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_front_matter_is_read_as_yaml_reads_it_and_anything_else_is_left_to_yaml() {
        let plain = [
            "title: Page 0\ndate: 2021-02-01\nweight: 0\n",
            "title: Цифровой Алматы 2021\ndescription: Forum, 5 Feb (Almaty) - a/b 'x'\n",
            "\ntitle: A   spaced  title   \n\ndraft: true\nweight: -42\n",
            "draft: false\nweight: 123456789012345678\ndate: 2020-02-29\n",
            "title: No\ndescription: yes\n",
        ];
        let left_to_yaml = [
            "title: null\n",
            "title: True\n",
            "title: 2021\n",
            "title: a: b\n",
            "title: a #comment\n",
            "title: \"quoted\"\n",
            "title:  two spaces\n",
            "title: a\n  continued\n",
            "title: a\ntitle: b\n",
            "# comment\ntitle: a\n",
            "title: tab\there\n",
            "title:\n",
            "weight: 007\n",
            "weight: +7\n",
            "weight: -0\n",
            "weight: 1.5\n",
            "weight: 1234567890123456789\n",
            "draft: yes\n",
            "draft: True\n",
            "date: 2021-02-30\n",
            "date: 2021-2-5\n",
            "date: 2021-02-05T10:00:00Z\n",
            "topics: [a]\n",
            "extra:\n  a: 1\n",
            "title: emoji 🙂\n",
            "title: ~\n",
            " title: indented\n",
        ];
        let yaml_reading = |text: &str| -> Result<String, String> {
            yaml::from_str::<FrontMatter>(text)
                .map(|front| serde_json::to_string(&front).unwrap_or_default())
                .map_err(|err| format!("{err:?}"))
        };
        for text in plain {
            let fast = plain_front_matter(text).unwrap_or_else(|| panic!("plain: {text:?}"));
            assert_eq!(
                Ok(serde_json::to_string(&fast).unwrap_or_default()),
                yaml_reading(text),
                "{text:?}"
            );
        }
        for text in left_to_yaml {
            assert!(plain_front_matter(text).is_none(), "left to YAML: {text:?}");
        }
    }

    #[test]
    fn splits_front_matter_and_body_with_line_numbers() {
        let cases: &[(&str, &str, &str, usize)] = &[
            ("---\ntitle: a\n---\nbody\n", "title: a\n", "body\n", 4),
            ("---\r\ntitle: a\r\n---\r\nbody", "title: a\r\n", "body", 4),
            ("---\n---\n", "", "", 3),
            ("---\ntitle: a\n---", "title: a\n", "", 4),
            ("--- \nt: 1\n--- \nx", "t: 1\n", "x", 4),
            ("no front matter\n", "", "no front matter\n", 1),
            ("", "", "", 1),
            ("----\nx", "", "----\nx", 1),
        ];
        for (input, yaml, body, body_line) in cases {
            let split = split(input).unwrap();
            assert_eq!(split.front_matter, *yaml, "yaml of {input:?}");
            assert_eq!(split.body, *body, "body of {input:?}");
            assert_eq!(split.body_line, *body_line, "body line of {input:?}");
        }
    }

    #[test]
    fn unterminated_front_matter_reports_opening_line() {
        assert_eq!(split("---\ntitle: a\nbody\n"), Err(1));
    }
}
