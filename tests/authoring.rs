//! What editors and template authors expect from Zola and Hugo: heading anchors, a table of
//! contents, summaries, `@/` links, shortcodes, filters, page bundles, lazy images with sizes,
//! `factsheet check` and `factsheet init`.

mod common;

use common::{Run, TestSite, run_factsheet, snapshot};

fn built() -> TestSite {
    let site = TestSite::fixture("authoring");
    site.build_ok(&[]);
    site
}

/// Writes `text` over `file` in the authoring fixture and expects the build to fail.
fn fail_with(file: &str, text: &str) -> Run {
    let site = TestSite::fixture("authoring");
    site.write(file, text);
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr);
    run
}

#[test]
fn headings_get_ids_and_anchor_links() {
    let intro = built().read_output("guide/intro/index.html");
    assert!(intro.contains(r##"<h2 id="getting-started">Getting started <a class="heading-anchor" href="#getting-started" aria-hidden="true" tabindex="-1">#</a></h2>"##), "{intro}");
    assert!(intro.contains(r#"<h3 id="install">"#));
}

#[test]
fn toc_is_nested_by_level() {
    let intro = built().read_output("guide/intro/index.html");
    assert!(
        intro.contains(r##"<nav class="toc-nav"><ul><li><a href="#getting-started">Getting started</a><ul><li><a href="#install">Install</a></li><li><a href="#configure">Configure</a></li></ul></li><li><a href="#next-steps">Next steps</a></li></ul></nav>"##),
        "{intro}"
    );
}

#[test]
fn summary_word_count_and_reading_time() {
    let intro = built().read_output("guide/intro/index.html");
    assert!(
        intro.contains(
            r#"<div class="summary"><p>This is the summary of the introduction.</p></div>"#
        ),
        "{intro}"
    );
    assert!(
        intro.contains(r#"data-words="33" data-minutes="1""#),
        "{intro}"
    );
    let site = TestSite::fixture("authoring");
    site.write(
        "content/about.md",
        "---\ntitle: About\ndescription: Who & why.\n---\n## Contact us\n",
    );
    site.build_ok(&[]);
    let lookup = site.read_output("index.html");
    assert!(
        lookup.contains(r#"<p class="lookup">About</p>"#),
        "get_page: {lookup}"
    );
}

#[test]
fn internal_links_resolve_under_the_base_path() {
    let intro = built().read_output("guide/intro/index.html");
    assert!(
        intro.contains(r##"<a href="/sub/guide/bundle/#photos">photos</a>"##),
        "{intro}"
    );
    assert!(
        intro.contains(r#"<a href="/sub/about/">about page</a>"#),
        "{intro}"
    );
}

#[test]
fn unknown_link_target_fails_with_line_and_suggestion() {
    let run = fail_with(
        "content/guide/next.md",
        "---\ntitle: Next\n---\nIntro.\n\nSee [about](@/abuot.md).\n",
    );
    assert!(
        run.stderr.contains(
            "content/guide/next.md:6: link `@/abuot.md`: there is no file content/abuot.md"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `@/about.md`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_anchor_fails_with_line_and_suggestion() {
    let run = fail_with(
        "content/guide/next.md",
        "---\ntitle: Next\n---\n[Contact](@/about.md#contact)\n",
    );
    assert!(run.stderr.contains("content/guide/next.md:4: link `@/about.md#contact`: content/about.md has no heading with id `contact`"), "{}", run.stderr);
    assert!(
        run.stderr.contains("did you mean `@/about.md#contact-us`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn inline_and_block_shortcodes_render_but_not_inside_code() {
    let intro = built().read_output("guide/intro/index.html");
    assert!(
        intro.contains(r#"A <span class="badge badge-info">new (2)</span> feature."#),
        "{intro}"
    );
    assert!(
        intro.contains(r#"<code>{{ badge(text="x") }}</code>"#),
        "{intro}"
    );
    assert!(
        intro.contains(
            r#"<aside class="note note-tip"><p>Remember to <strong>save</strong>.</p> </aside>"#
        ),
        "{intro}"
    );
}

#[test]
fn bad_shortcode_argument_fails_with_file_and_line() {
    let run = fail_with(
        "content/guide/next.md",
        "---\ntitle: Next\n---\n\nA {{ badge(text=new) }}.\n",
    );
    assert!(
        run.stderr
            .contains("content/guide/next.md:5: `text=new`: put text in quotes"),
        "{}",
        run.stderr
    );
}

#[test]
fn unclosed_block_shortcode_fails_with_its_line() {
    let run = fail_with(
        "content/guide/next.md",
        "---\ntitle: Next\n---\n{% note(kind=\"tip\") %}\nNo end.\n",
    );
    assert!(
        run.stderr.contains(
            "content/guide/next.md:4: block shortcode `note(kind=\"tip\")` is never closed"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn markdown_and_date_filters() {
    let intro = built().read_output("guide/intro/index.html");
    assert!(
        intro.contains("<div class=\"note\"><p>A <em>short</em> note.</p>"),
        "{intro}"
    );
    assert!(
        intro.contains(r#"<p class="date">5 February 2021</p>"#),
        "{intro}"
    );
}

#[test]
fn page_bundle_assets_are_copied_beside_the_page() {
    let site = built();
    let out = site.public().join("guide/bundle");
    assert!(out.join("photo.png").is_file() && out.join("diagram.svg").is_file());
    assert!(!out.join("index.md").exists(), "Markdown is not copied");
    assert_eq!(
        std::fs::read(out.join("photo.png")).expect("copied"),
        std::fs::read(site.root().join("content/guide/bundle/photo.png")).expect("source")
    );
}

#[test]
fn images_are_lazy_with_their_sizes() {
    let site = TestSite::fixture("authoring");
    let run = site.build_ok(&[]);
    let bundle = site.read_output("guide/bundle/index.html");
    assert!(
        bundle.contains(
            r#"<img src="photo.png" alt="A grey square" width="4" height="5" loading="lazy">"#
        ),
        "{bundle}"
    );
    assert!(bundle.contains(r#"<img src="diagram.svg" alt="Diagram of the flow" title="Flow" width="120" height="80" loading="lazy">"#), "{bundle}");
    assert!(
        bundle.contains(
            r#"<img src="/img/wide.png" alt="Wide banner" width="3" height="2" loading="lazy">"#
        ),
        "{bundle}"
    );
    assert!(
        run.stderr
            .contains("content/guide/bundle/index.md:10: root-relative URL `/img/wide.png`"),
        "{}",
        run.stderr
    );
}

#[test]
fn new_tab_links_get_noopener() {
    let intro = built().read_output("guide/intro/index.html");
    assert!(
        intro.contains(r#"<a href="https://example.com" target="_blank" rel="noopener">"#),
        "{intro}"
    );
}

#[test]
fn check_passes_the_real_site_and_writes_nothing() {
    let root = env!("CARGO_MANIFEST_DIR");
    let scratch = tempfile::tempdir().expect("temp");
    common::copy_site(std::path::Path::new(root), scratch.path());
    let before = snapshot(scratch.path());
    let run = run_factsheet(
        &["check", "--root", scratch.path().to_str().expect("utf-8")],
        scratch.path(),
    );
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    assert!(
        run.stdout
            .contains("check: 0 errors, 0 warnings in 21 pages; nothing was written"),
        "{}",
        run.stdout
    );
    assert_eq!(before, snapshot(scratch.path()), "check wrote something");
}

#[test]
fn check_lists_every_problem_in_one_run() {
    let site = TestSite::fixture("authoring");
    site.write(
        "content/broken.md",
        "---\ntitle: Broken\n---\n## Part\n\n#### Too deep\n\n![](photo.png)\n\n[x](@/nowhere.md)\n\n<p id=\"part\">clash</p>\n",
    );
    site.write("site.yaml", "title: Authoring Fixture\nbase_url: https://example.org/sub/\nsources:\n  - id: a\n    publisher: P\n    title: T\n    date: 2021-01-01\n    url: https://p.example/a\n");
    site.write(
        "content/figures.md",
        "---\ntitle: Figures\nfigures:\n  - value: \"5%\"\n    label: l\n    said_by: s\n    source: b\n    quote: \"5% of it\"\n---\n",
    );
    let run = run_factsheet(
        &["check", "--root", site.root().to_str().expect("utf-8")],
        site.root(),
    );
    assert_eq!(run.code(), Some(1), "{}", run.stderr);
    for expected in [
        "error: content/figures.md:7: figure \"5%\" cites source `b`, which site.yaml does not list",
        "error: content/broken.md:10: link `@/nowhere.md`: there is no file content/nowhere.md",
        "error: content/broken.md:8: image `photo.png` has no alt text",
        "error: content/broken.md: id `part` is used twice in broken/index.html",
        "warning: content/broken.md:6: heading level 4 follows level 2; use level 3",
        "check: 4 errors, 2 warnings in 7 pages; nothing was written",
    ] {
        assert!(
            run.stderr.contains(expected),
            "{expected} missing:\n{}",
            run.stderr
        );
    }
    assert!(!site.public().exists(), "check writes nothing");
}

#[test]
fn init_writes_a_site_that_builds_and_refuses_a_non_empty_folder() {
    let scratch = tempfile::tempdir().expect("temp");
    let dir = scratch.path().join("new-site");
    let dir_arg = dir.to_str().expect("utf-8");
    let run = run_factsheet(&["init", dir_arg], scratch.path());
    assert!(run.success(), "{}", run.stderr);
    assert!(run.stdout.contains("created"), "{}", run.stdout);
    let build = run_factsheet(&["build", "--root", dir_arg], scratch.path());
    assert!(build.success(), "{}", build.stderr);
    assert!(
        build.stderr.is_empty(),
        "starter site builds without warnings: {}",
        build.stderr
    );
    let home = std::fs::read_to_string(dir.join("public/index.html")).expect("home");
    assert!(home.contains("<h1"), "{home}");

    let again = run_factsheet(&["init", dir_arg], scratch.path());
    assert_eq!(again.code(), Some(1));
    assert!(again.stderr.contains("is not empty"), "{}", again.stderr);
}

/// A site whose templates show no table of contents: a build keeps only each page's heading
/// ids after writing it, and `@/…#anchor` links are still checked against them.
#[test]
fn anchors_are_checked_on_a_site_whose_templates_show_no_table_of_contents() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let page = "{% extends \"base.html\" %}{% block content %}{{ page.content | safe }}{% endblock content %}";
    let section = "{% extends \"base.html\" %}{% block content %}{% for p in section.pages %}{{ p.title }}{% endfor %}{% endblock content %}";
    let files = [
        (
            "site.yaml",
            "title: No tables\nbase_url: https://example.org/\n",
        ),
        (
            "templates/base.html",
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>T</title></head><body>{% block content %}{% endblock content %}</body></html>",
        ),
        ("templates/page.html", page),
        ("templates/section.html", section),
        ("templates/index.html", section),
        ("content/_index.md", "---\ntitle: Home\n---\n"),
        (
            "content/a.md",
            "---\ntitle: A\n---\n## Part one\n\n### Deeper\n\n## Part two\n",
        ),
        (
            "content/b.md",
            "---\ntitle: B\n---\nSee [deeper](@/a.md#deeper).\n",
        ),
    ];
    for (file, text) in files {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    let run = run_factsheet(&["build"], root);
    assert!(run.success(), "{}", run.stderr);
    let b = std::fs::read_to_string(root.join("public/b/index.html")).expect("b");
    assert!(b.contains(r#"href="/a/#deeper""#), "{b}");

    std::fs::write(
        root.join("content/c.md"),
        "---\ntitle: C\n---\nSee [two](@/a.md#part-too).\n",
    )
    .expect("write");
    let run = run_factsheet(&["build"], root);
    assert!(!run.success());
    assert!(
        run.stderr.contains(
            "content/c.md:4: link `@/a.md#part-too`: content/a.md has no heading with id `part-too`"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `@/a.md#part-two`?"),
        "{}",
        run.stderr
    );
}
