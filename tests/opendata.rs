//! Open data and editing: figures.json and figures.csv match the front matter, every page
//! carries parseable schema.org JSON-LD, edit links point at the right file, corrections show
//! and move `dateModified`.

mod common;

use common::TestSite;
use serde_json::Value;

const SITE_YAML_EXTRA: &str = "repository_url: https://github.com/owner/facts\nrepository_branch: trunk\nevent:\n  name: Test Forum\n  start_date: 2021-02-05\n  location: Almaty, Kazakhstan\n  description: A forum.\n";

fn built_facts_site() -> TestSite {
    let site = TestSite::fixture("facts");
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).expect("site.yaml");
    site.write("site.yaml", &format!("{yaml}{SITE_YAML_EXTRA}"));
    site.write(
        "content/about.md",
        "---\ntitle: About\nupdated: 2021-03-01\ncorrections:\n  - date: 2021-04-02\n    text: The coverage figure was misattributed.\n---\nAbout.\n",
    );
    site.write(
        "templates/page.html",
        "<!doctype html><html lang=\"en\"><head><title>{{ page.title }}</title><script type=\"application/ld+json\">{{ page.json_ld | safe }}</script></head><body>{% for c in page.corrections %}<p class=\"correction\">{{ c.date }}: {{ c.text }}</p>{% endfor %}<p class=\"meta\">{{ page.date_modified }} {{ page.edit_url }}</p></body></html>",
    );
    site.build_ok(&[]);
    site
}

/// A minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF records.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![vec![String::new()]];
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let row = rows.last_mut().expect("row");
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                row.last_mut().expect("field").push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(String::new()),
            ('\r', false) => {}
            ('\n', false) => rows.push(vec![String::new()]),
            (c, _) => row.last_mut().expect("field").push(c),
        }
    }
    rows.retain(|row| row.len() > 1 || !row[0].is_empty());
    rows
}

fn json_ld(html: &str) -> Value {
    let script = html
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .expect("a JSON-LD script");
    serde_json::from_str(script).expect("valid JSON")
}

fn node<'a>(document: &'a Value, kind: &str) -> Option<&'a Value> {
    document["@graph"]
        .as_array()?
        .iter()
        .find(|n| n["@type"] == kind)
}

#[test]
fn figures_json_and_csv_match_the_front_matter() {
    let site = built_facts_site();
    let json: Value =
        serde_json::from_str(&site.read_output("figures.json")).expect("figures.json");
    let figures = json["figures"].as_array().expect("figures");
    assert_eq!(figures.len(), 3);
    assert_eq!(figures[0]["value"], "99%");
    assert_eq!(figures[0]["label"], "Internet coverage");
    assert_eq!(figures[0]["said_by"], "The minister");
    assert_eq!(figures[0]["source"], "report");
    assert_eq!(figures[0]["source_url"], "https://news.example/report");
    assert_eq!(
        figures[0]["quote"],
        "The Internet coverage in the country now is 99%"
    );
    assert_eq!(figures[0]["page_url"], "https://example.org/facts/");
    assert_eq!(
        figures[1]["quote"],
        "“Over a thousand base stations were installed,”"
    );
    assert_eq!(figures[2]["source_url"], "https://paper.example/story");
    assert_eq!(json["quotes"].as_array().expect("quotes").len(), 1);

    let rows = parse_csv(&site.read_output("figures.csv"));
    assert_eq!(
        rows[0],
        [
            "kind",
            "value",
            "label",
            "quote",
            "said_by",
            "source",
            "source_url",
            "page_url"
        ]
    );
    assert_eq!(rows.len(), 5, "header, 3 figures, 1 quote: {rows:?}");
    assert_eq!(rows[2][1], "1,000+", "a comma inside a quoted field");
    assert_eq!(
        rows[2][3],
        "“Over a thousand base stations were installed,”"
    );
    assert_eq!(rows[4][0], "quote");
    assert!(site.read_output("figures.csv").ends_with("\r\n"));
}

#[test]
fn every_page_has_json_ld_with_date_modified_and_citations() {
    let site = built_facts_site();
    let home = json_ld(&site.read_output("index.html"));
    assert_eq!(home["@context"], "https://schema.org");
    let page = node(&home, "WebPage").expect("WebPage");
    assert_eq!(page["url"], "https://example.org/facts/");
    let citations = page["citation"].as_array().expect("citation");
    assert_eq!(
        citations.len(),
        2,
        "both sources the home page's figures cite"
    );
    assert_eq!(citations[0]["url"], "https://news.example/report");
    let event = node(&home, "Event").expect("Event");
    assert_eq!(
        (event["name"].as_str(), event["startDate"].as_str()),
        (Some("Test Forum"), Some("2021-02-05"))
    );
    assert_eq!(event["location"]["@type"], "Place");
    let dataset = node(&home, "Dataset").expect("Dataset");
    let downloads: Vec<&str> = dataset["distribution"]
        .as_array()
        .expect("distribution")
        .iter()
        .filter_map(|d| d["contentUrl"].as_str())
        .collect();
    assert_eq!(
        downloads,
        [
            "https://example.org/facts/figures.json",
            "https://example.org/facts/figures.csv"
        ]
    );

    let about = json_ld(&site.read_output("about/index.html"));
    let about_page = node(&about, "WebPage").expect("WebPage");
    assert_eq!(
        about_page["about"]["@id"],
        "https://example.org/facts/#event"
    );
    assert!(
        node(&about, "Event").is_none(),
        "the Event is described once, on the home page"
    );
    assert!(
        !about_page["citation"]
            .as_array()
            .expect("citation")
            .is_empty()
    );
}

#[test]
fn a_correction_moves_date_modified_and_is_shown() {
    let site = built_facts_site();
    let html = site.read_output("about/index.html");
    assert!(
        html.contains(
            "<p class=\"correction\">2021-04-02: The coverage figure was misattributed.</p>"
        ),
        "{html}"
    );
    let about = json_ld(&html);
    assert_eq!(
        node(&about, "WebPage").expect("WebPage")["dateModified"],
        "2021-04-02",
        "the correction is newer than updated"
    );
    site.write(
        "content/about.md",
        "---\ntitle: About\nupdated: 2021-03-01\n---\nAbout.\n",
    );
    site.build_ok(&[]);
    let about = json_ld(&site.read_output("about/index.html"));
    assert_eq!(
        node(&about, "WebPage").expect("WebPage")["dateModified"],
        "2021-03-01"
    );
}

#[test]
fn edit_links_point_at_the_page_file_on_the_branch() {
    let site = built_facts_site();
    assert!(
        site.read_output("about/index.html")
            .contains("https://github.com/owner/facts/blob/trunk/content/about.md")
    );
    let run = site.build(&["--repository-url", "https://github.com/other/repo/"]);
    assert!(run.success(), "{}", run.stderr);
    assert!(
        site.read_output("about/index.html")
            .contains("https://github.com/other/repo/blob/trunk/content/about.md")
    );
}

#[test]
fn bad_correction_and_event_dates_are_refused_with_their_line() {
    let site = built_facts_site();
    site.write(
        "content/about.md",
        "---\ntitle: About\ncorrections:\n  - date: April 2021\n    text: x\n---\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr
            .contains("content/about.md:4: `date: April 2021` is not a date"),
        "{}",
        run.stderr
    );
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).expect("yaml");
    site.write("content/about.md", "---\ntitle: About\n---\n");
    site.write(
        "site.yaml",
        &yaml.replace("start_date: 2021-02-05", "start_date: 5 Feb"),
    );
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr
            .contains("event `start_date: 5 Feb` is not a date"),
        "{}",
        run.stderr
    );
}

#[test]
fn every_page_has_a_1200x630_preview_image_and_a_second_build_reuses_them() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().expect("temp");
    let target = out.path().join("public");
    let args = [
        "build",
        "--root",
        root.to_str().expect("utf-8"),
        "--output",
        target.to_str().expect("utf-8"),
    ];
    let first = common::run_factsheet(&args, root);
    assert!(first.success(), "{}", first.stderr);
    // One image per page, in every language.
    let pages = common::snapshot(&target)
        .keys()
        .filter(|path| path.ends_with("index.html"))
        .count();
    assert!(pages >= 21, "three languages of 7 pages: {pages}");
    assert!(
        first.stdout.contains(&format!(
            "({pages} preview images: {pages} drawn, 0 reused)"
        )),
        "{}",
        first.stdout
    );
    for (path, bytes) in common::snapshot(&target) {
        if !path.ends_with("index.html") {
            continue;
        }
        let html = String::from_utf8(bytes).expect("utf-8");
        let url = html
            .split("<meta property=\"og:image\" content=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("{path} has no og:image"));
        let file = url
            .strip_prefix("https://example.github.io/digital-almaty/")
            .expect("under the base URL");
        let png =
            std::fs::read(target.join(file)).unwrap_or_else(|e| panic!("{path}: {file}: {e}"));
        let size = factsheet::images::image_size(&png).expect("a PNG");
        assert_eq!((size.width, size.height), (1200, 630), "{file}");
        assert!(
            html.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"),
            "{path}"
        );
    }
    let second = common::run_factsheet(&args, root);
    assert!(second.success(), "{}", second.stderr);
    assert!(
        second.stdout.contains(&format!(
            "({pages} preview images: 0 drawn, {pages} reused)"
        )),
        "{}",
        second.stdout
    );
}
