//! Figures as open data: `figures.json` and `figures.csv` at the site root, listing every
//! figure and quote with its speaker, source and page, in listing order.

use serde::Serialize;

use crate::config::Config;
use crate::content::{Page, Site, listing_order};
use crate::url::join_url;

/// The JSON file, linked from templates as `url(path="figures.json")`.
pub const JSON_FILE: &str = "figures.json";
/// The CSV file.
pub const CSV_FILE: &str = "figures.csv";
/// The one-page PDF of the figures and quotes, per language (`factsheet.pdf`,
/// `ru/factsheet.pdf`), drawn by the handout stage when the site has `templates/handout.svg`.
pub const PDF_FILE: &str = "factsheet.pdf";

/// One row of the data: a figure (with `value` and `label`) or a quote (with `context`).
#[derive(Debug, Serialize)]
pub struct Record<'a> {
    /// `figure` or `quote`.
    pub kind: &'static str,
    /// The figure's value; empty for a quote.
    pub value: &'a str,
    /// What the figure measures, or where a quote was said.
    pub label: &'a str,
    /// The source's exact words.
    pub quote: &'a str,
    /// Who said it.
    pub said_by: &'a str,
    /// The source's id in `site.yaml`.
    pub source: &'a str,
    /// Where the source can be read.
    pub source_url: &'a str,
    /// The page of this site that states it.
    pub page_url: String,
}

/// The JSON document.
#[derive(Debug, Serialize)]
struct Document<'a> {
    title: String,
    site: &'a str,
    figures: Vec<&'a Record<'a>>,
    quotes: Vec<&'a Record<'a>>,
}

/// Every figure and quote of the site, pages in listing order.
/// The figures and quotes of the pages in `lang`, in listing order (a translation's records
/// carry its translated labels; the quotes stay the speakers' exact words).
pub fn records<'a>(site: &'a Site, config: &'a Config, lang: &str) -> Vec<Record<'a>> {
    // Only pages with records are sorted: on a large site they are few, and the sort
    // compares pages scattered through memory.
    let mut pages: Vec<&Page> = site
        .all_pages()
        .filter(|p| p.lang == lang && !(p.front.figures.is_empty() && p.front.quotes.is_empty()))
        .collect();
    pages.sort_by(|a, b| listing_order(a, b));
    let source_url = |id: &str| {
        config
            .sources
            .iter()
            .find(|s| s.id == id)
            .map_or("", |s| s.url.as_str())
    };
    let mut records = Vec::new();
    for page in pages {
        let page_url = join_url(&config.base_url, &page.path);
        for figure in &page.front.figures {
            records.push(Record {
                kind: "figure",
                value: &figure.value,
                label: &figure.label,
                quote: &figure.quote,
                said_by: &figure.said_by,
                source: &figure.source,
                source_url: source_url(&figure.source),
                page_url: page_url.clone(),
            });
        }
        for quote in &page.front.quotes {
            records.push(Record {
                kind: "quote",
                value: "",
                label: quote.context.as_deref().unwrap_or_default(),
                quote: &quote.text,
                said_by: &quote.said_by,
                source: &quote.source,
                source_url: source_url(&quote.source),
                page_url: page_url.clone(),
            });
        }
    }
    records
}

/// `figures.json`: `{title, site, figures: [...], quotes: [...]}`, pretty-printed, UTF-8.
pub fn figures_json(records: &[Record<'_>], config: &Config) -> String {
    let document = Document {
        title: format!("Figures and quotes of {}", config.title),
        site: &config.base_url,
        figures: records.iter().filter(|r| r.kind == "figure").collect(),
        quotes: records.iter().filter(|r| r.kind == "quote").collect(),
    };
    // Serializing plain strings and numbers cannot fail.
    let mut json = serde_json::to_string_pretty(&document).unwrap_or_default();
    json.push('\n');
    json
}

/// `figures.csv`: a header and one row per record, quoted per RFC 4180, CRLF line ends.
pub fn figures_csv(records: &[Record<'_>]) -> String {
    let mut csv = String::from("kind,value,label,quote,said_by,source,source_url,page_url\r\n");
    for r in records {
        let fields = [
            r.kind,
            r.value,
            r.label,
            r.quote,
            r.said_by,
            r.source,
            r.source_url,
            &r.page_url,
        ];
        let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        csv.push_str(&row.join(","));
        csv.push_str("\r\n");
    }
    csv
}

/// A field quoted when it holds a comma, a quote or a line break; quotes doubled.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_per_rfc_4180() {
        assert_eq!(csv_field("99%"), "99%");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }
}
