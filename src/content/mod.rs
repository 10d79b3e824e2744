//! Stages 2 and 3, load and tree: walk `content/`, split and parse every Markdown file, and
//! arrange pages and sections into a [`Site`] with URLs, ordering and drafts applied.

pub mod front_matter;

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::error::Error;
use crate::paths::{CONTENT_DIR, read_text};
use crate::url;
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
    /// The Markdown after the front matter.
    pub body: String,
    /// 1-based line of the file where `body` starts.
    pub body_line: usize,
    /// The site path, always starting and ending with `/` (`/speakers/mamin/`).
    pub path: String,
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

/// Loads `<root>/content` into a [`Site`]. Every file is tried: the site holds the files that
/// loaded, the errors list those that did not, so later stages can report their own errors too.
pub fn load_site(root: &Path, include_drafts: bool) -> (Site, Vec<Error>) {
    let mut errors = Vec::new();
    let mut pages = Vec::new();
    let mut sections: BTreeMap<String, Page> = BTreeMap::new();
    let mut draft_dirs: Vec<String> = Vec::new();

    let files = content_files(root, &mut errors);
    // Reading and parsing are independent per file; the order is restored by the collect.
    let loaded: Vec<Result<(Page, bool), Error>> =
        files.par_iter().map(|file| load_file(root, file)).collect();
    for result in loaded {
        let Some((page, is_section)) = result.map_err(|e| errors.push(e)).ok() else {
            continue;
        };
        if page.front.draft && !include_drafts {
            if is_section {
                draft_dirs.push(page.path.clone());
            }
            continue;
        }
        if is_section {
            sections.insert(page.path.clone(), page);
        } else {
            pages.push(page);
        }
    }
    // A draft section hides everything below it.
    pages.retain(|page| !draft_dirs.iter().any(|dir| page.path.starts_with(dir)));
    sections.retain(|path, _| path == "/" || !draft_dirs.iter().any(|dir| path.starts_with(dir)));

    check_unique_paths(&pages, &sections, &mut errors);
    (build_tree(pages, sections), errors)
}

/// The `.md` files under `content/`, sorted by path; symlinks are refused, not followed.
fn content_files(root: &Path, errors: &mut Vec<Error>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let walker = WalkDir::new(root.join(CONTENT_DIR))
        .follow_links(false)
        .sort_by_file_name();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().map(|p| relative_to(root, p));
                errors.push(Error::Read {
                    path: path.unwrap_or_else(|| PathBuf::from(CONTENT_DIR)),
                    source: err.into(),
                });
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        let relative = relative_to(root, entry.path());
        if name.starts_with('.') {
            continue;
        }
        // Links are not followed, so nothing outside the site (or a loop) is ever read; say
        // so instead of silently leaving out what the editor meant to include.
        if entry.path_is_symlink() && (name.ends_with(".md") || entry.path().is_dir()) {
            errors.push(Error::Symlink { path: relative });
        } else if entry.file_type().is_file() && name.ends_with(".md") {
            files.push(relative);
        }
    }
    files
}

fn relative_to(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Reads and parses one content file (a path relative to the site root); `true` when it is a
/// section's `_index.md`.
pub fn load_file(root: &Path, file: &Path) -> Result<(Page, bool), Error> {
    let text = read_text(root, file)?;
    let split = front_matter::split(&text).map_err(|line| Error::UnterminatedFrontMatter {
        path: file.to_path_buf(),
        line,
    })?;
    let front = front_matter::parse(file, &split)?;
    let (path, is_section) = url_path(file).map_err(|name| Error::BadFileName {
        path: file.to_path_buf(),
        name,
    })?;
    let untitled = front.title.as_deref().is_none_or(|t| t.trim().is_empty());
    if untitled && path != "/" {
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
        body: split.body.to_string(),
        body_line: split.body_line,
        path,
    };
    Ok((page, is_section))
}

/// The site path of a content file: `content/a/b.md` → `/a/b/`, `content/a/_index.md` and
/// `content/a/index.md` → `/a/`; every folder and file name made a slug by [`url::slug`]
/// (`content/Итоги форума (2021).md` → `/itogi-foruma-2021/`). The flag tells whether the file
/// is a section. `Err` names a part that has no letter or digit to make a URL from.
fn url_path(file: &Path) -> Result<(String, bool), String> {
    // Skips `content`; `slash::parts` splits Windows paths the same way on every platform.
    let mut parts: Vec<String> = crate::slash::parts(file).skip(1).collect();
    let name = parts.pop().unwrap_or_default();
    let stem = name.strip_suffix(".md").unwrap_or(&name);
    let is_section = stem == "_index";
    if !is_section && stem != "index" {
        parts.push(stem.to_string());
    }
    let mut path = String::from("/");
    for part in parts {
        let slug = url::slug(&part);
        if slug.is_empty() {
            return Err(part);
        }
        path.push_str(&slug);
        path.push('/');
    }
    Ok((path, is_section))
}

fn check_unique_paths(pages: &[Page], sections: &BTreeMap<String, Page>, errors: &mut Vec<Error>) {
    let mut owners: BTreeMap<&str, &Path> = BTreeMap::new();
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
fn build_tree(pages: Vec<Page>, mut section_pages: BTreeMap<String, Page>) -> Site {
    section_pages
        .entry("/".to_string())
        .or_insert_with(|| Page {
            file: PathBuf::from(CONTENT_DIR).join("_index.md"),
            front: FrontMatter::default(),
            front_matter: String::new(),
            front_matter_offset: 0,
            body: String::new(),
            body_line: 1,
            path: "/".to_string(),
        });
    // BTreeMap order puts "/" first, so the home section is index 0.
    let mut sections: Vec<Section> = section_pages
        .into_values()
        .map(|page| Section {
            page,
            pages: Vec::new(),
            subsections: Vec::new(),
        })
        .collect();
    let index_of: BTreeMap<String, usize> = sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.page.path.clone(), i))
        .collect();
    let parent_of = |path: &str| -> usize {
        let mut dir = path.trim_end_matches('/');
        while let Some(cut) = dir.rfind('/') {
            dir = &dir[..cut];
            if let Some(&index) = index_of.get(&format!("{dir}/")) {
                return index;
            }
        }
        0
    };
    for (index, page) in pages.iter().enumerate() {
        sections[parent_of(&page.path)].pages.push(index);
    }
    for index in 1..sections.len() {
        let parent = parent_of(&sections[index].page.path);
        sections[parent].subsections.push(index);
    }
    for section in &mut sections {
        section
            .pages
            .sort_by(|&a, &b| listing_order(&pages[a], &pages[b]));
    }
    let pages_of_sections: Vec<Page> = sections.iter().map(|s| s.page.clone()).collect();
    for section in &mut sections {
        section
            .subsections
            .sort_by(|&a, &b| listing_order(&pages_of_sections[a], &pages_of_sections[b]));
    }
    Site { pages, sections }
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
    use super::url_path;
    use std::path::Path;

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
        assert_eq!(
            url_path(Path::new("content/a/!!!.md")),
            Err("!!!".to_string())
        );
        for (file, path, is_section) in cases {
            assert_eq!(
                url_path(Path::new(file)),
                Ok((path.to_string(), is_section)),
                "{file}"
            );
        }
    }
}
