//! Publishing on GitHub Pages: every link works under a project subpath and at a domain root;
//! sitemap, feed, robots.txt, 404.html, .nojekyll and CNAME are right.

mod common;

use std::path::PathBuf;

use common::{TestSite, broken_links, build_repo_site_with};

/// Builds the repository's own site with `base_url` into a temp dir.
fn build_repo_site(base_url: &str) -> (tempfile::TempDir, PathBuf) {
    let (out, target, run) = build_repo_site_with(&["--base-url", base_url]);
    assert!(
        run.stderr.is_empty(),
        "the repo's site builds without warnings: {}",
        run.stderr
    );
    (out, target)
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_link_resolves_under_a_project_subpath() {
    let base = "https://example.github.io/digital-almaty/";
    let (_keep, public) = build_repo_site(base);
    let broken = broken_links(&public, "/digital-almaty/", base);
    assert!(
        broken.is_empty(),
        "broken under /digital-almaty/:\n{}",
        broken.join("\n")
    );
}

#[test]
fn every_link_resolves_at_a_domain_root() {
    let base = "https://facts.example.org/";
    let (_keep, public) = build_repo_site(base);
    let broken = broken_links(&public, "/", base);
    assert!(broken.is_empty(), "broken at /:\n{}", broken.join("\n"));
    assert!(
        read(public.join("index.html"))
            .contains(r#"<link rel="canonical" href="https://facts.example.org/">"#)
    );
}

#[test]
fn the_link_checker_catches_a_root_relative_link() {
    let site = TestSite::fixture("basic");
    site.write(
        "templates/index.html",
        "<a href=\"/notes/\">Notes</a><a href=\"/sub/missing/\">x</a>",
    );
    site.build_ok(&[]);
    let broken = broken_links(&site.public(), "/sub/", "https://example.org/sub/");
    assert_eq!(broken.len(), 2, "{broken:?}");
    assert!(
        broken[0].contains("leaves /sub/") && broken[1].contains("no file missing/index.html"),
        "{broken:?}"
    );
}

#[test]
fn sitemap_lists_every_page_with_absolute_urls_under_the_base() {
    let base = "https://example.github.io/digital-almaty/";
    let (_keep, public) = build_repo_site(base);
    let xml = read(public.join("sitemap.xml"));
    let doc = roxmltree::Document::parse(&xml).expect("well-formed sitemap");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "urlset");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    let locs: Vec<&str> = root
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    // Seven pages, the list of topics and five topic pages in each of English, Russian and
    // Kazakh.
    assert_eq!(locs.len(), 3 * (7 + 1 + 5), "{locs:?}");
    // Every page written is listed.
    let written = common::snapshot(&public)
        .keys()
        .filter(|path| path.ends_with("index.html"))
        .count();
    assert_eq!(locs.len(), written, "{locs:?}");
    for loc in &locs {
        let path = loc
            .strip_prefix(base)
            .unwrap_or_else(|| panic!("{loc} is not under {base}"));
        assert!(
            public.join(path).join("index.html").is_file(),
            "{loc} has no page"
        );
    }
    assert!(read(public.join("robots.txt")).contains(&format!("Sitemap: {base}sitemap.xml")));
}

#[test]
fn atom_feed_is_well_formed_with_absolute_urls() {
    let base = "https://example.github.io/digital-almaty/";
    let (_keep, public) = build_repo_site(base);
    let xml = read(public.join("atom.xml"));
    let doc = roxmltree::Document::parse(&xml).expect("well-formed feed");
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(
        feed.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    for required in ["id", "title", "updated", "author"] {
        assert!(
            feed.children().any(|n| n.has_tag_name(required)),
            "feed lacks {required}"
        );
    }
    let entries: Vec<_> = feed
        .children()
        .filter(|n| n.has_tag_name("entry"))
        .collect();
    assert_eq!(entries.len(), 2, "the two dated speaker pages");
    for entry in entries {
        let id = entry
            .children()
            .find(|n| n.has_tag_name("id"))
            .and_then(|n| n.text())
            .expect("entry id");
        assert!(id.starts_with(base), "{id}");
        let text = |tag: &str| {
            entry
                .children()
                .find(|n| n.has_tag_name(tag))
                .and_then(|n| n.text())
                .unwrap_or_else(|| panic!("entry {id} lacks {tag}"))
        };
        assert_eq!(text("published"), "2021-02-05T00:00:00Z", "`date:`");
        assert_eq!(text("updated"), "2026-11-25T00:00:00Z", "`updated:`");
    }
    for link in feed.descendants().filter(|n| n.has_tag_name("link")) {
        assert!(
            link.attribute("href").is_some_and(|h| h.starts_with(base)),
            "{link:?}"
        );
    }
    assert!(read(public.join("index.html")).contains(&format!(r#"type="application/atom+xml" title="Digital Almaty 2021 — fact sheet" href="{base}atom.xml""#)));
}

#[test]
fn not_found_page_and_nojekyll_exist_and_cname_only_when_configured() {
    let (_keep, public) = build_repo_site("https://example.github.io/digital-almaty/");
    let not_found = read(public.join("404.html"));
    assert!(not_found.contains("<h1>Page not found</h1>"), "{not_found}");
    assert!(public.join(".nojekyll").is_file());
    assert!(!public.join("CNAME").exists());

    let site = TestSite::fixture("basic");
    let yaml = read(site.root().join("site.yaml"));
    site.write("site.yaml", &format!("{yaml}cname: facts.example.org\n"));
    site.build_ok(&["--base-url", "https://facts.example.org/"]);
    assert_eq!(site.read_output("CNAME"), "facts.example.org\n");
    assert!(
        site.read_output("404.html").contains("Page not found"),
        "built-in 404 without a template"
    );
}

#[test]
fn hand_written_root_relative_urls_are_warned_about_with_file_and_line() {
    let site = TestSite::fixture("basic");
    let base = read(site.root().join("templates/base.html"));
    site.write(
        "templates/base.html",
        &base.replace("<main>", "<a href=\"/notes/\">Notes</a>\n<main>"),
    );
    site.write(
        "static/css/extra.css",
        "body {\n  background: url(/img/bg.png);\n}\n",
    );
    site.write(
        "content/notes/link.md",
        "---\ntitle: Link\n---\nSee [notes](/notes/).\n",
    );
    let run = site.build_ok(&[]);
    for expected in [
        "warning: templates/base.html:13: root-relative URL `/notes/`",
        "warning: static/css/extra.css:2: root-relative URL `/img/bg.png`",
        "warning: content/notes/link.md:4: root-relative URL `/notes/`",
    ] {
        assert!(
            run.stderr.contains(expected),
            "{expected} missing in:\n{}",
            run.stderr
        );
    }
}

#[test]
fn asset_urls_carry_a_content_hash_that_changes_with_the_file() {
    let site = TestSite::fixture("basic");
    let base = read(site.root().join("templates/base.html"));
    site.write(
        "templates/base.html",
        &base.replace("url(path='css/style.css')", "asset(path='css/style.css')"),
    );
    site.build_ok(&[]);
    let first = site.read_output("index.html");
    assert!(first.contains(r#"href="/sub/css/style.css?h="#), "{first}");
    site.write("static/css/style.css", "body { color: #000; }\n");
    site.build_ok(&[]);
    assert_ne!(
        first,
        site.read_output("index.html"),
        "the hash follows the file's content"
    );

    site.write(
        "templates/base.html",
        &base.replace("url(path='css/style.css')", "asset(path='css/missing.css')"),
    );
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr
            .contains("asset `css/missing.css`: there is no file static/css/missing.css"),
        "{}",
        run.stderr
    );
}
