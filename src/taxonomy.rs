//! Stage 5, taxonomies and pagination: gathers the terms that pages, figures and quotes list
//! (`topics: [Connectivity]`) into one term page per term and language, with every page,
//! figure and quote on it; and says where each listing page of a paginated section or term
//! goes (`page/2/`, …). Terms are named in the default language; the other languages take
//! their names from `terms.<taxonomy>.<term>` in `i18n/<code>.yaml`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::front_matter::{FIGURE_KEYS, FRONT_MATTER_KEYS, QUOTE_KEYS};
use crate::content::{Page, Site, listing_order};
use crate::error::{Error, Warning, WarningKind};
use crate::i18n::Strings;
use crate::paths::{CONFIG_FILE, read_text};
use crate::slash::shown;
use crate::yaml::{self, Segment};

/// The folder of a paginated listing's later pages: `/speakers/page/2/`.
pub const PAGER_FOLDER: &str = "page";

/// Every declared taxonomy with its terms, per language.
#[derive(Debug, Clone, Default)]
pub struct Taxonomies {
    /// In the order of `taxonomies:` in site.yaml.
    pub kinds: Vec<Kind>,
}

/// One taxonomy (`topics`) in every language of the site.
#[derive(Debug, Clone)]
pub struct Kind {
    /// Its name, as declared (`topics`).
    pub name: String,
    /// Pages per term page, when term pages are paginated.
    pub paginate_by: Option<usize>,
    /// Whether each term has an Atom feed.
    pub feed: bool,
    /// One listing per language of the site, in the order of `languages:`.
    pub listings: Vec<Listing>,
}

/// A taxonomy in one language: the page that lists its terms.
#[derive(Debug, Clone)]
pub struct Listing {
    /// The language's code.
    pub lang: String,
    /// The site path of the list page (`/topics/`, `/ru/topics/`).
    pub path: String,
    /// Its terms that hold something in this language, by name.
    pub terms: Vec<Term>,
}

/// One term in one language, and what is classified under it.
#[derive(Debug, Clone)]
pub struct Term {
    /// Its name in the default language: the same in every language.
    pub key: String,
    /// Its name in the listing's language.
    pub name: String,
    /// The URL segment made from `key`.
    pub slug: String,
    /// Its page's site path (`/topics/connectivity/`).
    pub path: String,
    /// Its pages, indices into [`Site::all_pages`], in listing order.
    pub pages: Vec<usize>,
    /// Its figures: (page index, figure index), pages in listing order.
    pub figures: Vec<(usize, usize)>,
    /// Its quotes: (page index, quote index), pages in listing order.
    pub quotes: Vec<(usize, usize)>,
}

impl Taxonomies {
    /// The taxonomy `name` in `lang`.
    pub fn listing(&self, name: &str, lang: &str) -> Option<&Listing> {
        self.kinds
            .iter()
            .find(|kind| kind.name == name)?
            .listings
            .iter()
            .find(|listing| listing.lang == lang)
    }

    /// Every list page and term page: (kind, listing, `None` for the list page or the term).
    pub fn pages(&self) -> impl Iterator<Item = (&Kind, &Listing, Option<&Term>)> {
        self.kinds.iter().flat_map(|kind| {
            kind.listings.iter().flat_map(move |listing| {
                std::iter::once((kind, listing, None))
                    .chain(listing.terms.iter().map(move |t| (kind, listing, Some(t))))
            })
        })
    }

    /// The site paths of the taxonomies' list pages in every language (for nav checks).
    pub fn list_paths(&self) -> impl Iterator<Item = &str> {
        self.kinds
            .iter()
            .flat_map(|kind| kind.listings.iter().map(|l| l.path.as_str()))
    }
}

impl Kind {
    /// The versions of one term page (or of the list page, for `key: None`) in every
    /// language that has it: (language, path, the term's name there).
    pub fn versions<'a>(
        &'a self,
        key: Option<&'a str>,
    ) -> impl Iterator<Item = (&'a str, &'a str, Option<&'a str>)> + 'a {
        self.listings.iter().filter_map(move |listing| match key {
            None => Some((listing.lang.as_str(), listing.path.as_str(), None)),
            Some(key) => listing.terms.iter().find(|t| t.key == key).map(|t| {
                (
                    listing.lang.as_str(),
                    t.path.as_str(),
                    Some(t.name.as_str()),
                )
            }),
        })
    }
}

/// The site paths of the listing pages of a listing at `path` showing `items` things,
/// `by` per page: `path` itself, then `path` + `page/2/`, …; always one at least.
pub fn pager_paths(path: &str, items: usize, by: usize) -> Vec<String> {
    let count = items.div_ceil(by.max(1)).max(1);
    (1..=count).map(|number| pager_path(path, number)).collect()
}

/// The site path of listing page `number` (from 1) of the listing at `path`.
pub fn pager_path(path: &str, number: usize) -> String {
    if number <= 1 {
        path.to_string()
    } else {
        format!("{path}{PAGER_FOLDER}/{number}/")
    }
}

/// Where a term was written: the page, and the figure or quote when it was one of theirs.
#[derive(Debug, Clone, Copy)]
enum Holder {
    Page,
    Figure(usize),
    Quote(usize),
}

/// One spelling of a term and where it was first written.
struct Spelling {
    name: String,
    count: usize,
    page: usize,
    holder: Holder,
}

/// Gathers the terms of `site` for every taxonomy of `config`. Errors: a taxonomy named like a
/// front-matter key, a term with nothing to make a URL from, a term without its name in a
/// language's strings, a name in the strings for a term nobody uses. Warnings: one term written
/// in ways that differ (`Connectivity`, `connectivity`), shown as one.
///
/// `complete` says that every content file loaded: only then can a name in the strings be
/// told to be unused.
pub fn collect(
    root: &Path,
    site: &Site,
    config: &Config,
    strings: &Strings,
    complete: bool,
) -> (Taxonomies, Vec<Error>, Vec<Warning>) {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    if config.taxonomies.is_empty() {
        if complete {
            errors.extend(stray_term_names(
                root,
                config,
                strings,
                &Taxonomies::default(),
            ));
        }
        return (Taxonomies::default(), errors, warnings);
    }
    errors.extend(reserved_names(root, config));
    let pages: Vec<&Page> = site.all_pages().collect();
    let mut order: Vec<usize> = (0..pages.len()).collect();
    order.sort_by(|&a, &b| listing_order(pages[a], pages[b]));

    // Each taxonomy on its own core: none reads another's terms.
    let collected: Vec<(Kind, Vec<Error>, Vec<Warning>)> = config
        .taxonomies
        .par_iter()
        .map(|declared| collect_kind(declared, &pages, &order, config, strings))
        .collect();
    let mut taxonomies = Taxonomies::default();
    for (kind, kind_errors, kind_warnings) in collected {
        taxonomies.kinds.push(kind);
        errors.extend(kind_errors);
        warnings.extend(kind_warnings);
    }
    if complete {
        errors.extend(stray_term_names(root, config, strings, &taxonomies));
    }
    (taxonomies, errors, warnings)
}

/// One declared taxonomy's terms, in every language, from `pages` (listed in `order`).
fn collect_kind(
    declared: &crate::config::Taxonomy,
    pages: &[&Page],
    order: &[usize],
    config: &Config,
    strings: &Strings,
) -> (Kind, Vec<Error>, Vec<Warning>) {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let kind = &declared.name;
    // Every spelling of every term, grouped by the URL it makes, from the originals. Most
    // names are written many times: each is slugged and placed once, then only counted.
    let mut by_slug: BTreeMap<String, Vec<Spelling>> = BTreeMap::new();
    // Each spelling's number, in the order first written, and how often it is written.
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut counts: Vec<usize> = Vec::new();
    for (index, page) in pages.iter().enumerate() {
        if page.is_translation() {
            continue;
        }
        for (holder, names) in terms_of(page, kind) {
            for name in names {
                if let Some(&number) = seen.get(name.as_str()) {
                    counts[number] += 1;
                    continue;
                }
                let slug = crate::url::slug(name);
                if slug.is_empty() {
                    errors.push(Error::InvalidValue {
                        path: page.file.clone(),
                        line: line_of(page, kind, holder),
                        message: format!("`{kind}` lists `{name}`, which has no letter or digit to make its URL from"),
                        help: "name the term with words, e.g. `Connectivity`".into(),
                    });
                    continue;
                }
                seen.insert(name, counts.len());
                counts.push(1);
                by_slug.entry(slug).or_default().push(Spelling {
                    name: name.clone(),
                    count: 0,
                    page: index,
                    holder,
                });
            }
        }
    }
    for spelling in by_slug.values_mut().flatten() {
        spelling.count = seen.get(spelling.name.as_str()).map_or(0, |&n| counts[n]);
    }
    // The key of each group: its most used spelling, the first written on a tie. Groups
    // are numbered in slug order; every spelling leads to its group.
    let mut groups: Vec<(&str, &str)> = Vec::with_capacity(by_slug.len());
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    for (slug, spellings) in &by_slug {
        let chosen = spellings
            .iter()
            .enumerate()
            .max_by_key(|(at, s)| (s.count, std::cmp::Reverse(*at)))
            .map(|(_, s)| s)
            .unwrap_or(&spellings[0]);
        for other in spellings.iter().filter(|s| s.name != chosen.name) {
            warnings.push(variant_warning(kind, other, chosen, pages));
        }
        for spelling in spellings {
            group_of.insert(&spelling.name, groups.len());
        }
        groups.push((&chosen.name, slug));
    }

    let mut listings = Vec::new();
    for lang in config.language_codes() {
        let root_path = config.language_root(lang);
        // A language without any page has no home, and no taxonomy pages either.
        if lang != config.default_language() && !pages.iter().any(|p| p.lang == lang) {
            continue;
        }
        let mut terms: Vec<Option<Term>> = vec![None; groups.len()];
        for &index in order {
            let page = pages[index];
            if page.lang != lang {
                continue;
            }
            for (holder, names) in terms_of(page, kind) {
                for name in names {
                    let Some(&group) = group_of.get(name.as_str()) else {
                        continue;
                    };
                    let term = terms[group].get_or_insert_with(|| {
                        let (key, slug) = groups[group];
                        Term {
                            key: key.to_string(),
                            name: key.to_string(),
                            slug: slug.to_string(),
                            path: format!("{root_path}{kind}/{slug}/"),
                            pages: Vec::new(),
                            figures: Vec::new(),
                            quotes: Vec::new(),
                        }
                    });
                    match holder {
                        Holder::Page => {
                            if term.pages.last() != Some(&index) {
                                term.pages.push(index);
                            }
                        }
                        Holder::Figure(item) => term.figures.push((index, item)),
                        Holder::Quote(item) => term.quotes.push((index, item)),
                    }
                }
            }
        }
        let mut terms: Vec<Term> = terms.into_iter().flatten().collect();
        if lang != config.default_language() {
            for term in &mut terms {
                match strings.get(lang, &term_string_key(kind, &term.key)) {
                    Some(name) => term.name = name.to_string(),
                    // A language with strings must name every term; without a strings
                    // file, nothing is translated and the default names show.
                    None if strings.by_lang.get(lang).is_some_and(|s| !s.is_empty()) => {
                        errors.push(missing_name(kind, term, lang, config))
                    }
                    None => {}
                }
            }
        }
        terms.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then_with(|| a.slug.cmp(&b.slug))
        });
        listings.push(Listing {
            lang: lang.to_string(),
            path: format!("{root_path}{kind}/"),
            terms,
        });
    }
    let kind = Kind {
        name: kind.clone(),
        paginate_by: declared.paginate_by,
        feed: declared.feed,
        listings,
    };
    (kind, errors, warnings)
}

/// The key of a term's name in a language's strings: `terms.topics.Connectivity`.
pub fn term_string_key(kind: &str, key: &str) -> String {
    format!("terms.{kind}.{key}")
}

/// The terms of `kind` that a page lists for itself, and for each figure and quote.
fn terms_of<'p>(page: &'p Page, kind: &str) -> Vec<(Holder, &'p [String])> {
    let mut found = Vec::new();
    if let Some(names) = page.front.terms.get(kind) {
        found.push((Holder::Page, names.as_slice()));
    }
    for (index, figure) in page.front.figures.iter().enumerate() {
        if let Some(names) = figure.terms.get(kind) {
            found.push((Holder::Figure(index), names.as_slice()));
        }
    }
    for (index, quote) in page.front.quotes.iter().enumerate() {
        if let Some(names) = quote.terms.get(kind) {
            found.push((Holder::Quote(index), names.as_slice()));
        }
    }
    found
}

/// The line in the page's file of the `kind:` list of `holder`.
fn line_of(page: &Page, kind: &str, holder: Holder) -> usize {
    let path: Vec<Segment<'_>> = match holder {
        Holder::Page => vec![Segment::Key(kind)],
        Holder::Figure(i) => vec![
            Segment::Key("figures"),
            Segment::Index(i),
            Segment::Key(kind),
        ],
        Holder::Quote(i) => vec![
            Segment::Key("quotes"),
            Segment::Index(i),
            Segment::Key(kind),
        ],
    };
    yaml::nearest_line(&page.front_matter, &path) + page.front_matter_offset
}

fn variant_warning(kind: &str, other: &Spelling, chosen: &Spelling, pages: &[&Page]) -> Warning {
    let normal = |name: &str| {
        name.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let how = if normal(&other.name) == normal(&chosen.name) {
        "differs only in case or spacing from"
    } else {
        "makes the same URL as"
    };
    let (page, chosen_page) = (pages[other.page], pages[chosen.page]);
    Warning {
        kind: WarningKind::TermVariants,
        path: page.file.clone(),
        line: line_of(page, kind, other.holder),
        message: format!(
            "{kind} term `{}` {how} `{}` ({}:{}), likely a typo: both are shown as `{}`; write it one way",
            other.name,
            chosen.name,
            shown(&chosen_page.file),
            line_of(chosen_page, kind, chosen.holder),
            chosen.name
        ),
    }
}

fn missing_name(kind: &str, term: &Term, lang: &str, config: &Config) -> Error {
    let name = config.language(lang).map_or(lang, |l| l.name.as_str());
    Error::Missing {
        path: crate::i18n::file_of(lang),
        line: 1,
        what: format!("the {name} name of the {kind} term `{}`", term.key),
        help: format!(
            "add it under `terms:`, e.g.\n        terms:\n          {kind}:\n            {}: …",
            term.key
        ),
    }
}

/// Names under `terms:` in a language's strings for a term no page lists, or a taxonomy not
/// declared: a typo there would silently show the default name.
fn stray_term_names(
    root: &Path,
    config: &Config,
    strings: &Strings,
    taxonomies: &Taxonomies,
) -> Vec<Error> {
    let mut errors = Vec::new();
    for (lang, keys) in &strings.by_lang {
        let file = crate::i18n::file_of(lang);
        let mut text: Option<String> = None;
        for key in keys.keys().filter(|k| k.starts_with("terms.")) {
            let rest = &key["terms.".len()..];
            let (kind, term) = rest.split_once('.').unwrap_or((rest, ""));
            let known = taxonomies.kinds.iter().find(|k| k.name == kind);
            let used = known.is_some_and(|k| {
                k.listings
                    .iter()
                    .any(|l| l.terms.iter().any(|t| t.key == term))
            });
            if used {
                continue;
            }
            let text = text.get_or_insert_with(|| read_text(root, &file).unwrap_or_default());
            let (message, help) = match known {
                None if !config.taxonomies.iter().any(|t| t.name == kind) => (
                    format!("`{kind}` under `terms:` is not a taxonomy of site.yaml"),
                    "name terms under the taxonomy's name, e.g. `terms: {topics: {Connectivity: …}}`".to_string(),
                ),
                _ => (
                    format!("`{term}` under `terms: {kind}:` is not a {kind} term of any page"),
                    "write the term exactly as the pages do, or remove it".to_string(),
                ),
            };
            errors.push(Error::InvalidValue {
                path: file.clone(),
                line: crate::i18n::line_of_key(text, key),
                message,
                help,
            });
        }
    }
    errors
}

/// Taxonomies named like a key that front matter, a figure or a quote already has: their
/// terms could never be told from that key.
fn reserved_names(root: &Path, config: &Config) -> Vec<Error> {
    let reserved = |name: &str| {
        FRONT_MATTER_KEYS
            .iter()
            .chain(FIGURE_KEYS)
            .chain(QUOTE_KEYS)
            .any(|k| *k == name)
    };
    if !config.taxonomies.iter().any(|t| reserved(&t.name)) {
        return Vec::new();
    }
    let text = read_text(root, Path::new(CONFIG_FILE)).unwrap_or_default();
    config
        .taxonomies
        .iter()
        .enumerate()
        .filter(|(_, t)| reserved(&t.name))
        .map(|(index, t)| Error::InvalidValue {
            path: PathBuf::from(CONFIG_FILE),
            line: yaml::nearest_line(
                &text,
                &[
                    Segment::Key("taxonomies"),
                    Segment::Index(index),
                    Segment::Key("name"),
                ],
            ),
            message: format!("taxonomy `{}` has the name of a front-matter key", t.name),
            help: "choose another name, e.g. `topics` or `tags`".into(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagers_start_at_the_listing_and_count_from_two() {
        assert_eq!(pager_paths("/s/", 0, 10), vec!["/s/"]);
        assert_eq!(pager_paths("/s/", 10, 10), vec!["/s/"]);
        assert_eq!(
            pager_paths("/s/", 21, 10),
            vec!["/s/", "/s/page/2/", "/s/page/3/"]
        );
    }
}
