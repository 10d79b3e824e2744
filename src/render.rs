//! Stage 5, render: load `templates/` into Tera and render every page and section with the
//! context of DESIGN.md (`site`, `page`, `section`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tera::{Context, Kwargs, State, Tera};
use walkdir::WalkDir;

use crate::config::{Config, read_text};
use crate::content::{Page, Site};
use crate::error::{Error, tera_report};
use crate::markdown::{Rendered, TocEntry, render_markdown};
use crate::yaml;

/// The folder, inside the site root, that holds the Tera templates.
pub const TEMPLATES_DIR: &str = "templates";

/// Words read per minute, for `page.reading_time`.
const WORDS_PER_MINUTE: usize = 200;

/// One rendered HTML document and the site path it is served at.
#[derive(Debug, Clone)]
pub struct RenderedFile {
    /// Path inside the output folder, with `/` separators (`speakers/mamin/index.html`).
    pub output_path: String,
    /// The document.
    pub html: String,
}

/// What templates see as `page` (and, with listings added, as `section`).
#[derive(Debug, Clone, Serialize)]
struct PageContext<'a> {
    title: &'a str,
    description: &'a str,
    date: Option<&'a str>,
    weight: Option<i64>,
    content: &'a str,
    summary: Option<&'a str>,
    toc: &'a [TocEntry],
    path: &'a str,
    permalink: String,
    word_count: usize,
    reading_time: usize,
    extra: &'a BTreeMap<String, yaml::Value>,
}

/// What templates see as `section`: its own page fields plus its listings.
#[derive(Debug, Clone, Serialize)]
struct SectionContext<'a> {
    #[serde(flatten)]
    header: PageContext<'a>,
    pages: Vec<PageContext<'a>>,
    subsections: Vec<PageContext<'a>>,
}

/// Loads every file under `<root>/templates` into one Tera instance, named by its path there
/// (`page.html`, `partials/nav.html`), with factsheet's functions registered.
pub fn load_templates(root: &Path, config: &Config) -> Result<Tera, Vec<Error>> {
    let mut errors = Vec::new();
    let mut sources = Vec::new();
    let dir = root.join(TEMPLATES_DIR);
    for entry in WalkDir::new(&dir).follow_links(false).sort_by_file_name() {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
                let name = template_name(entry.path().strip_prefix(&dir).unwrap_or(relative));
                match read_text(root, relative) {
                    Ok(text) => sources.push((name, text)),
                    Err(err) => errors.push(err),
                }
            }
            Ok(_) => {}
            Err(err) => errors.push(Error::Read {
                path: PathBuf::from(TEMPLATES_DIR),
                source: err.into(),
            }),
        }
    }
    let mut tera = Tera::new();
    register_functions(&mut tera, config);
    if let Err(err) = tera.add_raw_templates(sources) {
        errors.push(Error::TemplateLoad {
            message: tera_report(&err),
        });
    }
    if errors.is_empty() {
        tera.global_context().insert("site", config);
        Ok(tera)
    } else {
        Err(errors)
    }
}

/// `partials/nav.html` whatever the platform's separator.
fn template_name(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// `url(path="/speakers/")` → the absolute URL under `base_url`.
fn register_functions(tera: &mut Tera, config: &Config) {
    let base_url = config.base_url.clone();
    tera.register_function("url", move |kwargs: Kwargs, _: &State| {
        let path: String = kwargs.must_get("path")?;
        Ok::<_, tera::Error>(join_url(&base_url, &path))
    });
}

/// `base_url` + `path`, unless `path` is already a full URL.
pub fn join_url(base_url: &str, path: &str) -> String {
    if path.contains("://") || path.starts_with("mailto:") || path.starts_with('#') {
        return path.to_string();
    }
    format!("{base_url}{}", path.trim_start_matches('/'))
}

/// Renders every page and section of `site`. Markdown is rendered once per page; all template
/// failures are returned together.
pub fn render_site(
    site: &Site,
    config: &Config,
    tera: &Tera,
) -> Result<Vec<RenderedFile>, Vec<Error>> {
    let page_markdown: Vec<Rendered> = site
        .pages
        .iter()
        .map(|p| render_markdown(&p.body))
        .collect();
    let section_markdown: Vec<Rendered> = site
        .sections
        .iter()
        .map(|s| render_markdown(&s.page.body))
        .collect();
    let page_contexts: Vec<PageContext<'_>> = site
        .pages
        .iter()
        .zip(&page_markdown)
        .map(|(page, md)| page_context(page, md, config))
        .collect();
    let section_headers: Vec<PageContext<'_>> = site
        .sections
        .iter()
        .zip(&section_markdown)
        .map(|(section, md)| page_context(&section.page, md, config))
        .collect();

    let mut available: Vec<String> = tera
        .get_template_names()
        .filter(|name| !name.starts_with("partials/"))
        .map(str::to_string)
        .collect();
    available.sort();
    let mut errors = Vec::new();
    let mut files = Vec::new();
    let mut render = |page: &Page, default_template: &str, context: Context| {
        let template = page.front.template.as_deref().unwrap_or(default_template);
        if !tera.contains_template(template) {
            errors.push(Error::TemplateMissing {
                path: page.file.clone(),
                template: template.to_string(),
                available: available.clone(),
            });
            return;
        }
        match tera.render(template, &context) {
            Ok(html) => files.push(RenderedFile {
                output_path: format!("{}index.html", page.path.trim_start_matches('/')),
                html,
            }),
            Err(err) => {
                let message = tera_report(&err);
                // A template bug fails every page that uses it: report it once.
                let earlier = errors.iter_mut().find_map(|e| match e {
                    Error::TemplateRender {
                        message: m,
                        same_error_in,
                        ..
                    } if *m == message => Some(same_error_in),
                    _ => None,
                });
                match earlier {
                    Some(count) => *count += 1,
                    None => errors.push(Error::TemplateRender {
                        path: page.file.clone(),
                        same_error_in: 0,
                        template: template.to_string(),
                        message,
                    }),
                }
            }
        }
    };
    for (index, section) in site.sections.iter().enumerate() {
        let context = SectionContext {
            header: section_headers[index].clone(),
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
        };
        let default_template = if index == 0 {
            "index.html"
        } else {
            "section.html"
        };
        let mut tera_context = Context::new();
        tera_context.insert("section", &context);
        render(&section.page, default_template, tera_context);
    }
    for (page, context) in site.pages.iter().zip(&page_contexts) {
        let mut tera_context = Context::new();
        tera_context.insert("page", context);
        render(page, "page.html", tera_context);
    }
    if errors.is_empty() {
        files.sort_by(|a, b| a.output_path.cmp(&b.output_path));
        Ok(files)
    } else {
        Err(errors)
    }
}

fn page_context<'a>(page: &'a Page, md: &'a Rendered, config: &'a Config) -> PageContext<'a> {
    let front = &page.front;
    let title = front.title.as_deref().unwrap_or(&config.title);
    let description = front.description.as_deref().unwrap_or(&config.description);
    PageContext {
        title,
        description,
        date: front.date.as_deref(),
        weight: front.weight,
        content: &md.html,
        summary: md.summary.as_deref(),
        toc: &md.toc,
        path: &page.path,
        permalink: join_url(&config.base_url, &page.path),
        word_count: md.word_count,
        reading_time: md.word_count.div_ceil(WORDS_PER_MINUTE),
        extra: &front.extra,
    }
}
