//! The fact-sheet model: figures and quotes in front matter, checked against the sources that
//! `site.yaml` lists and, when a source has a stored text, against that text word for word.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::{Config, in_sources_dir};
use crate::content::front_matter::{Figure, Quote};
use crate::content::{Page, Site};
use crate::error::Error;
use crate::paths::{CONFIG_FILE, read_text};
use crate::yaml::{self, Segment};

/// The stored texts of the sources that have one, normalised for comparison.
#[derive(Debug, Default)]
pub struct SourceTexts {
    texts: BTreeMap<String, (String, String)>,
}

/// Reads every source's `file:`. A path outside `sources/` is left to the config's checks,
/// which report it; a file there that is missing or unreadable is an error here.
pub fn load_source_texts(root: &Path, config: &Config) -> Result<SourceTexts, Vec<Error>> {
    let mut texts = BTreeMap::new();
    let mut errors = Vec::new();
    let site_yaml = read_text(root, Path::new(CONFIG_FILE)).unwrap_or_default();
    for (index, source) in config.sources.iter().enumerate() {
        let Some(file) = &source.file else { continue };
        if !in_sources_dir(file) {
            continue;
        }
        let line = yaml::nearest_line(
            &site_yaml,
            &[
                Segment::Key("sources"),
                Segment::Index(index),
                Segment::Key("file"),
            ],
        );
        let relative = PathBuf::from(file);
        if !root.join(&relative).is_file() {
            errors.push(Error::InvalidValue {
                path: PathBuf::from(CONFIG_FILE),
                line,
                message: format!(
                    "source `{}` has `file: {file}`, which does not exist",
                    source.id
                ),
                help: format!("store the source's text at {file}, or remove the `file:` line"),
            });
            continue;
        }
        if let Some(target) = crate::paths::outside_site(root, &relative) {
            errors.push(Error::InvalidValue {
                path: PathBuf::from(CONFIG_FILE),
                line,
                message: format!(
                    "source `{}` has `file: {file}`, a symbolic link that leads outside the site (to {})",
                    source.id,
                    target.display()
                ),
                help: "copy the source's text into the site, e.g. `sources/article.txt`".into(),
            });
            continue;
        }
        match read_text(root, &relative) {
            Ok(text) => {
                texts.insert(source.id.clone(), (file.clone(), normalize(&text)));
            }
            Err(err) => errors.push(Error::InvalidValue {
                path: PathBuf::from(CONFIG_FILE),
                line,
                message: format!("source `{}`: {err}", source.id),
                help: "store the source's text at that path as UTF-8, or remove the `file:` line"
                    .into(),
            }),
        }
    }
    if errors.is_empty() {
        Ok(SourceTexts { texts })
    } else {
        Err(errors)
    }
}

/// Checks every figure and quote of `page`; returns one error per problem, with its line.
pub fn check_page(page: &Page, config: &Config, texts: &SourceTexts) -> Vec<Error> {
    let mut errors = Vec::new();
    let line_of = |list: &str, index: usize, field: &str| {
        item_field_line(&page.front_matter, list, index, field).unwrap_or(0)
            + page.front_matter_offset
    };
    let check_source = |what: String, source: &str, line: usize, errors: &mut Vec<Error>| {
        if config.sources.iter().all(|s| s.id != source) {
            let known: Vec<&str> = config.sources.iter().map(|s| s.id.as_str()).collect();
            errors.push(Error::InvalidValue {
                path: page.file.clone(),
                line,
                message: format!("{what} cites source `{source}`, which site.yaml does not list"),
                help: format!(
                    "cite one of: {}; or add the source under `sources:` in site.yaml",
                    if known.is_empty() {
                        "(none yet)".to_string()
                    } else {
                        known.join(", ")
                    }
                ),
            });
        }
    };
    let missing = |list: &str, index: usize, key: &str, what: String| Error::Missing {
        path: page.file.clone(),
        line: item_field_line(&page.front_matter, list, index, "said_by")
            .or_else(|| item_field_line(&page.front_matter, list, index, "value"))
            .or_else(|| item_field_line(&page.front_matter, list, index, "text"))
            .unwrap_or(0)
            + page.front_matter_offset,
        what,
        help: format!("add `{key}:` to it; only a translation takes it from its original"),
    };
    for (index, figure) in page.front.figures.iter().enumerate() {
        let what = format!("figure \"{}\"", figure.value);
        if figure.source.is_empty() || figure.quote.is_empty() {
            let key = if figure.source.is_empty() {
                "source"
            } else {
                "quote"
            };
            errors.push(missing(
                "figures",
                index,
                key,
                format!("the `{key}` of {what}"),
            ));
            continue;
        }
        check_source(
            what.clone(),
            &figure.source,
            line_of("figures", index, "source"),
            &mut errors,
        );
        let line = line_of("figures", index, "quote");
        let wanted = numbers_in(&figure.value);
        if wanted.is_empty() {
            errors.push(Error::InvalidValue {
                path: page.file.clone(),
                line: line_of("figures", index, "value"),
                message: format!("{what} has no number in its value"),
                help: "a figure's value is a number, e.g. `99%` or `20 thousand km`".into(),
            });
        } else {
            let said = numbers_in(&figure.quote);
            if let Some(missing) = wanted.iter().find(|n| !said.iter().any(|s| same(**n, *s))) {
                errors.push(Error::InvalidValue {
                    path: page.file.clone(),
                    line,
                    message: format!(
                        "{what}: its quote does not state the number {}",
                        display_number(*missing)
                    ),
                    help: "quote the source's words that give this number, or correct the value"
                        .into(),
                });
            }
        }
        errors.extend(check_verbatim(
            page,
            &what,
            &figure.quote,
            &figure.source,
            line,
            texts,
        ));
    }
    for (index, quote) in page.front.quotes.iter().enumerate() {
        let what = format!("quote of {}", quote.said_by);
        if quote.text.is_empty() || quote.source.is_empty() {
            let key = if quote.text.is_empty() {
                "text"
            } else {
                "source"
            };
            errors.push(missing(
                "quotes",
                index,
                key,
                format!("the `{key}` of the {what}"),
            ));
            continue;
        }
        if quote.translation.is_some() {
            errors.push(Error::InvalidValue {
                path: page.file.clone(),
                line: line_of("quotes", index, "translation"),
                message: format!("the {what} has a `translation`, but this page is no translation"),
                help: "put translations of quotes in the translated page (`page.ru.md`)".into(),
            });
        }
        check_source(
            what.clone(),
            &quote.source,
            line_of("quotes", index, "source"),
            &mut errors,
        );
        let line = line_of("quotes", index, "text");
        errors.extend(check_verbatim(
            page,
            &what,
            &quote.text,
            &quote.source,
            line,
            texts,
        ));
    }
    errors
}

/// Completes every translated page's figures and quotes from its original, and checks that
/// the translation keeps the facts: the same figures (by `id`, none dropped, none added), the
/// same source, the same numbers in each value (`99%` is not `98 %`; `1,000+` is `1 000+`),
/// and the speakers' exact words untouched (`text:` is the original's; a translation goes in
/// `translation:`). Each problem names the translation's file and line.
pub fn apply_translations(site: &mut Site) -> Vec<Error> {
    let translated: std::collections::HashSet<&str> = site
        .all_pages()
        .filter(|p| p.is_translation())
        .map(|p| p.key.as_str())
        .collect();
    if translated.is_empty() {
        return Vec::new();
    }
    let originals: BTreeMap<String, (PathBuf, Vec<Figure>, Vec<Quote>)> = site
        .all_pages()
        .filter(|p| !p.is_translation() && translated.contains(p.key.as_str()))
        .map(|p| {
            let facts = (
                p.file.clone(),
                p.front.figures.clone(),
                p.front.quotes.clone(),
            );
            (p.key.clone(), facts)
        })
        .collect();
    let mut errors = Vec::new();
    let pages = site
        .sections
        .iter_mut()
        .map(|s| &mut s.page)
        .chain(site.pages.iter_mut());
    // A language's home section without a file translates nothing.
    for page in pages.filter(|p| p.is_translation() && p.written) {
        if let Some((file, figures, quotes)) = originals.get(&page.key) {
            errors.extend(translate_figures(page, file, figures));
            errors.extend(translate_quotes(page, file, quotes));
        }
    }
    errors
}

/// Lines of one list (`figures`, `quotes`) in a translation's front matter, and its errors.
struct ListLines {
    path: PathBuf,
    text: String,
    offset: usize,
    list: &'static str,
}

impl ListLines {
    fn of(page: &Page, list: &'static str) -> ListLines {
        ListLines {
            path: page.file.clone(),
            text: page.front_matter.clone(),
            offset: page.front_matter_offset,
            list,
        }
    }

    /// The line of `field` of item `index`, else of the list.
    fn line(&self, index: usize, field: &str) -> usize {
        item_field_line(&self.text, self.list, index, field)
            .or_else(|| yaml::line_of(&self.text, &[Segment::Key(self.list)]))
            .unwrap_or(0)
            + self.offset
    }

    /// The line of the list's key (1 when the list is absent).
    fn list_line(&self) -> usize {
        yaml::line_of(&self.text, &[Segment::Key(self.list)]).map_or(1, |l| l + self.offset)
    }

    fn fail(&self, line: usize, message: String, help: String) -> Error {
        Error::InvalidValue {
            path: self.path.clone(),
            line,
            message,
            help,
        }
    }
}

fn translate_figures(page: &mut Page, original_file: &Path, originals: &[Figure]) -> Vec<Error> {
    let mut errors = Vec::new();
    let at = ListLines::of(page, "figures");
    let original = original_file.display();
    let mut seen = Vec::new();
    for (index, figure) in page.front.figures.iter_mut().enumerate() {
        let id = figure.id.clone().unwrap_or_default();
        let Some(source) = originals
            .iter()
            .find(|o| o.id.as_deref() == Some(id.as_str()))
        else {
            errors.push(at.fail(
                at.line(index, "id"),
                if id.is_empty() {
                    "a figure of a translation has no `id`".to_string()
                } else {
                    format!("figure `{id}` is not in {original}: a translation cannot add a figure")
                },
                format!("translate the figures of {original} by their ids, and only those"),
            ));
            continue;
        };
        seen.push(id.clone());
        if !figure.source.is_empty() && figure.source != source.source {
            errors.push(at.fail(
                at.line(index, "source"),
                format!(
                    "figure `{id}` cites `{}`, but {original} cites `{}`",
                    figure.source, source.source
                ),
                "leave `source:` out of a translation: it is the original's".into(),
            ));
        }
        if !figure.quote.is_empty() && figure.quote != source.quote {
            errors.push(at.fail(
                at.line(index, "quote"),
                format!("figure `{id}` changes the speaker's words quoted in {original}"),
                "leave `quote:` out of a translation: the exact words are the original's".into(),
            ));
        }
        let (wanted, stated) = (stated_numbers(&source.value), stated_numbers(&figure.value));
        if !same_numbers(&wanted, &stated) {
            errors.push(at.fail(
                at.line(index, "value"),
                format!(
                    "figure `{id}`: \"{}\" states {}, but the original \"{}\" states {}",
                    figure.value,
                    list_numbers(&stated),
                    source.value,
                    list_numbers(&wanted)
                ),
                "write the same number the language's way (`1 000+`, `3,9 трлн`), never another one".into(),
            ));
        }
        figure.source = source.source.clone();
        figure.quote = source.quote.clone();
        figure.terms = source.terms.clone();
    }
    for dropped in originals
        .iter()
        .filter_map(|o| o.id.as_deref())
        .filter(|id| !seen.iter().any(|s| s == id))
    {
        errors.push(at.fail(
            at.list_line(),
            format!(
                "figure `{dropped}` of {original} is missing: a translation keeps every figure"
            ),
            format!(
                "add it under `figures:` with `id: {dropped}` and its translated label and value"
            ),
        ));
    }
    errors
}

fn translate_quotes(page: &mut Page, original_file: &Path, originals: &[Quote]) -> Vec<Error> {
    let mut errors = Vec::new();
    let at = ListLines::of(page, "quotes");
    let original = original_file.display();
    if page.front.quotes.len() != originals.len() {
        errors.push(at.fail(
            at.list_line(),
            format!(
                "{} quotes here, {} in {original}: a translation keeps every quote, and adds none",
                page.front.quotes.len(),
                originals.len()
            ),
            "translate each quote of the original, in its order, with `translation:`".into(),
        ));
    }
    for (index, (quote, source)) in page.front.quotes.iter_mut().zip(originals).enumerate() {
        if !quote.text.is_empty() && quote.text != source.text {
            errors.push(at.fail(
                at.line(index, "text"),
                format!(
                    "quote {} gives other words than the speaker's in {original}: a translation is never someone's exact words",
                    index + 1
                ),
                "leave `text:` out (the page shows the speaker's own words) and put your translation in `translation:`".into(),
            ));
        }
        if !quote.source.is_empty() && quote.source != source.source {
            errors.push(at.fail(
                at.line(index, "source"),
                format!(
                    "quote {} cites `{}`, but {original} cites `{}`",
                    index + 1,
                    quote.source,
                    source.source
                ),
                "leave `source:` out of a translation: it is the original's".into(),
            ));
        }
        if quote
            .translation
            .as_deref()
            .is_none_or(|t| t.trim().is_empty())
        {
            errors.push(Error::Missing {
                path: at.path.clone(),
                line: at.line(index, "said_by"),
                what: format!("the `translation` of quote {}", index + 1),
                help: "add `translation: \"…\"`, your translation of the speaker's words".into(),
            });
        }
        quote.text = source.text.clone();
        quote.source = source.source.clone();
        quote.terms = source.terms.clone();
    }
    errors
}

/// The numbers a value states, in any language's way of writing them: a `,`, `.` or space
/// followed by exactly three digits separates thousands (`1,000`, `1 000`), any other `,` or
/// `.` between digits is the decimal point (`3.9`, `3,9`). Words are not read.
pub fn stated_numbers(text: &str) -> Vec<f64> {
    let chars: Vec<char> = text.chars().collect();
    let mut numbers = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        if !chars[index].is_ascii_digit() {
            index += 1;
            continue;
        }
        let mut digits = String::new();
        let mut decimal = false;
        while index < chars.len() {
            let c = chars[index];
            if c.is_ascii_digit() {
                digits.push(c);
                index += 1;
                continue;
            }
            let group = |at: usize| {
                (at..at + 3).all(|i| chars.get(i).is_some_and(char::is_ascii_digit))
                    && !chars.get(at + 3).is_some_and(char::is_ascii_digit)
            };
            let separator = matches!(c, ',' | '.' | ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}');
            if separator && !decimal && group(index + 1) && !(c == '.' && digits.contains('.')) {
                index += 1; // a thousands separator
            } else if matches!(c, ',' | '.')
                && !decimal
                && chars.get(index + 1).is_some_and(char::is_ascii_digit)
            {
                digits.push('.');
                decimal = true;
                index += 1;
            } else {
                break;
            }
        }
        if let Ok(number) = digits.parse::<f64>() {
            numbers.push(number);
        }
    }
    numbers
}

fn same_numbers(a: &[f64], b: &[f64]) -> bool {
    let sorted = |list: &[f64]| {
        let mut list = list.to_vec();
        list.sort_by(f64::total_cmp);
        list
    };
    let (a, b) = (sorted(a), sorted(b));
    a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| same(*x, *y))
}

fn list_numbers(numbers: &[f64]) -> String {
    if numbers.is_empty() {
        return "no number".into();
    }
    numbers
        .iter()
        .map(|n| display_number(*n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Figure ids must be unique across the site, so that `get_figure(id=...)` is unambiguous.
pub fn check_unique_ids<'a>(pages: impl Iterator<Item = &'a Page>) -> Vec<Error> {
    let mut first_use: BTreeMap<&str, &Path> = BTreeMap::new();
    let mut errors = Vec::new();
    for page in pages {
        for (index, figure) in page.front.figures.iter().enumerate() {
            let Some(id) = figure.id.as_deref() else {
                continue;
            };
            if let Some(first) = first_use.insert(id, &page.file) {
                errors.push(Error::InvalidValue {
                    path: page.file.clone(),
                    line: item_field_line(&page.front_matter, "figures", index, "id").unwrap_or(0)
                        + page.front_matter_offset,
                    message: format!("figure id `{id}` is already used in {}", first.display()),
                    help: "give each figure its own id".into(),
                });
            }
        }
    }
    errors
}

/// An error when the source has a stored text and `words` are not in it.
fn check_verbatim(
    page: &Page,
    what: &str,
    words: &str,
    source: &str,
    line: usize,
    texts: &SourceTexts,
) -> Option<Error> {
    let (file, text) = texts.texts.get(source)?;
    let wanted = normalize(words);
    if text.contains(&wanted) {
        return None;
    }
    let matched = longest_matching_prefix(text, &wanted);
    let help = if matched.is_empty() {
        format!("copy the words exactly from {file}; not even the first word matches")
    } else {
        format!(
            "copy the words exactly from {file}; the text matches up to \"{matched}\" and differs after it"
        )
    };
    Some(Error::InvalidValue {
        path: page.file.clone(),
        line,
        message: format!("{what} is not found word for word in source `{source}`"),
        help,
    })
}

/// The longest run of leading words of `quote` that `text` contains.
fn longest_matching_prefix<'a>(text: &str, quote: &'a str) -> &'a str {
    let mut best = "";
    for (at, _) in quote.match_indices(' ').chain([(quote.len(), "")]) {
        let prefix = &quote[..at];
        if text.contains(prefix) {
            best = prefix;
        } else {
            break;
        }
    }
    best
}

/// Collapses whitespace and turns typographic quotes into plain ones, so a quote copied with
/// other quote marks or line breaks still matches.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            out.push(match c {
                '«' | '»' | '“' | '”' | '„' | '‟' | '″' => '"',
                '‘' | '’' | '‚' | '‛' | '′' => '\'',
                other => other,
            });
        }
    }
    out
}

/// The numbers a text states, scaled by the words after them: `20 thousand` is 20000, `$3.9trl`
/// 3.9e12, `a thousand` 1000, `1,000` 1000.
pub fn numbers_in(text: &str) -> Vec<f64> {
    let lower = text.to_lowercase();
    let mut tokens: Vec<&str> = Vec::new();
    let mut start = None;
    let mut kind_digit = false;
    for (at, c) in lower.char_indices() {
        let is_digit =
            c.is_ascii_digit() || (start.is_some() && kind_digit && (c == '.' || c == ','));
        let is_letter = c.is_alphabetic();
        let same_kind = start.is_some() && ((kind_digit && is_digit) || (!kind_digit && is_letter));
        if same_kind {
            continue;
        }
        if let Some(s) = start.take() {
            tokens.push(&lower[s..at]);
        }
        if is_digit || is_letter {
            start = Some(at);
            kind_digit = is_digit;
        }
    }
    if let Some(s) = start {
        tokens.push(&lower[s..]);
    }
    let mut numbers = Vec::new();
    let mut index = 0;
    while index < tokens.len() {
        let token = tokens[index].trim_end_matches(['.', ',']);
        let base = if token.starts_with(|c: char| c.is_ascii_digit()) {
            token.replace(',', "").parse::<f64>().ok()
        } else if matches!(token, "a" | "one")
            && tokens.get(index + 1).and_then(|t| scale(t)).is_some()
        {
            Some(1.0)
        } else {
            None
        };
        if let Some(base) = base {
            match tokens.get(index + 1).and_then(|t| scale(t)) {
                Some(factor) => {
                    numbers.push(base * factor);
                    index += 1;
                }
                None => numbers.push(base),
            }
        }
        index += 1;
    }
    numbers
}

fn scale(word: &str) -> Option<f64> {
    match word {
        "thousand" | "thousands" => Some(1e3),
        "million" | "millions" | "mln" => Some(1e6),
        "billion" | "billions" | "bln" | "bn" => Some(1e9),
        "trillion" | "trillions" | "trl" | "tn" => Some(1e12),
        _ => None,
    }
}

fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= a.abs().max(b.abs()) * 1e-9
}

fn display_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// 1-based line, inside the YAML `text`, of `field` in item `index` of the top-level list
/// `list`; `None` when it cannot be found (the caller then points at the front matter).
pub fn item_field_line(text: &str, list: &str, index: usize, field: &str) -> Option<usize> {
    yaml::line_of(
        text,
        &[
            Segment::Key(list),
            Segment::Index(index),
            Segment::Key(field),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_with_their_scale() {
        let cases: &[(&str, &[f64])] = &[
            ("99%", &[99.0]),
            ("The Internet coverage in the country now is 99%,", &[99.0]),
            ("over 15 million", &[15e6]),
            ("20 thousand km", &[20e3]),
            ("construction of 20 thousand kilometers", &[20e3]),
            ("$3.9 trillion", &[3.9e12]),
            ("expenses in 2020 at $3.9trl", &[2020.0, 3.9e12]),
            ("1,000+", &[1000.0]),
            ("Over a thousand base stations", &[1000.0]),
            ("no number here", &[]),
        ];
        for (text, expected) in cases {
            assert_eq!(numbers_in(text), expected.to_vec(), "{text}");
        }
    }

    #[test]
    fn normalizes_quotes_and_whitespace() {
        assert_eq!(
            normalize("«It is\n  a “very”  area,»"),
            "\"It is a \"very\" area,\""
        );
    }

    #[test]
    fn finds_field_lines_in_list_items() {
        let yaml = "title: T\nfigures:\n  - value: \"99%\"\n    source: a\n    quote: q\n  - value: x\n\n    source: b\nquotes:\n- text: t\n  source: c\n";
        assert_eq!(item_field_line(yaml, "figures", 0, "value"), Some(3));
        assert_eq!(item_field_line(yaml, "figures", 0, "source"), Some(4));
        assert_eq!(item_field_line(yaml, "figures", 1, "source"), Some(8));
        assert_eq!(item_field_line(yaml, "figures", 2, "source"), None);
        assert_eq!(item_field_line(yaml, "quotes", 0, "source"), Some(11));
        assert_eq!(item_field_line(yaml, "quotes", 0, "text"), Some(10));
    }

    #[test]
    fn reports_how_far_a_misquote_matches() {
        let text = normalize("The Internet coverage in the country now is 99%");
        assert_eq!(
            longest_matching_prefix(&text, "The Internet coverage in Kazakhstan is 99%"),
            "The Internet coverage in"
        );
    }
}
