//! Typed build errors. Each names the file (relative to the site root), the line when known,
//! what is wrong and how to fix it. Only `main.rs` prints them.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// One problem found while building a site.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read.
    #[error("{}: cannot read: {source}", crate::slash::shown(path))]
    Read {
        /// The file, relative to the site root.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },

    /// A symbolic link in `content/`: never followed, so nothing outside the site is read.
    #[error(
        "{}: is a symbolic link, which factsheet does not follow\n  help: put the file or folder itself in content/",
        crate::slash::shown(path)
    )]
    Symlink {
        /// The link, relative to the site root.
        path: PathBuf,
    },

    /// A symbolic link (or `..`) that leads outside the site folder: the build reads nothing
    /// there, and says so rather than reporting the file as missing.
    #[error(
        "{}: leads outside the site folder (to {}), through a symbolic link or `..`; the build reads nothing outside the site\n  help: copy the file into the site, or link to a place inside it",
        crate::slash::shown(path),
        target.display()
    )]
    OutsideSite {
        /// The path as the site names it, relative to the site root.
        path: PathBuf,
        /// Where it really leads.
        target: PathBuf,
    },

    /// A content file or folder whose name has nothing to make a URL from.
    #[error(
        "{}: the name `{name}` has no letter or digit to make its URL from\n  help: rename it; URLs are made from the letters and digits of file and folder names",
        crate::slash::shown(path)
    )]
    BadFileName {
        /// The content file, relative to the site root.
        path: PathBuf,
        /// The file or folder name that gives an empty URL segment.
        name: String,
    },

    /// A folder of the default language whose URL is another language's folder.
    #[error(
        "{}: its URL starts with `/{code}/`, the folder of the language `{code}`\n  help: rename the folder; a translation into `{code}` is a file named like `page.{code}.md` beside the original",
        crate::slash::shown(path)
    )]
    LanguageFolder {
        /// The content file, relative to the site root.
        path: PathBuf,
        /// The language whose folder it takes.
        code: String,
    },

    /// A translation without the page it translates.
    #[error(
        "{}: translates {}, which does not exist\n  help: a translation sits beside its original, with the language before `.md` (`about.ru.md` beside `about.md`); write the original first",
        crate::slash::shown(path),
        crate::slash::shown(original)
    )]
    MissingOriginal {
        /// The translation, relative to the site root.
        path: PathBuf,
        /// The original it names.
        original: PathBuf,
    },

    /// A content or config file holds bytes that are not UTF-8.
    #[error(
        "{}:{line}: the file is not valid UTF-8\n  help: save it with UTF-8 encoding",
        crate::slash::shown(path)
    )]
    NotUtf8 {
        /// The file, relative to the site root.
        path: PathBuf,
        /// Line of the first invalid byte.
        line: usize,
    },

    /// Front matter opened with `---` and never closed.
    #[error(
        "{}:{line}: front matter opened with `---` is never closed\n  help: add a line holding only `---` after the last front-matter key",
        crate::slash::shown(path)
    )]
    UnterminatedFrontMatter {
        /// The file, relative to the site root.
        path: PathBuf,
        /// Line of the opening `---`.
        line: usize,
    },

    /// YAML that does not parse, or does not have the expected shape.
    #[error("{}:{line}{}: {message}\n  help: {help}", crate::slash::shown(path), column.map(|c| format!(":{c}")).unwrap_or_default())]
    InvalidYaml {
        /// The file, relative to the site root.
        path: PathBuf,
        /// Line in the file (not in the YAML block).
        line: usize,
        /// Column, when known.
        column: Option<usize>,
        /// What the parser said.
        message: String,
        /// How to fix it.
        help: String,
    },

    /// A front-matter or `site.yaml` key that factsheet does not know.
    #[error(
        "{}:{line}: unknown key `{key}`\n  help: {}known keys are {}; put your own data under `extra:`",
        crate::slash::shown(path),
        closest(key, known).map(|k| format!("did you mean `{k}`? ")).unwrap_or_default(),
        known.join(", ")
    )]
    UnknownKey {
        /// The file, relative to the site root.
        path: PathBuf,
        /// Line of the key in the file.
        line: usize,
        /// The unknown key.
        key: String,
        /// The keys that are allowed there.
        known: Vec<String>,
    },

    /// Front matter classifies by a taxonomy that `site.yaml` does not declare.
    #[error(
        "{}:{line}: `{name}` is not a taxonomy of site.yaml\n  help: declare it in site.yaml to make its term pages:\n        taxonomies:\n          - name: {name}\n        or remove `{name}:` here (put your own data under `extra:`)",
        crate::slash::shown(path)
    )]
    UndeclaredTaxonomy {
        /// The content file, relative to the site root.
        path: PathBuf,
        /// Line of the key in the file.
        line: usize,
        /// The key as written.
        name: String,
    },

    /// A required value is missing or empty.
    #[error(
        "{}:{line}: {what} is missing\n  help: {help}",
        crate::slash::shown(path)
    )]
    Missing {
        /// The file, relative to the site root.
        path: PathBuf,
        /// Line where it belongs (1 when the file has no front matter).
        line: usize,
        /// What is missing.
        what: String,
        /// How to add it.
        help: String,
    },

    /// A value has the right type but a wrong form (a date, a URL).
    #[error("{}:{line}: {message}\n  help: {help}", crate::slash::shown(path))]
    InvalidValue {
        /// The file, relative to the site root.
        path: PathBuf,
        /// Line of the value in the file.
        line: usize,
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: String,
    },

    /// Two inputs would write the same file of the output: the same path, or paths that
    /// differ only in letter case (one file on macOS and Windows).
    #[error(
        "{}\n  help: rename or remove one of them",
        if first_output == second_output {
            format!("{second} and {first} both write `{first_output}` in the output folder")
        } else {
            format!("{second} writes `{second_output}` and {first} writes `{first_output}`: one file on macOS and Windows, where names differ only in case")
        }
    )]
    OutputCollision {
        /// What claimed the path first: a site file (`static/notes/index.html`) or a
        /// generated file.
        first: String,
        /// The path it writes in the output folder (`notes/index.html`).
        first_output: String,
        /// What claims it again.
        second: String,
        /// The path that one writes.
        second_output: String,
    },

    /// An input writes a file where others need a folder of the same name.
    #[error(
        "{file} writes the file `{output}`, where {needs_folder} needs a folder `{output}/`\n  help: rename or remove one of them"
    )]
    FileWhereFolderNeeded {
        /// What writes the file (`static/notes`).
        file: String,
        /// The output path of the file (`notes`).
        output: String,
        /// The first input that needs the folder (`content/notes/_index.md`).
        needs_folder: String,
    },

    /// A command-line option's value is refused (`--base-url relative/`).
    #[error("{flag}: {message}\n  help: {help}")]
    InvalidOption {
        /// The option, as typed: `--base-url`.
        flag: String,
        /// What is wrong with its value.
        message: String,
        /// How to fix it.
        help: String,
    },

    /// Two content files would be written to the same URL.
    #[error(
        "{}: maps to URL `{url}`, which {} already uses\n  help: rename or move one of the two files",
        crate::slash::shown(second),
        crate::slash::shown(first)
    )]
    DuplicateUrl {
        /// The URL both map to.
        url: String,
        /// The file that claimed it first (in path order).
        first: PathBuf,
        /// The file that collides with it.
        second: PathBuf,
    },

    /// A content file asks for a template that `templates/` does not have.
    #[error(
        "{}: template `{template}` not found in templates/\n  help: create templates/{template}{}",
        crate::slash::shown(path),
        if available.is_empty() { String::new() } else { format!(" or use one of: {}", available.join(", ")) }
    )]
    TemplateMissing {
        /// The content file that needs the template.
        path: PathBuf,
        /// The template name it needs.
        template: String,
        /// Template names that exist.
        available: Vec<String>,
    },

    /// Tera could not parse the templates (syntax errors, missing parents).
    #[error("{message}")]
    TemplateLoad {
        /// Tera's report, with template name, line and caret.
        message: String,
    },

    /// Tera failed while rendering a page (undefined variable, bad filter argument).
    #[error(
        "{}{}: rendering with template `{template}` failed: {message}",
        crate::slash::shown(path),
        if *same_error_in > 0 { format!(" (and {same_error_in} more pages)") } else { String::new() }
    )]
    TemplateRender {
        /// The first content file being rendered when it failed.
        path: PathBuf,
        /// How many other pages failed the same way.
        same_error_in: usize,
        /// The template used.
        template: String,
        /// Tera's report.
        message: String,
    },

    /// The output folder is not a safe place to write the site.
    #[error("{}: {reason}\n  help: {help}", crate::slash::shown(path))]
    UnsafeOutput {
        /// The output folder as given.
        path: PathBuf,
        /// Why it is refused.
        reason: String,
        /// What to do instead.
        help: String,
    },

    /// A problem `factsheet check` fails on (the build only warns about it).
    #[error("{0}")]
    Check(Warning),

    /// `serve` could not listen or watch.
    #[error("{message}\n  help: {help}")]
    Serve {
        /// What failed.
        message: String,
        /// What to do.
        help: String,
    },

    /// A social preview image could not be drawn.
    #[error(
        "{}: cannot draw the social preview image: {message}",
        crate::slash::shown(path)
    )]
    Image {
        /// The image, inside the output folder.
        path: PathBuf,
        /// Why.
        message: String,
    },

    /// A handout (`factsheet.pdf`) could not be drawn.
    #[error(
        "{}: cannot draw the handout from templates/handout.svg: {message}",
        crate::slash::shown(path)
    )]
    Handout {
        /// The handout, inside the output folder.
        path: PathBuf,
        /// Why.
        message: String,
    },

    /// Writing the output failed; the previous output is left as it was.
    #[error("{}: cannot write: {source}", crate::slash::shown(path))]
    Write {
        /// The file or folder being written.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
}

/// Every error a build found, in the order the pipeline met them.
#[derive(Debug)]
pub struct BuildFailure {
    /// The errors, never empty.
    pub errors: Vec<Error>,
}

impl fmt::Display for BuildFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for error in &self.errors {
            writeln!(f, "error: {error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for BuildFailure {}

impl From<Error> for BuildFailure {
    fn from(error: Error) -> Self {
        BuildFailure {
            errors: vec![error],
        }
    }
}

impl From<Vec<Error>> for BuildFailure {
    fn from(errors: Vec<Error>) -> Self {
        BuildFailure { errors }
    }
}

/// Tera's report with template paths relative to the site root (`templates/page.html:3:19`)
/// and without its own `error: ` prefix, which the caller prints.
pub(crate) fn tera_report(error: &tera::Error) -> String {
    let report = error.to_string();
    let report = report.strip_prefix("error: ").unwrap_or(&report);
    report.replace("\n --> ", "\n --> templates/")
}

/// Line (1-based) of the first invalid UTF-8 byte in `bytes`.
pub(crate) fn utf8_error_line(bytes: &[u8], error: &std::str::Utf8Error) -> usize {
    1 + bytes[..error.valid_up_to()]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

impl Error {
    /// The file, line and column (when known) the error points at, relative to the site root.
    pub fn location(&self) -> Option<(&std::path::Path, usize, Option<usize>)> {
        match self {
            Error::NotUtf8 { path, line }
            | Error::UnterminatedFrontMatter { path, line }
            | Error::UnknownKey { path, line, .. }
            | Error::UndeclaredTaxonomy { path, line, .. }
            | Error::Missing { path, line, .. }
            | Error::InvalidValue { path, line, .. } => Some((path, *line, None)),
            Error::InvalidYaml {
                path, line, column, ..
            } => Some((path, *line, *column)),
            Error::Check(warning) if warning.line > 0 => Some((&warning.path, warning.line, None)),
            _ => None,
        }
    }

    /// The error as an editor reads it, like rustc: the message, then the line of the file it
    /// points at with a caret under the spot, then the help. Files are read from `root`.
    pub fn report(&self, root: &std::path::Path) -> String {
        let text = self.to_string();
        let (head, rest) = text.split_once('\n').unwrap_or((&text, ""));
        let mut out = format!("error: {head}\n");
        if let Some(excerpt) = self.location().and_then(|(path, line, column)| {
            let bytes = std::fs::read(root.join(path)).ok()?;
            let source = String::from_utf8_lossy(&bytes);
            excerpt(&source, line, column)
        }) {
            out.push_str(&excerpt);
        }
        for line in rest.lines() {
            out.push_str(line);
            out.push('\n');
        }
        out
    }

    /// Turns a YAML failure into the error an editor reads: the line is moved from the YAML
    /// block into the file (`line_offset` lines precede the block), unknown and missing keys
    /// get their own messages.
    pub(crate) fn from_yaml(
        path: PathBuf,
        text: &str,
        line_offset: usize,
        err: crate::yaml::YamlError,
    ) -> Error {
        use crate::yaml::YamlErrorKind as Kind;
        let line = err.line.unwrap_or(1) + line_offset;
        let help = match err.kind {
            Kind::UnknownField { field, expected } => {
                return Error::UnknownKey {
                    path,
                    line,
                    key: field,
                    known: expected,
                };
            }
            Kind::MissingField { field } => {
                return Error::Missing {
                    path,
                    line,
                    what: format!("`{field}`"),
                    help: format!("add a line `{field}: ...`"),
                };
            }
            Kind::NotAMap => {
                let what = if path.extension().is_some_and(|e| e == "md") {
                    "front matter".to_string()
                } else {
                    crate::slash::shown(&path)
                };
                return Error::InvalidYaml {
                    path,
                    line,
                    column: err.column,
                    message: format!(
                        "{what} must be `key: value` lines, not a list or a single value"
                    ),
                    help: "write it as `title: Your title`, one key per line".into(),
                };
            }
            Kind::InvalidValue(refused) => {
                let crate::yaml::RefusedValue {
                    key,
                    parent,
                    value,
                    problem,
                    help,
                } = *refused;
                let within = parent.map(|p| format!("{p} ")).unwrap_or_default();
                let written = if key.is_empty() {
                    value
                } else {
                    format!("{key}: {value}")
                };
                return Error::InvalidValue {
                    path,
                    line,
                    message: format!("{within}`{written}` {problem}"),
                    help,
                };
            }
            Kind::Tab => "YAML does not allow tabs for indentation: indent with spaces",
            _ if text.contains('\t') => {
                "YAML does not allow tabs for indentation: indent with spaces"
            }
            Kind::InvalidType => {
                "check the value's type: text in quotes, numbers without, booleans as true/false"
            }
            Kind::Duplicate { .. } | Kind::Other => {
                "check the indentation, the `key: value` form and that quotes are closed"
            }
        };
        Error::InvalidYaml {
            path,
            line,
            column: err.column,
            message: format!("invalid YAML: {}", err.message),
            help: help.to_string(),
        }
    }
}

/// Line `line` of `source` with its number in a gutter and a caret under `column` (or under
/// the whole line when the column is unknown).
fn excerpt(source: &str, line: usize, column: Option<usize>) -> Option<String> {
    let text = source
        .lines()
        .nth(line.checked_sub(1)?)?
        .trim_end_matches('\r');
    let gutter = line.to_string().len();
    let pad = " ".repeat(gutter);
    let indent = text.len() - text.trim_start().len();
    let (start, width) = match column {
        Some(column) => (column.saturating_sub(1).min(text.chars().count()), 1),
        None => (indent, text.trim().chars().count().max(1)),
    };
    // Keep tabs so the caret lines up with the text above it.
    let lead: String = text
        .chars()
        .take(start)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    Some(format!(
        "{pad} |\n{line} | {text}\n{pad} | {lead}{}\n",
        "^".repeat(width)
    ))
}

/// The candidate most like `word`, when it is close enough to be a likely typo.
pub(crate) fn closest<'a>(word: &str, candidates: &'a [String]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(distance, c)| *distance <= (c.chars().count() / 3).max(2))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c.as_str())
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// Something that does not stop the build but deserves a fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// What kind of problem it is; `factsheet check` treats some kinds as errors.
    pub kind: WarningKind,
    /// The file, relative to the site root.
    pub path: PathBuf,
    /// 1-based line; 0 when the problem has no line in the source file.
    pub line: usize,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// The kinds of [`Warning`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarningKind {
    /// A hand-written `/…` URL that ignores the base path.
    RootRelativeUrl,
    /// An image without alt text.
    MissingAlt,
    /// A heading that skips a level.
    SkippedHeadingLevel,
    /// A page of the default language with no translation into one of the site's languages.
    Untranslated,
    /// An `id` used twice in one page.
    DuplicateId,
    /// One term written in two ways that make one URL (`Connectivity`, `connectivity`).
    TermVariants,
    /// A figure or quote that runs off the handout's page, or into another block of it.
    HandoutOverflow,
}

impl WarningKind {
    /// Whether `factsheet check` fails on it: what makes a page unusable for some readers or
    /// breaks its links does; style does not.
    pub fn fails_check(self) -> bool {
        matches!(
            self,
            WarningKind::MissingAlt | WarningKind::DuplicateId | WarningKind::HandoutOverflow
        )
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            0 => write!(f, "{}: {}", crate::slash::shown(&self.path), self.message),
            line => write!(
                f,
                "{}:{line}: {}",
                crate::slash::shown(&self.path),
                self.message
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{closest, excerpt};

    #[test]
    fn excerpt_points_at_the_column_or_the_line() {
        let source = "---\ntitle: a\n  weight: x\n---\n";
        assert_eq!(
            excerpt(source, 3, Some(9)).as_deref(),
            Some("  |\n3 |   weight: x\n  |         ^\n")
        );
        assert_eq!(
            excerpt(source, 2, None).as_deref(),
            Some("  |\n2 | title: a\n  | ^^^^^^^^\n")
        );
        assert_eq!(excerpt(source, 9, None), None);
        assert_eq!(excerpt(source, 0, None), None);
    }

    #[test]
    fn suggests_close_keys_only() {
        let known: Vec<String> = ["title", "weight", "date"].map(String::from).to_vec();
        assert_eq!(closest("titel", &known), Some("title"));
        assert_eq!(closest("wieght", &known), Some("weight"));
        assert_eq!(closest("colour", &known), None);
    }
}
