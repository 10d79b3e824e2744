//! Stage 6a, publish: the files a host and its visitors need besides the pages — `sitemap.xml`,
//! `robots.txt`, the Atom feed `atom.xml`, the open data `figures.json` and `figures.csv`,
//! `.nojekyll` and `CNAME`.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt::Write as _;

use crate::config::Config;
use crate::content::{Page, Site};
use crate::date::Date;
use crate::markdown::{escape_markup as escape_xml, push_escaped_markup};
use crate::opendata;
use crate::render::RenderedFile;
use crate::taxonomy::{self, Taxonomies};
use crate::url::{join_url, order_prefix};

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
pub fn publishing_files(
    site: &Site,
    config: &Config,
    taxonomies: &Taxonomies,
) -> Vec<RenderedFile> {
    let mut files = vec![
        file("sitemap.xml", sitemap(site, config, taxonomies)),
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
        let pages: Vec<&Page> = site.all_pages().filter(|page| page.lang == lang).collect();
        let feed = Feed {
            lang,
            title: config.title_in(lang).to_string(),
            home: config.language_root(lang),
        };
        files.push(file(
            &format!("{folder}{FEED_FILE}"),
            atom_feed(&pages, config, &feed),
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
    files.extend(term_feeds(site, config, taxonomies));
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

/// One address of the sitemap: its site path, when it last changed, and its versions in
/// every language (language, path) when it has more than one.
struct SitemapEntry<'a> {
    /// The start of `path`, which the sitemap's order compares first (see [`order_prefix`]).
    path_prefix: u128,
    path: Cow<'a, str>,
    lastmod: Option<&'a Date>,
    versions: Vec<(&'a str, String)>,
}

/// Every address the site serves a page at: pages and sections with the later listing pages
/// of paginated sections, and the taxonomies' list and term pages with theirs.
fn sitemap_entries<'a>(site: &'a Site, taxonomies: &'a Taxonomies) -> Vec<SitemapEntry<'a>> {
    let mut entries = Vec::new();
    for page in site.all_pages() {
        let versions: Vec<(&str, String)> = page
            .translations
            .iter()
            .map(|v| (v.lang.as_str(), v.path.clone()))
            .collect();
        entries.push(SitemapEntry {
            path_prefix: order_prefix(&page.path),
            path: Cow::Borrowed(&page.path),
            lastmod: last_change(page),
            versions: if versions.len() > 1 {
                versions
            } else {
                Vec::new()
            },
        });
    }
    for section in &site.sections {
        if let Some(by) = section.page.front.paginate_by {
            let pagers = taxonomy::pager_paths(&section.page.path, section.pages.len(), by);
            entries.extend(pagers.into_iter().skip(1).map(|path| SitemapEntry {
                path_prefix: order_prefix(&path),
                path: Cow::Owned(path),
                lastmod: None,
                versions: Vec::new(),
            }));
        }
    }
    for (kind, listing, term) in taxonomies.pages() {
        let versions: Vec<(&str, String)> = kind
            .versions(term.map(|t| t.key.as_str()))
            .map(|(lang, path, _)| (lang, path.to_string()))
            .collect();
        let path = term.map_or(&listing.path, |t| &t.path);
        entries.push(SitemapEntry {
            path_prefix: order_prefix(path),
            path: Cow::Borrowed(path),
            lastmod: None,
            versions: if versions.len() > 1 {
                versions
            } else {
                Vec::new()
            },
        });
        if let (Some(term), Some(by)) = (term, kind.paginate_by) {
            let pagers = taxonomy::pager_paths(&term.path, term.pages.len(), by);
            entries.extend(pagers.into_iter().skip(1).map(|path| SitemapEntry {
                path_prefix: order_prefix(&path),
                path: Cow::Owned(path),
                lastmod: None,
                versions: Vec::new(),
            }));
        }
    }
    entries.sort_by(|a, b| {
        a.path_prefix
            .cmp(&b.path_prefix)
            .then_with(|| a.path.cmp(&b.path))
    });
    entries
}

/// `sitemap.xml`; a page with translations lists every version of itself, itself included, as
/// `xhtml:link` alternates, with `x-default` at the default language's version (Google's form).
fn sitemap(site: &Site, config: &Config, taxonomies: &Taxonomies) -> String {
    let entries = sitemap_entries(site, taxonomies);
    let multilingual = entries.iter().any(|e| !e.versions.is_empty());
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"",
    );
    if multilingual {
        xml.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    }
    xml.push_str(">\n");
    for entry in entries {
        xml.push_str("  <url>\n    <loc>");
        push_escaped_markup(&mut xml, &join_url(&config.base_url, &entry.path));
        xml.push_str("</loc>\n");
        // A W3C datetime: `YYYY-MM-DD`, or with the time and its offset when one was given.
        if let Some(modified) = entry.lastmod {
            let _ = writeln!(xml, "    <lastmod>{modified}</lastmod>");
        }
        // The schema allows elements of other namespaces only after the sitemap's own.
        for (lang, path) in &entry.versions {
            xml.push_str(&format!(
                "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                escape_xml(lang),
                escape_xml(&join_url(&config.base_url, path))
            ));
        }
        if let Some((_, default)) = entry
            .versions
            .iter()
            .find(|(lang, _)| *lang == config.default_language())
        {
            xml.push_str(&format!(
                "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>\n",
                escape_xml(&join_url(&config.base_url, default))
            ));
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// The feed of each term of the taxonomies that have feeds (`topics/<term>/atom.xml`).
fn term_feeds(site: &Site, config: &Config, taxonomies: &Taxonomies) -> Vec<RenderedFile> {
    let pages: Vec<&Page> = site.all_pages().collect();
    let mut files = Vec::new();
    for (kind, listing, term) in taxonomies.pages() {
        let Some(term) = term.filter(|_| kind.feed) else {
            continue;
        };
        let feed = Feed {
            lang: &listing.lang,
            title: format!("{} · {}", term.name, config.title_in(&listing.lang)),
            home: term.path.clone(),
        };
        let on_term: Vec<&Page> = term.pages.iter().map(|&i| pages[i]).collect();
        files.push(file(
            &format!("{}{FEED_FILE}", term.path.trim_start_matches('/')),
            atom_feed(&on_term, config, &feed),
        ));
    }
    files
}

/// When a page last changed: its `updated`, else its `date`.
fn last_change(page: &Page) -> Option<&Date> {
    page.front.updated.as_ref().or(page.front.date.as_ref())
}

/// What a feed is about: its language, title and the site path of the page it follows.
struct Feed<'a> {
    lang: &'a str,
    title: String,
    home: String,
}

/// A dated page of a feed with the keys of its order (newest first, then by path) copied out
/// of the page: a sort of thousands of pages, most sharing a day, then reads one array instead
/// of every page's memory.
struct FeedEntry<'a> {
    seconds: i64,
    has_time: bool,
    path_prefix: u128,
    page: &'a Page,
    date: &'a Date,
}

/// An Atom 1.0 feed of the dated `pages`, newest `date` first. An entry is `<published>` at
/// its `date` and `<updated>` at its `updated` (else its `date`); the feed's `<updated>` is
/// the latest of those, so the feed is the same bytes on every build of the same content.
fn atom_feed(pages: &[&Page], config: &Config, feed: &Feed<'_>) -> String {
    let lang = feed.lang;
    let mut dated: Vec<FeedEntry<'_>> = pages
        .iter()
        .filter_map(|page| {
            let date = page.front.date.as_ref()?;
            Some(FeedEntry {
                seconds: date.seconds_since_epoch(),
                has_time: date.has_time(),
                path_prefix: order_prefix(&page.path),
                page,
                date,
            })
        })
        .collect();
    dated.sort_by(|a, b| {
        b.seconds
            .cmp(&a.seconds)
            .then_with(|| match a.has_time || b.has_time {
                true => b.date.cmp(a.date),
                // Two days at the same midnight are the same day.
                false => Ordering::Equal,
            })
            .then_with(|| a.path_prefix.cmp(&b.path_prefix))
            .then_with(|| a.page.path.cmp(&b.page.path))
    });
    let updated = dated
        .iter()
        .filter_map(|entry| last_change(entry.page))
        .max()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), Date::to_rfc3339);
    let home = join_url(&config.base_url, &feed.home);
    let title = feed.title.as_str();
    let description = config.description_in(lang);
    let author = config
        .author
        .as_deref()
        .unwrap_or_else(|| config.title_in(lang));
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
    // One entry per dated page (thousands on a large site): written in place, no string each.
    let mut url = String::new();
    for FeedEntry { page, date, .. } in dated {
        url.clear();
        push_escaped_markup(&mut url, &join_url(&config.base_url, &page.path));
        xml.push_str("  <entry>\n    <title>");
        push_escaped_markup(&mut xml, page.front.title.as_deref().unwrap_or(title));
        xml.push_str("</title>\n    <id>");
        xml.push_str(&url);
        xml.push_str("</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"");
        xml.push_str(&url);
        xml.push_str("\"/>\n    <published>");
        let _ = date.write_rfc3339(&mut xml);
        xml.push_str("</published>\n    <updated>");
        let _ = last_change(page).unwrap_or(date).write_rfc3339(&mut xml);
        xml.push_str("</updated>\n");
        if let Some(description) = &page.front.description {
            xml.push_str("    <summary>");
            push_escaped_markup(&mut xml, description);
            xml.push_str("</summary>\n");
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
        // Letters of several bytes around and between the escaped characters.
        assert_eq!(
            escape_xml("«Қазақ»&<Цифрлық>'"),
            "«Қазақ»&amp;&lt;Цифрлық&gt;&apos;"
        );
        let mut feed = String::from("<t>");
        push_escaped_markup(&mut feed, "Алматы & \"Digital\"");
        assert_eq!(feed, "<t>Алматы &amp; &quot;Digital&quot;");
    }

    #[test]
    fn every_publishing_file_is_named_in_the_list() {
        let mut config: Config = crate::yaml::from_str("title: t\ncname: a.example\n").unwrap();
        config.base_url = "/".into();
        for file in publishing_files(&Site::default(), &config, &Taxonomies::default()) {
            assert!(
                PUBLISHING_FILES.contains(&file.output_path.as_str()),
                "{}",
                file.output_path
            );
        }
    }
}
