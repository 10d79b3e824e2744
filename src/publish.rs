//! Stage 6a, publish: the files a host and its visitors need besides the pages — `sitemap.xml`,
//! `robots.txt`, the Atom feed `atom.xml`, the open data `figures.json` and `figures.csv`,
//! `.nojekyll` and `CNAME`.

use crate::config::Config;
use crate::content::{Page, Site};
use crate::date::Date;
use crate::markdown::escape_markup as escape_xml;
use crate::opendata;
use crate::render::RenderedFile;
use crate::url::join_url;

/// The Atom feed's file name, linked from templates as `url(path="atom.xml", absolute=true)`.
pub const FEED_FILE: &str = "atom.xml";

/// The names of every file [`publishing_files`] may write, for links to them (a nav entry to
/// `/atom.xml`) to be checked before they are made.
pub const PUBLISHING_FILES: [&str; 7] = [
    "sitemap.xml",
    "robots.txt",
    FEED_FILE,
    opendata::JSON_FILE,
    opendata::CSV_FILE,
    ".nojekyll",
    "CNAME",
];

/// Every publishing file for `site`. The feed and the open data are made per language: the
/// default language's at the root (`atom.xml`), the others' in their folder (`ru/atom.xml`).
pub fn publishing_files(site: &Site, config: &Config) -> Vec<RenderedFile> {
    let mut files = vec![
        file("sitemap.xml", sitemap(site, config)),
        file(
            "robots.txt",
            format!(
                "User-agent: *\nAllow: /\n\nSitemap: {}\n",
                join_url(&config.base_url, "sitemap.xml")
            ),
        ),
    ];
    for lang in config.language_codes() {
        let folder = config
            .language_root(lang)
            .trim_start_matches('/')
            .to_string();
        if !folder.is_empty() && !site.all_pages().any(|p| p.lang == lang) {
            continue;
        }
        let records = opendata::records(site, config, lang);
        files.push(file(
            &format!("{folder}{FEED_FILE}"),
            atom_feed(site, config, lang),
        ));
        files.push(file(
            &format!("{folder}{}", opendata::JSON_FILE),
            opendata::figures_json(&records, config),
        ));
        files.push(file(
            &format!("{folder}{}", opendata::CSV_FILE),
            opendata::figures_csv(&records),
        ));
    }
    // Branch deploys run Jekyll, which would drop files starting with `_`; this stops it.
    files.push(file(".nojekyll", String::new()));
    if let Some(domain) = config
        .cname
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        files.push(file("CNAME", format!("{domain}\n")));
    }
    files
}

fn file(output_path: &str, contents: String) -> RenderedFile {
    RenderedFile {
        output_path: output_path.to_string(),
        source: None,
        contents,
    }
}

/// Pages and sections in path order, as the sitemap lists them.
fn pages_by_path(site: &Site) -> Vec<&Page> {
    let mut pages: Vec<&Page> = site.all_pages().collect();
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    pages
}

/// `sitemap.xml`; a page with translations lists every version of itself, itself included, as
/// `xhtml:link` alternates, with `x-default` at the default language's version (Google's form).
fn sitemap(site: &Site, config: &Config) -> String {
    let multilingual = site.all_pages().any(|p| p.translations.len() > 1);
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"",
    );
    if multilingual {
        xml.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    }
    xml.push_str(">\n");
    for page in pages_by_path(site) {
        xml.push_str("  <url>\n    <loc>");
        xml.push_str(&escape_xml(&join_url(&config.base_url, &page.path)));
        xml.push_str("</loc>\n");
        // A W3C datetime: `YYYY-MM-DD`, or with the time and its offset when one was given.
        if let Some(modified) = last_change(page) {
            xml.push_str(&format!("    <lastmod>{modified}</lastmod>\n"));
        }
        // The schema allows elements of other namespaces only after the sitemap's own.
        if page.translations.len() > 1 {
            for version in &page.translations {
                xml.push_str(&format!(
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                    escape_xml(&version.lang),
                    escape_xml(&join_url(&config.base_url, &version.path))
                ));
            }
            if let Some(default) = page
                .translations
                .iter()
                .find(|v| v.lang == config.default_language())
            {
                xml.push_str(&format!(
                    "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>\n",
                    escape_xml(&join_url(&config.base_url, &default.path))
                ));
            }
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// When a page last changed: its `updated`, else its `date`.
fn last_change(page: &Page) -> Option<&Date> {
    page.front.updated.as_ref().or(page.front.date.as_ref())
}

/// An Atom 1.0 feed of the dated pages, newest `date` first. An entry is `<published>` at its
/// `date` and `<updated>` at its `updated` (else its `date`); the feed's `<updated>` is the
/// latest of those, so the feed is the same bytes on every build of the same content.
fn atom_feed(site: &Site, config: &Config, lang: &str) -> String {
    let mut dated: Vec<(&Page, &Date)> = site
        .all_pages()
        .filter(|page| page.lang == lang)
        .filter_map(|page| Some((page, page.front.date.as_ref()?)))
        .collect();
    dated.sort_by(|(a, a_date), (b, b_date)| b_date.cmp(a_date).then(a.path.cmp(&b.path)));
    let updated = dated
        .iter()
        .filter_map(|(page, _)| last_change(page))
        .max()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), Date::to_rfc3339);
    let home = join_url(&config.base_url, &config.language_root(lang));
    let title = config.title_in(lang);
    let description = config.description_in(lang);
    let author = config.author.as_deref().unwrap_or(title);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n",
        escape_xml(lang),
        escape_xml(title)
    );
    if !description.is_empty() {
        xml.push_str(&format!(
            "  <subtitle>{}</subtitle>\n",
            escape_xml(description)
        ));
    }
    xml.push_str(&format!(
        "  <id>{home}</id>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{home}\"/>\n  <updated>{updated}</updated>\n  <author><name>{}</name></author>\n  <generator>factsheet</generator>\n",
        escape_xml(&join_url(&home, FEED_FILE)),
        escape_xml(author),
    ));
    for (page, date) in dated {
        let url = escape_xml(&join_url(&config.base_url, &page.path));
        let published = date.to_rfc3339();
        let updated = last_change(page).unwrap_or(date).to_rfc3339();
        xml.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <id>{url}</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n    <published>{published}</published>\n    <updated>{updated}</updated>\n",
            escape_xml(page.front.title.as_deref().unwrap_or(title)),
        ));
        if let Some(description) = &page.front.description {
            xml.push_str(&format!(
                "    <summary>{}</summary>\n",
                escape_xml(description)
            ));
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_is_escaped() {
        assert_eq!(
            escape_xml("a & <b> \"c\" 'd'"),
            "a &amp; &lt;b&gt; &quot;c&quot; &apos;d&apos;"
        );
    }

    #[test]
    fn every_publishing_file_is_named_in_the_list() {
        let mut config: Config = crate::yaml::from_str("title: t\ncname: a.example\n").unwrap();
        config.base_url = "/".into();
        for file in publishing_files(&Site::default(), &config) {
            assert!(
                PUBLISHING_FILES.contains(&file.output_path.as_str()),
                "{}",
                file.output_path
            );
        }
    }
}
