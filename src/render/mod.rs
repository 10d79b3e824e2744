//! Stage 5, render: Tera renders every page and section with the context of DESIGN.md
//! (`site`, `page`, `section`); shortcodes in the Markdown are expanded first.

mod body;
mod context;
mod fields;
pub mod listing;
pub(crate) mod templates;

use std::path::Path;

use rayon::prelude::*;

use tera::{Context, Tera};

use crate::config::Config;
use crate::content::front_matter::Figure;
use crate::content::{Page, Site, listing_order};
use crate::error::{Error, Warning, tera_report};
use crate::markdown::Rendered;
use crate::paths::TEMPLATES_DIR;
use crate::social::OgImage;
use crate::url::join_url;
pub use body::{heading_ids, link_key};
use context::{PageContext, SectionContext, not_found_context, page_context, site_context};
use templates::SiteIndex;
pub use templates::{Reads, Templates, load_templates};

/// Everything the render stage produces. Pages and sections are indexed as
/// [`Site::all_pages`] lists them: the sections first, then the pages.
#[derive(Debug, Default)]
pub struct RenderOutput {
    /// The Markdown of each page, rendered and with its links resolved.
    pub markdown: Vec<Rendered>,
    /// What each page's Markdown read besides its own file.
    pub markdown_reads: Vec<MarkdownReads>,
    /// Each page rendered through its template; `None` where that failed.
    pub documents: Vec<Option<Document>>,
    /// `404.html`.
    pub not_found: Option<RenderedFile>,
    /// The taxonomies' list pages and term pages (with their listing pages).
    pub taxonomy_pages: Vec<RenderedFile>,
    /// The preview images of the taxonomy pages.
    pub taxonomy_images: Vec<OgImage>,
    /// Files beside page bundles: (source relative to the root, output path).
    pub assets: Vec<(std::path::PathBuf, String)>,
    /// Problems in the Markdown that do not stop the build.
    pub warnings: Vec<Warning>,
}

impl RenderOutput {
    /// Every rendered HTML file: the documents with their listing pages, the taxonomy pages,
    /// then `404.html`.
    pub fn files(&self) -> impl Iterator<Item = &RenderedFile> {
        self.documents
            .iter()
            .flatten()
            .flat_map(|doc| std::iter::once(&doc.file).chain(&doc.pagers))
            .chain(&self.taxonomy_pages)
            .chain(&self.not_found)
    }

    /// The social preview images of the documents, one per distinct drawing, by name.
    pub fn og_images(&self) -> Vec<OgImage> {
        let mut images: Vec<OgImage> = self
            .documents
            .iter()
            .flatten()
            .filter_map(|doc| doc.og.clone())
            .chain(self.taxonomy_images.iter().cloned())
            .collect();
        images.sort_by(|a, b| a.output_path.cmp(&b.output_path));
        images.dedup();
        images
    }
}

/// One page or section rendered through its template, with what the render read.
#[derive(Debug, Clone)]
pub struct Document {
    /// The HTML file.
    pub file: RenderedFile,
    /// A paginated section's other listing pages (`page/2/`, …) and the redirect at `page/1/`.
    pub pagers: Vec<RenderedFile>,
    /// Its social preview image, when the templates show one.
    pub og: Option<OgImage>,
    /// The template it was rendered with.
    pub template: String,
    /// What the template functions returned to it.
    pub reads: Reads,
}

/// What a page's Markdown depends on besides its own file: re-rendered when these change.
#[derive(Debug, Clone, Default)]
pub struct MarkdownReads {
    /// Image files whose sizes went into the HTML, relative to the site root.
    pub images: Vec<std::path::PathBuf>,
    /// The content files its `@/` links point at, as written after `@/` (no anchor).
    pub links: Vec<String>,
    /// Whether the body calls shortcodes, and what those read.
    pub shortcodes: Option<Reads>,
}

/// One rendered HTML document and the site path it is served at.
#[derive(Debug, Clone)]
pub struct RenderedFile {
    /// Path inside the output folder, with `/` separators (`speakers/mamin/index.html`).
    pub output_path: String,
    /// The content file it was rendered from, when there is one.
    pub source: Option<std::path::PathBuf>,
    /// The document.
    pub contents: String,
}

/// Takes each finished file as soon as it is rendered: audits it, and in a build writes it.
pub type Sink<'s> = dyn Fn(&RenderedFile) -> Result<(), Error> + Sync + 's;

/// What the render stage does with the files it finishes.
#[derive(Clone, Copy)]
pub enum Finished<'s> {
    /// Keeps every file, and every page's source and Markdown, in the output: `serve` renders
    /// parts of the site again from them, and compares the files with what it served.
    Keep,
    /// Hands each file to the sink and keeps only its path; lets each page's source go once
    /// its Markdown is rendered. Memory then holds one page's HTML per thread, not the site's.
    Stream(&'s Sink<'s>),
}

impl Finished<'_> {
    /// Passes `file` on, when streaming, and lets its text go.
    fn deliver(self, file: &mut RenderedFile) -> Result<(), Error> {
        if let Finished::Stream(sink) = self {
            sink(file)?;
            file.contents = String::new();
        }
        Ok(())
    }

    /// [`Finished::deliver`] for a document and its listing pages.
    fn deliver_document(self, document: &mut Document) -> Result<(), Error> {
        self.deliver(&mut document.file)?;
        document
            .pagers
            .iter_mut()
            .try_for_each(|file| self.deliver(file))
    }
}

/// Step 1. Puts the site-wide data into the templates: the `site` variable and the figures
/// that `get_figure` returns (needed by shortcodes, before any Markdown is rendered).
pub fn add_site_data(
    templates: &mut Templates,
    site: &Site,
    config: &Config,
    taxonomies: &crate::taxonomy::Taxonomies,
) {
    let figures_of =
        |data: &context::SiteContext<'_>| -> std::collections::BTreeMap<String, tera::Value> {
            data.figures
                .iter()
                .filter_map(|f| Some((f.figure.id.clone()?, tera::Value::from_serializable(f))))
                .collect()
        };
    let default = config.default_language();
    let site_data = site_context(site, config, default, &templates.strings);
    write_index(templates).figures = figures_of(&site_data);
    let global = context::site_value(site, config, default, &templates.strings);
    templates.tera.global_context().insert_value("site", global);
    let mut by_lang = std::collections::BTreeMap::new();
    let mut translated = std::collections::BTreeMap::new();
    for lang in config.other_languages() {
        translated.insert(
            lang.to_string(),
            figures_of(&site_context(site, config, lang, &templates.strings)),
        );
        by_lang.insert(
            lang.to_string(),
            context::site_value(site, config, lang, &templates.strings),
        );
    }
    write_index(templates).translated_figures = translated;
    templates.site_by_lang = by_lang;
    let mut term_urls = std::collections::BTreeMap::new();
    for kind in &taxonomies.kinds {
        for listing in &kind.listings {
            for term in &listing.terms {
                let url = term.path.clone();
                for name in [
                    term.name.clone(),
                    term.key.clone(),
                    format!("/{}", term.slug),
                ] {
                    term_urls.insert((kind.name.clone(), listing.lang.clone(), name), url.clone());
                }
            }
        }
    }
    let mut index = write_index(templates);
    index.taxonomies = listing::taxonomy_values(config, taxonomies);
    index.term_urls = term_urls;
}

/// Step 2. Renders the Markdown of the pages at `selected` (indices into
/// [`Site::all_pages`]), in parallel; links are left for [`resolve_links`].
pub fn render_markdown(
    site: &Site,
    root: &Path,
    templates: &Templates,
    selected: &[usize],
) -> Vec<Result<(Rendered, MarkdownReads), Vec<Error>>> {
    let pages: Vec<&Page> = site.all_pages().collect();
    selected
        .par_iter()
        .map(|&index| body::render_body(pages[index], root, templates))
        .collect()
}

/// Step 3. Resolves the `@/` links of the pages at `selected` against every page's URL and
/// heading ids; returns the broken links, the Markdown warnings and the bundle files of
/// those pages.
pub fn resolve_links(
    site: &Site,
    config: &Config,
    root: &Path,
    markdown: &mut [Rendered],
    selected: &[usize],
) -> (Vec<Error>, Vec<Warning>, Vec<(std::path::PathBuf, String)>) {
    let pages: Vec<&Page> = site.all_pages().collect();
    let targets = body::LinkTargets::new(
        site.all_pages().zip(markdown.iter()),
        selected
            .iter()
            .filter_map(|&i| Some((*pages.get(i)?, markdown.get(i)?))),
    );
    let wanted: std::collections::HashSet<usize> = selected.iter().copied().collect();
    let checked: Vec<_> = markdown
        .par_iter_mut()
        .enumerate()
        .filter(|(index, _)| wanted.contains(index))
        .map(|(index, rendered)| {
            let page = pages[index];
            check_page(&targets, page, rendered, config, root, body::LinkCheck::All)
        })
        .collect();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut assets = Vec::new();
    for (page_errors, page_warnings, page_assets) in checked {
        errors.extend(page_errors);
        warnings.extend(page_warnings);
        assets.extend(page_assets);
    }
    (errors, warnings, assets)
}

/// What the links step finds on one page: its link and bundle errors, its Markdown warnings,
/// and the files beside it to publish.
type PageChecks = (Vec<Error>, Vec<Warning>, Vec<(std::path::PathBuf, String)>);

/// Resolves the `@/` links of one page (reporting what `check` says) and gathers its warnings
/// and bundle files.
fn check_page(
    targets: &body::LinkTargets,
    page: &Page,
    rendered: &mut Rendered,
    config: &Config,
    root: &Path,
    check: body::LinkCheck,
) -> PageChecks {
    let mut errors = targets.resolve(page, rendered, config, check);
    let warnings = body::markdown_warnings(page, rendered);
    let (assets, asset_errors) = body::bundle_assets(root, page);
    errors.extend(asset_errors);
    (errors, warnings, assets)
}

/// Step 4. Renders the documents at `selected` (indices into [`Site::all_pages`]) through
/// their templates, in parallel, after refreshing the `get_page`/`get_section` entries of
/// `changed_listings` (all sections on a full build). Returns each document or its error.
pub fn render_documents(
    site: &Site,
    config: &Config,
    templates: &Templates,
    markdown: &[Rendered],
    selected: &[usize],
    changed_listings: &[usize],
    finished: Finished<'_>,
) -> Vec<(usize, Result<Document, Error>)> {
    let sections = site.sections.len();
    // Listings show the pages of a section and the headers of its subsections; build the
    // contexts of just the pages some selected document or refreshed listing shows.
    let mut needed = vec![false; sections + site.pages.len()];
    let need_section = |index: usize, needed: &mut Vec<bool>| {
        needed[index] = true;
        for &page in &site.sections[index].pages {
            needed[sections + page] = true;
        }
        for &sub in &site.sections[index].subsections {
            needed[sub] = true;
        }
    };
    for &index in selected {
        if index < sections {
            need_section(index, &mut needed);
        } else {
            needed[index] = true;
        }
    }
    if templates.needs.lookups {
        for &index in changed_listings {
            need_section(index, &mut needed);
        }
    }
    let pages: Vec<&Page> = site.all_pages().collect();
    let contexts: Vec<Option<PageContext<'_>>> = pages
        .par_iter()
        .zip(markdown)
        .zip(&needed)
        .map(|((page, md), &needed)| {
            needed.then(|| {
                page_context(
                    page,
                    md,
                    config,
                    &templates.strings,
                    templates.needs.page_fields,
                )
            })
        })
        .collect();
    let context = |index: usize| {
        contexts[index].clone().unwrap_or_else(|| {
            page_context(
                pages[index],
                &markdown[index],
                config,
                &templates.strings,
                templates.needs.page_fields,
            )
        })
    };
    // A listed page carries its body only when some template may show it (TemplateNeeds).
    let listed = |index: usize| match templates.needs.listed_bodies {
        true => context(index),
        false => PageContext {
            content: "",
            toc: &[],
            ..context(index)
        },
    };
    let listing = |index: usize| SectionContext {
        header: context(index),
        pages: site.sections[index]
            .pages
            .iter()
            .map(|&i| listed(sections + i))
            .collect(),
        subsections: site.sections[index]
            .subsections
            .iter()
            .map(|&i| listed(i))
            .collect(),
    };
    if templates.needs.lookups {
        let listings: Vec<SectionContext<'_>> =
            changed_listings.iter().map(|&i| listing(i)).collect();
        add_listings(templates, &listings);
    }
    selected
        .par_iter()
        .map(|&index| {
            let page = pages[index];
            let ((files, og), reads) = templates::recording_reads(|| {
                if index < sections {
                    let listing = listing(index);
                    let head = with_head(&listing.header, site, page, config, templates);
                    let mut context = language_context(templates, page);
                    context.insert(
                        "section",
                        &SectionView {
                            header: &head,
                            pages: &listing.pages,
                            subsections: &listing.subsections,
                        },
                    );
                    let template = default_template(site, index);
                    let files = match page.front.paginate_by {
                        None => render_document(&templates.tera, page, template, &context)
                            .map(|file| (file, Vec::new())),
                        Some(by) => listing::paginate(
                            config,
                            &page.file,
                            &page.path,
                            &page.lang,
                            &listing.pages,
                            by,
                            |paginator| {
                                context.insert("paginator", paginator);
                                render_document(&templates.tera, page, template, &context)
                                    .map(|file| file.contents)
                            },
                        )
                        .map(|mut files| {
                            let first = files.remove(0);
                            (first, files)
                        }),
                    };
                    (files, head.og)
                } else {
                    page_files(site, config, templates, page, &context(index))
                }
            });
            let document = files.and_then(|(file, pagers)| {
                into_document(site, page, index, (file, pagers, og, reads), finished)
            });
            (index, document)
        })
        .inspect(|_| templates.count_rendered())
        .collect()
}

/// A document's HTML file and its listing pages (`page/2/`, …), or why it failed.
type DocumentFiles = Result<(RenderedFile, Vec<RenderedFile>), Error>;

/// The HTML of a page (not a section) whose listing fields are `listed`, and its preview.
fn page_files(
    site: &Site,
    config: &Config,
    templates: &Templates,
    page: &Page,
    listed: &PageContext<'_>,
) -> (DocumentFiles, Option<OgImage>) {
    let head = with_head(listed, site, page, config, templates);
    let mut context = language_context(templates, page);
    context.insert("page", &head);
    (
        render_document(&templates.tera, page, "page.html", &context)
            .map(|file| (file, Vec::new())),
        head.og,
    )
}

/// A rendered document, handed to `finished`.
fn into_document(
    site: &Site,
    page: &Page,
    index: usize,
    (file, pagers, og, reads): (RenderedFile, Vec<RenderedFile>, Option<OgImage>, Reads),
    finished: Finished<'_>,
) -> Result<Document, Error> {
    let mut document = Document {
        file,
        pagers,
        og,
        template: template_of(site, page, index).to_string(),
        reads,
    };
    finished.deliver_document(&mut document)?;
    Ok(document)
}

/// A render context with `lang`, and, for a page in a language other than the default, that
/// language's `site` (shadowing the global one).
fn language_context(templates: &Templates, page: &Page) -> Context {
    let mut context = Context::new();
    context.insert("lang", &page.lang);
    if let Some(site) = templates.site_by_lang.get(&page.lang) {
        context.insert_value("site", site.clone());
    }
    context
}

/// The template page `index` of [`Site::all_pages`] renders with.
pub fn template_of<'a>(site: &'a Site, page: &'a Page, index: usize) -> &'a str {
    page.front
        .template
        .as_deref()
        .unwrap_or_else(|| default_template(site, index))
}

fn default_template(site: &Site, index: usize) -> &'static str {
    match site.sections.get(index) {
        // Each language's home section (`_index.md`, `_index.ru.md`).
        Some(section) if section.page.key == "_index.md" => "index.html",
        Some(_) => "section.html",
        None => "page.html",
    }
}

/// Fills the `get_page` and `get_section` entries of `sections` and their pages (without
/// rendered content, to keep them small).
fn add_listings(templates: &Templates, sections: &[SectionContext<'_>]) {
    fn without_content<'a>(page: &PageContext<'a>) -> PageContext<'a> {
        PageContext {
            content: "",
            ..page.clone()
        }
    }
    type Entry = (String, tera::Value);
    let tables: Vec<(Vec<Entry>, Entry)> = sections
        .par_iter()
        .map(|section| {
            let listing = SectionContext {
                header: without_content(&section.header),
                pages: section.pages.iter().map(without_content).collect(),
                subsections: section.subsections.iter().map(without_content).collect(),
            };
            let pages = listing
                .pages
                .par_iter()
                .map(|page| (page.path.to_string(), tera::Value::from_serializable(page)))
                .collect();
            let path = section.header.path.to_string();
            (pages, (path, tera::Value::from_serializable(&listing)))
        })
        .collect();
    let mut index = write_index(templates);
    for (pages, section) in tables {
        index.pages.extend(pages);
        index.sections.insert(section.0, section.1);
    }
}

fn write_index(templates: &Templates) -> std::sync::RwLockWriteGuard<'_, SiteIndex> {
    templates
        .index
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `listed` (the fields listings show) plus what the page's own `<head>` needs.
pub(crate) fn with_head<'a>(
    listed: &PageContext<'a>,
    site: &Site,
    page: &Page,
    config: &Config,
    templates: &Templates,
) -> PageContext<'a> {
    listed
        .clone()
        .with_head(page, key_figure(site, page), config, templates.needs)
}

/// The figure a page's preview shows: its first, or on the home page, the site's first.
pub(crate) fn key_figure<'a>(site: &'a Site, page: &'a Page) -> Option<&'a Figure> {
    page.front.figures.first().or_else(|| {
        // A language's home page shows the first figure of that language's pages.
        if page.key != "_index.md" {
            return None;
        }
        let mut pages: Vec<&Page> = site.all_pages().filter(|p| p.lang == page.lang).collect();
        pages.sort_by(|a, b| listing_order(a, b));
        pages.into_iter().find_map(|p| p.front.figures.first())
    })
}

/// Renders one page or section with `template` from its front matter, else `default_template`.
pub fn render_document(
    tera: &Tera,
    page: &Page,
    default_template: &str,
    context: &Context,
) -> Result<RenderedFile, Error> {
    let template = page.front.template.as_deref().unwrap_or(default_template);
    if !tera.contains_template(template) {
        let mut available: Vec<String> = tera
            .get_template_names()
            .filter(|name| !name.starts_with("partials/"))
            .map(str::to_string)
            .collect();
        available.sort();
        return Err(Error::TemplateMissing {
            path: page.file.clone(),
            template: template.to_string(),
            available,
        });
    }
    let contents = tera
        .render(template, context)
        .map_err(|err| Error::TemplateRender {
            path: page.file.clone(),
            same_error_in: 0,
            template: template.to_string(),
            message: tera_report(&err),
        })?;
    Ok(RenderedFile {
        output_path: format!("{}index.html", page.path.trim_start_matches('/')),
        source: Some(page.file.clone()),
        contents,
    })
}

/// The template for `404.html`; GitHub Pages serves that file for every missing URL.
pub const NOT_FOUND_TEMPLATE: &str = "404.html";

/// The most pages a rendering task takes at once: a task is not split once it runs, and a
/// large last one would leave the other cores waiting on one.
const PAGES_PER_TASK: usize = 16;

/// `404.html` from `templates/404.html`, or a plain page when the site has no such template.
pub fn render_not_found(tera: &Tera, config: &Config) -> Result<RenderedFile, Error> {
    let contents = if tera.contains_template(NOT_FOUND_TEMPLATE) {
        let mut context = Context::new();
        context.insert("lang", &config.language);
        context.insert("page", &not_found_context(config));
        tera.render(NOT_FOUND_TEMPLATE, &context)
            .map_err(|err| Error::TemplateRender {
                path: std::path::PathBuf::from(TEMPLATES_DIR).join(NOT_FOUND_TEMPLATE),
                same_error_in: 0,
                template: NOT_FOUND_TEMPLATE.to_string(),
                message: tera_report(&err),
            })?
    } else {
        let home = join_url(config.base_path(), "/");
        format!(
            "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Page not found</title>\n</head>\n<body>\n<main>\n<h1>Page not found</h1>\n<p><a href=\"{home}\">Go to the home page</a></p>\n</main>\n</body>\n</html>\n",
            lang = crate::markdown::escape_markup(&config.language),
        )
    };
    Ok(RenderedFile {
        output_path: NOT_FOUND_TEMPLATE.to_string(),
        source: None,
        contents,
    })
}

/// Renders every page and section of `site` by running the steps above on all of them.
/// Pages that fail are left out of the output and their errors returned beside it, all
/// together, so that `check` can still audit the rest. With [`Finished::Stream`] each page's
/// Markdown is read from its file as it is rendered (the load kept none).
pub fn render_site(
    site: &Site,
    config: &Config,
    templates: &mut Templates,
    root: &Path,
    taxonomies: &crate::taxonomy::Taxonomies,
    finished: Finished<'_>,
) -> (RenderOutput, Vec<Error>) {
    add_site_data(templates, site, config, taxonomies);
    let templates = &*templates;
    let all: Vec<usize> = (0..site.sections.len() + site.pages.len()).collect();
    if let Some(progress) = &templates.progress {
        progress.set_total(all.len() + taxonomies.pages().count());
    }
    let mut errors = Vec::new();
    let mut output = RenderOutput::default();
    let one_pass = matches!(finished, Finished::Stream(_))
        && !templates.needs.lookups
        && !templates.needs.listed_bodies;
    let render_pages = match one_pass {
        true => render_in_one_pass,
        false => render_in_steps,
    };
    render_pages(
        site,
        config,
        templates,
        root,
        finished,
        &mut output,
        &mut errors,
    );
    let (taxonomy_pages, taxonomy_images, taxonomy_errors) =
        render_taxonomy_pages(site, config, templates, taxonomies, &output.markdown);
    output.taxonomy_pages = taxonomy_pages;
    output.taxonomy_images = taxonomy_images;
    errors.extend(taxonomy_errors);
    match render_not_found(&templates.tera, config) {
        Ok(file) => output.not_found = Some(file),
        Err(err) => errors.push(err),
    }
    let delivered: Vec<Error> = output
        .taxonomy_pages
        .par_iter_mut()
        .chain(output.not_found.as_mut())
        .filter_map(|file| finished.deliver(file).err())
        .collect();
    errors.extend(delivered);
    (output, errors)
}

/// The steps above one after the other over the whole site: every page's Markdown, then its
/// links, then every document. Each page's HTML is held until its template runs.
fn render_in_steps(
    site: &Site,
    config: &Config,
    templates: &Templates,
    root: &Path,
    finished: Finished<'_>,
    output: &mut RenderOutput,
    errors: &mut Vec<Error>,
) {
    let all: Vec<usize> = (0..site.sections.len() + site.pages.len()).collect();
    let markdown = match finished {
        Finished::Keep => render_markdown(site, root, templates, &all),
        Finished::Stream(_) => site
            .all_pages()
            .collect::<Vec<_>>()
            .par_iter()
            .map(|page| {
                let body = crate::content::read_body(root, page).map_err(|e| vec![e])?;
                body::render_text(page, &body, root, templates)
            })
            .collect(),
    };
    for result in markdown {
        let (rendered, reads) = result.unwrap_or_else(|page_errors| {
            errors.extend(page_errors);
            Default::default()
        });
        output.markdown.push(rendered);
        output.markdown_reads.push(reads);
    }
    let (link_errors, warnings, assets) =
        resolve_links(site, config, root, &mut output.markdown, &all);
    errors.extend(link_errors);
    output.warnings = warnings;
    output.assets = assets;
    let sections: Vec<usize> = (0..site.sections.len()).collect();
    output.documents = vec![None; all.len()];
    let documents = render_documents(
        site,
        config,
        templates,
        &output.markdown,
        &all,
        &sections,
        finished,
    );
    keep_documents(output, errors, documents);
}

/// A build's pages in one pass each, in parallel: Markdown, links, template, written, and the
/// HTML let go, so memory holds the pages being rendered, not the site. Only when no template
/// reads another page's body (`get_page`, `get_section`, a listed page's `content`): the
/// sections come after, listing the pages' fields; the `#anchors` of `@/` links are checked
/// last, once every page's headings are known.
fn render_in_one_pass(
    site: &Site,
    config: &Config,
    templates: &Templates,
    root: &Path,
    finished: Finished<'_>,
    output: &mut RenderOutput,
    errors: &mut Vec<Error>,
) {
    let sections = site.sections.len();
    let no_markdown = Rendered::default();
    let mut targets = body::LinkTargets::new(
        site.all_pages().map(|p| (p, &no_markdown)),
        std::iter::empty(),
    );
    let urls = &targets;
    let pages: Vec<&Page> = site.all_pages().collect();
    // Unzipped as they come: each part goes straight into its own vector, on both cores.
    type Problems = (
        Vec<Error>,
        Vec<Warning>,
        Vec<(std::path::PathBuf, String)>,
        Option<Error>,
    );
    type Unzipped = (
        (Vec<Rendered>, Vec<MarkdownReads>),
        (Vec<Option<Document>>, Vec<Problems>),
    );
    let ((markdown, markdown_reads), (documents, problems)): Unzipped = pages
        .par_iter()
        // Small tasks, so that no core finishes long before the other.
        .with_max_len(PAGES_PER_TASK)
        .enumerate()
        .map(|(index, &page)| {
            let text = crate::content::read_body(root, page)
                .map_err(|e| vec![e])
                .and_then(|body| body::render_text(page, &body, root, templates));
            let (mut rendered, reads) = match text {
                Ok(done) => done,
                Err(page_errors) => {
                    return (
                        (Default::default(), Default::default()),
                        (None, (page_errors, Vec::new(), Vec::new(), None)),
                    );
                }
            };
            let (page_errors, warnings, assets) = check_page(
                urls,
                page,
                &mut rendered,
                config,
                root,
                body::LinkCheck::Files,
            );
            let document = (index >= sections).then(|| {
                let ((files, og), reads) = templates::recording_reads(|| {
                    page_files(
                        site,
                        config,
                        templates,
                        page,
                        &page_context(
                            page,
                            &rendered,
                            config,
                            &templates.strings,
                            templates.needs.page_fields,
                        ),
                    )
                });
                templates.count_rendered();
                let document = files.and_then(|(file, pagers)| {
                    into_document(site, page, index, (file, pagers, og, reads), finished)
                });
                // Written: the listings need its fields, not its HTML (nor its headings but
                // their ids, unless a template shows a table of contents).
                rendered.html = String::new();
                if !templates.needs.page_fields.wants("toc") {
                    rendered.keep_only_heading_ids();
                }
                document
            });
            let (document, failed) = match document {
                Some(Ok(document)) => (Some(document), None),
                Some(Err(err)) => (None, Some(err)),
                None => (None, None),
            };
            (
                (rendered, reads),
                (document, (page_errors, warnings, assets, failed)),
            )
        })
        .unzip();
    output.markdown = markdown;
    output.markdown_reads = markdown_reads;
    output.documents = documents;
    for (page_errors, warnings, assets, failed) in problems {
        errors.extend(page_errors);
        output.warnings.extend(warnings);
        output.assets.extend(assets);
        if let Some(err) = failed {
            report_once(errors, err);
        }
    }
    let section_indices: Vec<usize> = (0..sections).collect();
    // The sections' documents and the `#anchor` check both only read the rendered pages:
    // side by side, each fills the moments the other leaves a core idle.
    let markdown = &output.markdown;
    let (documents, anchor_errors) = rayon::join(
        || {
            render_documents(
                site,
                config,
                templates,
                markdown,
                &section_indices,
                &section_indices,
                finished,
            )
        },
        || {
            targets.add_anchors(
                site.all_pages().zip(markdown.iter()),
                site.all_pages().zip(markdown.iter()),
            );
            let anchors = &targets;
            pages
                .par_iter()
                .zip(markdown.par_iter())
                .filter(|(_, rendered)| !rendered.internal_links.is_empty())
                .flat_map_iter(|(page, rendered)| anchors.anchor_errors(page, rendered, config))
                .collect::<Vec<Error>>()
        },
    );
    keep_documents(output, errors, documents);
    errors.extend(anchor_errors);
    // A large site's table of link targets takes a one-core pause to free, which the steps
    // after this one do not wait on (as the build's project, in `pipeline::build`).
    // Where no thread can be made, the refused closure frees it here instead.
    let _ = std::thread::Builder::new().spawn(move || drop(targets));
}

/// Renders the taxonomies' list and term pages, which list pages by their listing fields.
pub fn render_taxonomy_pages(
    site: &Site,
    config: &Config,
    templates: &Templates,
    taxonomies: &crate::taxonomy::Taxonomies,
    markdown: &[Rendered],
) -> (Vec<RenderedFile>, Vec<OgImage>, Vec<Error>) {
    if taxonomies.kinds.is_empty() {
        return (Vec::new(), Vec::new(), Vec::new());
    }
    let mut on_a_term = vec![false; markdown.len()];
    for (_, _, term) in taxonomies.pages() {
        for &page in term.map(|t| t.pages.as_slice()).unwrap_or_default() {
            on_a_term[page] = true;
        }
    }
    let listed: Vec<Option<tera::Value>> = site
        .all_pages()
        .zip(markdown)
        .zip(on_a_term)
        .collect::<Vec<_>>()
        .par_iter()
        .map(|((page, md), listed)| {
            listed.then(|| {
                // Listing fields only: neither the body nor its table of contents, which
                // would double the cost of a term page for what no listing shows.
                tera::Value::from_serializable(&PageContext {
                    content: "",
                    toc: &[],
                    ..page_context(
                        page,
                        md,
                        config,
                        &templates.strings,
                        templates.needs.page_fields,
                    )
                })
            })
        })
        .collect();
    listing::render_taxonomies(site, config, templates, taxonomies, &listed)
}

/// A section as its own template sees it: its header with the head fields, its listings
/// borrowed rather than copied.
#[derive(serde::Serialize)]
struct SectionView<'v, 'a> {
    #[serde(flatten)]
    header: &'v PageContext<'a>,
    pages: &'v [PageContext<'a>],
    subsections: &'v [PageContext<'a>],
}

/// Puts each rendered document in its place in `output`, and each failure in `errors`.
fn keep_documents(
    output: &mut RenderOutput,
    errors: &mut Vec<Error>,
    documents: Vec<(usize, Result<Document, Error>)>,
) {
    for (index, document) in documents {
        match document {
            Ok(document) => output.documents[index] = Some(document),
            Err(err) => report_once(errors, err),
        }
    }
}

/// Adds `err` to `errors`, except a template error already there: a template bug fails every
/// page that uses it, and is reported once with a count.
fn report_once(errors: &mut Vec<Error>, err: Error) {
    if let Error::TemplateRender { message, .. } = &err {
        for earlier in errors.iter_mut() {
            if let Error::TemplateRender {
                message: m,
                same_error_in,
                ..
            } = earlier
                && m == message
            {
                *same_error_in += 1;
                return;
            }
        }
    }
    errors.push(err);
}
