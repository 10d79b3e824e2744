//! File names people really use: spaces, Russian and Kazakh letters, capitals, parentheses.
//! Each folder and file name becomes an ASCII slug (Zola's default), so every URL works
//! unencoded in links, the sitemap and the feed; messages still name the file as it is.

mod common;

use common::{TestSite, break_and_rebuild, broken_links};

const NAMES: &[(&str, &str)] = &[
    (
        "content/notes/Итоги форума (2021).md",
        "notes/itogi-foruma-2021/",
    ),
    (
        "content/notes/Цифрлық Қазақстан.md",
        "notes/tsifrlyq-qazaqstan/",
    ),
    ("content/Forum Reports/_index.md", "forum-reports/"),
    ("content/Forum Reports/Day One.md", "forum-reports/day-one/"),
];

fn site_with_real_names() -> TestSite {
    let site = TestSite::fixture("basic");
    for (file, _) in NAMES {
        let title = file
            .rsplit('/')
            .next()
            .unwrap_or(file)
            .trim_end_matches(".md");
        site.write(
            file,
            &format!("---\ntitle: \"{title}\"\ndate: 2021-02-05\n---\nText of {title}.\n"),
        );
    }
    site
}

#[test]
fn names_with_spaces_cyrillic_capitals_and_parentheses_give_working_urls() {
    let site = site_with_real_names();
    site.build_ok(&[]);
    for (file, url) in NAMES {
        let html = site.read_output(&format!("{url}index.html"));
        let title = file
            .rsplit('/')
            .next()
            .unwrap_or(file)
            .trim_end_matches(".md");
        assert!(html.contains(&format!("Text of {title}.")), "{url}: {html}");
    }
    // Listings link to them, and every link leads to a file of the site.
    let listing = site.read_output("notes/index.html");
    assert!(
        listing.contains("/sub/notes/itogi-foruma-2021/"),
        "{listing}"
    );
    let broken = broken_links(&site.public(), "/sub/", "https://example.org/sub/");
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn the_sitemap_and_the_feed_carry_the_same_plain_urls() {
    let site = site_with_real_names();
    site.build_ok(&[]);
    let sitemap = site.read_output("sitemap.xml");
    let document = roxmltree::Document::parse(&sitemap).expect("the sitemap parses");
    let locations: Vec<&str> = document
        .descendants()
        .filter(|node| node.has_tag_name("loc"))
        .filter_map(|node| node.text())
        .collect();
    for (_, url) in NAMES {
        let wanted = format!("https://example.org/sub/{url}");
        assert!(
            locations.contains(&wanted.as_str()),
            "{wanted} in {locations:?}"
        );
    }
    for location in &locations {
        assert!(location.is_ascii() && !location.contains(' '), "{location}");
        let path = location.trim_start_matches("https://example.org/sub/");
        assert!(
            site.public().join(path).join("index.html").is_file() || path.is_empty(),
            "{location} has no page"
        );
    }
    let feed = site.read_output("atom.xml");
    roxmltree::Document::parse(&feed).expect("the feed parses");
    assert!(
        feed.contains("https://example.org/sub/notes/itogi-foruma-2021/"),
        "{feed}"
    );
}

#[test]
fn messages_name_the_file_as_the_editor_named_it() {
    let run = break_and_rebuild(|site| {
        site.write(
            "content/notes/Итоги форума (2021).md",
            "---\ntitle: Итоги\ndate: 5 февраля\n---\n",
        );
    });
    assert!(
        run.stderr
            .contains("content/notes/Итоги форума (2021).md:3"),
        "{}",
        run.stderr
    );
}

#[test]
fn two_names_with_one_slug_are_refused_naming_both() {
    let run = break_and_rebuild(|site| {
        site.write("content/notes/Day One.md", "---\ntitle: A\n---\n");
        site.write("content/notes/day-one.md", "---\ntitle: B\n---\n");
    });
    assert!(
        run.stderr.contains("maps to URL `/notes/day-one/`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("content/notes/Day One.md"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("content/notes/day-one.md"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_name_without_letters_or_digits_is_refused() {
    let run = break_and_rebuild(|site| site.write("content/notes/(!).md", "---\ntitle: A\n---\n"));
    assert!(
        run.stderr.contains(
            "content/notes/(!).md: the name `(!)` has no letter or digit to make its URL from"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn links_to_files_with_spaces_and_cyrillic_names_resolve() {
    let site = site_with_real_names();
    site.write(
        "content/notes/links.md",
        "---\ntitle: Links\n---\n[the results](<@/notes/Итоги форума (2021).md>) and \
         [day one](<@/Forum Reports/Day One.md>).\n",
    );
    site.build_ok(&[]);
    let html = site.read_output("notes/links/index.html");
    assert!(
        html.contains(r#"href="/sub/notes/itogi-foruma-2021/""#),
        "{html}"
    );
    assert!(
        html.contains(r#"href="/sub/forum-reports/day-one/""#),
        "{html}"
    );
    assert!(!html.contains("@/"), "{html}");
}
