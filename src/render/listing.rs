//! Listings spread over several pages (`paginator`), and the pages of taxonomies: the list of
//! a taxonomy's terms (`taxonomy_list.html`) and each term's page (`taxonomy_single.html`).

use std::collections::BTreeMap;

use serde::Serialize;
use tera::Context;

use crate::config::Config;
use crate::content::{Page, Site};
use crate::error::{Error, tera_report};
use crate::i18n::Strings;
use crate::markdown::escape_markup;
use crate::paths::TEMPLATES_DIR;
use crate::taxonomy::{self, Kind, Listing, Taxonomies, Term};
use crate::url::join_url;

use super::RenderedFile;
use super::context::{
    FigureContext, PageContext, QuoteContext, TranslationContext, figures_of, not_found_context,
    preview_image, quotes_of,
};
use crate::social::OgImage;

/// The template of a taxonomy's list of terms.
pub const TAXONOMY_LIST_TEMPLATE: &str = "taxonomy_list.html";
/// The template of one term's page.
pub const TAXONOMY_SINGLE_TEMPLATE: &str = "taxonomy_single.html";

/// `paginator`: one page of a listing spread over several, with links to the others. Field
/// names follow Zola's; `pagers` and `current_permalink` are ours.
#[derive(Debug, Serialize)]
pub struct Paginator<'p, T> {
    /// Pages per listing page.
    pub paginate_by: usize,
    /// The full URL of the listing's first page.
    pub base_url: String,
    /// How many listing pages there are.
    pub number_pagers: usize,
    /// This listing page's number, from 1.
    pub current_index: usize,
    /// How many pages the whole listing holds.
    pub total_pages: usize,
    /// The full URL of the first listing page.
    pub first: String,
    /// The full URL of the last listing page.
    pub last: String,
    /// The full URL of the previous listing page, on all but the first.
    pub previous: Option<String>,
    /// The full URL of the next listing page, on all but the last.
    pub next: Option<String>,
    /// The site paths of the previous and next listing pages, for links through `url()`.
    pub previous_path: Option<String>,
    /// See `previous_path`.
    pub next_path: Option<String>,
    /// The full URL of this listing page (for `rel="canonical"`).
    pub current_permalink: String,
    /// The pages on this listing page.
    pub pages: &'p [T],
    /// Every listing page, to number the links.
    pub pagers: Vec<Pager>,
}

/// One listing page, as the numbered links show it.
#[derive(Debug, Clone, Serialize)]
pub struct Pager {
    /// Its number, from 1.
    pub number: usize,
    /// Its site path (`/speakers/page/2/`).
    pub path: String,
    /// Its full URL.
    pub permalink: String,
    /// Whether it is the listing page being rendered.
    pub current: bool,
}

/// Renders a listing at `path` once per listing page: `render` gets each page's paginator and
/// returns its HTML. The first listing page is `path` itself; `page/1/` redirects to it. The
/// files name `source` (the section's file, or site.yaml for a term) as what made them.
pub fn paginate<T: Serialize>(
    config: &Config,
    source: &std::path::Path,
    path: &str,
    lang: &str,
    pages: &[T],
    by: usize,
    mut render: impl FnMut(&Paginator<'_, T>) -> Result<String, Error>,
) -> Result<Vec<RenderedFile>, Error> {
    let paths = taxonomy::pager_paths(path, pages.len(), by);
    let permalink = |p: &str| join_url(&config.base_url, p);
    let pagers: Vec<Pager> = paths
        .iter()
        .enumerate()
        .map(|(at, p)| Pager {
            number: at + 1,
            path: p.clone(),
            permalink: permalink(p),
            current: false,
        })
        .collect();
    let mut files = Vec::with_capacity(paths.len() + 1);
    for (at, chunk) in pages
        .chunks(by.max(1))
        .chain(pages.is_empty().then_some(pages))
        .enumerate()
    {
        let mut numbered = pagers.clone();
        numbered[at].current = true;
        let paginator = Paginator {
            paginate_by: by,
            base_url: permalink(path),
            number_pagers: paths.len(),
            current_index: at + 1,
            total_pages: pages.len(),
            first: permalink(&paths[0]),
            last: permalink(&paths[paths.len() - 1]),
            previous: at.checked_sub(1).map(|p| permalink(&paths[p])),
            next: paths.get(at + 1).map(|p| permalink(p)),
            previous_path: at.checked_sub(1).map(|p| paths[p].clone()),
            next_path: paths.get(at + 1).cloned(),
            current_permalink: permalink(&paths[at]),
            pages: chunk,
            pagers: numbered,
        };
        files.push(RenderedFile {
            output_path: format!("{}index.html", paths[at].trim_start_matches('/')),
            source: Some(source.to_path_buf()),
            contents: render(&paginator)?,
        });
    }
    files.push(RenderedFile {
        output_path: format!(
            "{}{}/1/index.html",
            path.trim_start_matches('/'),
            taxonomy::PAGER_FOLDER
        ),
        source: Some(source.to_path_buf()),
        contents: redirect_page(lang, &join_url(config.base_path(), path), &permalink(path)),
    });
    Ok(files)
}

/// A page that sends browsers on to `to` (a URL under the base path, so that it works in a
/// preview too) and tells crawlers that `canonical` is the page.
pub fn redirect_page(lang: &str, to: &str, canonical: &str) -> String {
    let (to, canonical) = (escape_markup(to), escape_markup(canonical));
    format!(
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirect</title>\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{canonical}\">\n<meta http-equiv=\"refresh\" content=\"0; url={to}\">\n</head>\n<body>\n<p><a href=\"{to}\">{to}</a></p>\n</body>\n</html>\n",
        escape_markup(lang)
    )
}

/// `taxonomy`: what a taxonomy's pages say about it.
#[derive(Debug, Serialize)]
struct TaxonomyContext<'a> {
    name: &'a str,
    lang: &'a str,
    path: &'a str,
    permalink: String,
    paginate_by: Option<usize>,
    feed: bool,
}

/// `term`, and each of `terms`, but `pages`: those are added as the values of [`Listed`], which
/// are made once per page and shared by every term that lists it.
#[derive(Debug, Clone, Serialize)]
struct TermFields<'a> {
    /// Its name in the page's language.
    name: &'a str,
    /// Its name in the default language.
    key: &'a str,
    /// Its URL segment.
    slug: &'a str,
    /// Its page's site path.
    path: &'a str,
    /// Its page's full URL.
    permalink: String,
    /// The full URL of its feed, when the taxonomy has feeds.
    feed: Option<String>,
    /// How many pages it holds.
    page_count: usize,
    /// How many figures it holds.
    figure_count: usize,
    /// How many quotes it holds.
    quote_count: usize,
    /// Its figures, with their sources.
    figures: Vec<FigureContext<'a>>,
    /// Its quotes, with their sources.
    quotes: Vec<QuoteContext<'a>>,
}

/// The listing fields of each page on some term (no rendered content) as a template value,
/// by index into [`Site::all_pages`]; `None` for the pages on no term.
pub type Listed = [Option<tera::Value>];

/// Renders every list page and term page of `taxonomies`. `listed[i]` is page `i` of
/// [`Site::all_pages`] as listings show it. A site whose templates lack the taxonomy templates
/// gets an error naming the missing one (when it declares taxonomies).
pub fn render_taxonomies(
    site: &Site,
    config: &Config,
    templates: &super::Templates,
    taxonomies: &Taxonomies,
    listed: &Listed,
) -> (Vec<RenderedFile>, Vec<OgImage>, Vec<Error>) {
    use rayon::prelude::*;
    let mut errors = Vec::new();
    if taxonomies.kinds.is_empty() {
        return (Vec::new(), Vec::new(), errors);
    }
    for template in [TAXONOMY_LIST_TEMPLATE, TAXONOMY_SINGLE_TEMPLATE] {
        if !templates.tera.contains_template(template) {
            errors.push(Error::TemplateMissing {
                path: std::path::PathBuf::from(crate::paths::CONFIG_FILE),
                template: template.to_string(),
                available: Vec::new(),
            });
        }
    }
    if !errors.is_empty() {
        return (Vec::new(), Vec::new(), errors);
    }
    let pages: Vec<&Page> = site.all_pages().collect();
    let jobs: Vec<(&Kind, &Listing, Option<&Term>)> = taxonomies.pages().collect();
    let results: Vec<Result<TaxonomyPage, Error>> = jobs
        .par_iter()
        .map(|&(kind, listing, term)| {
            let renderer = TermRenderer {
                config,
                templates,
                strings: &templates.strings,
                pages: &pages,
                listed,
                kind,
                listing,
            };
            match term {
                None => renderer.list_page(),
                Some(term) => renderer.term_page(term),
            }
        })
        .inspect(|_| templates.count_rendered())
        .collect();
    let mut files = Vec::new();
    let mut images = Vec::new();
    for result in results {
        match result {
            Ok((rendered, image)) => {
                files.extend(rendered);
                images.extend(image);
            }
            Err(err) => super::report_once(&mut errors, err),
        }
    }
    (files, images, errors)
}

/// One taxonomy page: its files (more than one when paginated) and its preview image.
type TaxonomyPage = (Vec<RenderedFile>, Option<OgImage>);

/// What rendering one taxonomy page needs.
struct TermRenderer<'r, 'a> {
    config: &'a Config,
    templates: &'r super::Templates,
    strings: &'a Strings,
    pages: &'r [&'a Page],
    listed: &'r Listed,
    kind: &'a Kind,
    listing: &'a Listing,
}

impl<'r, 'a> TermRenderer<'r, 'a> {
    fn taxonomy(&self) -> TaxonomyContext<'a> {
        TaxonomyContext {
            name: &self.kind.name,
            lang: &self.listing.lang,
            path: &self.listing.path,
            permalink: join_url(&self.config.base_url, &self.listing.path),
            paginate_by: self.kind.paginate_by,
            feed: self.kind.feed,
        }
    }

    /// The pages of `term` as listings show them.
    fn term_pages(&self, term: &Term) -> Vec<tera::Value> {
        term.pages
            .iter()
            .filter_map(|&i| self.listed[i].clone())
            .collect()
    }

    /// `term`: its fields and its pages.
    fn term(&self, term: &'a Term) -> tera::Value {
        let figures = term
            .figures
            .iter()
            .filter_map(|&(page, item)| {
                figures_of(self.pages[page], self.config, self.strings)
                    .into_iter()
                    .nth(item)
            })
            .collect();
        let quotes = term
            .quotes
            .iter()
            .filter_map(|&(page, item)| {
                quotes_of(self.pages[page], self.config, self.strings)
                    .into_iter()
                    .nth(item)
            })
            .collect();
        let fields = TermFields {
            name: &term.name,
            key: &term.key,
            slug: &term.slug,
            path: &term.path,
            permalink: join_url(&self.config.base_url, &term.path),
            feed: self
                .kind
                .feed
                .then(|| join_url(&self.config.base_url, &format!("{}atom.xml", term.path))),
            page_count: term.pages.len(),
            figure_count: term.figures.len(),
            quote_count: term.quotes.len(),
            figures,
            quotes,
        };
        let mut map = tera::Value::from_serializable(&fields)
            .into_map()
            .unwrap_or_default();
        // Shared values: a page's listing fields are serialised once, whatever lists it.
        map.insert("pages".into(), tera::Value::from(self.term_pages(term)));
        tera::Value::from(map)
    }

    /// The JSON-LD of a page listing `terms`: their pages, citing their figures' and quotes'
    /// sources.
    fn json_ld(&self, title: &str, path: &str, terms: &[&Term]) -> String {
        if !self.templates.needs.json_ld {
            return String::new();
        }
        let mut listed: Vec<usize> = terms
            .iter()
            .flat_map(|t| {
                let held = t.figures.iter().chain(&t.quotes).map(|&(page, _)| page);
                t.pages.iter().copied().chain(held)
            })
            .collect();
        listed.sort_unstable();
        listed.dedup();
        let pages: Vec<&Page> = listed.iter().map(|&i| self.pages[i]).collect();
        let mut cited: Vec<&str> = terms
            .iter()
            .flat_map(|t| {
                let figures = t
                    .figures
                    .iter()
                    .map(|&(p, i)| self.pages[p].front.figures[i].source.as_str());
                let quotes = t
                    .quotes
                    .iter()
                    .map(|&(p, i)| self.pages[p].front.quotes[i].source.as_str());
                figures.chain(quotes)
            })
            .collect();
        cited.sort_unstable();
        cited.dedup();
        crate::structured::collection_json_ld(
            self.config,
            &self.listing.lang,
            title,
            path,
            &pages,
            &cited,
        )
    }

    /// `page` for a taxonomy page: the head fields `base.html` reads.
    fn head(&self, title: &'a str, path: &'a str, key: Option<&'a str>) -> PageContext<'a> {
        let mut head = not_found_context(self.config);
        head.fields = self.templates.needs.page_fields;
        head.title = title;
        head.description = self.config.description_in(&self.listing.lang);
        head.path = path;
        head.permalink = join_url(&self.config.base_url, path);
        head.lang = &self.listing.lang;
        let versions: Vec<(&str, &str, Option<&str>)> = self.kind.versions(key).collect();
        if versions.len() > 1 {
            head.translations = versions
                .into_iter()
                .map(|(lang, version_path, name)| TranslationContext {
                    lang: lang.to_string(),
                    name: self
                        .config
                        .language(lang)
                        .map_or_else(|| lang.to_string(), |l| l.name.clone()),
                    title: name.map_or_else(|| self.list_title(lang), str::to_string),
                    path: version_path.to_string(),
                    permalink: join_url(&self.config.base_url, version_path),
                    current: version_path == path,
                })
                .collect();
        }
        head
    }

    /// The list page's title in `lang`: `taxonomies.<name>` of the strings, else the name
    /// with a capital.
    fn list_title(&self, lang: &str) -> String {
        self.strings
            .get(lang, &format!("taxonomies.{}", self.kind.name))
            .map_or_else(|| capitalized(&self.kind.name), str::to_string)
    }

    fn context(&self) -> Context {
        let mut context = Context::new();
        context.insert("lang", &self.listing.lang);
        if let Some(site) = self.templates.site_by_lang.get(&self.listing.lang) {
            context.insert_value("site", site.clone());
        }
        context.insert("taxonomy", &self.taxonomy());
        context
    }

    /// Adds the preview image to `head`, showing the first of `figures` (term pages' images
    /// are drawn like pages').
    fn with_preview(
        &self,
        head: &mut PageContext<'a>,
        title: &str,
        terms: &[&Term],
    ) -> Option<OgImage> {
        if !self.templates.needs.og_image {
            return None;
        }
        let figure = terms
            .iter()
            .find_map(|t| t.figures.first())
            .map(|&(page, item)| &self.pages[page].front.figures[item]);
        let image = preview_image(title, &self.listing.lang, figure, self.config);
        head.og_image = join_url(&self.config.base_url, &image.output_path);
        Some(image)
    }

    fn list_page(&self) -> Result<TaxonomyPage, Error> {
        let title = self.list_title(&self.listing.lang);
        // Every term with its pages: as much work as all the term pages, so shared out too.
        let terms: Vec<tera::Value> = {
            use rayon::prelude::*;
            self.listing
                .terms
                .par_iter()
                .map(|t| self.term(t))
                .collect()
        };
        let mut context = self.context();
        let mut head = self.head(&title, &self.listing.path, None);
        let all: Vec<&Term> = self.listing.terms.iter().collect();
        head.json_ld = self.json_ld(&title, &self.listing.path, &all);
        let image = self.with_preview(&mut head, &title, &all);
        context.insert("page", &head);
        context.insert_value("terms", tera::Value::from(terms));
        let file = self.render(TAXONOMY_LIST_TEMPLATE, &self.listing.path, &context)?;
        Ok((vec![file], image))
    }

    fn term_page(&self, term: &'a Term) -> Result<TaxonomyPage, Error> {
        let mut context = self.context();
        let mut head = self.head(&term.name, &term.path, Some(&term.key));
        head.json_ld = self.json_ld(&term.name, &term.path, &[term]);
        let image = self.with_preview(&mut head, &term.name, &[term]);
        context.insert("page", &head);
        context.insert_value("term", self.term(term));
        let Some(by) = self.kind.paginate_by else {
            let file = self.render(TAXONOMY_SINGLE_TEMPLATE, &term.path, &context)?;
            return Ok((vec![file], image));
        };
        let files = paginate(
            self.config,
            std::path::Path::new(crate::paths::CONFIG_FILE),
            &term.path,
            &self.listing.lang,
            &self.term_pages(term),
            by,
            |paginator| {
                context.insert("paginator", paginator);
                self.render(TAXONOMY_SINGLE_TEMPLATE, &term.path, &context)
                    .map(|file| file.contents)
            },
        )?;
        Ok((files, image))
    }

    fn render(&self, template: &str, path: &str, context: &Context) -> Result<RenderedFile, Error> {
        let contents = self
            .templates
            .tera
            .render(template, context)
            .map_err(|err| Error::TemplateRender {
                path: std::path::PathBuf::from(TEMPLATES_DIR).join(template),
                same_error_in: 0,
                template: template.to_string(),
                message: tera_report(&err),
            })?;
        Ok(RenderedFile {
            output_path: format!("{}index.html", path.trim_start_matches('/')),
            source: Some(std::path::PathBuf::from(crate::paths::CONFIG_FILE)),
            contents,
        })
    }
}

fn capitalized(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect::<String>()
    })
}

/// `get_taxonomy(kind=…, lang=…)`: every taxonomy in every language, with its terms and their
/// counts (not their pages, which only term pages carry), by (name, language).
pub fn taxonomy_values(
    config: &Config,
    taxonomies: &Taxonomies,
) -> BTreeMap<(String, String), tera::Value> {
    #[derive(Serialize)]
    struct TermSummary<'a> {
        name: &'a str,
        key: &'a str,
        slug: &'a str,
        path: &'a str,
        permalink: String,
        page_count: usize,
        figure_count: usize,
        quote_count: usize,
    }
    #[derive(Serialize)]
    struct TaxonomyValue<'a> {
        #[serde(flatten)]
        taxonomy: TaxonomyContext<'a>,
        terms: Vec<TermSummary<'a>>,
    }
    let mut values = BTreeMap::new();
    for kind in &taxonomies.kinds {
        for listing in &kind.listings {
            let value = TaxonomyValue {
                taxonomy: TaxonomyContext {
                    name: &kind.name,
                    lang: &listing.lang,
                    path: &listing.path,
                    permalink: join_url(&config.base_url, &listing.path),
                    paginate_by: kind.paginate_by,
                    feed: kind.feed,
                },
                terms: listing
                    .terms
                    .iter()
                    .map(|t| TermSummary {
                        name: &t.name,
                        key: &t.key,
                        slug: &t.slug,
                        path: &t.path,
                        permalink: join_url(&config.base_url, &t.path),
                        page_count: t.pages.len(),
                        figure_count: t.figures.len(),
                        quote_count: t.quotes.len(),
                    })
                    .collect(),
            };
            values.insert(
                (kind.name.clone(), listing.lang.clone()),
                tera::Value::from_serializable(&value),
            );
        }
    }
    values
}
