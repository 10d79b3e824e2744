//! Dates are parsed once, strictly, when the front matter and `site.yaml` are read: a bad one
//! fails the build with its file, its line and how to write it; a good one reaches the sitemap
//! and the Atom feed in the form each wants, `updated` winning over `date` where it should.

mod common;

use common::TestSite;

/// Writes `content/notes/when.md` with `front` as its front matter into the basic fixture,
/// builds, and returns the failed build's stderr.
fn build_fails_with(front: &str) -> String {
    let site = TestSite::fixture("basic");
    site.write(
        "content/notes/when.md",
        &format!("---\n{front}---\nBody.\n"),
    );
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1), "{front}: built anyway");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run.stderr
}

/// Front matter whose line 4 (of the file) holds `key: value`, after a comment line.
fn on_line_4(key: &str, value: &str) -> String {
    format!("title: When\n# when it happened\n{key}: {value}\n")
}

#[test]
fn a_date_with_words_fails_with_file_and_line() {
    let stderr = build_fails_with(&on_line_4("date", "2021-02-05 lunchtime"));
    assert!(
        stderr.contains(
            "error: content/notes/when.md:4: `date: 2021-02-05 lunchtime` is not a date\n"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("4 | date: 2021-02-05 lunchtime"),
        "{stderr}"
    );
    assert!(
        stderr.contains("help: write it as YYYY-MM-DD, e.g. `2021-02-05`"),
        "{stderr}"
    );
    // Quoted, the value is refused all the same.
    let stderr = build_fails_with(&on_line_4("updated", "\"2021-02-05 lunchtime\""));
    assert!(
        stderr.contains("content/notes/when.md:4: `updated: 2021-02-05 lunchtime` is not a date"),
        "{stderr}"
    );
}

#[test]
fn impossible_days_and_hours_fail_with_file_line_and_reason() {
    for (value, reason) in [
        ("2021-02-30", "February 2021 has 28 days"),
        ("2021-13-01", "there is no month 13"),
        (
            "2021-02-05T25:00Z",
            "there is no hour 25 (hours run 00 to 23)",
        ),
        ("2021-02-05T10:61Z", "there is no minute 61"),
    ] {
        let stderr = build_fails_with(&on_line_4("date", value));
        assert!(
            stderr.contains(&format!(
                "content/notes/when.md:4: `date: {value}` is not a date: {reason}\n"
            )),
            "{value}: {stderr}"
        );
        assert!(stderr.contains("YYYY-MM-DD"), "{stderr}");
    }
}

#[test]
fn a_time_without_an_offset_fails_and_the_help_adds_one() {
    let stderr = build_fails_with(&on_line_4("date", "2021-02-05T10:00"));
    assert!(
        stderr.contains(
            "content/notes/when.md:4: `date: 2021-02-05T10:00` is not a date: the time has no offset from UTC"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("`2021-02-05T10:00Z` for UTC")
            && stderr.contains("`2021-02-05T10:00+05:00`"),
        "{stderr}"
    );
}

#[test]
fn correction_and_source_dates_are_checked_with_their_lines() {
    let stderr = build_fails_with(
        "title: When\ncorrections:\n  - text: A figure was wrong.\n    date: 2021-02-29\n",
    );
    assert!(
        stderr.contains("content/notes/when.md:5: `date: 2021-02-29` is not a date"),
        "{stderr}"
    );
    let site = TestSite::fixture("basic");
    site.write(
        "site.yaml",
        "title: Fixture Site\nsources:\n  - id: a\n    publisher: P\n    title: T\n    date: 2021-02-05 10:00\n    url: https://p.example/a\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr.contains(
            "site.yaml:6: `date: 2021-02-05 10:00` is not a date: the time has no offset"
        ),
        "{}",
        run.stderr
    );
}

/// The text of the first child `tag` of `node`.
fn child_text<'a>(node: roxmltree::Node<'a, 'a>, tag: &str) -> Option<&'a str> {
    node.children()
        .find(|n| n.has_tag_name(tag))
        .and_then(|n| n.text())
}

/// The text of `child` in each `element` under the root of the XML document `xml`, in order.
fn texts_of_each(xml: &str, element: &str, child: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
    doc.root_element()
        .children()
        .filter(|n| n.has_tag_name(element))
        .filter_map(|n| child_text(n, child).map(str::to_string))
        .collect()
}

/// `lastmod` of each sitemap URL ending in `path`.
fn lastmod(sitemap: &str, path: &str) -> Option<String> {
    let doc = roxmltree::Document::parse(sitemap).expect("well-formed sitemap");
    let url = doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name("url"))
        .find(|n| child_text(*n, "loc").is_some_and(|loc| loc.ends_with(path)))
        .unwrap_or_else(|| panic!("no url for {path}"));
    child_text(url, "lastmod").map(str::to_string)
}

#[test]
fn dates_with_times_and_offsets_build_and_updated_leads_sitemap_and_feed() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/notes/offset.md",
        "---\ntitle: Offset\ndate: 2021-02-05T10:00:00+05:00\n---\nx\n",
    );
    site.write(
        "content/notes/spaced.md",
        "---\ntitle: Spaced\ndate: 2021-02-05 10:00Z\nupdated: 2021-03-01T12:30:00.5-02:00\n---\nx\n",
    );
    site.write(
        "content/notes/revised.md",
        "---\ntitle: Revised\ndate: 2021-01-15\nupdated: 2021-04-02\n---\nx\n",
    );
    site.write(
        "content/notes/undated.md",
        "---\ntitle: Undated\nupdated: 2021-05-01\n---\nx\n",
    );
    site.build_ok(&[]);

    let sitemap = site.read_output("sitemap.xml");
    for (path, expected) in [
        ("/notes/offset/", Some("2021-02-05T10:00:00+05:00")),
        ("/notes/spaced/", Some("2021-03-01T12:30:00.5-02:00")),
        ("/notes/revised/", Some("2021-04-02")),
        ("/notes/undated/", Some("2021-05-01")),
        ("/notes/gamma/", Some("2021-02-05")),
        ("/notes/beta/", None),
    ] {
        assert_eq!(lastmod(&sitemap, path).as_deref(), expected, "{path}");
    }

    let xml = site.read_output("atom.xml");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed feed");
    let feed = doc.root_element();
    assert_eq!(
        child_text(feed, "updated"),
        Some("2021-04-02T00:00:00Z"),
        "the latest `updated` of the dated pages"
    );
    let entries: Vec<(&str, &str, &str)> = feed
        .children()
        .filter(|n| n.has_tag_name("entry"))
        .map(|entry| {
            (
                child_text(entry, "title").expect("title"),
                child_text(entry, "published").expect("published"),
                child_text(entry, "updated").expect("updated"),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            (
                "Spaced",
                "2021-02-05T10:00:00Z",
                "2021-03-01T12:30:00.5-02:00"
            ),
            (
                "Offset",
                "2021-02-05T10:00:00+05:00",
                "2021-02-05T10:00:00+05:00"
            ),
            ("Gamma", "2021-02-05T00:00:00Z", "2021-02-05T00:00:00Z"),
            ("Revised", "2021-01-15T00:00:00Z", "2021-04-02T00:00:00Z"),
            ("Delta", "2021-01-01T00:00:00Z", "2021-01-01T00:00:00Z"),
        ],
        "dated pages only, newest `date` first (10:00+05:00 is 05:00 UTC)"
    );
}

#[test]
fn the_feed_is_newest_first_then_by_path_and_the_sitemap_by_path_when_paths_begin_alike() {
    let site = TestSite::fixture("basic");
    // Six pages of one day whose paths share their first 16 bytes or more (the feed and the
    // sitemap sort on a copied prefix of the path first): the order must still be the paths'.
    for (name, date) in [
        ("day-shared-prefix-b", "2030-01-01"),
        ("day-shared-prefix-ab", "2030-01-01"),
        ("day-shared-prefix-a", "2030-01-01"),
        ("day-a", "2030-01-01"),
        // The day's midnight with a time: the same moment, ordered after the bare day.
        ("day-z", "2030-01-01T00:00:00Z"),
        ("day-later", "2030-01-01T00:00:01Z"),
    ] {
        site.write(
            &format!("content/notes/{name}.md"),
            &format!("---\ntitle: {name}\ndate: {date}\n---\nx\n"),
        );
    }
    site.build_ok(&[]);

    let fed: Vec<String> = texts_of_each(&site.read_output("atom.xml"), "entry", "title")
        .into_iter()
        .filter(|title| title.starts_with("day-"))
        .collect();
    assert_eq!(
        fed,
        [
            "day-later",
            "day-z",
            "day-a",
            "day-shared-prefix-a",
            "day-shared-prefix-ab",
            "day-shared-prefix-b"
        ],
        "newest first; one moment: the bare day after its timed midnight; one day: by path"
    );

    let locs = texts_of_each(&site.read_output("sitemap.xml"), "url", "loc");
    let mut sorted = locs.clone();
    sorted.sort_unstable();
    assert_eq!(
        locs, sorted,
        "the sitemap lists its addresses in path order"
    );
    assert_eq!(
        locs.iter()
            .filter(|loc| loc.contains("/notes/day-"))
            .count(),
        6
    );
}
