//! Topics (`tests/fixtures/topics`): two taxonomies, terms on pages, figures and quotes, term
//! pages in English and Russian, a paginated section and paginated term pages, term feeds.

mod common;

use common::{Run, TestSite};

fn built() -> TestSite {
    let site = TestSite::fixture("topics");
    site.build_ok(&[]);
    site
}

/// Builds the fixture, breaks it with `breakage`, and checks that the build fails with exit
/// code 1, leaving the previous output as it was.
fn broken(breakage: impl FnOnce(&TestSite)) -> Run {
    common::break_fixture_and_rebuild("topics", &[], breakage)
}

fn check(site: &TestSite) -> Run {
    common::run_factsheet(
        &["check", "--root", site.root().to_str().expect("utf-8")],
        site.root(),
    )
}

#[test]
fn the_list_page_counts_each_terms_pages_figures_and_quotes() {
    let site = built();
    let list = site.read_output("topics/index.html");
    for expected in [
        r#"<a href="/facts/topics/connectivity/">Connectivity</a> <span class="counts">4 pages, 1 figures, 1 quotes</span>"#,
        r#"<a href="/facts/topics/education/">Education</a> <span class="counts">1 pages, 1 figures, 0 quotes</span>"#,
        r#"<a href="/facts/topics/public-services/">Public services</a> <span class="counts">2 pages, 0 figures, 0 quotes</span>"#,
    ] {
        assert!(list.contains(expected), "{expected}\n{list}");
    }
    // The second taxonomy has its own pages.
    let tags = site.read_output("tags/minister/index.html");
    assert!(tags.contains("<h1>minister</h1>"), "{tags}");
    // get_taxonomy in a template: the home page lists the topics with their page counts.
    let home = site.read_output("index.html");
    assert!(
        home.contains(r#"<a href="/facts/topics/connectivity/">Connectivity</a> (4)"#),
        "{home}"
    );
}

#[test]
fn a_term_page_shows_its_figures_and_quotes_with_their_sources() {
    let site = built();
    let term = site.read_output("topics/connectivity/index.html");
    assert!(
        term.contains(r#"<p class="figure">99% coverage of the country — The minister, <cite>Example News</cite> <a href="/facts/minister/">Minister</a></p>"#),
        "{term}"
    );
    assert!(
        term.contains(r#"<blockquote class="quote">Coverage reached 99% of the country. — The minister, <cite>Example News</cite></blockquote>"#),
        "{term}"
    );
    // The education figure is on its own term's page, not here.
    assert!(!term.contains("schools connected"), "{term}");
    let education = site.read_output("topics/education/index.html");
    assert!(education.contains("20 schools connected"), "{education}");
    // Pages link to their terms; a figure's terms link to the term page.
    let page = site.read_output("minister/index.html");
    assert!(
        page.contains(r#"99% coverage of the country <a class="tag" href="/facts/topics/connectivity/">Connectivity</a>"#),
        "{page}"
    );
}

#[test]
fn terms_exist_in_each_language_with_their_translated_names() {
    let site = built();
    let ru = site.read_output("ru/topics/connectivity/index.html");
    assert!(ru.contains(r#"<html lang="ru">"#), "{ru}");
    assert!(ru.contains("<h1>Связь</h1>"), "{ru}");
    // The translation's figure, its source the original's; the exact words kept.
    assert!(
        ru.contains(r#"99% охват страны — Министр, <cite>Example News</cite> <a href="/facts/ru/minister/">Министр</a>"#),
        "{ru}"
    );
    assert!(ru.contains("Coverage reached 99% of the country."), "{ru}");
    // Only Russian pages: the untranslated notes are not listed.
    assert!(!ru.contains("Note 1"), "{ru}");
    // Both versions point at each other.
    let en = site.read_output("topics/connectivity/index.html");
    assert!(
        en.contains(r#"<link rel="alternate" hreflang="ru" href="https://example.org/facts/ru/topics/connectivity/">"#),
        "{en}"
    );
    // A term no Russian page has gets no Russian page.
    assert!(!site.public().join("ru/topics/public-services").exists());
    // The menu leads to the Russian topics.
    assert!(
        ru.contains(r#"<a href="/facts/ru/topics/">Topics</a>"#),
        "{ru}"
    );
    let ru_list = site.read_output("ru/topics/index.html");
    assert!(ru_list.contains(">Образование</a>"), "{ru_list}");
}

#[test]
fn a_paginated_section_puts_later_pages_under_page_n() {
    let site = built();
    let first = site.read_output("notes/index.html");
    assert!(
        first.contains("Note 1</a>") && first.contains("Note 2</a>"),
        "{first}"
    );
    assert!(!first.contains("Note 3</a>"), "{first}");
    assert!(
        first.contains(r#"<link rel="next" href="https://example.org/facts/notes/page/2/">"#),
        "{first}"
    );
    assert!(!first.contains(r#"rel="prev""#), "{first}");
    let second = site.read_output("notes/page/2/index.html");
    assert!(
        second.contains("Note 3</a>") && second.contains("Note 4</a>"),
        "{second}"
    );
    assert!(
        second.contains(r#"<link rel="canonical" href="https://example.org/facts/notes/page/2/">"#),
        "{second}"
    );
    assert!(
        second.contains(r#"<link rel="prev" href="https://example.org/facts/notes/">"#)
            && second
                .contains(r#"<link rel="next" href="https://example.org/facts/notes/page/3/">"#),
        "{second}"
    );
    assert!(
        second.contains(r#"<a href="/facts/notes/page/2/" aria-current="page">2</a>"#),
        "{second}"
    );
    let third = site.read_output("notes/page/3/index.html");
    assert!(
        third.contains("Note 5</a>") && !third.contains(r#"rel="next""#),
        "{third}"
    );
    assert!(!site.public().join("notes/page/4").exists());
    // Term pages paginate with their taxonomy's paginate_by.
    let term_second = site.read_output("topics/connectivity/page/2/index.html");
    assert!(term_second.contains("page 2 of 2"), "{term_second}");
}

#[test]
fn page_1_redirects_to_the_listing() {
    let site = built();
    let redirect = site.read_output("notes/page/1/index.html");
    assert!(
        redirect.contains(r#"<meta http-equiv="refresh" content="0; url=/facts/notes/">"#),
        "{redirect}"
    );
    assert!(
        redirect.contains(r#"<link rel="canonical" href="https://example.org/facts/notes/">"#),
        "{redirect}"
    );
    assert!(
        site.public()
            .join("topics/connectivity/page/1/index.html")
            .is_file()
    );
}

#[test]
fn terms_are_in_the_sitemap_and_have_feeds() {
    let site = built();
    let sitemap = site.read_output("sitemap.xml");
    for loc in [
        "https://example.org/facts/topics/",
        "https://example.org/facts/topics/connectivity/",
        "https://example.org/facts/topics/connectivity/page/2/",
        "https://example.org/facts/ru/topics/connectivity/",
        "https://example.org/facts/notes/page/3/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>{loc}</loc>")),
            "{loc}\n{sitemap}"
        );
    }
    // A redirect is not a page.
    assert!(!sitemap.contains("page/1/"), "{sitemap}");
    let feed = site.read_output("topics/connectivity/atom.xml");
    assert!(
        feed.contains("<title>Connectivity · Forum facts</title>"),
        "{feed}"
    );
    assert!(feed.contains("<title>Minister</title>"), "{feed}");
    assert!(!feed.contains("Note 5"), "{feed}");
    // `tags` has no feed: none was asked for.
    assert!(!site.public().join("tags/minister/atom.xml").exists());
    roxmltree::Document::parse(&sitemap).expect("sitemap is XML");
    roxmltree::Document::parse(&feed).expect("feed is XML");
}

#[test]
fn an_undeclared_taxonomy_fails_with_file_and_line() {
    let run = broken(|site| {
        site.edit(
            "content/notes/note-2.md",
            "weight: 2\n",
            "weight: 2\nregions: [Almaty]\n",
        )
    });
    assert!(
        run.stderr
            .contains("content/notes/note-2.md:5: `regions` is not a taxonomy of site.yaml"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("- name: regions"), "{}", run.stderr);
}

#[test]
fn a_misspelt_key_is_still_an_unknown_key_with_a_suggestion() {
    let run = broken(|site| {
        site.edit(
            "content/notes/note-2.md",
            "topics: [Connectivity]",
            "topcs: [Connectivity]",
        )
    });
    assert!(
        run.stderr
            .contains("content/notes/note-2.md:5: unknown key `topcs`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `topics`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_undeclared_taxonomy_on_a_figure_fails_with_its_line() {
    let run = broken(|site| {
        site.edit(
            "content/minister.md",
            "    topics: [Education]\n",
            "    topics: [Education]\n    regions: [Almaty]\n",
        )
    });
    assert!(
        run.stderr
            .contains("content/minister.md:21: `regions` is not a taxonomy of site.yaml"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_translation_cannot_list_its_own_terms() {
    let run = broken(|site| {
        site.edit(
            "content/minister.ru.md",
            "title: Министр\n",
            "title: Министр\ntopics: [Связь]\n",
        )
    });
    assert!(
        run.stderr.contains(
            "content/minister.ru.md:3: a translation lists `topics`: it takes its terms from its original"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_term_without_its_name_in_a_language_fails() {
    let run = broken(|site| site.edit("i18n/ru.yaml", "    Education: Образование\n", ""));
    assert!(
        run.stderr
            .contains("i18n/ru.yaml:1: the Русский name of the topics term `Education` is missing"),
        "{}",
        run.stderr
    );
    // And a name for a term that no page uses is a typo to report.
    let run = broken(|site| {
        site.edit(
            "i18n/ru.yaml",
            "    Education: Образование\n",
            "    Education: Образование\n    Educaton: Образование\n",
        )
    });
    assert!(
        run.stderr.contains(
            "i18n/ru.yaml:6: `Educaton` under `terms: topics:` is not a topics term of any page"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn terms_that_differ_only_in_case_are_one_term_and_a_warning() {
    let site = TestSite::fixture("topics");
    site.edit(
        "content/notes/note-5.md",
        "topics: [Public services]",
        "topics: [connectivity ]",
    );
    let run = check(&site);
    assert!(
        run.stderr.contains(
            "content/notes/note-5.md:5: topics term `connectivity` differs only in case or spacing from `Connectivity` (content/minister.md:4), likely a typo"
        ),
        "{}",
        run.stderr
    );
    // The build goes on, with one term holding both.
    site.build_ok(&[]);
    let term = site.read_output("topics/connectivity/page/2/index.html");
    assert!(term.contains("Note 5"), "{term}");
    assert!(!site.public().join("topics/connectivity-2").exists());
}

#[test]
fn a_taxonomy_needs_its_templates_and_a_folder_name() {
    let run = broken(|site| site.remove("templates/taxonomy_single.html"));
    assert!(
        run.stderr.contains("taxonomy_single.html"),
        "{}",
        run.stderr
    );
    let run = broken(|site| site.edit("site.yaml", "  - name: tags", "  - name: Tags"));
    assert!(
        run.stderr
            .contains("site.yaml:15: taxonomy `name: Tags` cannot be a folder name as written"),
        "{}",
        run.stderr
    );
    let run = broken(|site| site.edit("site.yaml", "  - name: tags", "  - name: title"));
    assert!(
        run.stderr
            .contains("site.yaml:15: taxonomy `title` has the name of a front-matter key"),
        "{}",
        run.stderr
    );
}

#[test]
fn paginate_by_belongs_on_a_section() {
    let run = broken(|site| {
        site.edit(
            "content/notes/note-1.md",
            "weight: 1\n",
            "weight: 1\npaginate_by: 3\n",
        )
    });
    assert!(
        run.stderr.contains(
            "content/notes/note-1.md:5: `paginate_by` is set on a page, which lists nothing"
        ),
        "{}",
        run.stderr
    );
    let run = broken(|site| {
        site.edit(
            "content/notes/_index.md",
            "paginate_by: 2",
            "paginate_by: 0",
        )
    });
    assert!(
        run.stderr.contains(
            "content/notes/_index.md:3: `paginate_by: 0` would put no page on a listing page"
        ),
        "{}",
        run.stderr
    );
}
