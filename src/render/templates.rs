//! Loading `templates/` into one Tera instance, with factsheet's template functions.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, RwLock};

use tera::{Kwargs, State, Tera};

use crate::config::Config;
use crate::date::Date;
use crate::error::{Error, tera_report};
use crate::paths::{STATIC_DIR, TEMPLATES_DIR, read_text, site_files};
use crate::render::fields::PageFields;
use crate::slash::slashed;
use crate::url::join_url;

/// The loaded templates, and the site data their functions read.
pub struct Templates {
    /// One Tera instance for the whole site.
    pub tera: Tera,
    /// Filled in once the site is loaded; read by `get_figure`, `get_page`, `get_section`.
    pub(super) index: Arc<RwLock<SiteIndex>>,
    /// What the templates use of the costlier data, so nothing more is computed for 10,000 pages.
    pub needs: TemplateNeeds,
    /// Each template's text by name, to tell which templates an edit changed.
    pub texts: BTreeMap<String, String>,
    /// The content hash of each file of `static/`, by its path there, as `asset()` uses them.
    pub fingerprints: BTreeMap<String, String>,
    /// The interface strings of every language, as `trans()` reads them.
    pub strings: crate::i18n::Strings,
    /// `site` for the pages of each language other than the default (whose `site` is global).
    pub site_by_lang: BTreeMap<String, tera::Value>,
    /// Counts each document and taxonomy page rendered, when the build shows its progress.
    pub progress: Option<Arc<crate::progress::Progress>>,
}

/// Which of the costlier fields and functions some template mentions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TemplateNeeds {
    /// `json_ld` (schema.org data).
    pub json_ld: bool,
    /// `og_image` (a preview image to draw).
    pub og_image: bool,
    /// `get_page` or `get_section` (the tables of every page's listing fields).
    pub lookups: bool,
    /// `handout.svg`: the site has a one-page PDF per language (listed in the JSON-LD).
    pub handout: bool,
    /// The `content` or `toc` of a listed page (a section's `pages`, a paginator's): without
    /// it, listings leave those out rather than copy every page's HTML into each listing.
    pub listed_bodies: bool,
    /// The fields of `page` some template names.
    pub page_fields: PageFields,
}

/// Whether `template` may read the `content` or `toc` of a page other than the one rendered.
/// Only `page.content` and `section.content` (and `.toc`) are the rendered page's own; any
/// other path to them, a quoted `"content"` (`map(attribute="content")`), `json_encode`, or a
/// loop, `set` or macro that takes the name `page` or `section` counts, so a doubt keeps them.
fn reads_listed_bodies(template: &str) -> bool {
    let own = |before: &str| {
        let name_start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |at| at + 1);
        let joined = before[..name_start].ends_with(['.', ']', ')']);
        !joined && matches!(&before[name_start..], "page" | "section")
    };
    let field_read_elsewhere = [".content", ".toc"].iter().any(|field| {
        template.match_indices(field).any(|(at, _)| {
            let after = template[at + field.len()..].chars().next();
            let whole = after.is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
            whole && !own(&template[..at])
        })
    });
    let rebinds = [
        "for page",
        "for section",
        "set page",
        "set section",
        "set_global page",
    ]
    .iter()
    .any(|binding| template.contains(binding))
        || template
            .match_indices("{% macro")
            .chain(template.match_indices("{%- macro"))
            .any(|(at, _)| {
                let signature = &template[at..];
                let signature = &signature[..signature.find(')').unwrap_or(signature.len())];
                signature
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .any(|word| word == "page" || word == "section")
            });
    field_read_elsewhere
        || rebinds
        || [
            "json_encode",
            "\"content\"",
            "'content'",
            "\"toc\"",
            "'toc'",
        ]
        .iter()
        .any(|text| template.contains(text))
}

/// What the lookup functions can find, as template values.
#[derive(Default)]
pub(super) struct SiteIndex {
    /// Figures by their `id`, in the default language.
    pub figures: BTreeMap<String, tera::Value>,
    /// Figures by language (other than the default), then `id`: as the translation states them.
    pub translated_figures: BTreeMap<String, BTreeMap<String, tera::Value>>,
    /// Pages by site path (`/speakers/mamin/`), without their rendered content.
    pub pages: BTreeMap<String, tera::Value>,
    /// Sections by site path, with their page listings.
    pub sections: BTreeMap<String, tera::Value>,
    /// Taxonomies by (name, language), with their terms' counts.
    pub taxonomies: BTreeMap<(String, String), tera::Value>,
    /// Term page site paths by (taxonomy, language, term name there or in the default
    /// language, or `/` and its slug).
    pub term_urls: BTreeMap<(String, String, String), String>,
}

/// Loads every file under `<root>/templates` into one Tera instance, named by its path there
/// (`page.html`, `partials/nav.html`), with factsheet's functions registered.
pub fn load_templates(root: &Path, config: &Config) -> Result<Templates, Vec<Error>> {
    load_with_index(root, config, Arc::default())
}

impl Templates {
    /// Loads the templates again, keeping the `get_page`/`get_section`/`get_figure` tables and
    /// the `site` variable, for a rebuild that changes neither.
    pub fn reload(&mut self, root: &Path, config: &Config) -> Result<Templates, Vec<Error>> {
        let mut templates = load_with_index(root, config, Arc::clone(&self.index))?;
        if let Some(site) = self.tera.global_context().get("site") {
            let site = site.clone();
            templates.tera.global_context().insert("site", &site);
        }
        templates.site_by_lang = self.site_by_lang.clone();
        Ok(templates)
    }

    /// Counts one more page rendered, when the build shows its progress.
    pub(crate) fn count_rendered(&self) {
        if let Some(progress) = &self.progress {
            progress.advance(1);
        }
    }
}

fn load_with_index(
    root: &Path,
    config: &Config,
    index: Arc<RwLock<SiteIndex>>,
) -> Result<Templates, Vec<Error>> {
    let mut errors = Vec::new();
    let mut sources = Vec::new();
    let (files, walk_errors) = site_files(root, TEMPLATES_DIR);
    errors.extend(walk_errors);
    for relative in files {
        let name = slashed(relative.strip_prefix(TEMPLATES_DIR).unwrap_or(&relative));
        match read_text(root, &relative) {
            Ok(text) => sources.push((name, text)),
            Err(err) => errors.push(err),
        }
    }
    let head = TemplateNeeds {
        json_ld: sources.iter().any(|(_, text)| text.contains("json_ld")),
        og_image: sources.iter().any(|(_, text)| text.contains("og_image")),
        lookups: sources
            .iter()
            .any(|(_, text)| text.contains("get_page") || text.contains("get_section")),
        handout: sources.iter().any(|(name, _)| name == "handout.svg"),
        listed_bodies: sources.iter().any(|(_, text)| reads_listed_bodies(text)),
        page_fields: PageFields::named_in(sources.iter().map(|(_, text)| text.as_str())),
    };
    let texts: Vec<(String, String)> = sources.clone();
    let mut tera = Tera::new();
    // SVG templates (the handout) are XML: their variables are escaped like HTML's.
    tera.autoescape_on([".html", ".htm", ".xml", ".svg"]);
    register_functions(&mut tera, config, &index);
    let (strings, string_errors) = crate::i18n::load(root, config);
    errors.extend(string_errors);
    register_trans(&mut tera, config, strings.clone());
    let fingerprints = fingerprint_static_files(root);
    register_asset(&mut tera, config, fingerprints.clone());
    if let Err(err) = tera.add_raw_templates(sources) {
        errors.push(Error::TemplateLoad {
            message: tera_report(&err),
        });
    }
    if errors.is_empty() {
        Ok(Templates {
            tera,
            index,
            needs: head,
            texts: texts.into_iter().collect(),
            fingerprints,
            strings,
            site_by_lang: BTreeMap::new(),
            progress: None,
        })
    } else {
        Err(errors)
    }
}

/// `url(path="/speakers/")` → `/repo/speakers/`: the site path under the base path, which
/// works on GitHub Pages, on a custom domain and in a local preview alike.
/// `url(path=..., absolute=true)` → `https://owner.github.io/repo/speakers/`, for canonical
/// links, feeds and social cards.
/// `get_figure(id="coverage")`, `get_page(path="/about/")`, `get_section(path="/speakers/")`
/// look things up in the loaded site. Tera checks functions when templates load, so they exist
/// before the site is known and read it from `index`.
fn register_functions(tera: &mut Tera, config: &Config, index: &Arc<RwLock<SiteIndex>>) {
    let base_url = config.base_url.clone();
    let base_path = config.base_path().to_string();
    tera.register_function("url", move |kwargs: Kwargs, _: &State| {
        let path: String = kwargs.must_get("path")?;
        let absolute: bool = kwargs.get("absolute")?.unwrap_or(false);
        let base = if absolute { &base_url } else { &base_path };
        Ok::<_, tera::Error>(join_url(base, &path))
    });
    register_get_figure(tera, index, config.default_language());
    register_lookup(tera, index, "get_page", "path", "page", |i| &i.pages);
    register_lookup(tera, index, "get_section", "path", "section", |i| {
        &i.sections
    });
    register_taxonomy_functions(tera, index, config);
    tera.register_filter("date", format_date);
    tera.register_filter("markdown", markdown_filter);
    tera.register_filter("wrap", wrap_filter);
}

/// `get_figure(id="coverage")`, and `get_figure(id="coverage", lang="ru")` for the figure as
/// a translation states it (its value and label in that language; source and quote the
/// original's).
fn register_get_figure(tera: &mut Tera, index: &Arc<RwLock<SiteIndex>>, default: &str) {
    let index = Arc::clone(index);
    let default = default.to_string();
    tera.register_function("get_figure", move |kwargs: Kwargs, _: &State| {
        let id: String = kwargs.must_get("id")?;
        let lang: Option<String> = kwargs.get("lang")?;
        record("get_figure", &id);
        let index = index
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let translated = lang
            .filter(|lang| *lang != default)
            .and_then(|lang| index.translated_figures.get(&lang)?.get(&id).cloned());
        translated
            .or_else(|| index.figures.get(&id).cloned())
            .ok_or_else(|| {
                let known: Vec<&str> = index.figures.keys().map(String::as_str).collect();
                tera::Error::message(format!(
                    "no figure has `id: {id}`; known: {}",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ))
            })
    });
}

/// `get_taxonomy(kind="topics", lang=lang)`: the taxonomy with its terms (name, slug, path,
/// permalink and counts). `get_taxonomy_url(kind="topics", name="Connectivity", lang=lang)`:
/// the URL of a term's page under the base path, as `url()` gives it (`absolute=true` for the
/// full URL), the term named in `lang` or in the default language.
fn register_taxonomy_functions(tera: &mut Tera, index: &Arc<RwLock<SiteIndex>>, config: &Config) {
    let default = config.default_language();
    let (base_url, base_path) = (config.base_url.clone(), config.base_path().to_string());
    let taxonomies = Arc::clone(index);
    let lang_or_default = default.to_string();
    tera.register_function("get_taxonomy", move |kwargs: Kwargs, _: &State| {
        let kind: String = kwargs.must_get("kind")?;
        let lang: String = kwargs
            .get("lang")?
            .unwrap_or_else(|| lang_or_default.clone());
        let index = taxonomies
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        index
            .taxonomies
            .get(&(kind.clone(), lang.clone()))
            .cloned()
            .ok_or_else(|| {
                tera::Error::message(format!(
                    "no taxonomy `{kind}` in `{lang}`: declare it under `taxonomies:` in site.yaml"
                ))
            })
    });
    let urls = Arc::clone(index);
    let default = default.to_string();
    tera.register_function("get_taxonomy_url", move |kwargs: Kwargs, _: &State| {
        let kind: String = kwargs.must_get("kind")?;
        let name: String = kwargs.must_get("name")?;
        let lang: String = kwargs.get("lang")?.unwrap_or_else(|| default.clone());
        let absolute: bool = kwargs.get("absolute")?.unwrap_or(false);
        let index = urls.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        // A term written another way (`connectivity`) finds its term by the URL it makes.
        index
            .term_urls
            .get(&(kind.clone(), lang.clone(), name.clone()))
            .or_else(|| {
                let slug = format!("/{}", crate::url::slug(&name));
                index.term_urls.get(&(kind.clone(), lang.clone(), slug))
            })
            .map(|path| join_url(if absolute { &base_url } else { &base_path }, path))
            .ok_or_else(|| {
                tera::Error::message(format!("no `{kind}` term `{name}` has a page in `{lang}`"))
            })
    });
}

/// `trans(key="last_updated", lang=lang)`: the interface string `key` in `lang` (the default
/// language when `lang` is left out), from `i18n/<lang>.yaml`.
fn register_trans(tera: &mut Tera, config: &Config, strings: crate::i18n::Strings) {
    let default = config.default_language().to_string();
    tera.register_function("trans", move |kwargs: Kwargs, _: &State| {
        let key: String = kwargs.must_get("key")?;
        let lang: String = kwargs.get("lang")?.unwrap_or_else(|| default.clone());
        strings.get(&lang, &key).map(str::to_string).ok_or_else(|| {
            tera::Error::message(format!(
                "{} has no string `{key}`; add it there",
                crate::i18n::file_of(&lang).display()
            ))
        })
    });
}

/// `{{ text | markdown }}`: Markdown from front matter or data, rendered as safe HTML; markup
/// the Markdown stage refuses (a heading id with a quote) fails the render with its line.
fn markdown_filter(text: &str, _: Kwargs, _: &State) -> tera::TeraResult<tera::Value> {
    let rendered =
        crate::markdown::render_markdown(text, &|_| Ok(None), crate::markdown::Words::NotCounted);
    match rendered.errors.first() {
        Some(refused) => Err(tera::Error::message(format!(
            "the `markdown` filter refused line {} of its text: {}; {}",
            refused.line, refused.message, refused.help
        ))),
        None => Ok(tera::Value::safe_string(&rendered.html)),
    }
}

/// `{% for line in figure.label | wrap(width=240, size=9) %}`: the words of the text in lines
/// no wider than `width` when drawn in the bundled font at `size` (`bold=true` for the bold
/// one), by the font's own advance widths: what an SVG template (the handout) needs, since SVG
/// does not wrap text. Nothing is cut; a word wider than a line is broken between letters.
fn wrap_filter(text: &str, kwargs: Kwargs, _: &State) -> tera::TeraResult<Vec<String>> {
    let width: f64 = kwargs.must_get("width")?;
    let size: f64 = kwargs.must_get("size")?;
    let bold: bool = kwargs.get("bold")?.unwrap_or(false);
    if !(width > 0.0 && size > 0.0) {
        return Err(tera::Error::message(format!(
            "the `wrap` filter needs a positive `width` and `size`, not {width} and {size}"
        )));
    }
    Ok(crate::social::break_lines(
        text,
        crate::social::font(bold),
        size as f32,
        width as f32,
    ))
}

/// Registers `name(key=...)`, which returns the entry of the table `pick` chooses.
fn register_lookup(
    tera: &mut Tera,
    index: &Arc<RwLock<SiteIndex>>,
    name: &'static str,
    key: &'static str,
    what: &'static str,
    pick: fn(&SiteIndex) -> &BTreeMap<String, tera::Value>,
) {
    let index = Arc::clone(index);
    tera.register_function(name, move |kwargs: Kwargs, _: &State| {
        let wanted: String = kwargs.must_get(key)?;
        record(name, &wanted);
        let index = index
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let table = pick(&index);
        table.get(&wanted).cloned().ok_or_else(|| {
            let known: Vec<&str> = table.keys().map(String::as_str).collect();
            tera::Error::message(format!(
                "no {what} has `{key}: {wanted}`; known: {}",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ))
        })
    });
}

/// Content hashes of the files in `static/`, by path there (`css/site.css`). Links that lead
/// outside the site are left out here and reported by the write stage's checks.
fn fingerprint_static_files(root: &Path) -> BTreeMap<String, String> {
    site_files(root, STATIC_DIR)
        .0
        .into_iter()
        .filter_map(|relative| {
            let bytes = std::fs::read(root.join(&relative)).ok()?;
            let name = slashed(relative.strip_prefix(STATIC_DIR).ok()?);
            Some((name, crate::hash::content_hash(&bytes)))
        })
        .collect()
}

/// `asset(path="css/site.css")` → `/repo/css/site.css?h=<content hash>`: the URL changes
/// whenever the file does, so browsers never keep a stale stylesheet. A path that `static/`
/// does not hold is an error.
fn register_asset(tera: &mut Tera, config: &Config, hashes: BTreeMap<String, String>) {
    let base_path = config.base_path().to_string();
    tera.register_function("asset", move |kwargs: Kwargs, _: &State| {
        let path: String = kwargs.must_get("path")?;
        let key = path.trim_start_matches('/');
        record("asset", key);
        let hash = hashes.get(key).ok_or_else(|| {
            tera::Error::message(format!(
                "asset `{path}`: there is no file static/{key}; add it, or fix the path"
            ))
        })?;
        Ok::<_, tera::Error>(format!("{}?h={hash}", join_url(&base_path, key)))
    });
}

/// What one render read through the template functions: what an edit of those things must
/// re-render, for `serve`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reads {
    /// Paths passed to `get_page`.
    pub pages: BTreeSet<String>,
    /// Paths passed to `get_section`.
    pub sections: BTreeSet<String>,
    /// Ids passed to `get_figure`.
    pub figures: BTreeSet<String>,
    /// Files of `static/` passed to `asset`.
    pub assets: BTreeSet<String>,
}

thread_local! {
    /// The reads of the render running on this thread (a render never leaves its thread).
    static READS: RefCell<Option<Reads>> = const { RefCell::new(None) };
}

fn record(function: &str, key: &str) {
    READS.with(|reads| {
        if let Some(reads) = reads.borrow_mut().as_mut() {
            let set = match function {
                "get_page" => &mut reads.pages,
                "get_section" => &mut reads.sections,
                "get_figure" => &mut reads.figures,
                _ => &mut reads.assets,
            };
            set.insert(key.to_string());
        }
    });
}

/// Runs `render` and returns what it read through the template functions.
pub fn recording_reads<T>(render: impl FnOnce() -> T) -> (T, Reads) {
    let outer = READS.with(|reads| reads.borrow_mut().replace(Reads::default()));
    let result = render();
    let reads = READS
        .with(|reads| std::mem::replace(&mut *reads.borrow_mut(), outer))
        .unwrap_or_default();
    (result, reads)
}

impl Templates {
    /// The templates whose output may change when `changed` change: themselves and every
    /// template that names one of them (`extends`, `include`, `import`), transitively. A name
    /// in any string of a template counts, so the answer errs on the side of re-rendering.
    pub fn affected_by(&self, changed: &BTreeSet<String>) -> BTreeSet<String> {
        let mut affected = changed.clone();
        loop {
            let before = affected.len();
            for (name, text) in &self.texts {
                if !affected.contains(name)
                    && affected.iter().any(|used| {
                        text.contains(&format!("\"{used}\"")) || text.contains(&format!("'{used}'"))
                    })
                {
                    affected.insert(name.clone());
                }
            }
            if affected.len() == before {
                return affected;
            }
        }
    }

    /// The templates that differ between `self` and `other`, added and removed ones included.
    pub fn changed_since(&self, other: &Templates) -> BTreeSet<String> {
        let names: BTreeSet<&String> = self.texts.keys().chain(other.texts.keys()).collect();
        names
            .into_iter()
            .filter(|name| self.texts.get(*name) != other.texts.get(*name))
            .cloned()
            .collect()
    }
}

/// `page.date | date(format="%-d %B %Y")` → `5 February 2021`. Reads the ISO text dates print
/// as (a day, or a day with a time and its offset) and formats the day as written. Understands
/// `%Y`, `%m`, `%d`, `%-d`, `%B` and `%b`; the default format is `%-d %B %Y`.
/// `{{ page.date | date }}`: `5 February 2021`; with `lang="ru"` the language's own form
/// (`5 февраля 2021 г.`, `2021 жылғы 5 ақпан`); with `format` the strftime-like fields, month
/// names in `lang`.
fn format_date(value: &str, kwargs: Kwargs, _: &State) -> tera::TeraResult<String> {
    let format: Option<String> = kwargs.get("format")?;
    let lang: String = kwargs.get("lang")?.unwrap_or_else(|| "en".to_string());
    let Ok(date) = Date::parse(value) else {
        return Err(tera::Error::message(format!(
            "`date` filter: `{value}` is not a YYYY-MM-DD date"
        )));
    };
    let Some(format) = format else {
        return Ok(crate::date::long_date(&date, &lang));
    };
    let (year, month, day) = date.ymd();
    let month_name = crate::date::month_names(&lang)[usize::from(month) - 1];
    Ok(format
        .replace("%Y", &format!("{year:04}"))
        .replace("%m", &format!("{month:02}"))
        .replace("%-d", &day.to_string())
        .replace("%d", &format!("{day:02}"))
        .replace("%B", month_name)
        .replace("%b", &month_name.chars().take(3).collect::<String>()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_bodies_are_kept_whenever_a_template_may_read_them() {
        for own_only in [
            "{{ page.content | safe }}{{ section.content | safe }}",
            "{% for h in page.toc %}{{ h.title }}{% endfor %}",
            "<meta name=\"x\" content=\"y\">{% block content %}{% endblock content %}",
            "{% for p in section.pages %}{{ p.title }} {{ p.summary | safe }}{% endfor %}",
            "{{ page.contents_note }}",
        ] {
            assert!(!reads_listed_bodies(own_only), "{own_only}");
        }
        for listed in [
            "{% for p in section.pages %}{{ p.content | safe }}{% endfor %}",
            "{% for p in paginator.pages %}{% for h in p.toc %}{% endfor %}{% endfor %}",
            "{{ section.pages[0].content }}",
            "{{ section.pages | map(attribute=\"content\") | join }}",
            "{{ section.pages | json_encode }}",
            "{% for page in section.pages %}{{ page.content }}{% endfor %}",
            "{% macro card(page) %}{{ page.content }}{% endmacro card %}",
            "{% set section = get_section(path='/a/') %}{{ section.content }}",
            "{{ other.page.content }}",
        ] {
            assert!(reads_listed_bodies(listed), "{listed}");
        }
    }

    fn render(template: &str) -> tera::TeraResult<String> {
        let mut tera = Tera::new();
        tera.register_filter("date", format_date);
        tera.register_filter("markdown", markdown_filter);
        tera.register_filter("wrap", wrap_filter);
        tera.add_raw_template("t", template)?;
        tera.render("t", &tera::Context::new())
    }

    #[test]
    fn markdown_filter_refuses_an_unsafe_heading_id() {
        let err = render(r#"{{ '## X {#a"b}' | markdown }}"#).unwrap_err();
        let report = crate::error::tera_report(&err);
        assert!(report.contains("heading id `a\"b`"), "{report}");
        assert_eq!(
            render(r#"{{ '## X {#a}' | markdown }}"#).unwrap(),
            "<h2 id=\"a\">X <a class=\"heading-anchor\" href=\"#a\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h2>\n"
        );
    }

    #[test]
    fn wrap_filter_gives_lines_by_the_fonts_widths() {
        assert_eq!(
            render(r#"{% for l in "Internet coverage in Kazakhstan" | wrap(width=100, size=10) %}[{{ l }}]{% endfor %}"#)
                .unwrap(),
            "[Internet coverage][in Kazakhstan]"
        );
        // Bold is wider: fewer words fit.
        let width = crate::social::width_in(crate::social::font(false), "ЖЖЖ ЖЖЖ", 10.0) + 0.5;
        assert_eq!(
            render(&format!(r#"{{{{ "ЖЖЖ ЖЖЖ" | wrap(width={width}, size=10) | length }}}}/{{{{ "ЖЖЖ ЖЖЖ" | wrap(width={width}, size=10, bold=true) | length }}}}"#))
                .unwrap(),
            "1/2"
        );
        let err = render(r#"{{ "x" | wrap(width=0, size=10) }}"#).unwrap_err();
        assert!(
            crate::error::tera_report(&err).contains("positive"),
            "{err}"
        );
    }

    #[test]
    fn date_filter_formats_iso_dates() {
        assert_eq!(
            render(r#"{{ "2021-02-05" | date }}"#).unwrap(),
            "5 February 2021"
        );
        assert_eq!(
            render(r#"{{ "2021-02-05" | date(format="%d %b %Y, %m") }}"#).unwrap(),
            "05 Feb 2021, 02"
        );
        assert_eq!(
            render(r#"{{ "2021-02-05T23:30:00-05:00" | date }}"#).unwrap(),
            "5 February 2021",
            "the day as written, not moved to UTC"
        );
        for bad in ["5 Feb", "2021-02-05 lunchtime", "2021-02-30"] {
            let err = render(&format!("{{{{ \"{bad}\" | date }}}}")).unwrap_err();
            assert!(err.to_string().contains("not a YYYY-MM-DD date"), "{err}");
        }
    }
}
