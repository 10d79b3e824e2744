//! A page's body: shortcodes expanded, Markdown rendered with image sizes from the site's
//! files, and `@/file.md#anchor` links resolved once every page is known.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::MarkdownReads;
use super::templates::{Templates, recording_reads};
use crate::config::Config;
use crate::content::Page;
use crate::error::{Error, Warning, WarningKind, closest};
use crate::images::image_size;
use crate::markdown::{InternalLink, ProblemKind, Rendered, Words, render_markdown};
use crate::paths::{CONTENT_DIR, STATIC_DIR};
use crate::shortcodes;
use crate::slash::slashed;
use crate::url::join_url;

/// Expands the shortcodes of `page` and renders its Markdown; returns what that read besides
/// the page's own file. Errors name the page and the line: the first shortcode that fails, or
/// every piece of markup the Markdown stage refuses.
pub fn render_body(
    page: &Page,
    root: &Path,
    templates: &Templates,
) -> Result<(Rendered, MarkdownReads), Vec<Error>> {
    render_text(page, &page.body, root, templates)
}

/// [`render_body`] of `body`, the page's Markdown taken out of it.
pub fn render_text(
    page: &Page,
    body: &str,
    root: &Path,
    templates: &Templates,
) -> Result<(Rendered, MarkdownReads), Vec<Error>> {
    let tera = &templates.tera;
    let calls_shortcodes = body.contains("{{") || body.contains("{%");
    let (expanded, shortcode_reads) = if calls_shortcodes {
        let (expanded, reads) = recording_reads(|| {
            shortcodes::expand_in(body, tera, Some(&page.lang)).map(std::borrow::Cow::Owned)
        });
        (expanded, Some(reads))
    } else {
        (Ok(std::borrow::Cow::Borrowed(body)), None)
    };
    let expanded = expanded.map_err(|err| {
        vec![Error::InvalidValue {
            path: page.file.clone(),
            line: page.body_line + err.line - 1,
            message: err.message,
            help: err.help,
        }]
    })?;
    let images = std::cell::RefCell::new(Vec::new());
    let lookup = |src: &str| local_image_size(root, page, src, &mut images.borrow_mut());
    let words = match ["word_count", "reading_time"]
        .iter()
        .any(|field| templates.needs.page_fields.wants(field))
    {
        true => Words::Counted,
        false => Words::NotCounted,
    };
    let rendered = render_markdown(&expanded, &lookup, words);
    // Block shortcodes keep the line count, so lines in the expanded text are lines of the body.
    if !rendered.errors.is_empty() {
        return Err(rendered
            .errors
            .into_iter()
            .map(|refused| Error::InvalidValue {
                path: page.file.clone(),
                line: page.body_line + refused.line - 1,
                message: refused.message,
                help: refused.help,
            })
            .collect());
    }
    let mut links: Vec<String> = rendered
        .internal_links
        .iter()
        .map(|link| link_file(&link.target).to_string())
        .collect();
    links.sort();
    links.dedup();
    let reads = MarkdownReads {
        images: images.into_inner(),
        links,
        shortcodes: shortcode_reads,
    };
    Ok((rendered, reads))
}

/// The content file an `@/file.md#anchor` link points at.
fn link_file(target: &str) -> &str {
    let target = target.trim_start_matches("@/");
    target.split_once('#').map_or(target, |(file, _)| file)
}

/// The size of an image the page shows: `/x.png` is `static/x.png`; a relative path is
/// beside the page's `index.md` (a page bundle). Remote images have no known size. A path
/// that leads outside the site (`../../../x.png`, or a link out) is refused and never read.
fn local_image_size(
    root: &Path,
    page: &Page,
    src: &str,
    read: &mut Vec<PathBuf>,
) -> Result<Option<(u32, u32)>, (String, String)> {
    if src.contains("://") || src.starts_with("data:") {
        return Ok(None);
    }
    let src = src.split(['?', '#']).next().unwrap_or(src);
    let file = match src.strip_prefix('/') {
        Some(in_static) => Path::new(STATIC_DIR).join(in_static),
        None => match page.file.parent() {
            Some(dir) => dir.join(src),
            None => return Ok(None),
        },
    };
    if let Some(target) = crate::paths::outside_site(root, &file) {
        return Err((
            format!(
                "image `{src}` leads outside the site folder (to {}); the build reads nothing outside the site",
                target.display()
            ),
            "put the image in the page's folder or in static/, and link to it there".into(),
        ));
    }
    let bytes = std::fs::read(root.join(&file));
    read.push(file);
    Ok(bytes
        .ok()
        .and_then(|bytes| image_size(&bytes))
        .map(|size| (size.width, size.height)))
}

/// Markdown problems of `page` as build warnings, with lines in the file.
pub fn markdown_warnings(page: &Page, rendered: &Rendered) -> Vec<Warning> {
    rendered
        .problems
        .iter()
        .map(|problem| Warning {
            kind: match problem.kind {
                ProblemKind::MissingAlt { .. } => WarningKind::MissingAlt,
                ProblemKind::RootRelativeUrl { .. } => WarningKind::RootRelativeUrl,
                ProblemKind::SkippedHeadingLevel { .. } => WarningKind::SkippedHeadingLevel,
            },
            path: page.file.clone(),
            line: page.body_line + problem.line - 1,
            message: problem.kind.to_string(),
        })
        .collect()
}

/// Which problems [`LinkTargets::resolve`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkCheck {
    /// Links to missing files and to missing anchors; the HTML gets the URLs.
    All,
    /// Links to missing files only, before every page's headings are known; the HTML gets the
    /// URLs and the links stay for the `Anchors` pass.
    Files,
    /// Links to missing anchors only, once every page's headings are known (the HTML is
    /// already written).
    Anchors,
}

/// Where each content file is published and which anchors it has.
pub struct LinkTargets {
    // Hashed with rustc-hash's Fx: each `@/` link of every page looks its file up here.
    by_file: FxHashMap<String, (String, BTreeSet<String>)>,
}

impl LinkTargets {
    /// Indexes `pages` (with their rendered bodies) by their path inside `content/`, ready to
    /// resolve the links of `linking`: only the files those link to get their anchors (after
    /// one edit that is a few pages out of thousands).
    pub fn new<'p, 'r>(
        pages: impl Iterator<Item = (&'p Page, &'r Rendered)>,
        linking: impl Iterator<Item = (&'p Page, &'r Rendered)>,
    ) -> LinkTargets {
        let linked = linked_files(linking);
        // Every file of a large site is a target: the entries are made on all cores, the
        // index is built from them at once.
        let pages: Vec<(&Page, &Rendered)> = pages.collect();
        let entries: Vec<_> = pages
            .par_iter()
            .map(|(page, rendered)| {
                let key = link_key(&page.file);
                let ids = if linked.contains(&key) {
                    heading_ids(rendered)
                } else {
                    BTreeSet::new()
                };
                (key, (page.path.clone(), ids))
            })
            .collect();
        LinkTargets {
            by_file: entries.into_iter().collect(),
        }
    }

    /// Adds the anchors of the files `linking` links to, now that `pages` are rendered, to
    /// targets made without them: the index of every file is not built twice.
    pub fn add_anchors<'p, 'r>(
        &mut self,
        pages: impl Iterator<Item = (&'p Page, &'r Rendered)>,
        linking: impl Iterator<Item = (&'p Page, &'r Rendered)>,
    ) {
        let linked = linked_files(linking);
        if linked.is_empty() {
            return;
        }
        // Every page of a large site may be linked to: its key and ids are made on all cores.
        let pages: Vec<(&Page, &Rendered)> = pages.collect();
        let anchors: Vec<(String, BTreeSet<String>)> = pages
            .par_iter()
            .filter_map(|(page, rendered)| {
                let key = link_key(&page.file);
                linked.contains(&key).then(|| (key, heading_ids(rendered)))
            })
            .collect();
        for (key, anchors) in anchors {
            if let Some((_, ids)) = self.by_file.get_mut(&key) {
                *ids = anchors;
            }
        }
    }

    /// Rewrites the `@/…` links of `rendered` into URLs under the base path; unknown files and
    /// anchors are errors with the line of the link and the closest existing target. (A build's
    /// one pass checks anchors apart, with [`LinkTargets::anchor_errors`].)
    pub fn resolve(
        &self,
        page: &Page,
        rendered: &mut Rendered,
        config: &Config,
        check: LinkCheck,
    ) -> Vec<Error> {
        let (errors, urls) = self.check_links(page, &rendered.internal_links, config, check);
        match check {
            // The links stay for the `Anchors` pass.
            LinkCheck::Files => {}
            LinkCheck::All | LinkCheck::Anchors => rendered.internal_links = Vec::new(),
        }
        if !urls.is_empty() && check != LinkCheck::Anchors {
            rendered.html = replace_hrefs(&rendered.html, &urls);
            rendered.summary = rendered.summary.as_deref().map(|s| replace_hrefs(s, &urls));
        }
        errors
    }

    /// The `Anchors` pass of [`LinkTargets::resolve`] over a page it only reads, so that it can
    /// run beside work that reads the same pages (the sections' documents).
    pub fn anchor_errors(&self, page: &Page, rendered: &Rendered, config: &Config) -> Vec<Error> {
        self.check_links(page, &rendered.internal_links, config, LinkCheck::Anchors)
            .0
    }

    /// The errors of `links` (of `page`) that `check` reports, and the URL of each link found.
    fn check_links(
        &self,
        page: &Page,
        links: &[InternalLink],
        config: &Config,
        check: LinkCheck,
    ) -> (Vec<Error>, BTreeMap<String, String>) {
        let mut errors = Vec::new();
        let mut urls: BTreeMap<String, String> = BTreeMap::new();
        for link in links {
            let line = page.body_line + link.line - 1;
            let file = link_file(&link.target);
            let anchor = link.target.split_once('#').map(|(_, anchor)| anchor);
            let fail = |message: String, help: String| Error::InvalidValue {
                path: page.file.clone(),
                line,
                message,
                help,
            };
            // A translation links to the page in its own language when that page exists.
            let own_language = page
                .is_translation()
                .then(|| {
                    let stem = file.strip_suffix(".md")?;
                    self.by_file.get(&format!("{stem}.{}.md", page.lang))
                })
                .flatten();
            let Some((path, ids)) = own_language.or_else(|| self.by_file.get(file)) else {
                if check == LinkCheck::Anchors {
                    continue; // reported by the `Files` pass
                }
                let mut files: Vec<String> = self.by_file.keys().cloned().collect();
                files.sort_unstable(); // the same suggestion whatever the hash order
                errors.push(fail(
                    format!(
                        "link `{}`: there is no file {CONTENT_DIR}/{file}",
                        link.target
                    ),
                    match closest(file, &files) {
                        Some(near) => format!("did you mean `@/{near}`?"),
                        None => "link to a file of content/ as `@/path/from/content.md`".into(),
                    },
                ));
                continue;
            };
            if check != LinkCheck::Files
                && let Some(anchor) = anchor.filter(|a| !ids.contains(*a))
            {
                let known: Vec<String> = ids.iter().cloned().collect();
                errors.push(fail(
                    format!(
                        "link `{}`: {CONTENT_DIR}/{file} has no heading with id `{anchor}`",
                        link.target
                    ),
                    match closest(anchor, &known) {
                        Some(near) => format!("did you mean `@/{file}#{near}`?"),
                        None if known.is_empty() => format!("{CONTENT_DIR}/{file} has no headings"),
                        None => format!("its heading ids are: {}", known.join(", ")),
                    },
                ));
                continue;
            }
            let mut url = join_url(config.base_path(), path);
            if let Some(anchor) = anchor {
                url = format!("{url}#{anchor}");
            }
            // The key is the href as pulldown-cmark wrote it: `@/a b.md` is `@/a%20b.md` there.
            urls.insert(written_href(&link.target), url);
        }
        (errors, urls)
    }
}

/// `target` as pulldown-cmark writes it in an `href`: percent-encoded, `&` as `&amp;`.
fn written_href(target: &str) -> String {
    let mut href = String::with_capacity(target.len());
    match pulldown_cmark_escape::escape_href(&mut href, target) {
        Ok(()) => href,
        Err(_) => target.to_string(),
    }
}

/// `html` with every `href="@/…"` whose target `urls` knows replaced, in one pass.
fn replace_hrefs(html: &str, urls: &BTreeMap<String, String>) -> String {
    const OPEN: &str = "href=\"@/";
    let finder = memchr::memmem::Finder::new(OPEN);
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = finder.find(rest.as_bytes()) {
        let value_start = at + "href=\"".len();
        out.push_str(&rest[..value_start]);
        rest = &rest[value_start..];
        let end = memchr::memchr(b'"', rest.as_bytes()).unwrap_or(rest.len());
        match urls.get(&rest[..end]) {
            // The page's path comes from a file name, which may hold `"` or `&`.
            Some(url) => out.push_str(&crate::markdown::escape_markup(url)),
            None => out.push_str(&rest[..end]),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The content files the `@/` links of `linking` point at (a translation's links also at
/// the file in its own language, which `resolve` tries first).
fn linked_files<'p, 'r>(
    linking: impl Iterator<Item = (&'p Page, &'r Rendered)>,
) -> FxHashSet<String> {
    let mut linked: FxHashSet<String> = FxHashSet::default();
    for (page, rendered) in linking {
        for link in &rendered.internal_links {
            let file = link_file(&link.target);
            if page.is_translation()
                && let Some(stem) = file.strip_suffix(".md")
            {
                linked.insert(format!("{stem}.{}.md", page.lang));
            }
            // Most links of a large site lead to a few files: a copy only for a new one.
            if !linked.contains(file) {
                linked.insert(file.to_string());
            }
        }
    }
    linked
}

/// The name `@/` links give a content file: its path inside `content/`, with `/`.
pub fn link_key(file: &Path) -> String {
    slashed(file.strip_prefix(CONTENT_DIR).unwrap_or(file))
}

/// The ids of a page's headings, the anchors `@/file.md#id` links may point at.
pub fn heading_ids(rendered: &Rendered) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    rendered.for_each_heading_id(|id| {
        ids.insert(id.to_string());
    });
    ids
}

/// Files beside a page bundle's `index.md`, to publish next to its HTML, and the links among
/// them that lead outside the site (refused: nothing outside the site is published).
pub fn bundle_assets(root: &Path, page: &Page) -> (Vec<(PathBuf, String)>, Vec<Error>) {
    let mut assets = Vec::new();
    let mut errors = Vec::new();
    if page.file.file_name().is_none_or(|name| name != "index.md") {
        return (assets, errors);
    }
    let Some(dir) = page.file.parent() else {
        return (assets, errors);
    };
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return (assets, errors);
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") || name.starts_with('.') {
            continue;
        }
        let relative = dir.join(&name);
        let is_link = entry.file_type().is_ok_and(|t| t.is_symlink());
        if is_link && let Some(target) = crate::paths::outside_site(root, &relative) {
            errors.push(Error::OutsideSite {
                path: relative,
                target,
            });
            continue;
        }
        // `Path::is_file` follows a link that stays inside the site.
        if root.join(&relative).is_file() {
            let output_path = format!("{}{name}", page.path.trim_start_matches('/'));
            assets.push((relative, output_path));
        }
    }
    assets.sort();
    (assets, errors)
}
