//! Stages 2 and 3, load and tree: walk `content/`, split and parse every Markdown file, and
//! arrange pages and sections into a [`Site`] with URLs, ordering and drafts applied.

pub mod front_matter;

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::date::Date;
use crate::error::Error;
use crate::paths::{CONTENT_DIR, decode_text, read_text};
use crate::{url, yaml};
pub use front_matter::FrontMatter;

/// A Markdown file that becomes one HTML page.
#[derive(Debug, Clone)]
pub struct Page {
    /// The source file, relative to the site root (`content/speakers/mamin.md`).
    pub file: PathBuf,
    /// Its front matter.
    pub front: FrontMatter,
    /// The raw YAML of the front matter, to find the line of a value in errors.
    pub front_matter: String,
    /// Lines of the file before `front_matter` starts.
    pub front_matter_offset: usize,
    /// The Markdown after the front matter; empty when [`LoadRules::keep_bodies`] is not set
    /// (see [`read_body`]).
    pub body: String,
    /// 1-based line of the file where `body` starts.
    pub body_line: usize,
    /// The site path, always starting and ending with `/` (`/speakers/mamin/`).
    pub path: String,
    /// Its language's code (`en`; `ru` for `mamin.ru.md`).
    pub lang: String,
    /// The file it translates, or its own, as `@/` links name it (`speakers/mamin.md`): the
    /// pages with one key are translations of each other.
    pub key: String,
    /// The pages with its key, itself included, in the order of `languages:` (empty until the
    /// site is arranged, and on a site in one language).
    pub translations: Vec<Translation>,
    /// Whether a file holds it: a language's home section exists without one.
    pub written: bool,
    /// Whether it translates another page ([`Page::is_translation`]).
    translation: bool,
}

/// One language's version of a page, for language switchers and `hreflang` alternates.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Translation {
    /// The language code.
    pub lang: String,
    /// The site path of that version.
    pub path: String,
    /// Its title.
    pub title: Option<String>,
}

impl Page {
    /// Whether this page is a translation (its file names another language than the default).
    pub fn is_translation(&self) -> bool {
        self.translation
    }
}

/// Whether `file` is a translation of the page with `key`: the key ends in the original's
/// file name (`mamin.md`); a translation's is `mamin.ru.md`. Found once per page, when it is
/// made: steps ask it of every page, and the file names are far apart in memory.
fn names_a_translation(file: &Path, key: &str) -> bool {
    let original_name = key.rsplit('/').next().unwrap_or(key).as_bytes();
    let file = file.as_os_str().as_encoded_bytes();
    let Some(before) = file.len().checked_sub(original_name.len()) else {
        return true;
    };
    let named_so =
        file.ends_with(original_name) && (before == 0 || matches!(file[before - 1], b'/' | b'\\'));
    !named_so
}

/// What site.yaml says about content files: the languages they may be written in, the
/// default (`page.md`) and the others (`page.ru.md`), and the taxonomies front matter may use.
#[derive(Debug, Clone, Default)]
pub struct LoadRules {
    /// The default language's code.
    pub default: String,
    /// The other languages' codes.
    pub others: Vec<String>,
    /// The names of the declared taxonomies (`topics`).
    pub taxonomies: Vec<String>,
    /// Whether pages keep their Markdown (`serve`, which renders pages again from it); a build
    /// reads each page's Markdown again when it renders it, so that memory never holds the
    /// whole site's sources at once.
    pub keep_bodies: bool,
}

impl LoadRules {
    /// The rules of `config`.
    pub fn of(config: &crate::config::Config) -> LoadRules {
        LoadRules {
            default: config.default_language().to_string(),
            others: config
                .other_languages()
                .into_iter()
                .map(str::to_string)
                .collect(),
            taxonomies: config.taxonomies.iter().map(|t| t.name.clone()).collect(),
            keep_bodies: true,
        }
    }
}

/// A folder's `_index.md`: a page that lists the pages and sections below it.
#[derive(Debug, Clone)]
pub struct Section {
    /// The page data of the `_index.md` (an empty body when the file does not exist).
    pub page: Page,
    /// Indexes into [`Site::pages`], in listing order.
    pub pages: Vec<usize>,
    /// Indexes into [`Site::sections`], in listing order.
    pub subsections: Vec<usize>,
}

/// Every page and section of a site, as a tree rooted at `sections[0]`, the home section.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// All pages, in path order.
    pub pages: Vec<Page>,
    /// All sections; index 0 is the home section (`content/_index.md`).
    pub sections: Vec<Section>,
}

impl Site {
    /// Every page, sections' own pages first, in a stable order.
    pub fn all_pages(&self) -> impl Iterator<Item = &Page> {
        self.sections.iter().map(|s| &s.page).chain(&self.pages)
    }
}

/// The Markdown of `page`, read again from its file, for a run that did not keep it
/// ([`LoadRules::keep_bodies`]). The front matter must be the one loaded: a file edited while
/// the site builds is an error, not a page rendered half from each version.
pub fn read_body(root: &Path, page: &Page) -> Result<String, Error> {
    if !page.written {
        return Ok(String::new());
    }
    let mut text = read_text(root, &page.file)?;
    match front_matter::split(&text) {
        Ok(split) if split.front_matter == page.front_matter => {
            // The body is the text's tail: the front is cut off in place, not copied out.
            let body_start = text.len() - split.body.len();
            text.drain(..body_start);
            Ok(text)
        }
        _ => Err(Error::InvalidValue {
            path: page.file.clone(),
            line: 1,
            message: "the file changed while the site was building".into(),
            help: "build again once the file is saved".into(),
        }),
    }
}

/// The start of `file` up to where its body starts: the front matter and its fences, read in
/// growing blocks until the closing fence (the whole file when there is none; nothing when the
/// file has no front matter). A build does not keep bodies ([`read_body`] reads them when it
/// renders the page), so the load neither reads nor checks them.
fn read_up_to_body(root: &Path, file: &Path) -> Result<String, Error> {
    use std::io::Read;
    let read_error = |source| Error::Read {
        path: file.to_path_buf(),
        source,
    };
    let mut source = std::fs::File::open(root.join(file)).map_err(read_error)?;
    let mut bytes: Vec<u8> = Vec::new();
    // Where the next line to look at starts; the first line is the opening fence.
    let mut next_line: Option<usize> = None;
    loop {
        let filled = bytes.len();
        // Doubling blocks from 1 KiB: most front matter is a few hundred bytes, and what is
        // read past it is copied for nothing (a third of a page's bytes at 4 KiB); a long one
        // is still read in a few calls.
        bytes.resize(filled + filled.max(1024), 0);
        let read = loop {
            match source.read(&mut bytes[filled..]) {
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                other => break other.map_err(read_error)?,
            }
        };
        bytes.truncate(filled + read);
        let at_end = read == 0;
        let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
        if (text.len() >= 3 || at_end) && !text.starts_with(b"---") {
            return Ok(String::new()); // all body: no front matter to read
        }
        if at_end {
            return decode_text(file, bytes);
        }
        let mut start = match next_line {
            Some(start) => start,
            None => match memchr::memchr(b'\n', &bytes) {
                Some(end) => end + 1,
                None => continue,
            },
        };
        while let Some(end) = memchr::memchr(b'\n', &bytes[start..]) {
            let line_end = start + end + 1;
            // The closing fence as `front_matter::split` knows it: `---`, then only spaces.
            if bytes[start..line_end].trim_ascii_end() == b"---" {
                bytes.truncate(line_end);
                return decode_text(file, bytes);
            }
            start = line_end;
        }
        next_line = Some(start);
    }
}

/// Loads `<root>/content` into a [`Site`]. Every file is tried: the site holds the files that
/// loaded, the errors list those that did not, so later stages can report their own errors too.
pub fn load_site(root: &Path, include_drafts: bool, languages: &LoadRules) -> (Site, Vec<Error>) {
    let mut errors = Vec::new();
    let mut sections: BTreeMap<String, Page> = BTreeMap::new();
    let mut draft_dirs: Vec<String> = Vec::new();

    let files = content_files(root, &mut errors);
    // Reading and parsing are independent per file; the order is restored by the collect.
    let loaded: Vec<Result<(Page, bool), Error>> = files
        .par_iter()
        .map(|file| load_file(root, file, languages))
        .collect();
    let mut draft_keys: Vec<String> = Vec::new();
    // Collected in place: the pages stay where the load put them, instead of a second copy of
    // a large site's pages into fresh memory, on one core.
    let mut pages: Vec<Page> = loaded
        .into_iter()
        .filter_map(|result| {
            let (page, is_section) = result.map_err(|e| errors.push(e)).ok()?;
            if page.front.draft && !include_drafts {
                if is_section {
                    draft_dirs.push(page.path.clone());
                }
                draft_keys.push(page.key.clone());
                return None;
            }
            if !is_section {
                return Some(page);
            }
            sections.insert(page.path.clone(), page);
            None
        })
        .collect();
    // A draft section hides everything below it.
    pages.retain(|page| !draft_dirs.iter().any(|dir| page.path.starts_with(dir)));
    sections.retain(|path, _| path == "/" || !draft_dirs.iter().any(|dir| path.starts_with(dir)));

    // The translations of a draft are drafts too.
    pages.retain(|page| !draft_keys.contains(&page.key));
    sections.retain(|_, page| !page.is_translation() || !draft_keys.contains(&page.key));
    inherit_from_originals(&mut pages, &mut sections);

    check_unique_paths(&pages, &sections, &mut errors);
    check_language_folders(&pages, &sections, languages, &mut errors);
    check_originals(&pages, &sections, &files, &mut errors);
    (build_tree(pages, sections, languages), errors)
}

/// The `.md` files under `content/`, sorted by path (each folder's entries by name, a
/// folder's files where its name sorts); symlinks are refused, not followed.
fn content_files(root: &Path, errors: &mut Vec<Error>) -> Vec<PathBuf> {
    let top = root.join(CONTENT_DIR);
    let mut files = Vec::new();
    match std::fs::symlink_metadata(&top) {
        Err(source) => errors.push(Error::Read {
            path: PathBuf::from(CONTENT_DIR),
            source,
        }),
        Ok(meta) => {
            // `content` itself may be a link: refused like any other, yet still read, so that
            // the build reports what else is wrong in it.
            let is_dir = top.is_dir();
            if meta.file_type().is_symlink() && is_dir {
                errors.push(Error::Symlink {
                    path: PathBuf::from(CONTENT_DIR),
                });
            }
            if is_dir {
                list_folder(&top, Path::new(CONTENT_DIR), &mut files, errors);
            }
        }
    }
    files
}

/// Adds the `.md` files in `folder` (`relative` to the site root) and below to `files`, in
/// name order, each subfolder's files where its name sorts. (Listing subfolders on all cores
/// was slower: a large site's pages are in a few large folders, each read by one call after
/// another.)
fn list_folder(folder: &Path, relative: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<Error>) {
    let read_error = |source| Error::Read {
        path: relative.to_path_buf(),
        source,
    };
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(source) => return errors.push(read_error(source)),
    };
    let mut listed: Vec<(std::ffi::OsString, std::fs::FileType)> = Vec::new();
    for entry in entries {
        match entry.and_then(|entry| Ok((entry.file_name(), entry.file_type()?))) {
            Ok(named) => listed.push(named),
            Err(source) => errors.push(read_error(source)),
        }
    }
    // Names compared as they are, not as paths parsed again at each comparison: a section of
    // 10,000 pages sorted that way took a quarter of a 100,000-page site's walk.
    listed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (name, kind) in listed {
        let path = relative.join(&name);
        let shown = name.to_string_lossy();
        if kind.is_dir() {
            // A hidden folder is still walked, as the walk always did (the test below holds
            // it to that); only hidden names are left out.
            list_folder(&folder.join(&name), &path, files, errors);
        } else if shown.starts_with('.') {
            // Hidden files (editors' lock and swap files) are left out.
        } else if kind.is_symlink() {
            // Links are not followed, so nothing outside the site (or a loop) is ever read;
            // say so instead of silently leaving out what the editor meant to include.
            if shown.ends_with(".md") || folder.join(&name).is_dir() {
                errors.push(Error::Symlink { path });
            }
        } else if kind.is_file() && shown.ends_with(".md") {
            files.push(path);
        }
    }
}

/// Reads and parses one content file (a path relative to the site root); `true` when it is a
/// section's `_index.md`.
pub fn load_file(root: &Path, file: &Path, languages: &LoadRules) -> Result<(Page, bool), Error> {
    let text = match languages.keep_bodies {
        true => read_text(root, file)?,
        false => read_up_to_body(root, file)?,
    };
    let split = front_matter::split(&text).map_err(|line| Error::UnterminatedFrontMatter {
        path: file.to_path_buf(),
        line,
    })?;
    let mut front = front_matter::parse(file, &split)?;
    let place = url_path(file, languages).map_err(|name| Error::BadFileName {
        path: file.to_path_buf(),
        name,
    })?;
    take_all_terms(
        &mut front,
        file,
        &split,
        languages,
        place.lang != languages.default,
    )?;
    if front.paginate_by.is_some() && !place.is_section {
        return Err(Error::InvalidValue {
            path: file.to_path_buf(),
            line: yaml::line_of(split.front_matter, &[yaml::Segment::Key("paginate_by")])
                .unwrap_or(0)
                + split.front_matter_offset,
            message: "`paginate_by` is set on a page, which lists nothing".into(),
            help: "set it in the `_index.md` of the section whose listing should be paginated"
                .into(),
        });
    }
    if front.paginate_by == Some(0) {
        return Err(Error::InvalidValue {
            path: file.to_path_buf(),
            line: yaml::line_of(split.front_matter, &[yaml::Segment::Key("paginate_by")])
                .unwrap_or(0)
                + split.front_matter_offset,
            message: "`paginate_by: 0` would put no page on a listing page".into(),
            help: "write how many pages each listing page shows, e.g. `paginate_by: 10`".into(),
        });
    }
    let (path, is_section) = (place.path, place.is_section);
    let untitled = front.title.as_deref().is_none_or(|t| t.trim().is_empty());
    if untitled && !place.is_home {
        return Err(Error::Missing {
            path: file.to_path_buf(),
            line: 1,
            what: "the page `title`".into(),
            help: if split.front_matter_offset == 0 {
                "start the file with front matter:\n        ---\n        title: Your title\n        ---".into()
            } else {
                "add `title: Your title` between the `---` lines".into()
            },
        });
    }
    let page = Page {
        file: file.to_path_buf(),
        front,
        front_matter: split.front_matter.to_string(),
        front_matter_offset: split.front_matter_offset,
        body: match languages.keep_bodies {
            true => split.body.to_string(),
            false => String::new(),
        },
        body_line: split.body_line,
        path,
        lang: place.lang,
        translation: names_a_translation(file, &place.key),
        key: place.key,
        translations: Vec::new(),
        written: true,
    };
    Ok((page, is_section))
}

/// Moves the terms of the page and of each figure and quote out of the keys front matter
/// does not know; refuses any other key, with its line, and terms in a translation.
fn take_all_terms(
    front: &mut FrontMatter,
    file: &Path,
    split: &front_matter::Split<'_>,
    rules: &LoadRules,
    is_translation: bool,
) -> Result<(), Error> {
    use front_matter::{FIGURE_KEYS, FRONT_MATTER_KEYS, QUOTE_KEYS, take_terms};
    use yaml::Segment::{Index, Key};
    let refuse = |at: &[yaml::Segment<'_>], problem: front_matter::TermProblem, known: &[&str]| {
        let line = yaml::nearest_line(split.front_matter, at) + split.front_matter_offset;
        let path = file.to_path_buf();
        let declared = |name: &str| rules.taxonomies.iter().any(|t| t == name);
        match problem {
            front_matter::TermProblem::Unknown { key, names } => {
                let mut known: Vec<String> = known.iter().map(|k| k.to_string()).collect();
                known.extend(rules.taxonomies.iter().cloned());
                // A list of names under a key that is not a near miss of a known one: most
                // likely a taxonomy that site.yaml does not declare.
                if names && !declared(&key) && crate::error::closest(&key, &known).is_none() {
                    Error::UndeclaredTaxonomy {
                        path,
                        line,
                        name: key,
                    }
                } else {
                    Error::UnknownKey {
                        path,
                        line,
                        key,
                        known,
                    }
                }
            }
            front_matter::TermProblem::NotNames(key) => Error::InvalidValue {
                path,
                line,
                message: format!("`{key}` must list names"),
                help: format!("write the terms as a list: `{key}: [Connectivity, Education]`"),
            },
            front_matter::TermProblem::EmptyName(key) => Error::InvalidValue {
                path,
                line,
                message: format!("`{key}` lists an empty name"),
                help: "remove the empty entry, or write the term's name".into(),
            },
        }
    };
    let in_translation = |at: &[yaml::Segment<'_>], name: &str| Error::InvalidValue {
        path: file.to_path_buf(),
        line: yaml::nearest_line(split.front_matter, at) + split.front_matter_offset,
        message: format!("a translation lists `{name}`: it takes its terms from its original"),
        help: format!(
            "remove `{name}:` here; translate the names of terms once, under `terms:` in i18n/<language>.yaml"
        ),
    };
    // The terms of one holder (the page, a figure, a quote) whose keys are at `at`.
    let take = |rest: &mut BTreeMap<String, yaml::Value>,
                terms: &mut front_matter::Terms,
                at: &[yaml::Segment<'_>],
                known: &[&str]| {
        take_terms(rest, terms, &rules.taxonomies).map_err(|problem| {
            let key = problem.key().to_string();
            refuse(&[at, &[Key(&key)]].concat(), problem, known)
        })?;
        match terms.keys().next() {
            Some(name) if is_translation => Err(in_translation(&[at, &[Key(name)]].concat(), name)),
            _ => Ok(()),
        }
    };
    take(&mut front.rest, &mut front.terms, &[], FRONT_MATTER_KEYS)?;
    for (index, figure) in front.figures.iter_mut().enumerate() {
        let at = [Key("figures"), Index(index)];
        take(&mut figure.rest, &mut figure.terms, &at, FIGURE_KEYS)?;
    }
    for (index, quote) in front.quotes.iter_mut().enumerate() {
        let at = [Key("quotes"), Index(index)];
        take(&mut quote.rest, &mut quote.terms, &at, QUOTE_KEYS)?;
    }
    Ok(())
}

/// Where a content file goes: its site path, whether it is a section, its language, and the
/// key its translations share.
#[derive(Debug, PartialEq, Eq)]
struct Place {
    path: String,
    is_section: bool,
    /// A language's home section (`content/_index.md`, `content/_index.ru.md`).
    is_home: bool,
    lang: String,
    key: String,
}

/// The site path of a content file: `content/a/b.md` → `/a/b/`, `content/a/_index.md` and
/// `content/a/index.md` → `/a/`; every folder and file name made a slug by [`url::slug`]
/// (`content/Итоги форума (2021).md` → `/itogi-foruma-2021/`). A file named for another
/// language (`b.ru.md`) is that language's translation, under its folder: `/ru/a/b/`. `Err`
/// names a part that has no letter or digit to make a URL from.
fn url_path(file: &Path, languages: &LoadRules) -> Result<Place, String> {
    // Skips `content`; `slash::parts` splits Windows paths the same way on every platform.
    let mut parts: Vec<String> = crate::slash::parts(file).skip(1).collect();
    let name = parts.pop().unwrap_or_default();
    let mut stem = name.strip_suffix(".md").unwrap_or(&name);
    let mut lang = languages.default.clone();
    if let Some((base, suffix)) = stem.rsplit_once('.')
        && languages.others.iter().any(|code| code == suffix)
    {
        lang = suffix.to_string();
        stem = base;
    }
    let mut key_parts = parts.clone();
    key_parts.push(format!("{stem}.md"));
    let is_section = stem == "_index";
    let is_home = is_section && parts.is_empty();
    if !is_section && stem != "index" {
        parts.push(stem.to_string());
    }
    let mut path = if lang == languages.default {
        String::from("/")
    } else {
        format!("/{lang}/")
    };
    for part in parts {
        let slug = url::slug(&part);
        if slug.is_empty() {
            return Err(part);
        }
        path.push_str(&slug);
        path.push('/');
    }
    Ok(Place {
        path,
        is_section,
        is_home,
        lang,
        key: key_parts.join("/"),
    })
}

/// A folder of the default language that takes another language's URLs (`content/ru/x.md`
/// is `/ru/x/`, where the Russian pages live).
fn check_language_folders(
    pages: &[Page],
    sections: &BTreeMap<String, Page>,
    languages: &LoadRules,
    errors: &mut Vec<Error>,
) {
    for page in pages.iter().chain(sections.values()) {
        if page.lang != languages.default {
            continue;
        }
        if let Some(code) = languages
            .others
            .iter()
            .find(|code| page.path.starts_with(&format!("/{code}/")))
        {
            errors.push(Error::LanguageFolder {
                path: page.file.clone(),
                code: code.clone(),
            });
        }
    }
}

/// A translation takes from its original what does not depend on the language: `date`,
/// `weight`, `template` and its terms, and `updated` and `paginate_by` unless it sets its
/// own; so listings and term pages in every language hold the same pages in the same order.
fn inherit_from_originals(pages: &mut [Page], sections: &mut BTreeMap<String, Page>) {
    type Inherited = (
        Option<Date>,
        Option<i64>,
        Option<String>,
        Option<Date>,
        front_matter::Terms,
        Option<usize>,
    );
    let translated: std::collections::HashSet<String> = pages
        .iter()
        .chain(sections.values())
        .filter(|p| p.is_translation())
        .map(|p| p.key.clone())
        .collect();
    if translated.is_empty() {
        return;
    }
    let originals: std::collections::HashMap<String, Inherited> = pages
        .iter()
        .chain(sections.values())
        .filter(|p| !p.is_translation() && translated.contains(&p.key))
        .map(|p| {
            let front = &p.front;
            let inherited = (
                front.date.clone(),
                front.weight,
                front.template.clone(),
                front.updated.clone(),
                front.terms.clone(),
                front.paginate_by,
            );
            (p.key.clone(), inherited)
        })
        .collect();
    for page in pages.iter_mut().chain(sections.values_mut()) {
        if !page.is_translation() {
            continue;
        }
        if let Some((date, weight, template, updated, terms, paginate_by)) =
            originals.get(&page.key)
        {
            let front = &mut page.front;
            front.date = front.date.take().or_else(|| date.clone());
            front.weight = front.weight.or(*weight);
            front.template = front.template.take().or_else(|| template.clone());
            front.updated = front.updated.take().or_else(|| updated.clone());
            front.terms = terms.clone();
            front.paginate_by = front.paginate_by.or(*paginate_by);
        }
    }
}

/// A translation whose original (`a.md` for `a.ru.md`) does not exist. An original that exists
/// but did not load has its own error already.
fn check_originals(
    pages: &[Page],
    sections: &BTreeMap<String, Page>,
    files: &[PathBuf],
    errors: &mut Vec<Error>,
) {
    if !pages
        .iter()
        .chain(sections.values())
        .any(Page::is_translation)
    {
        return; // a site in one language: nothing to look up
    }
    let originals: FxHashSet<&str> = pages
        .iter()
        .chain(sections.values())
        .filter(|p| !p.is_translation())
        .map(|p| p.key.as_str())
        .collect();
    for page in pages.iter().chain(sections.values()) {
        if page.is_translation()
            && !originals.contains(page.key.as_str())
            && page.key != "_index.md"
            && !files.contains(&Path::new(CONTENT_DIR).join(&page.key))
        {
            errors.push(Error::MissingOriginal {
                path: page.file.clone(),
                original: PathBuf::from(CONTENT_DIR).join(&page.key),
            });
        }
    }
}

fn check_unique_paths(pages: &[Page], sections: &BTreeMap<String, Page>, errors: &mut Vec<Error>) {
    let mut owners: FxHashMap<&str, &Path> =
        FxHashMap::with_capacity_and_hasher(pages.len() + sections.len(), Default::default());
    for section in sections.values() {
        owners.insert(&section.path, &section.file);
    }
    for page in pages {
        if let Some(first) = owners.insert(&page.path, &page.file) {
            errors.push(Error::DuplicateUrl {
                url: page.path.clone(),
                first: first.to_path_buf(),
                second: page.file.clone(),
            });
        }
    }
}

/// Links each page and section to its nearest enclosing section and orders the listings.
fn build_tree(
    pages: Vec<Page>,
    mut section_pages: BTreeMap<String, Page>,
    languages: &LoadRules,
) -> Site {
    // Every language with pages has a home section, written or not.
    let mut roots = vec![(
        "/".to_string(),
        languages.default.clone(),
        "_index.md".to_string(),
    )];
    for code in &languages.others {
        if pages.iter().any(|p| &p.lang == code) || section_pages.values().any(|p| &p.lang == code)
        {
            roots.push((
                format!("/{code}/"),
                code.clone(),
                format!("_index.{code}.md"),
            ));
        }
    }
    let root_paths: Vec<String> = roots.iter().map(|(path, _, _)| path.clone()).collect();
    for (path, lang, file) in roots {
        section_pages.entry(path.clone()).or_insert_with(|| Page {
            translation: names_a_translation(&PathBuf::from(CONTENT_DIR).join(&file), "_index.md"),
            file: PathBuf::from(CONTENT_DIR).join(file),
            front: FrontMatter::default(),
            front_matter: String::new(),
            front_matter_offset: 0,
            body: String::new(),
            body_line: 1,
            path,
            lang,
            key: "_index.md".to_string(),
            translations: Vec::new(),
            written: false,
        });
    }
    // BTreeMap order puts "/" first, so the home section is index 0.
    let mut sections: Vec<Section> = section_pages
        .into_values()
        .map(|page| Section {
            page,
            pages: Vec::new(),
            subsections: Vec::new(),
        })
        .collect();
    let index_of: FxHashMap<String, usize> = sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.page.path.clone(), i))
        .collect();
    let parent_of = |path: &str| -> usize {
        let mut dir = path.trim_end_matches('/');
        while let Some(cut) = dir.rfind('/') {
            dir = &dir[..cut];
            // The folder with its slash, as sections' paths end: a slice of `path`, no copy.
            if let Some(&index) = index_of.get(&path[..=cut]) {
                return index;
            }
        }
        0
    };
    for (index, page) in pages.iter().enumerate() {
        sections[parent_of(&page.path)].pages.push(index);
    }
    // A language's home section has no parent: the languages are separate trees.
    for index in 1..sections.len() {
        if root_paths.contains(&sections[index].page.path) {
            continue;
        }
        let parent = parent_of(&sections[index].page.path);
        sections[parent].subsections.push(index);
    }
    // A section of a large site lists tens of thousands of pages: sorted on all cores.
    sections.par_iter_mut().for_each(|section| {
        section
            .pages
            .sort_by(|&a, &b| listing_order(&pages[a], &pages[b]));
    });
    let pages_of_sections: Vec<Page> = sections.iter().map(|s| s.page.clone()).collect();
    for section in &mut sections {
        section
            .subsections
            .sort_by(|&a, &b| listing_order(&pages_of_sections[a], &pages_of_sections[b]));
    }
    let mut site = Site { pages, sections };
    link_translations(&mut site, languages);
    site
}

/// Fills each page's [`Page::translations`]: the pages that share its key, in language order.
fn link_translations(site: &mut Site, languages: &LoadRules) {
    if languages.others.is_empty() {
        return;
    }
    let order = |lang: &str| {
        std::iter::once(&languages.default)
            .chain(&languages.others)
            .position(|code| code == lang)
            .unwrap_or(usize::MAX)
    };
    let mut by_key: BTreeMap<String, Vec<Translation>> = BTreeMap::new();
    for page in site.all_pages() {
        by_key
            .entry(page.key.clone())
            .or_default()
            .push(Translation {
                lang: page.lang.clone(),
                path: page.path.clone(),
                title: page.front.title.clone(),
            });
    }
    for list in by_key.values_mut() {
        list.sort_by_key(|t| order(&t.lang));
    }
    let pages = site
        .sections
        .iter_mut()
        .map(|s| &mut s.page)
        .chain(site.pages.iter_mut());
    for page in pages {
        if let Some(list) = by_key.get(&page.key) {
            page.translations = list.clone();
        }
    }
}

/// Weight (lowest first, unweighted last), then date (newest first), then title, then path.
pub fn listing_order(a: &Page, b: &Page) -> Ordering {
    let weight = |p: &Page| p.front.weight.map_or((1, 0), |w| (0, w));
    weight(a)
        .cmp(&weight(b))
        .then_with(|| b.front.date.cmp(&a.front.date))
        .then_with(|| a.front.title.cmp(&b.front.title))
        .then_with(|| a.path.cmp(&b.path))
}

#[cfg(test)]
mod tests {
    use super::{LoadRules, content_files, url_path};
    use crate::error::Error;
    use crate::paths::CONTENT_DIR;
    use std::path::{Path, PathBuf};

    /// The walk as walkdir made it before: the reference `content_files` must agree with.
    fn walked_by_walkdir(root: &Path) -> (Vec<PathBuf>, Vec<String>) {
        let (mut files, mut errors) = (Vec::new(), Vec::new());
        let walker = walkdir::WalkDir::new(root.join(CONTENT_DIR))
            .follow_links(false)
            .sort_by_file_name();
        for entry in walker {
            let entry = entry.expect("readable");
            let name = entry.file_name().to_string_lossy();
            let relative = entry
                .path()
                .strip_prefix(root)
                .expect("inside")
                .to_path_buf();
            if name.starts_with('.') {
                continue;
            }
            if entry.path_is_symlink() && (name.ends_with(".md") || entry.path().is_dir()) {
                errors.push(Error::Symlink { path: relative }.to_string());
            } else if entry.file_type().is_file() && name.ends_with(".md") {
                files.push(relative);
            }
        }
        (files, errors)
    }

    #[test]
    fn the_content_walk_lists_what_a_sorted_walkdir_lists_in_its_order() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        let content = root.join(CONTENT_DIR);
        for file in [
            "_index.md",
            "a.md",
            "a-b.md",
            "a.b.md",
            "B.md",
            "é.md",
            "notes.txt",
            ".hidden.md",
            ".drafts/x.md",
            "a/_index.md",
            "a/z.md",
            "a/c/deep.md",
            "a/c/index.md",
            "a b/page.md",
            "Z/1.md",
        ] {
            let path = content.join(file);
            std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
            std::fs::write(path, "---\ntitle: T\n---\n").expect("write");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::symlink;
            symlink(content.join("a.md"), content.join("link.md")).expect("link");
            symlink(content.join("a"), content.join("a/c/up")).expect("link");
            symlink(content.join("notes.txt"), content.join("notes2.txt")).expect("link");
        }
        let mut errors = Vec::new();
        let files = content_files(root, &mut errors);
        let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!((files, errors), walked_by_walkdir(root));
        let mut errors = Vec::new();
        assert!(content_files(&root.join("nowhere"), &mut errors).is_empty());
        assert!(
            matches!(&errors[..], [Error::Read { path, .. }] if path == Path::new(CONTENT_DIR))
        );
    }

    #[test]
    fn content_files_map_to_pretty_urls() {
        let cases = [
            ("content/_index.md", "/", true),
            ("content/a/_index.md", "/a/", true),
            ("content/a/b.md", "/a/b/", false),
            ("content/a/b/index.md", "/a/b/", false),
            ("content/about.md", "/about/", false),
            (r"content\a\b.md", "/a/b/", false),
            (r"content\a\_index.md", "/a/", true),
            (r"content\a\b\index.md", "/a/b/", false),
            (
                "content/Forum News/Report (2021).md",
                "/forum-news/report-2021/",
                false,
            ),
            ("content/Итоги/Жаңа бөлім.md", "/itogi/zhanga-bolim/", false),
            ("content/Итоги/_index.md", "/itogi/", true),
        ];
        for (file, path, is_section) in cases {
            let place = url_path(Path::new(file), &languages()).expect("a URL");
            assert_eq!(
                (place.path.as_str(), place.is_section),
                (path, is_section),
                "{file}"
            );
        }
    }

    #[test]
    fn a_name_without_letters_gives_no_url() {
        assert_eq!(
            url_path(Path::new("content/a/!!!.md"), &languages()),
            Err("!!!".to_string())
        );
    }

    fn languages() -> LoadRules {
        LoadRules {
            default: "en".into(),
            taxonomies: Vec::new(),
            others: vec!["ru".into(), "kk".into()],
            keep_bodies: true,
        }
    }

    #[test]
    fn a_build_reads_front_matter_across_blocks_as_a_whole_read_does() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("content")).expect("mkdir");
        let long = "x".repeat(3000);
        let cases: Vec<(&str, String)> = vec![
            // Front matter longer than the first two blocks, with a BOM and CRLF endings.
            (
                "long.md",
                format!(
                    "\u{feff}---\r\ntitle: Long\r\ndescription: {long}\r\nextra:\r\n  a: {long}\r\n  b: {long}\r\n---\r\nBody.\r\n"
                ),
            ),
            // Closing fence at the very end, no newline after it.
            ("end.md", "---\ntitle: End\n---".into()),
            // A first line longer than a block, then the fence.
            (
                "wide.md",
                format!("---\ntitle: W{long}{long}\n---\nBody.\n"),
            ),
        ];
        for (name, text) in &cases {
            let file = std::path::PathBuf::from("content").join(name);
            std::fs::write(dir.path().join(&file), text).expect("write");
            let whole = super::load_file(dir.path(), &file, &languages()).expect("loads whole");
            let rules = LoadRules {
                keep_bodies: false,
                ..languages()
            };
            let (page, _) = super::load_file(dir.path(), &file, &rules).expect("loads");
            assert_eq!(page.front_matter, whole.0.front_matter, "{name}");
            assert_eq!(page.front.title, whole.0.front.title, "{name}");
            assert_eq!(page.body_line, whole.0.body_line, "{name}");
            assert_eq!(
                super::read_body(dir.path(), &page).expect("body"),
                whole.0.body,
                "{name}"
            );
        }
        // Bytes that are not UTF-8 in the body: the load passes them, the render names the line.
        let file = Path::new("content/latin1.md");
        std::fs::write(dir.path().join(file), b"---\ntitle: A\n---\nok\nCaf\xe9\n").expect("write");
        let rules = LoadRules {
            keep_bodies: false,
            ..languages()
        };
        let (page, _) = super::load_file(dir.path(), file, &rules).expect("front matter is fine");
        let err = super::read_body(dir.path(), &page).expect_err("not UTF-8");
        assert!(
            matches!(err, crate::error::Error::NotUtf8 { line: 5, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn a_build_reads_the_body_again_and_refuses_a_file_changed_meanwhile() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = Path::new("content/a.md");
        std::fs::create_dir_all(dir.path().join("content")).expect("mkdir");
        std::fs::write(dir.path().join(file), "---\ntitle: A\n---\nFirst body.\n").expect("write");
        let rules = LoadRules {
            keep_bodies: false,
            ..languages()
        };
        let (page, _) = super::load_file(dir.path(), file, &rules).expect("loads");
        assert_eq!(page.body, "", "not kept");
        assert_eq!(
            super::read_body(dir.path(), &page).expect("read"),
            "First body.\n"
        );
        std::fs::write(dir.path().join(file), "---\ntitle: B\n---\nFirst body.\n").expect("write");
        let err = super::read_body(dir.path(), &page).expect_err("front matter changed");
        assert!(
            err.to_string()
                .contains("changed while the site was building"),
            "{err}"
        );
    }

    #[test]
    fn translations_go_under_their_language_and_share_the_original_key() {
        for (file, path, lang, key) in [
            (
                "content/speakers/mamin.ru.md",
                "/ru/speakers/mamin/",
                "ru",
                "speakers/mamin.md",
            ),
            ("content/_index.kk.md", "/kk/", "kk", "_index.md"),
            (
                "content/report/index.ru.md",
                "/ru/report/",
                "ru",
                "report/index.md",
            ),
            (
                "content/speakers/mamin.md",
                "/speakers/mamin/",
                "en",
                "speakers/mamin.md",
            ),
            // Not a configured language: part of the name.
            (
                "content/notes/v1.de.md",
                "/notes/v1-de/",
                "en",
                "notes/v1.de.md",
            ),
        ] {
            let place = url_path(Path::new(file), &languages()).expect("a URL");
            assert_eq!(
                (place.path.as_str(), place.lang.as_str(), place.key.as_str()),
                (path, lang, key),
                "{file}"
            );
        }
    }
}
