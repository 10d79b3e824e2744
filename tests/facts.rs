//! Figures and quotes are checked at build: known sources, the number in the quote, and the
//! quote word for word in the stored source text. Every figure is rendered with a citation.

mod common;

use common::{Run, TestSite, snapshot};

const HOME: &str = "content/_index.md";

/// Builds the good fixture, replaces `from` by `to` in the home page, rebuilds; the build must
/// fail and leave the previous output alone.
fn edit_home_and_fail(from: &str, to: &str) -> Run {
    let site = TestSite::fixture("facts");
    site.build_ok(&[]);
    let before = snapshot(&site.public());
    let home = std::fs::read_to_string(site.root().join(HOME)).expect("home");
    assert!(home.contains(from), "fixture lacks {from:?}");
    site.write(HOME, &home.replacen(from, to, 1));
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr);
    assert_eq!(before, snapshot(&site.public()));
    run
}

#[test]
fn every_figure_and_quote_is_rendered_with_a_citation_link() {
    let site = TestSite::fixture("facts");
    site.build_ok(&[]);
    let home = site.read_output("index.html");
    let figures = home.matches(r#"<figure class="figure">"#).count();
    assert_eq!(figures, 3, "{home}");
    for card in home.split(r#"<figure class="figure">"#).skip(1) {
        let card = card.split("</figure>").next().expect("card");
        assert!(
            card.contains(r#"<a class="cite" href="https://"#),
            "uncited: {card}"
        );
    }
    assert!(home.contains(
        r#"<a class="cite" href="https://news.example/report">Example News, 2021-02-05</a>"#
    ));
    assert!(home.contains(
        r#"<a class="cite" href="https://paper.example/story">Other Paper, 2021-03-01</a>"#
    ));
    assert!(
        home.contains("<p class=\"count\">3 figures</p>"),
        "site.figures: {home}"
    );
    assert!(home.contains(r#"<blockquote class="quote">The Internet coverage in the country now is 99% <a class="cite" href="https://news.example/report">"#));
}

#[test]
fn figure_shortcode_places_a_cited_figure_in_prose() {
    let site = TestSite::fixture("facts");
    site.build_ok(&[]);
    let home = site.read_output("index.html");
    assert!(
        home.contains(r#"Coverage reached <strong class="inline-figure">99%</strong> (<a class="cite" href="https://news.example/report">Example News</a>) by 2021."#),
        "{home}"
    );
    assert!(
        home.contains(r#"<code>{{ figure(id="x") }}</code>"#),
        "code spans are left alone: {home}"
    );
}

#[test]
fn unknown_source_fails_with_file_and_line() {
    let run = edit_home_and_fail("    source: other\n", "    source: kazinform\n");
    assert!(
        run.stderr.contains("content/_index.md:18: figure \"$3.9 trillion\" cites source `kazinform`, which site.yaml does not list"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("cite one of: report, other"),
        "{}",
        run.stderr
    );
}

#[test]
fn quote_without_the_figures_number_fails_with_file_and_line() {
    let run = edit_home_and_fail("    value: \"99%\"", "    value: \"98%\"");
    assert!(
        run.stderr.contains(
            "content/_index.md:9: figure \"98%\": its quote does not state the number 98"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn misquote_against_the_stored_source_fails_with_file_and_line() {
    let run = edit_home_and_fail(
        "\"The Internet coverage in the country now is 99%\"\n  - value",
        "\"The Internet coverage in Kazakhstan is 99%\"\n  - value",
    );
    assert!(
        run.stderr.contains(
            "content/_index.md:9: figure \"99%\" is not found word for word in source `report`"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("matches up to \"The Internet coverage in\""),
        "{}",
        run.stderr
    );
}

#[test]
fn misquoted_quote_fails_with_its_line() {
    let run = edit_home_and_fail(
        "  - text: \"The Internet coverage in the country now is 99%\"",
        "  - text: \"Internet coverage is now 99%\"",
    );
    assert!(
        run.stderr.contains("content/_index.md:21: quote of The minister is not found word for word in source `report`"),
        "{}",
        run.stderr
    );
}

#[test]
fn figure_without_a_number_is_refused() {
    let run = edit_home_and_fail("- value: \"1,000+\"", "- value: \"many\"");
    assert!(
        run.stderr
            .contains("content/_index.md:10: figure \"many\" has no number in its value"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_figure_id_in_a_shortcode_names_the_known_ones() {
    let run = edit_home_and_fail(
        "{{ figure(id=\"coverage\") }}",
        "{{ figure(id=\"coverag\") }}",
    );
    assert!(
        run.stderr.contains("content/_index.md:25:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("no figure has `id: coverag`; known: coverage"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_shortcode_fails_with_file_and_line() {
    let run = edit_home_and_fail(
        "{{ figure(id=\"coverage\") }}",
        "{{ chart(id=\"coverage\") }}",
    );
    assert!(
        run.stderr
            .contains("content/_index.md:25: unknown shortcode `chart`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("use one of: figure"), "{}", run.stderr);
}

#[test]
fn stored_source_outside_the_site_is_refused() {
    let site = TestSite::fixture("facts");
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).expect("site.yaml");
    site.write(
        "site.yaml",
        &yaml.replace("file: sources/report.txt", "file: ../../etc/passwd"),
    );
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr.contains(
            "site.yaml:9: source `report` has `file: ../../etc/passwd`, outside the site"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_stored_source_is_reported() {
    let site = TestSite::fixture("facts");
    site.remove("sources/report.txt");
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr.contains(
            "site.yaml:9: source `report` has `file: sources/report.txt`, which does not exist"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_figure_id_is_used_once_in_the_site() {
    let site = TestSite::fixture("facts");
    site.write(
        "content/more.md",
        "---\ntitle: More\nfigures:\n  - id: coverage\n    value: \"99%\"\n    label: again\n    said_by: The minister\n    source: report\n    quote: \"The Internet coverage in the country now is 99%\"\n---\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr.contains(
            "content/more.md:4: figure id `coverage` is already used in content/_index.md"
        ),
        "{}",
        run.stderr
    );
}
