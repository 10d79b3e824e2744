//! Re-rendering one page after its Markdown body changed, for `serve`: the page itself and the
//! section that lists it, without touching the rest of the site.

use std::path::Path;

use tera::Context;

use super::body::{self, LinkTargets};
use super::context::{SectionContext, page_context};
use super::{RenderedFile, Templates, render_document, section_header, with_head};
use crate::config::Config;
use crate::content::{Page, Site};
use crate::error::Error;
use crate::markdown::Rendered;

/// Replaces page `index` of `site` by `page` (same URL and front matter, new body), renders
/// its Markdown into `page_markdown[index]`, and returns the page and its section, rendered.
/// On error nothing is replaced.
pub fn rerender_page(
    site: &mut Site,
    config: &Config,
    templates: &Templates,
    root: &Path,
    markdown: (&mut [Rendered], &[Rendered]),
    index: usize,
    page: Page,
) -> Result<Vec<RenderedFile>, Vec<Error>> {
    let (page_markdown, section_markdown) = markdown;
    let tera = &templates.tera;
    let mut rendered = body::render_body(&page, root, tera).map_err(|e| vec![e])?;
    let others = site
        .pages
        .iter()
        .zip(page_markdown.iter())
        .enumerate()
        .filter(|(i, _)| *i != index)
        .map(|(_, pair)| pair);
    let sections = site.sections.iter().map(|s| &s.page).zip(section_markdown);
    let targets = LinkTargets::new(sections.chain(others).chain([(&page, &rendered)]));
    let errors = targets.resolve(&page, &mut rendered, config);
    if !errors.is_empty() {
        return Err(errors);
    }
    site.pages[index] = page;
    page_markdown[index] = rendered;

    let context_of = |i: usize| page_context(&site.pages[i], &page_markdown[i], config);
    let mut files = Vec::new();
    let mut context = Context::new();
    let page = &site.pages[index];
    context.insert(
        "page",
        &with_head(&context_of(index), site, page, config, templates),
    );
    files.push(
        render_document(tera, &site.pages[index], "page.html", &context).map_err(|e| vec![e])?,
    );
    if let Some((section_index, section)) = site
        .sections
        .iter()
        .enumerate()
        .find(|(_, s)| s.pages.contains(&index))
    {
        let listed = section_header(
            site,
            section_index,
            &section_markdown[section_index],
            config,
        );
        let header = with_head(&listed, site, &section.page, config, templates);
        let subsections = section
            .subsections
            .iter()
            .map(|&i| section_header(site, i, &section_markdown[i], config))
            .collect();
        let listing = SectionContext {
            header,
            pages: section.pages.iter().map(|&i| context_of(i)).collect(),
            subsections,
        };
        let mut context = Context::new();
        context.insert("section", &listing);
        let template = if section_index == 0 {
            "index.html"
        } else {
            "section.html"
        };
        files.push(render_document(tera, &section.page, template, &context).map_err(|e| vec![e])?);
    }
    Ok(files)
}
