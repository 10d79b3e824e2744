//! The repository's own site, the Digital Almaty 2021 fact sheet: it builds, every page has the
//! HTML basics, every figure is cited, and every quotation is verbatim from the stored source.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{build_repo_site_with, snapshot};

const SOURCE_URL: &str = "https://en.inform.kz/news/over-15mln-kazakhstanis-use-wireless-internet-connection-president_a3749673/";

/// Builds the repo's site into a temp dir; returns the HTML files by path.
fn build_repo_site() -> BTreeMap<String, String> {
    let (_out, target, _run) = build_repo_site_with(&[]);
    let files = snapshot(&target);
    // The stored article is read by the build, never published.
    for (path, bytes) in &files {
        assert!(
            !path.ends_with("kazinform-2021-02-05-digital-almaty.txt"),
            "{path} published"
        );
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("Kazinform correspondent reports"),
            "{path} copies the source"
        );
    }
    files
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).expect("utf-8 html")))
        .collect()
}

/// The texts between `open` and `close`, wherever `open` occurs.
fn between<'a>(html: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    html.split(open)
        .skip(1)
        .filter_map(|rest| rest.split(close).next())
        .collect()
}

fn unescape(html: &str) -> String {
    html.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[test]
fn every_page_has_the_html_basics() {
    let pages = build_repo_site();
    for expected in [
        "index.html",
        "speakers/index.html",
        "speakers/tokayev/index.html",
        "speakers/mamin/index.html",
        "figures/index.html",
        "sources/index.html",
        "about/index.html",
    ] {
        assert!(
            pages.contains_key(expected),
            "{expected} missing: {:?}",
            pages.keys()
        );
    }
    for (path, html) in &pages {
        let lang = format!("<html lang=\"{}\">", language_of(path));
        assert!(html.contains(&lang), "{path} lacks {lang}");
        for required in [
            "<!doctype html>",
            "<meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<meta name=\"description\" content=\"",
            "<link rel=\"canonical\" href=\"https://",
            "<meta property=\"og:title\"",
            "<link rel=\"icon\"",
            "<main id=\"main\"",
            "<title>",
        ] {
            assert!(html.contains(required), "{path} lacks {required}");
        }
        assert_eq!(html.matches("<h1").count(), 1, "{path} has one h1");
        if path != "404.html" {
            assert!(
                html.contains("<a class=\"skip-link\" href=\"#main\">"),
                "{path} lacks a skip link"
            );
        }
        assert!(
            !html.contains("content=\"\""),
            "{path} has an empty meta value"
        );
        assert_eq!(
            html.matches("<script").count(),
            html.matches("<script type=\"application/ld+json\">")
                .count(),
            "{path} needs no JavaScript (JSON-LD data blocks only)"
        );
    }
}

/// The language of an output file, from its folder: `ru/…`, `kk/…`, else English.
fn language_of(path: &str) -> &'static str {
    if path.starts_with("ru/") {
        "ru"
    } else if path.starts_with("kk/") {
        "kk"
    } else {
        "en"
    }
}

#[test]
fn every_figure_carries_a_citation_link() {
    let pages = build_repo_site();
    let mut cards = 0;
    let mut inline = 0;
    for (path, html) in &pages {
        for card in between(html, "<figure class=\"fig-card\">", "</figure>") {
            cards += 1;
            // The label and the date in the page's language; the publisher as it names itself.
            let cite = match language_of(path) {
                "ru" => "Источник: <a href=\"URL\">Kazinform, 5 февраля 2021 г.</a>",
                "kk" => "Дереккөз: <a href=\"URL\">Kazinform, 2021 жылғы 5 ақпан</a>",
                _ => "Source: <a href=\"URL\">Kazinform, 5 February 2021</a>",
            }
            .replace("URL", SOURCE_URL);
            assert!(card.contains(&cite), "{path}: uncited card {card}");
        }
        for mark in between(html, "<strong class=\"inline-figure\">", "</sup>") {
            inline += 1;
            assert!(
                mark.contains(&format!("<a href=\"{SOURCE_URL}\"")),
                "{path}: uncited inline figure {mark}"
            );
        }
    }
    assert!(
        cards >= 45,
        "cards on home, speaker and figures pages, in three languages: {cards}"
    );
    assert_eq!(
        inline, 15,
        "each speaker-page figure is placed in the prose once, in each language"
    );
}

#[test]
fn every_quotation_on_the_site_is_verbatim_from_the_stored_source() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let source =
        std::fs::read_to_string(root.join("sources/kazinform-2021-02-05-digital-almaty.txt"))
            .expect("stored source");
    let source = factsheet::facts::normalize(&source);
    let pages = build_repo_site();
    let mut checked = 0;
    for (path, html) in &pages {
        let quotes = between(html, "<blockquote cite=\"", "</blockquote>")
            .into_iter()
            .filter_map(|q| q.split("<p>").nth(1)?.split("</p>").next())
            .chain(between(html, "<q class=\"fig-card__quote\">", "</q>"));
        for quote in quotes {
            checked += 1;
            let quote = factsheet::facts::normalize(&unescape(quote));
            assert!(source.contains(&quote), "{path}: not verbatim: {quote}");
        }
    }
    assert!(checked >= 10, "quotations checked: {checked}");
}

#[test]
fn the_site_carries_every_fact_of_the_report() {
    let pages = build_repo_site();
    // Words of one phrase may be split across lines in the HTML.
    let page = |p: &str| {
        let html = pages.get(p).unwrap_or_else(|| panic!("{p}"));
        html.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let facts: &[(&str, &[&str])] = &[
        (
            "index.html",
            &[
                "Digital Almaty 2021",
                "Almaty",
                "5 February 2021",
                "Digital Reset: The Leap To The Next Normal",
                "99%",
                "15 million+",
                "20 thousand km",
                "1,000+",
                "$3.9 trillion",
            ],
        ),
        (
            "speakers/tokayev/index.html",
            &[
                "video message",
                "distance learning",
                "15 million+",
                "Technology and innovations are the future. It is a very competitive area",
            ],
        ),
        (
            "speakers/mamin/index.html",
            &[
                "robust",
                "public–private partnership",
                "20 thousand km",
                "1,000+",
                "technological inequality in the regions",
                "99%",
                "state services",
                "collapse in incomes",
                "unprecedented",
                "$3.9 trillion",
            ],
        ),
        (
            "sources/index.html",
            &["Kazinform", SOURCE_URL, "5 February 2021"],
        ),
        (
            "about/index.html",
            &["content/", "cargo run --release -- build"],
        ),
    ];
    for (path, expected) in facts {
        for fact in *expected {
            assert!(page(path).contains(fact), "{path} lacks {fact}");
        }
    }
}

#[test]
fn every_page_has_parseable_json_ld_with_date_modified_and_citations() {
    let pages = build_repo_site();
    for (path, html) in pages.iter().filter(|(path, _)| path.as_str() != "404.html") {
        let script = between(html, "<script type=\"application/ld+json\">", "</script>");
        assert_eq!(script.len(), 1, "{path}: one JSON-LD block");
        let document: serde_json::Value =
            serde_json::from_str(script[0]).unwrap_or_else(|e| panic!("{path}: {e}"));
        let graph = document["@graph"].as_array().expect("@graph");
        // Topic pages list other pages: a CollectionPage (a kind of WebPage).
        let listing = path.contains("topics/");
        let page_type = if listing { "CollectionPage" } else { "WebPage" };
        let page = graph
            .iter()
            .find(|n| n["@type"] == page_type)
            .unwrap_or_else(|| panic!("{path}: {page_type}"));
        assert_eq!(page["dateModified"], "2026-11-25", "{path}");
        assert_eq!(page["citation"][0]["url"], SOURCE_URL, "{path}");
        assert_eq!(
            page["about"]["@id"], "https://example.github.io/digital-almaty/#event",
            "{path}"
        );
        let types: Vec<&str> = graph.iter().filter_map(|n| n["@type"].as_str()).collect();
        let expected: &[&str] = if path == "index.html" {
            &["WebPage", "Event", "Dataset"]
        } else {
            &[page_type]
        };
        assert_eq!(types, expected, "{path}");
    }
}
