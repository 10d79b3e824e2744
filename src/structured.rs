//! Structured data for search engines: JSON-LD built from front matter and `site.yaml` (never
//! hand-written), using only schema.org types and properties: `WebPage` with `dateModified`
//! and `citation` on every page (a page's `date` is the date of what it reports, not of the
//! page, so it is not claimed as `datePublished`); on the home page also the `Event` the site
//! is about and the `Dataset` of its figures (with the one-page PDF among its downloads when
//! the site has a handout); on taxonomy pages a `CollectionPage`.

use serde_json::{Value, json};

use crate::config::{Config, Source};
use crate::content::Page;
use crate::date::Date;
use crate::opendata;
use crate::url::join_url;

/// The latest of the page's `date`, `updated` and correction dates: when it last changed.
pub fn date_modified(page: &Page) -> Option<&Date> {
    let front = &page.front;
    [front.date.as_ref(), front.updated.as_ref()]
        .into_iter()
        .flatten()
        .chain(front.corrections.iter().map(|c| &c.date))
        .max()
}

/// The sources a page cites through its figures and quotes; all the site's sources when it
/// has none of its own (its prose is based on them).
fn cited_sources<'a>(page: &Page, config: &'a Config) -> Vec<&'a Source> {
    let front = &page.front;
    let ids: Vec<&str> = front
        .figures
        .iter()
        .map(|f| f.source.as_str())
        .chain(front.quotes.iter().map(|q| q.source.as_str()))
        .collect();
    let cited: Vec<&Source> = config
        .sources
        .iter()
        .filter(|s| ids.contains(&s.id.as_str()))
        .collect();
    if cited.is_empty() {
        config.sources.iter().collect()
    } else {
        cited
    }
}

/// The JSON-LD of a taxonomy's list page or term page: a `CollectionPage` of `pages`, which
/// changed when the last of them did, citing the sources of `cited` (source ids; all the
/// site's when empty).
pub fn collection_json_ld(
    config: &Config,
    lang: &str,
    title: &str,
    path: &str,
    pages: &[&Page],
    cited: &[&str],
) -> String {
    let url = join_url(&config.base_url, path);
    let sources: Vec<&Source> = config
        .sources
        .iter()
        .filter(|s| cited.is_empty() || cited.contains(&s.id.as_str()))
        .collect();
    let mut node = json!({
        "@type": "CollectionPage",
        "@id": url,
        "url": url,
        "name": title,
        "description": config.description_in(lang),
        "inLanguage": lang,
        "isPartOf": { "@type": "WebSite", "name": config.title_in(lang), "url": config.base_url },
        "citation": citations(&sources),
        "hasPart": pages.iter().map(|p| json!({ "@id": join_url(&config.base_url, &p.path) })).collect::<Vec<Value>>(),
    });
    if let Some(modified) = pages.iter().filter_map(|p| date_modified(p)).max() {
        node["dateModified"] = json!(modified);
    }
    if config.event.is_some() {
        node["about"] = json!({ "@id": format!("{}#event", config.base_url) });
    }
    script_text(&json!({ "@context": "https://schema.org", "@graph": [node] }))
}

fn citations(sources: &[&Source]) -> Vec<Value> {
    sources
        .iter()
        .map(|s| {
            json!({
                "@type": "NewsArticle",
                "headline": s.title,
                "url": s.url,
                "datePublished": s.date,
                "publisher": { "@type": "Organization", "name": s.publisher },
            })
        })
        .collect()
}

/// `document` as the text of a `<script>` element.
fn script_text(document: &Value) -> String {
    // `</script>` or `<!--` inside a string would end or confuse the script element.
    document
        .to_string()
        .replace("</", "<\\/")
        .replace("<!--", "<\\u0021--")
}

/// The page's JSON-LD, ready to put inside `<script type="application/ld+json">`; `handout`
/// when the site draws `factsheet.pdf` (its `templates/handout.svg`).
pub fn json_ld(page: &Page, config: &Config, handout: bool) -> String {
    let url = join_url(&config.base_url, &page.path);
    let lang = page.lang.as_str();
    let title = page
        .front
        .title
        .as_deref()
        .unwrap_or_else(|| config.title_in(lang));
    let description = page
        .front
        .description
        .as_deref()
        .unwrap_or_else(|| config.description_in(lang));
    let event_id = format!("{}#event", config.base_url);
    let mut web_page = json!({
        "@type": "WebPage",
        "@id": url,
        "url": url,
        "name": title,
        "description": description,
        "inLanguage": lang,
        "isPartOf": { "@type": "WebSite", "name": config.title_in(lang), "url": config.base_url },
        "citation": citations(&cited_sources(page, config)),
    });
    if let Some(modified) = date_modified(page) {
        web_page["dateModified"] = json!(modified);
    }
    if config.event.is_some() {
        web_page["about"] = json!({ "@id": event_id });
    }
    let mut graph = vec![web_page];
    // The event and the dataset are described once, in the default language, on its home
    // page; translated pages point at the event by its `@id`.
    if page.path == "/" {
        if let Some(event) = &config.event {
            let mut event_node = json!({
                "@type": "Event",
                "@id": event_id,
                "name": event.name,
                "startDate": event.start_date,
                "location": { "@type": "Place", "name": event.location, "address": event.location },
                "description": event.description,
                "url": config.base_url,
            });
            if let Some(end) = &event.end_date {
                event_node["endDate"] = json!(end);
            }
            graph.push(event_node);
        }
        let root = join_url(&config.base_url, &config.language_root(lang));
        let mut distribution = vec![
            json!({ "@type": "DataDownload", "encodingFormat": "application/json", "contentUrl": join_url(&root, opendata::JSON_FILE) }),
            json!({ "@type": "DataDownload", "encodingFormat": "text/csv", "contentUrl": join_url(&root, opendata::CSV_FILE) }),
        ];
        if handout {
            // Every language's one-page PDF, each marked with its language.
            for code in config.language_codes() {
                let folder = join_url(&config.base_url, &config.language_root(code));
                distribution.push(json!({
                    "@type": "DataDownload",
                    "encodingFormat": "application/pdf",
                    "inLanguage": code,
                    "contentUrl": join_url(&folder, opendata::PDF_FILE),
                }));
            }
        }
        graph.push(json!({
            "@type": "Dataset",
            "name": format!("Figures and quotes of {}", config.title_in(lang)),
            "description": format!("Every figure and quotation on {}, with who said it, the exact words and the published source.", config.title_in(lang)),
            "inLanguage": lang,
            "url": join_url(&root, "figures/"),
            "isBasedOn": config.sources.iter().map(|s| s.url.as_str()).collect::<Vec<_>>(),
            "distribution": distribution,
        }));
    }
    script_text(&json!({ "@context": "https://schema.org", "@graph": graph }))
}
