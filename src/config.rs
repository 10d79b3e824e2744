//! Stage 1, config: read `site.yaml` into [`Config`] and apply the command line's overrides.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::error::Error;
use crate::paths::{CONFIG_FILE, SOURCES_DIR, read_text};
use crate::progress::Progress;
use crate::yaml::{self, Segment};

/// The site's settings, from `site.yaml`, as templates see them under `site`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The site's name, used in `<title>` and the header.
    pub title: String,
    /// One sentence about the site, the default meta description.
    #[serde(default)]
    pub description: String,
    /// Where the site is published, ending in `/`: `https://owner.github.io/repo/` or `/`.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// The `lang` of every page, for a site in one language (`languages:` replaces it).
    #[serde(default = "default_language")]
    pub language: String,
    /// The site's languages, one of them the default: its pages are served at the root, the
    /// others under `/<code>/`. Empty for a site in one language.
    #[serde(default)]
    pub languages: Vec<Language>,
    /// Links of the main navigation, in order.
    #[serde(default)]
    pub nav: Vec<NavItem>,
    /// The publications the site's facts come from.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Who the Atom feed names as author (the site title when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The repository on GitHub (`https://github.com/owner/repo`): pages link to their file
    /// there ("Edit this page").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository_url: Option<String>,
    /// The branch those links use.
    #[serde(default = "default_branch")]
    pub repository_branch: String,
    /// The event the site is about, for structured data (schema.org `Event`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<Event>,
    /// A custom domain for GitHub Pages, written to `CNAME` (e.g. `facts.example.org`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cname: Option<String>,
    /// The taxonomies pages, figures and quotes are classified by (`topics`): each has a page
    /// listing its terms and a page per term, in every language.
    #[serde(default)]
    pub taxonomies: Vec<Taxonomy>,
    /// Free-form data for templates.
    #[serde(default)]
    pub extra: BTreeMap<String, yaml::Value>,
}

/// A way to classify pages, figures and quotes, as Zola's `taxonomies` (`topics`, `tags`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Taxonomy {
    /// The front-matter key that lists a page's terms, and the folder of its pages (`topics`
    /// gives `/topics/` and `/topics/<term>/`).
    pub name: String,
    /// How many pages a term page lists; the rest go on `page/2/`, ….
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paginate_by: Option<usize>,
    /// Whether each term has an Atom feed of its pages (`/topics/<term>/atom.xml`).
    #[serde(default)]
    pub feed: bool,
}

/// One language of a multilingual site.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// The BCP 47 tag (`en`, `ru`, `kk`): the `lang` of its pages, the suffix of its content
    /// files (`page.ru.md`) and its folder in the output (`/ru/`).
    pub code: String,
    /// The language's name in itself (`Русский`, `Қазақша`), for the language switcher.
    pub name: String,
    /// The site's title in this language (the site `title` when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The site's description in this language (the site `description` when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether this is the default language, served at the root.
    #[serde(default)]
    pub default: bool,
}

impl Config {
    /// The code of the default language: the `default: true` entry of `languages:`, else
    /// `language`.
    pub fn default_language(&self) -> &str {
        self.languages
            .iter()
            .find(|l| l.default)
            .map_or(self.language.as_str(), |l| l.code.as_str())
    }

    /// The codes of the languages other than the default, in the order `site.yaml` lists them.
    pub fn other_languages(&self) -> Vec<&str> {
        self.languages
            .iter()
            .filter(|l| !l.default)
            .map(|l| l.code.as_str())
            .collect()
    }

    /// Every language code, the default first.
    pub fn language_codes(&self) -> Vec<&str> {
        let mut codes = vec![self.default_language()];
        codes.extend(self.other_languages());
        codes
    }

    /// The `languages:` entry of `code`.
    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }

    /// The site's title in `code`.
    pub fn title_in(&self, code: &str) -> &str {
        self.language(code)
            .and_then(|l| l.title.as_deref())
            .unwrap_or(&self.title)
    }

    /// The site's description in `code`.
    pub fn description_in(&self, code: &str) -> &str {
        self.language(code)
            .and_then(|l| l.description.as_deref())
            .unwrap_or(&self.description)
    }

    /// The site path where the pages of `code` start: `/` for the default, `/ru/` for others.
    pub fn language_root(&self, code: &str) -> String {
        if code == self.default_language() {
            "/".to_string()
        } else {
            format!("/{code}/")
        }
    }

    /// The path part of `base_url`: `/repo/` for `https://owner.github.io/repo/`, `/` at a
    /// domain root.
    pub fn base_path(&self) -> &str {
        let url = &self.base_url;
        match url.split_once("://") {
            Some((_, rest)) => rest.find('/').map_or("/", |at| &rest[at..]),
            None => url,
        }
    }
}

/// One navigation link.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NavItem {
    /// The link text.
    pub title: String,
    /// Site path of the target, e.g. `/speakers/`; templates pass it to `url(path=...)`.
    pub path: String,
}

/// The event a fact sheet is about.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Its name, e.g. `Digital Almaty 2021`.
    pub name: String,
    /// Its (first) day, `YYYY-MM-DD`.
    pub start_date: Date,
    /// Its last day, when it lasted more than one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<Date>,
    /// Where it took place, e.g. `Almaty, Kazakhstan`.
    pub location: String,
    /// One sentence about it.
    #[serde(default)]
    pub description: String,
}

/// A publication the site cites.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The short name figures and quotes cite, e.g. `kazinform-2021-02-05`.
    pub id: String,
    /// Who published it.
    pub publisher: String,
    /// Its headline.
    pub title: String,
    /// Publication date, `YYYY-MM-DD`.
    pub date: Date,
    /// Where the public can read it.
    pub url: String,
    /// A stored copy of its text, relative to the site root (read by the build, never published).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// What the command line asks of a build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder holding `site.yaml`, `content/`, `templates/`, `static/`.
    pub root: PathBuf,
    /// Where to write the site; `<root>/public` when `None`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from `site.yaml`.
    pub base_url: Option<String>,
    /// Overrides `repository_url` from `site.yaml` (CI passes the repository it builds).
    pub repository_url: Option<String>,
    /// Include pages marked `draft: true`.
    pub drafts: bool,
    /// Replace an output folder that factsheet did not make.
    pub force: bool,
    /// Counts the pages rendered, for a progress display; `None`: nothing counts.
    pub progress: Option<Arc<Progress>>,
}

impl BuildOptions {
    /// Options for building the site in `root` with every default.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            base_url: None,
            repository_url: None,
            drafts: false,
            force: false,
            progress: None,
        }
    }

    /// The output folder these options name.
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

fn default_base_url() -> String {
    "/".to_string()
}

fn default_branch() -> String {
    "main".to_string()
}

fn default_language() -> String {
    "en".to_string()
}

/// What the help of a refused base URL says.
const BASE_URL_HELP: &str =
    "use a full URL such as `https://owner.github.io/repo/`, or a path such as `/` or `/repo/`";

/// What the help of a refused web address says.
const WEB_ADDRESS_HELP: &str =
    "write the full address, starting with `https://`, e.g. `https://example.org/report`";

/// Reads `<root>/site.yaml`, applies `options`' overrides and checks every value.
///
/// `Err` when there is no config to build with: the file cannot be read or parsed, or has no
/// title. Otherwise the config and the problems of its values, each with its line in site.yaml
/// or the option it came from (none when every value is right). A refused base URL is replaced
/// by `/`, so that the rest of the build runs and reports its own problems in the same run.
/// Nav paths are checked once the content is known ([`nav_path_line`] finds their lines).
pub fn load_config(options: &BuildOptions) -> Result<(Config, Vec<Error>), Error> {
    let path = PathBuf::from(CONFIG_FILE);
    let text = read_text(&options.root, &path)?;
    let mut config: Config =
        yaml::from_str(&text).map_err(|err| Error::from_yaml(path.clone(), &text, 0, err))?;
    if config.title.trim().is_empty() {
        return Err(Error::Missing {
            path,
            line: yaml::nearest_line(&text, &[Segment::Key("title")]),
            what: "the site `title`".into(),
            help: "give the site a name: `title: Digital Almaty 2021`".into(),
        });
    }
    let mut errors = check_values(&config, &text);
    // From here on `language` is the default language, whichever way site.yaml names it.
    config.language = config.default_language().to_string();
    match normalize_base_url(&config.base_url) {
        Ok(url) => config.base_url = url,
        Err(reason) => {
            errors.push(Error::InvalidValue {
                path: path.clone(),
                line: yaml::nearest_line(&text, &[Segment::Key("base_url")]),
                message: format!("base_url `{}` {reason}", config.base_url),
                help: BASE_URL_HELP.into(),
            });
            config.base_url = default_base_url();
        }
    }
    if let Some(url) = &options.base_url {
        match normalize_base_url(url) {
            Ok(url) => config.base_url = url,
            Err(reason) => errors.push(Error::InvalidOption {
                flag: "--base-url".into(),
                message: format!("base_url `{url}` {reason}"),
                help: BASE_URL_HELP.into(),
            }),
        }
    }
    if let Some(url) = &options.repository_url {
        if let Some(problem) = crate::url::web_address_problem(url) {
            errors.push(Error::InvalidOption {
                flag: "--repository-url".into(),
                message: format!("`{url}` {problem}"),
                help: "pass the repository's address, e.g. `https://github.com/owner/repo`".into(),
            });
        }
        config.repository_url = Some(url.clone());
    }
    Ok((config, errors))
}

/// The line of the `path:` of nav entry `index` in the text of site.yaml.
pub fn nav_path_line(text: &str, index: usize) -> usize {
    yaml::nearest_line(
        text,
        &[
            Segment::Key("nav"),
            Segment::Index(index),
            Segment::Key("path"),
        ],
    )
}

/// Whether a source's `file:` names a file inside `sources/`, by relative path without `..`.
pub fn in_sources_dir(file: &str) -> bool {
    let path = std::path::Path::new(file);
    path.components()
        .all(|c| matches!(c, std::path::Component::Normal(_)))
        && path.starts_with(SOURCES_DIR)
        && path.components().count() > 1
}

/// The problems of the values of `config`, read from `text`, that need nothing but site.yaml:
/// the forms of the language, addresses, host name and branch, the sources' ids, addresses and
/// stored-text paths, empty names, and the event's dates.
fn check_values(config: &Config, text: &str) -> Vec<Error> {
    use Segment::{Index, Key};
    let mut problems = Problems {
        text,
        errors: Vec::new(),
    };

    if !is_language_tag(&config.language) {
        let dashed = config.language.replace('_', "-");
        problems.refuse(
            &[Key("language")],
            format!("`language: {}` is not a language tag", config.language),
            if is_language_tag(&dashed) {
                format!("write `language: {dashed}`: BCP 47 joins subtags with `-`")
            } else {
                "write a BCP 47 language tag, e.g. `en`, `kk`, `ru` or `en-GB`".into()
            },
        );
    }
    check_languages(config, &mut problems);
    if let Some(url) = &config.repository_url
        && let Some(problem) = crate::url::web_address_problem(url)
    {
        problems.refuse(
            &[Key("repository_url")],
            format!("`repository_url: {url}` {problem}"),
            "write the repository's address, e.g. `https://github.com/owner/repo`".into(),
        );
    }
    if !is_branch_name(&config.repository_branch) {
        problems.refuse(
            &[Key("repository_branch")],
            format!(
                "`repository_branch: {}` is not a branch name",
                config.repository_branch
            ),
            "write the branch as git names it, e.g. `main` (no spaces, `..`, `~`, `^`, `:`, `?`, `*`, `[` or `\\`)".into(),
        );
    }
    if let Some(cname) = &config.cname
        && !is_domain_name(cname)
    {
        let host = crate::url::strip_web_scheme(cname)
            .unwrap_or(cname)
            .split(['/', '?', '#', ':'])
            .next()
            .unwrap_or_default();
        problems.refuse(
            &[Key("cname")],
            format!("`cname: {cname}` is not a host name"),
            if is_domain_name(host) {
                format!("write the host name alone: `cname: {host}`")
            } else {
                "write the custom domain alone, e.g. `cname: facts.example.org` (no `https://`, no path)".into()
            },
        );
    }

    for (index, item) in config.nav.iter().enumerate() {
        if item.title.trim().is_empty() {
            problems.missing(
                &[Key("nav"), Index(index), Key("title")],
                format!("the `title` of nav entry {}", index + 1),
                "give the link its text: `title: Speakers`".into(),
            );
        }
    }

    let mut first_use: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, source) in config.sources.iter().enumerate() {
        let at = |key| [Key("sources"), Index(index), Key(key)];
        let id = source.id.as_str();
        if id.trim().is_empty() || id.contains(char::is_whitespace) {
            problems.refuse(
                &at("id"),
                format!("source `id: {id}` is not an id"),
                "give the source a short name without spaces, e.g. `id: kazinform-2021-02-05`"
                    .into(),
            );
        } else if let Some(first) = first_use.get(id) {
            problems.refuse(
                &at("id"),
                format!("source id `{id}` is already used on line {first}"),
                "give each source its own id; figures and quotes cite it".into(),
            );
        } else {
            first_use.insert(id, yaml::nearest_line(text, &at("id")));
        }
        for (key, value) in [("publisher", &source.publisher), ("title", &source.title)] {
            if value.trim().is_empty() {
                problems.missing(
                    &at(key),
                    format!("the `{key}` of source `{id}`"),
                    format!("add `{key}: ...` to the source"),
                );
            }
        }
        if let Some(problem) = crate::url::web_address_problem(&source.url) {
            problems.refuse(
                &at("url"),
                format!("source `{id}`: `url: {}` {problem}", source.url),
                WEB_ADDRESS_HELP.into(),
            );
        }
        if let Some(file) = &source.file
            && !in_sources_dir(file)
        {
            let outside_site = !std::path::Path::new(file)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            problems.refuse(
                &at("file"),
                format!(
                    "source `{id}` has `file: {file}`, {}",
                    if outside_site {
                        "outside the site"
                    } else {
                        "which is not in sources/"
                    }
                ),
                "keep stored source texts in sources/, e.g. `file: sources/article.txt`".into(),
            );
        }
    }

    let mut names: Vec<&str> = Vec::new();
    for (index, taxonomy) in config.taxonomies.iter().enumerate() {
        let at = |key| [Key("taxonomies"), Index(index), Key(key)];
        let name = taxonomy.name.as_str();
        let slug = crate::url::slug(name);
        if slug != name {
            problems.refuse(
                &at("name"),
                format!("taxonomy `name: {name}` cannot be a folder name as written"),
                if slug.is_empty() {
                    "write the name in lower-case letters, digits and `-`, e.g. `name: topics`"
                        .into()
                } else {
                    format!("write `name: {slug}`: lower-case letters, digits and `-`, as the URL shows it")
                },
            );
        } else if names.contains(&name) {
            problems.refuse(
                &at("name"),
                format!("taxonomy `{name}` is declared twice"),
                "declare each taxonomy once".into(),
            );
        }
        names.push(name);
        if taxonomy.paginate_by == Some(0) {
            problems.refuse(
                &at("paginate_by"),
                format!("taxonomy `{name}`: `paginate_by: 0` would put no page on a term page"),
                "write how many pages a term page lists, e.g. `paginate_by: 10`, or remove it"
                    .into(),
            );
        }
    }

    if let Some(event) = &config.event {
        for (key, value) in [("name", &event.name), ("location", &event.location)] {
            if value.trim().is_empty() {
                problems.missing(
                    &[Key("event"), Key(key)],
                    format!("the event's `{key}`"),
                    format!("add `{key}: ...` under `event:`"),
                );
            }
        }
        if let Some(end) = &event.end_date
            && *end < event.start_date
        {
            problems.refuse(
                &[Key("event"), Key("end_date")],
                format!(
                    "event `end_date: {end}` is before its `start_date: {}`",
                    event.start_date
                ),
                "the last day comes on or after the first: correct one of the two dates".into(),
            );
        }
    }
    problems.errors
}

/// The problems found in site.yaml, each at the line of its value.
struct Problems<'t> {
    text: &'t str,
    errors: Vec<Error>,
}

impl Problems<'_> {
    /// A value of the wrong form, at the line of `at`.
    fn refuse(&mut self, at: &[Segment<'_>], message: String, help: String) {
        self.errors.push(Error::InvalidValue {
            path: PathBuf::from(CONFIG_FILE),
            line: yaml::nearest_line(self.text, at),
            message,
            help,
        });
    }

    /// An empty value that must not be, at the line of `at`.
    fn missing(&mut self, at: &[Segment<'_>], what: String, help: String) {
        self.errors.push(Error::Missing {
            path: PathBuf::from(CONFIG_FILE),
            line: yaml::nearest_line(self.text, at),
            what,
            help,
        });
    }
}

/// `languages:`: tags, unique codes, names, exactly one default, and no `language:` that
/// disagrees with it.
fn check_languages(config: &Config, problems: &mut Problems) {
    use Segment::{Index, Key};
    if config.languages.is_empty() {
        return;
    }
    let mut seen: Vec<&str> = Vec::new();
    for (index, language) in config.languages.iter().enumerate() {
        let at = |key| [Key("languages"), Index(index), Key(key)];
        if !is_language_tag(&language.code) {
            problems.refuse(
                &at("code"),
                format!("`code: {}` is not a language tag", language.code),
                "write a BCP 47 language tag, e.g. `en`, `kk` or `ru`".into(),
            );
        } else if seen.contains(&language.code.as_str()) {
            problems.refuse(
                &at("code"),
                format!("language `{}` is listed twice", language.code),
                "list each language once".into(),
            );
        }
        seen.push(&language.code);
        if language.name.trim().is_empty() {
            problems.missing(
                &at("name"),
                format!("the `name` of language `{}`", language.code),
                "give the language's name in itself, e.g. `name: Қазақша`".into(),
            );
        }
    }
    let defaults: Vec<usize> = (0..config.languages.len())
        .filter(|&i| config.languages[i].default)
        .collect();
    match defaults.as_slice() {
        [_] => {}
        [] => problems.refuse(
            &[Key("languages")],
            "no language is the default".into(),
            "add `default: true` to the language served at the root".into(),
        ),
        [_, second, ..] => problems.refuse(
            &[Key("languages"), Index(*second), Key("default")],
            "more than one language is the default".into(),
            "keep `default: true` on one language only".into(),
        ),
    }
    let text = problems.text;
    if crate::yaml::line_of(text, &[Key("language")]).is_some()
        && config.language != config.default_language()
    {
        problems.refuse(
            &[Key("language")],
            format!(
                "`language: {}` is not the default of `languages:` ({})",
                config.language,
                config.default_language()
            ),
            "remove `language:`; `languages:` names the default".into(),
        );
    }
}

/// A BCP 47-looking language tag: a primary subtag of 2 to 8 letters, or the singleton `x` or
/// `i` followed by more, then subtags of 1 to 8 letters and digits, joined by `-`.
fn is_language_tag(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    let primary = subtags.next().unwrap_or_default();
    let singleton = primary.eq_ignore_ascii_case("x") || primary.eq_ignore_ascii_case("i");
    let primary_ok = singleton
        || ((2..=8).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic()));
    let rest: Vec<&str> = subtags.collect();
    primary_ok
        && (!singleton || !rest.is_empty())
        && rest.iter().all(|subtag| {
            (1..=8).contains(&subtag.len()) && subtag.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

/// A domain name as DNS and GitHub Pages take it: two or more dot-separated labels of ASCII
/// letters, digits and hyphens (1 to 63 each, no hyphen at either end), 253 characters at most.
/// An internationalised name is written in its `xn--` form.
fn is_domain_name(name: &str) -> bool {
    name.len() <= 253
        && name.split('.').count() >= 2
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// A branch name git accepts (the rules of `git check-ref-format --branch`, in short).
fn is_branch_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(['-', '/'])
        && !name.ends_with(['/', '.'])
        && !name.ends_with(".lock")
        && !name.contains("..")
        && !name.contains("//")
        && !name.contains("@{")
        && name != "@"
        && !name.split('/').any(|part| part.starts_with('.'))
        && !name
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "~^:?*[\\".contains(c))
}

/// Checks a base URL's form and makes it end in exactly one `/`: a web address with a host,
/// or a path from the domain root (`/`, `/repo/`).
fn normalize_base_url(url: &str) -> Result<String, &'static str> {
    let url = url.trim();
    if url.starts_with("//") {
        return Err("starts with `//`, which browsers read as another host");
    }
    if url.starts_with('/') {
        if url.chars().any(char::is_whitespace) {
            return Err("contains a space");
        }
        if url.chars().any(char::is_control) || url.contains(['"', '<', '>', '\\', '`']) {
            return Err("contains a character a URL cannot hold");
        }
    } else if crate::url::strip_web_scheme(url).is_some() {
        if let Some(problem) = crate::url::web_address_problem(url) {
            return Err(problem);
        }
    } else {
        return Err("must start with `https://`, `http://` or `/`");
    }
    if url.contains(['?', '#']) {
        return Err("must not contain `?` or `#`");
    }
    Ok(format!("{}/", url.trim_end_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::{is_branch_name, is_domain_name, is_language_tag, normalize_base_url};

    #[test]
    fn base_urls_end_in_one_slash() {
        assert_eq!(
            normalize_base_url("https://a.io/r").unwrap(),
            "https://a.io/r/"
        );
        assert_eq!(
            normalize_base_url("https://a.io/r//").unwrap(),
            "https://a.io/r/"
        );
        assert_eq!(normalize_base_url("/").unwrap(), "/");
        assert_eq!(normalize_base_url("/repo").unwrap(), "/repo/");
    }

    #[test]
    fn base_path_is_the_path_of_base_url() {
        let mut config: super::Config = crate::yaml::from_str("title: t").unwrap();
        for (url, path) in [
            ("https://o.github.io/repo/", "/repo/"),
            ("https://example.org/", "/"),
            ("/", "/"),
            ("/sub/", "/sub/"),
        ] {
            config.base_url = url.to_string();
            assert_eq!(config.base_path(), path, "{url}");
        }
    }

    #[test]
    fn bad_base_urls_are_refused() {
        assert!(normalize_base_url("example.com").is_err());
        assert!(normalize_base_url("https:///x").is_err());
        assert!(normalize_base_url("https://a.io/x y").is_err());
        assert!(normalize_base_url("https//x").is_err());
        assert!(normalize_base_url("http://").is_err());
        assert!(normalize_base_url("digital-almaty/").is_err());
        assert!(normalize_base_url("//cdn.example/").is_err());
        assert!(normalize_base_url("/a?b").is_err());
        assert!(normalize_base_url("javascript:alert(1)").is_err());
    }

    #[test]
    fn language_tags_look_like_bcp_47() {
        for good in [
            "en",
            "kk",
            "en-GB",
            "zh-Hant-TW",
            "es-419",
            "x-klingon",
            "de-CH-1996",
        ] {
            assert!(is_language_tag(good), "{good}");
        }
        for bad in [
            "",
            "e",
            "en_US",
            "english language",
            "en-",
            "-en",
            "x",
            "en-toolongsubtag",
            "е",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn domain_names_are_host_names_alone() {
        for good in ["facts.example.org", "a-b.example", "xn--e1afmkfd.xn--p1ai"] {
            assert!(is_domain_name(good), "{good}");
        }
        for bad in [
            "",
            "localhost",
            "https://facts.example.org",
            "facts.example.org/x",
            "facts example.org",
            "-x.org",
            "x.org.",
            "пример.рф",
            "x.org:80",
        ] {
            assert!(!is_domain_name(bad), "{bad}");
        }
    }

    #[test]
    fn branch_names_follow_git() {
        for good in ["main", "release/2021", "gh-pages", "v1.0"] {
            assert!(is_branch_name(good), "{good}");
        }
        for bad in [
            "",
            "my branch",
            "a..b",
            "-x",
            "x/",
            "x.lock",
            "a:b",
            "a~1",
            ".hidden",
            "a/.b",
            "@",
        ] {
            assert!(!is_branch_name(bad), "{bad}");
        }
    }
}
