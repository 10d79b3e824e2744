//! Stage 6a, publish: the files a host and its visitors need besides the pages — `sitemap.xml`,
//! `robots.txt`, the Atom feed `atom.xml`, the open data `figures.json` and `figures.csv`,
//! `.nojekyll` and `CNAME`.

use crate::config::Config;
use crate::content::{Page, Site};
use crate::markdown::escape_markup as escape_xml;
use crate::opendata;
use crate::render::RenderedFile;
use crate::url::join_url;

/// The Atom feed's file name, linked from templates as `url(path="atom.xml", absolute=true)`.
pub const FEED_FILE: &str = "atom.xml";

/// Every publishing file for `site`.
pub fn publishing_files(site: &Site, config: &Config) -> Vec<RenderedFile> {
    let records = opendata::records(site, config);
    let mut files = vec![
        file("sitemap.xml", sitemap(site, config)),
        file(
            "robots.txt",
            format!(
                "User-agent: *\nAllow: /\n\nSitemap: {}\n",
                join_url(&config.base_url, "sitemap.xml")
            ),
        ),
        file(FEED_FILE, atom_feed(site, config)),
        file(
            opendata::JSON_FILE,
            opendata::figures_json(&records, config),
        ),
        file(opendata::CSV_FILE, opendata::figures_csv(&records)),
        // Branch deploys run Jekyll, which would drop files starting with `_`; this stops it.
        file(".nojekyll", String::new()),
    ];
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

fn sitemap(site: &Site, config: &Config) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in pages_by_path(site) {
        xml.push_str("  <url>\n    <loc>");
        xml.push_str(&escape_xml(&join_url(&config.base_url, &page.path)));
        xml.push_str("</loc>\n");
        if let Some(date) = &page.front.date {
            let day = date.get(..10).unwrap_or(date);
            xml.push_str(&format!("    <lastmod>{day}</lastmod>\n"));
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// An Atom 1.0 feed of the dated pages, newest first. `updated` is the newest page date, so
/// the feed is the same bytes on every build of the same content.
fn atom_feed(site: &Site, config: &Config) -> String {
    let mut dated: Vec<&Page> = site
        .all_pages()
        .filter(|page| page.front.date.is_some())
        .collect();
    dated.sort_by(|a, b| b.front.date.cmp(&a.front.date).then(a.path.cmp(&b.path)));
    let updated = dated
        .first()
        .and_then(|page| page.front.date.as_deref())
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), rfc3339);
    let home = &config.base_url;
    let author = config.author.as_deref().unwrap_or(&config.title);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n",
        escape_xml(&config.language),
        escape_xml(&config.title)
    );
    if !config.description.is_empty() {
        xml.push_str(&format!(
            "  <subtitle>{}</subtitle>\n",
            escape_xml(&config.description)
        ));
    }
    xml.push_str(&format!(
        "  <id>{home}</id>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{home}\"/>\n  <updated>{updated}</updated>\n  <author><name>{}</name></author>\n  <generator>factsheet</generator>\n",
        escape_xml(&join_url(home, FEED_FILE)),
        escape_xml(author),
    ));
    for page in dated {
        let url = escape_xml(&join_url(home, &page.path));
        let date = page.front.date.as_deref().map(rfc3339).unwrap_or_default();
        xml.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <id>{url}</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n    <published>{date}</published>\n    <updated>{date}</updated>\n",
            escape_xml(page.front.title.as_deref().unwrap_or(&config.title)),
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

/// `2021-02-05` → `2021-02-05T00:00:00Z`; a date with a time keeps it (UTC when no offset).
fn rfc3339(date: &str) -> String {
    if date.len() == 10 {
        return format!("{date}T00:00:00Z");
    }
    let date = date.replacen(' ', "T", 1);
    let time = &date[11..];
    let has_offset = time.ends_with('Z') || time.contains('+') || time.contains('-');
    let with_seconds = if time.len() == 5 {
        format!("{date}:00")
    } else {
        date.clone()
    };
    if has_offset {
        with_seconds
    } else {
        format!("{with_seconds}Z")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_become_rfc3339() {
        assert_eq!(rfc3339("2021-02-05"), "2021-02-05T00:00:00Z");
        assert_eq!(rfc3339("2021-02-05 10:30"), "2021-02-05T10:30:00Z");
        assert_eq!(
            rfc3339("2021-02-05T10:30:00+06:00"),
            "2021-02-05T10:30:00+06:00"
        );
    }

    #[test]
    fn xml_is_escaped() {
        assert_eq!(
            escape_xml("a & <b> \"c\" 'd'"),
            "a &amp; &lt;b&gt; &quot;c&quot; &apos;d&apos;"
        );
    }
}
