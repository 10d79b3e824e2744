//! A good site builds: Markdown inside templates, pretty URLs, ordering, drafts, determinism.

mod common;

use common::{TestSite, snapshot};

#[test]
fn fixture_renders_markdown_inside_templates_at_pretty_urls() {
    let site = TestSite::fixture("basic");
    let run = site.build_ok(&[]);
    assert!(run.stdout.contains("Built 8 pages"), "{}", run.stdout);

    let alpha = site.read_output("notes/alpha/index.html");
    assert!(
        alpha.starts_with("<!doctype html>"),
        "template wraps the page"
    );
    assert!(alpha.contains("<title>Alpha</title>"));
    assert!(alpha.contains(r#"<article data-path="/notes/alpha/""#));
    assert!(
        alpha.contains("<table>") && alpha.contains("<td>99%</td>"),
        "table: {alpha}"
    );
    assert!(
        alpha.contains(r##"<sup class="footnote-reference"><a href="#src">"##),
        "footnote: {alpha}"
    );
    assert!(
        alpha.contains(r#"<h2 id="figures-at-a-glance">"#),
        "heading id: {alpha}"
    );
    assert!(
        alpha.contains(r#"href="/sub/css/style.css""#),
        "url() under the base path: {alpha}"
    );
    assert!(
        alpha.contains(r#"<link rel="canonical" href="https://example.org/sub/">"#),
        "url(absolute=true) gives the full URL"
    );

    let home = site.read_output("index.html");
    assert!(home.contains("<h1>Fixture Home</h1>"));
    assert!(home.contains("<em>fixture</em>"));
    assert!(
        home.contains(r#"<a href="https://example.org/sub/notes/">Notes</a>"#),
        "subsection link: {home}"
    );
    assert!(site.public().join("notes/index.html").is_file());
    assert_eq!(
        site.read_output("css/style.css"),
        "body { color: #222; }\n",
        "static copied as is"
    );
}

#[test]
fn pages_are_listed_by_weight_then_date_then_title() {
    let site = TestSite::fixture("basic");
    site.build_ok(&[]);
    let notes = site.read_output("notes/index.html");
    let order: Vec<&str> = notes
        .lines()
        .filter(|line| line.starts_with("<li><a href="))
        .filter_map(|line| line.split("\">").nth(1)?.split("</a>").next())
        .collect();
    assert_eq!(
        order,
        ["Beta", "Alpha", "Gamma", "Delta", "Apple", "Banana"],
        "{notes}"
    );
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = TestSite::fixture("basic");
    site.build_ok(&[]);
    assert!(!site.public().join("notes/wip").exists());
    assert!(
        !site
            .read_output("notes/index.html")
            .contains("Work in progress")
    );

    site.build_ok(&["--drafts"]);
    assert!(
        site.read_output("notes/wip/index.html")
            .contains("Not ready.")
    );
    assert!(
        site.read_output("notes/index.html")
            .contains("Work in progress")
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let site = TestSite::fixture("basic");
    site.build_ok(&[]);
    let first = snapshot(&site.public());
    site.build_ok(&[]);
    assert_eq!(first, snapshot(&site.public()));
    assert!(first.len() >= 9, "{:?}", first.keys());
}

#[test]
fn base_url_flag_overrides_site_yaml() {
    let site = TestSite::fixture("basic");
    site.build_ok(&["--base-url", "https://owner.github.io/repo"]);
    let home = site.read_output("index.html");
    assert!(
        home.contains(r#"href="https://owner.github.io/repo/notes/""#),
        "{home}"
    );
    assert!(!home.contains("example.org"));
}

#[test]
fn output_flag_writes_elsewhere_and_content_is_never_written() {
    let site = TestSite::fixture("basic");
    let before = snapshot(&site.root().join("content"));
    let out = tempfile::tempdir().expect("temp");
    let target = out.path().join("site-out");
    site.build_ok(&["--output", target.to_str().expect("utf-8")]);
    assert!(target.join("notes/alpha/index.html").is_file());
    assert!(!site.public().exists());
    assert_eq!(before, snapshot(&site.root().join("content")));
}

#[test]
fn crlf_and_byte_order_mark_build() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/notes/windows.md",
        "\u{feff}---\r\ntitle: Windows\r\n---\r\nSaved on *Windows*.\r\n",
    );
    site.build_ok(&[]);
    let page = site.read_output("notes/windows/index.html");
    assert!(
        page.contains("<title>Windows</title>") && page.contains("<em>Windows</em>"),
        "{page}"
    );
}

#[test]
fn help_and_version_are_available() {
    let cwd = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let version = common::run_factsheet(&["--version"], cwd);
    assert!(version.success());
    assert_eq!(
        version.stdout.trim(),
        format!("factsheet {}", env!("CARGO_PKG_VERSION"))
    );
    let help = common::run_factsheet(&["build", "--help"], cwd);
    assert!(help.success());
    for flag in ["--root", "--output", "--base-url", "--drafts"] {
        assert!(help.stdout.contains(flag), "{flag} in:\n{}", help.stdout);
    }
}

#[test]
fn templates_get_the_page_fields_they_name_and_every_field_when_they_read_a_page_whole() {
    let site = TestSite::fixture("basic");
    // Only `title` and `content` named: the page renders as before.
    site.write(
        "templates/page.html",
        "<!doctype html><title>{{ page.title }}</title>{{ page.content | safe }}",
    );
    site.build_ok(&[]);
    let alpha = site.read_output("notes/alpha/index.html");
    assert!(alpha.contains("<title>Alpha</title>"), "{alpha}");
    assert!(alpha.contains("<td>99%</td>"), "{alpha}");
    // A template that prints the page whole may show any field: it gets them all.
    site.write(
        "templates/page.html",
        "<!doctype html><title>{{ page.title }}</title><pre>{{ page | safe }}</pre>",
    );
    site.build_ok(&[]);
    let alpha = site.read_output("notes/alpha/index.html");
    for field in [
        "\"permalink\": \"https://example.org/sub/notes/alpha/\"",
        "\"reading_time\": ",
        "\"toc\": [",
        "\"source_file\": \"content/notes/alpha.md\"",
        "\"translations\": ",
    ] {
        assert!(alpha.contains(field), "{field} in {alpha}");
    }
}
