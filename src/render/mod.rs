//! Stage 5, render: Tera renders every page and section with the context of DESIGN.md
//! (`site`, `page`, `section`); shortcodes in the Markdown are expanded first.

mod body;
mod context;
mod partial;
pub(crate) mod templates;

use std::path::Path;

use rayon::prelude::*;

use tera::{Context, Tera};

use crate::config::Config;
use crate::content::front_matter::Figure;
use crate::content::{Page, Site, listing_order};
use crate::error::{Error, tera_report};
use crate::markdown::Rendered;
use crate::paths::TEMPLATES_DIR;
use crate::social::OgImage;
use crate::url::join_url;
use context::{PageContext, SectionContext, not_found_context, page_context, site_context};
pub use partial::rerender_page;
use templates::SiteIndex;
pub use templates::{Templates, load_templates};

/// Everything the render stage produces for the write stage.
#[derive(Debug, Default)]
pub struct RenderOutput {
    /// The pages, sorted by output path.
    pub files: Vec<RenderedFile>,
    /// Files beside page bundles: (source relative to the root, output path).
    pub assets: Vec<(std::path::PathBuf, String)>,
    /// Problems that do not stop the build.
    pub warnings: Vec<crate::error::Warning>,
    /// Social preview images of the pages, one per distinct drawing.
    pub og_images: Vec<crate::social::OgImage>,
    /// The rendered Markdown of each page (as `Site::pages`), kept for incremental rebuilds.
    pub page_markdown: Vec<Rendered>,
    /// The rendered Markdown of each section (as `Site::sections`).
    pub section_markdown: Vec<Rendered>,
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

/// Puts the site-wide data into the templates: the `site` variable and the figures that
/// `get_figure` returns (needed by shortcodes, before any Markdown is rendered).
fn add_site_data(templates: &mut Templates, site: &Site, config: &Config) {
    let site_data = site_context(site, config);
    let figures = site_data
        .figures
        .iter()
        .filter_map(|f| Some((f.figure.id.clone()?, tera::Value::from_serializable(f))))
        .collect();
    write_index(templates).figures = figures;
    templates.tera.global_context().insert("site", &site_data);
}

/// Fills the tables `get_page` and `get_section` read (without rendered content, to keep
/// them small).
fn add_listings<'a>(templates: &Templates, sections: &[SectionContext<'a>]) {
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

/// The header fields of section `index`, as listings show it.
pub(crate) fn section_header<'a>(
    site: &'a Site,
    index: usize,
    md: &'a Rendered,
    config: &'a Config,
) -> PageContext<'a> {
    page_context(&site.sections[index].page, md, config)
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
        if page.path != "/" {
            return None;
        }
        let mut pages: Vec<&Page> = site.all_pages().collect();
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

/// `404.html` from `templates/404.html`, or a plain page when the site has no such template.
fn render_not_found(tera: &Tera, config: &Config) -> Result<RenderedFile, Error> {
    let contents = if tera.contains_template(NOT_FOUND_TEMPLATE) {
        let mut context = Context::new();
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

/// Renders every page and section of `site`, in parallel. Markdown is rendered once per page.
/// Pages that fail are left out of the output and their errors returned beside it, all
/// together, so that `check` can still audit the rest.
pub fn render_site(
    site: &Site,
    config: &Config,
    templates: &mut Templates,
    root: &Path,
) -> (RenderOutput, Vec<Error>) {
    add_site_data(templates, site, config);
    let templates = &*templates;
    let tera = &templates.tera;
    let mut errors = Vec::new();
    let mut markdown = |pages: Vec<&Page>| -> Vec<Rendered> {
        let results: Vec<Result<Rendered, Error>> = pages
            .par_iter()
            .map(|page| body::render_body(page, root, tera))
            .collect();
        results
            .into_iter()
            .map(|result| {
                result.unwrap_or_else(|err| {
                    errors.push(err);
                    Rendered::default()
                })
            })
            .collect()
    };
    let mut page_markdown = markdown(site.pages.iter().collect());
    let mut section_markdown = markdown(site.sections.iter().map(|s| &s.page).collect());
    let mut output = RenderOutput::default();
    {
        let all_pages = || site.sections.iter().map(|s| &s.page).chain(&site.pages);
        let targets =
            body::LinkTargets::new(all_pages().zip(section_markdown.iter().chain(&page_markdown)));
        let pages: Vec<&Page> = all_pages().collect();
        let checked: Vec<_> = pages
            .into_par_iter()
            .zip(
                section_markdown
                    .par_iter_mut()
                    .chain(page_markdown.par_iter_mut()),
            )
            .map(|(page, rendered)| {
                let link_errors = targets.resolve(page, rendered, config);
                let warnings = body::markdown_warnings(page, rendered);
                (link_errors, warnings, body::bundle_assets(root, page))
            })
            .collect();
        for (link_errors, warnings, assets) in checked {
            errors.extend(link_errors);
            output.warnings.extend(warnings);
            output.assets.extend(assets);
        }
    }
    let page_contexts: Vec<PageContext<'_>> = site
        .pages
        .par_iter()
        .zip(&page_markdown)
        .map(|(page, md)| page_context(page, md, config))
        .collect();
    let section_headers: Vec<PageContext<'_>> = (0..site.sections.len())
        .map(|index| section_header(site, index, &section_markdown[index], config))
        .collect();
    let section_contexts: Vec<SectionContext<'_>> = site
        .sections
        .iter()
        .zip(&section_headers)
        .map(|(section, header)| SectionContext {
            header: header.clone(),
            pages: section
                .pages
                .iter()
                .map(|&i| page_contexts[i].clone())
                .collect(),
            subsections: section
                .subsections
                .iter()
                .map(|&i| section_headers[i].clone())
                .collect(),
        })
        .collect();
    if templates.needs.lookups {
        add_listings(templates, &section_contexts);
    }

    // One job per document: the page, its default template and its context with its head.
    // Contexts are built inside the parallel jobs, so only a few large section contexts (a
    // section lists every page with its content) exist at a time.
    let results: Vec<(Result<RenderedFile, Error>, Option<OgImage>)> = (0..site.sections.len())
        .into_par_iter()
        .map(|index| {
            let page = &site.sections[index].page;
            let listing = &section_contexts[index];
            let head = with_head(&listing.header, site, page, config, templates);
            let og = head.og.clone();
            let mut context = Context::new();
            context.insert(
                "section",
                &SectionView {
                    header: &head,
                    pages: &listing.pages,
                    subsections: &listing.subsections,
                },
            );
            let template = if index == 0 {
                "index.html"
            } else {
                "section.html"
            };
            (render_document(tera, page, template, &context), og)
        })
        .chain(
            site.pages
                .par_iter()
                .zip(&page_contexts)
                .map(|(page, listed)| {
                    let head = with_head(listed, site, page, config, templates);
                    let og = head.og.clone();
                    let mut context = Context::new();
                    context.insert("page", &head);
                    (render_document(tera, page, "page.html", &context), og)
                }),
        )
        .collect();
    let mut files = Vec::with_capacity(results.len() + 1);
    for (result, og) in results {
        match result {
            Ok(file) => files.push(file),
            Err(err) => report_once(&mut errors, err),
        }
        if let Some(image) = og {
            output.og_images.push(image);
        }
    }
    output
        .og_images
        .sort_by(|a, b| a.output_path.cmp(&b.output_path));
    output.og_images.dedup();
    match render_not_found(tera, config) {
        Ok(file) => files.push(file),
        Err(err) => errors.push(err),
    }
    files.par_sort_by(|a, b| a.output_path.cmp(&b.output_path));
    output.files = files;
    drop(page_contexts);
    drop(section_headers);
    drop(section_contexts);
    output.page_markdown = page_markdown;
    output.section_markdown = section_markdown;
    (output, errors)
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
