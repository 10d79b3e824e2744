//! The repository's own site (the Digital Almaty 2021 fact sheet) builds and makes valid pages.

mod common;

use std::path::Path;

use common::{run_factsheet, snapshot};

fn build_repo_site() -> (tempfile::TempDir, std::path::PathBuf) {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = tempfile::tempdir().expect("temp");
    let target = out.path().join("public");
    let run = run_factsheet(
        &[
            "build",
            "--root",
            root,
            "--output",
            target.to_str().expect("utf-8"),
        ],
        Path::new(root),
    );
    assert!(run.success(), "the repo's site must build:\n{}", run.stderr);
    (out, target)
}

#[test]
fn repo_site_builds_every_page_with_the_html_basics() {
    let (_keep, public) = build_repo_site();
    let pages: Vec<String> = snapshot(&public)
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| {
            let html = String::from_utf8(bytes).expect("utf-8 html");
            for required in [
                "<!doctype html>",
                "<html lang=\"en\">",
                "<meta charset=\"utf-8\">",
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
                "<meta name=\"description\" content=\"",
                "<title>",
            ] {
                assert!(html.contains(required), "{path} lacks {required}");
            }
            assert!(
                !html.contains("content=\"\""),
                "{path} has an empty meta description"
            );
            path
        })
        .collect();
    assert!(pages.contains(&"index.html".to_string()), "{pages:?}");
    assert!(pages.contains(&"about/index.html".to_string()), "{pages:?}");
}

#[test]
fn home_page_summarises_the_forum_and_cites_its_source() {
    let (_keep, public) = build_repo_site();
    let home = std::fs::read_to_string(public.join("index.html")).expect("home");
    for fact in [
        "Digital Almaty 2021",
        "Digital Reset: The Leap To The Next Normal",
        "Kassym-Jomart Tokayev",
        "Askar Mamin",
        "99%",
        "https://en.inform.kz/news/over-15mln-kazakhstanis-use-wireless-internet-connection-president_a3749673/",
    ] {
        assert!(home.contains(fact), "home page lacks {fact}");
    }
}

#[test]
fn quotes_on_the_home_page_are_verbatim_from_the_stored_source() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let source =
        std::fs::read_to_string(root.join("sources/kazinform-2021-02-05-digital-almaty.txt"))
            .expect("stored source text");
    let markdown = std::fs::read_to_string(root.join("content/_index.md")).expect("home markdown");
    let quotes: Vec<&str> = markdown
        .lines()
        .filter_map(|line| line.strip_prefix("> “"))
        .filter_map(|rest| rest.split('”').next())
        .collect();
    assert!(!quotes.is_empty(), "the home page quotes the President");
    for quote in quotes {
        assert!(source.contains(quote), "not in the source: {quote}");
    }
}

#[test]
fn stored_sources_are_not_published() {
    let (_keep, public) = build_repo_site();
    let files = snapshot(&public);
    assert!(
        files.keys().all(|path| !path.ends_with(".txt")),
        "{:?}",
        files.keys()
    );
}
