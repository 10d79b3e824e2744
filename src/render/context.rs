//! The data templates see: `site`, `page`, `section`, and the figures and quotes with their
//! sources resolved. Field names are a contract (DESIGN.md); keep them stable.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::{Config, Source};
use crate::content::front_matter::{Correction, Figure, Quote};
use crate::content::{Page, Site, listing_order};
use crate::date::Date;
use crate::markdown::{Rendered, TocEntry, escape_markup};
use crate::render::fields::{PageFields, with_page_fields};
use crate::render::templates::TemplateNeeds;
use crate::slash::slashed;
use crate::social::{self, OgImage};
use crate::structured;
use crate::url::join_url;
use crate::yaml;

/// Words read per minute, for `page.reading_time`.
const WORDS_PER_MINUTE: usize = 200;

/// `site`: the config plus what the whole site holds.
#[derive(Debug, Serialize)]
pub struct SiteContext<'a> {
    #[serde(flatten)]
    pub config: &'a Config,
    /// The path part of `base_url` (`/repo/`).
    pub base_path: &'a str,
    /// Every figure of every page, pages in listing order.
    pub figures: Vec<FigureContext<'a>>,
    /// Every quote of every page, pages in listing order.
    pub quotes: Vec<QuoteContext<'a>>,
}

/// `site` as the pages of one language see it: [`SiteContext`] with the title, description
/// and menu in that language. Its fields come after the config's, so they are the ones kept.
#[derive(Debug, Serialize)]
struct LanguageSite<'a> {
    #[serde(flatten)]
    site: SiteContext<'a>,
    title: &'a str,
    description: &'a str,
    nav: Vec<crate::config::NavItem>,
    lang: &'a str,
    home: String,
}

/// A figure, its source resolved, and the page that states it.
#[derive(Debug, Clone, Serialize)]
pub struct FigureContext<'a> {
    #[serde(flatten)]
    pub figure: &'a Figure,
    /// Its terms by taxonomy, named in the page's language (`topics: [Связь]`).
    #[serde(flatten)]
    pub terms: TermNames<'a>,
    /// The source `figure.source` names (publisher, title, date, url).
    pub cite: Option<&'a Source>,
    /// The site path of the page that holds the figure.
    pub page_path: &'a str,
    /// That page's title.
    pub page_title: &'a str,
}

/// A quote, its source resolved, and the page that holds it.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteContext<'a> {
    #[serde(flatten)]
    pub quote: &'a Quote,
    /// Its terms by taxonomy, named in the page's language.
    #[serde(flatten)]
    pub terms: TermNames<'a>,
    /// The source `quote.source` names.
    pub cite: Option<&'a Source>,
    /// The site path of the page that holds the quote.
    pub page_path: &'a str,
    /// That page's title.
    pub page_title: &'a str,
}

/// `page` (and the header fields of `section`). Templates get only the [`PageFields`] some
/// template names.
#[derive(Debug, Clone)]
pub struct PageContext<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub date: Option<&'a Date>,
    pub weight: Option<i64>,
    pub content: &'a str,
    /// HTML: the body before `<!-- more -->`, or else the escaped description.
    pub summary: std::borrow::Cow<'a, str>,
    pub toc: &'a [TocEntry],
    pub path: &'a str,
    pub permalink: String,
    pub word_count: usize,
    pub reading_time: usize,
    pub figures: Vec<FigureContext<'a>>,
    pub quotes: Vec<QuoteContext<'a>>,
    /// `updated` from front matter.
    pub updated: Option<&'a Date>,
    /// Dated corrections, oldest first as written.
    pub corrections: &'a [Correction],
    /// The latest of `date`, `updated` and the corrections.
    pub date_modified: Option<&'a Date>,
    /// The page's Markdown file on GitHub, when `repository_url` is set.
    pub edit_url: Option<String>,
    /// The content file, relative to the site root (`content/about.md`).
    pub source_file: String,
    /// schema.org JSON-LD for `<script type="application/ld+json">`.
    pub json_ld: String,
    /// The full URL of the page's 1200×630 social preview image.
    pub og_image: String,
    /// The preview image to draw (not a template field).
    pub og: Option<OgImage>,
    pub extra: &'a BTreeMap<String, yaml::Value>,
    /// The page's language code.
    pub lang: &'a str,
    /// Every language's version of the page, this one included, in the order of `languages:`.
    pub translations: Vec<TranslationContext>,
    /// Its terms by taxonomy, named in its language (`topics: [Connectivity]`).
    pub taxonomies: TermNames<'a>,
    /// The fields templates get (not a template field).
    pub fields: PageFields,
}

/// `Serialize` for [`PageContext`]: only the fields in its `fields`, in the order of
/// [`with_page_fields`]. A field of the struct missing from that list fails to compile.
macro_rules! serialize_page_fields {
    ($($name:ident),* $(,)?) => {
        impl Serialize for PageContext<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeStruct;
                let PageContext { $($name: _,)* og: _, fields } = self;
                let mut out = serializer.serialize_struct("PageContext", fields.count())?;
                let mut bit = 0;
                $(
                    if fields.has(bit) {
                        out.serialize_field(stringify!($name), &self.$name)?;
                    }
                    bit += 1;
                )*
                let _ = bit;
                out.end()
            }
        }
    };
}

with_page_fields!(serialize_page_fields);

/// Terms by taxonomy, named in one language (`{topics: [Связь]}`), written out as the template
/// value is made rather than gathered first: every page, figure and quote has one.
#[derive(Debug, Clone, Copy)]
pub struct TermNames<'a> {
    terms: Option<&'a crate::content::front_matter::Terms>,
    /// `None` in the default language: the terms are shown as written.
    translated: Option<(&'a str, &'a crate::i18n::Strings)>,
}

impl TermNames<'static> {
    /// No terms.
    pub const NONE: TermNames<'static> = TermNames {
        terms: None,
        translated: None,
    };
}

impl<'a> TermNames<'a> {
    /// The names of `terms` (named in the default language) in `lang`.
    pub fn of(
        terms: &'a crate::content::front_matter::Terms,
        lang: &'a str,
        config: &Config,
        strings: &'a crate::i18n::Strings,
    ) -> TermNames<'a> {
        TermNames {
            terms: (!terms.is_empty()).then_some(terms),
            translated: (lang != config.default_language()).then_some((lang, strings)),
        }
    }

    /// The name of `term` of taxonomy `kind`: from `terms.<kind>.<term>` in the language's
    /// strings, else as written.
    fn name(&self, kind: &str, term: &'a str) -> &'a str {
        self.translated
            .and_then(|(lang, strings)| {
                strings.get(lang, &crate::taxonomy::term_string_key(kind, term))
            })
            .unwrap_or(term)
    }
}

impl Serialize for TermNames<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.terms.map_or(0, BTreeMap::len)))?;
        for (kind, names) in self.terms.into_iter().flatten() {
            map.serialize_entry(
                kind,
                &KindNames {
                    of: self,
                    kind,
                    names,
                },
            )?;
        }
        map.end()
    }
}

/// The names of one taxonomy's terms, written as a list without gathering them first.
struct KindNames<'v, 'a> {
    of: &'v TermNames<'a>,
    kind: &'v str,
    names: &'a [String],
}

impl Serialize for KindNames<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.names.iter().map(|n| self.of.name(self.kind, n)))
    }
}

/// One language's version of a page, as language switchers and `hreflang` links need it.
#[derive(Debug, Clone, Serialize)]
pub struct TranslationContext {
    /// The language code (`ru`).
    pub lang: String,
    /// The language's name in itself (`Русский`).
    pub name: String,
    /// The title of that version.
    pub title: String,
    /// Its site path (`/ru/speakers/`).
    pub path: String,
    /// Its full URL.
    pub permalink: String,
    /// Whether it is the page being rendered.
    pub current: bool,
}

/// `section`: its own page fields plus its listings.
#[derive(Debug, Clone, Serialize)]
pub struct SectionContext<'a> {
    #[serde(flatten)]
    pub header: PageContext<'a>,
    pub pages: Vec<PageContext<'a>>,
    pub subsections: Vec<PageContext<'a>>,
}

fn page_title<'a>(page: &'a Page, config: &'a Config) -> &'a str {
    page.front
        .title
        .as_deref()
        .unwrap_or_else(|| config.title_in(&page.lang))
}

fn cite<'a>(config: &'a Config, id: &str) -> Option<&'a Source> {
    config.sources.iter().find(|s| s.id == id)
}

/// The figures of one page with their sources.
pub fn figures_of<'a>(
    page: &'a Page,
    config: &'a Config,
    strings: &'a crate::i18n::Strings,
) -> Vec<FigureContext<'a>> {
    page.front
        .figures
        .iter()
        .map(|figure| FigureContext {
            figure,
            terms: TermNames::of(&figure.terms, &page.lang, config, strings),
            cite: cite(config, &figure.source),
            page_path: &page.path,
            page_title: page_title(page, config),
        })
        .collect()
}

/// The quotes of one page with their sources.
pub fn quotes_of<'a>(
    page: &'a Page,
    config: &'a Config,
    strings: &'a crate::i18n::Strings,
) -> Vec<QuoteContext<'a>> {
    page.front
        .quotes
        .iter()
        .map(|quote| QuoteContext {
            quote,
            terms: TermNames::of(&quote.terms, &page.lang, config, strings),
            cite: cite(config, &quote.source),
            page_path: &page.path,
            page_title: page_title(page, config),
        })
        .collect()
}

/// `site` as the pages of `lang` see it: the site's title, description and menu in that
/// language, and the figures and quotes of its pages. The default language's is the global
/// `site`; the others are given to their pages.
pub fn site_value(
    site: &Site,
    config: &Config,
    lang: &str,
    strings: &crate::i18n::Strings,
) -> tera::Value {
    let nav = config
        .nav
        .iter()
        .map(|item| crate::config::NavItem {
            title: strings
                .get(lang, &format!("nav.{}", item.path))
                .unwrap_or(&item.title)
                .to_string(),
            path: taxonomy_list_in(config, &item.path, lang)
                .unwrap_or_else(|| translated_path(site, &item.path, lang)),
        })
        .collect();
    tera::Value::from_serializable(&LanguageSite {
        site: site_context(site, config, lang, strings),
        title: config.title_in(lang),
        description: config.description_in(lang),
        nav,
        lang,
        home: config.language_root(lang),
    })
}

/// When `path` is a taxonomy's list page (`/topics/`), the path of its version in `lang`
/// (`/ru/topics/`).
fn taxonomy_list_in(config: &Config, path: &str, lang: &str) -> Option<String> {
    let inside = path.strip_prefix(&config.language_root(config.default_language()))?;
    let name = inside.strip_suffix('/')?;
    config
        .taxonomies
        .iter()
        .any(|t| t.name == name)
        .then(|| format!("{}{name}/", config.language_root(lang)))
}

/// The path of `lang`'s version of the page at `path`, or `path` when it has none.
pub fn translated_path(site: &Site, path: &str, lang: &str) -> String {
    site.all_pages()
        .find(|page| page.path == path)
        .and_then(|page| page.translations.iter().find(|t| t.lang == lang))
        .map_or_else(|| path.to_string(), |t| t.path.clone())
}

/// `site`, with every figure and quote of the pages in `lang` gathered in listing order.
pub fn site_context<'a>(
    site: &'a Site,
    config: &'a Config,
    lang: &str,
    strings: &'a crate::i18n::Strings,
) -> SiteContext<'a> {
    // Only the pages with figures or quotes, sorted: the order is theirs in a sort of all.
    let mut pages: Vec<&Page> = site
        .all_pages()
        .filter(|p| p.lang == lang && !(p.front.figures.is_empty() && p.front.quotes.is_empty()))
        .collect();
    pages.sort_by(|a, b| listing_order(a, b));
    SiteContext {
        config,
        base_path: config.base_path(),
        figures: pages
            .iter()
            .flat_map(|p| figures_of(p, config, strings))
            .collect(),
        quotes: pages
            .iter()
            .flat_map(|p| quotes_of(p, config, strings))
            .collect(),
    }
}

/// `page` for one page whose Markdown is rendered as `md`.
pub fn page_context<'a>(
    page: &'a Page,
    md: &'a Rendered,
    config: &'a Config,
    strings: &'a crate::i18n::Strings,
    fields: PageFields,
) -> PageContext<'a> {
    let front = &page.front;
    // What no template reads is not made.
    let wants = |name: &str| fields.wants(name);
    PageContext {
        title: page_title(page, config),
        description: front
            .description
            .as_deref()
            .unwrap_or_else(|| config.description_in(&page.lang)),
        date: front.date.as_ref(),
        weight: front.weight,
        content: &md.html,
        summary: match &md.summary {
            Some(html) => std::borrow::Cow::Borrowed(html.as_str()),
            None if wants("summary") => std::borrow::Cow::Owned(escape_markup(
                front.description.as_deref().unwrap_or_default(),
            )),
            None => std::borrow::Cow::Borrowed(""),
        },
        toc: &md.toc,
        path: &page.path,
        permalink: match wants("permalink") {
            true => join_url(&config.base_url, &page.path),
            false => String::new(),
        },
        word_count: md.word_count,
        reading_time: md.word_count.div_ceil(WORDS_PER_MINUTE),
        figures: match wants("figures") {
            true => figures_of(page, config, strings),
            false => Vec::new(),
        },
        quotes: match wants("quotes") {
            true => quotes_of(page, config, strings),
            false => Vec::new(),
        },
        updated: front.updated.as_ref(),
        corrections: &front.corrections,
        date_modified: structured::date_modified(page),
        edit_url: wants("edit_url").then(|| edit_url(page, config)).flatten(),
        source_file: match wants("source_file") {
            true => slashed(&page.file),
            false => String::new(),
        },
        json_ld: String::new(),
        og_image: String::new(),
        og: None,
        extra: &front.extra,
        lang: &page.lang,
        translations: match wants("translations") {
            true => translations_of(page, config),
            false => Vec::new(),
        },
        taxonomies: TermNames::of(&front.terms, &page.lang, config, strings),
        fields,
    }
}

fn translations_of(page: &Page, config: &Config) -> Vec<TranslationContext> {
    if page.translations.len() < 2 {
        return Vec::new();
    }
    page.translations
        .iter()
        .map(|t| TranslationContext {
            lang: t.lang.clone(),
            name: config
                .language(&t.lang)
                .map_or_else(|| t.lang.clone(), |l| l.name.clone()),
            title: t
                .title
                .clone()
                .unwrap_or_else(|| config.title_in(&t.lang).to_string()),
            path: t.path.clone(),
            permalink: join_url(&config.base_url, &t.path),
            current: t.path == page.path,
        })
        .collect()
}

impl<'a> PageContext<'a> {
    /// Adds what only the page's own `<head>` needs, not the listings that show it: its
    /// JSON-LD and its social preview, drawn from its title and `figure` (its key figure).
    pub fn with_head(
        mut self,
        page: &Page,
        figure: Option<&Figure>,
        config: &Config,
        uses: TemplateNeeds,
    ) -> Self {
        if uses.json_ld {
            self.json_ld = structured::json_ld(page, config, uses.handout);
        }
        if !uses.og_image {
            return self;
        }
        let image = preview_image(page_title(page, config), &page.lang, figure, config);
        self.og_image = join_url(&config.base_url, &image.output_path);
        self.og = Some(image);
        self
    }
}

/// The social preview of a page titled `title` in `lang`, showing `figure` when it has one.
pub fn preview_image(title: &str, lang: &str, figure: Option<&Figure>, config: &Config) -> OgImage {
    // The image speaks the page's language: its title, the site's title in that language,
    // and the source's date as that language writes it.
    let key_figure = figure.map(|f| social::KeyFigure {
        value: &f.value,
        label: &f.label,
        cite: match cite(config, &f.source) {
            Some(source) => format!(
                "— {}, {}",
                source.publisher,
                crate::date::long_date(&source.date, lang)
            ),
            None => format!("— {}", f.source),
        },
    });
    social::og_image(
        title,
        config.title_in(lang),
        key_figure,
        config.description_in(lang),
    )
}

/// `https://github.com/owner/repo/blob/main/content/about.md`.
fn edit_url(page: &Page, config: &Config) -> Option<String> {
    let repository = config.repository_url.as_deref()?.trim_end_matches('/');
    Some(format!(
        "{repository}/blob/{}/{}",
        config.repository_branch,
        slashed(&page.file)
    ))
}

/// `page` for `404.html`, which has no Markdown file.
pub fn not_found_context(config: &Config) -> PageContext<'_> {
    const NO_TOC: &[TocEntry] = &[];
    static NO_EXTRA: BTreeMap<String, yaml::Value> = BTreeMap::new();
    PageContext {
        title: "Page not found",
        description: "There is no page at this address.",
        date: None,
        weight: None,
        content: "",
        summary: std::borrow::Cow::Borrowed(""),
        toc: NO_TOC,
        path: "/404.html",
        permalink: join_url(&config.base_url, "404.html"),
        word_count: 0,
        reading_time: 0,
        figures: Vec::new(),
        quotes: Vec::new(),
        updated: None,
        corrections: &[],
        date_modified: None,
        edit_url: None,
        source_file: String::new(),
        json_ld: String::new(),
        og_image: String::new(),
        og: None,
        extra: &NO_EXTRA,
        lang: &config.language,
        translations: Vec::new(),
        taxonomies: TermNames::NONE,
        fields: PageFields::ALL,
    }
}
