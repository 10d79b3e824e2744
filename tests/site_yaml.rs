//! `site.yaml` is checked as strictly as front matter: every value, each problem with the line
//! of that value and a help line, all problems of one run together, and the previous output
//! left byte for byte as it was.

mod common;

use common::{Run, TestSite, break_and_rebuild, break_and_rebuild_with};

/// The first two lines of every `site.yaml` below, so that line numbers are easy to count.
const HEAD: &str = "title: Fixture Site\nbase_url: https://example.org/sub/\n";

/// The report of the error that starts `error: {head}`: its line, the excerpt and the help.
/// Fails the test when there is no such error or it has no help line.
fn error_with_help<'a>(run: &'a Run, head: &str) -> &'a str {
    let wanted = format!("error: {head}");
    let block = run
        .stderr
        .split("\nerror: ")
        .map(|block| block.strip_prefix("error: ").unwrap_or(block))
        .find(|block| format!("error: {block}").starts_with(&wanted))
        .unwrap_or_else(|| panic!("no `{wanted}` in:\n{}", run.stderr));
    assert!(block.contains("\n  help: "), "no help line in:\n{block}");
    block
}

/// Writes `HEAD` + `rest` as site.yaml into the built basic fixture and rebuilds it.
fn rebuild_with(rest: &str) -> Run {
    let yaml = format!("{HEAD}{rest}");
    break_and_rebuild(|site| site.write("site.yaml", &yaml))
}

#[test]
fn nav_entry_to_a_missing_page_names_its_line() {
    let run = rebuild_with(
        "nav:\n  - title: Notes\n    path: /notes/\n  - title: Nowhere\n    path: /nowhere/\n",
    );
    let block = error_with_help(
        &run,
        "site.yaml:7: nav entry \"Nowhere\" links to `/nowhere/`, which is not a page of the site",
    );
    assert!(block.contains("7 |     path: /nowhere/"), "{block}");
}

#[test]
fn nav_paths_are_site_paths_or_web_addresses() {
    let run = rebuild_with(concat!(
        "nav:\n",
        "  - title: Notes\n    path: /notes\n", // 4, 5
        "  - title: Alpha\n    path: \"@/notes/alpha.md\"\n", // 6, 7
        "  - title: Evil\n    path: \"javascript:alert(1)\"\n", // 8, 9
        "  - title: Relative\n    path: notes/\n", // 10, 11
        "  - title: Broken\n    path: https://\n", // 12, 13
        "  - title: Elsewhere\n    path: https://example.org/x\n",
        "  - title: Style\n    path: /css/style.css\n",
        "  - title: Anchor\n    path: /notes/#top\n",
        "  - title: Draft\n    path: /notes/wip/\n", // 20, 21
    ));
    let block = error_with_help(
        &run,
        "site.yaml:5: nav entry \"Notes\" links to `/notes`, which is not a page of the site",
    );
    assert!(block.contains("did you mean `/notes/`?"), "{block}");
    let block = error_with_help(
        &run,
        "site.yaml:7: nav entry \"Alpha\" has `path: @/notes/alpha.md`",
    );
    assert!(block.contains("`path: /notes/alpha/`"), "{block}");
    error_with_help(
        &run,
        "site.yaml:9: nav entry \"Evil\" has `path: javascript:alert(1)`",
    );
    let block = error_with_help(
        &run,
        "site.yaml:11: nav entry \"Relative\" has `path: notes/`",
    );
    assert!(block.contains("write `path: /notes/`"), "{block}");
    error_with_help(
        &run,
        "site.yaml:13: nav entry \"Broken\" has `path: https://`, which has no host name",
    );
    let block = error_with_help(
        &run,
        "site.yaml:21: nav entry \"Draft\" links to `/notes/wip/`, which is not a page of the site",
    );
    assert!(block.contains("draft"), "{block}");
    assert!(
        run.stderr.contains("Build failed with 6 errors"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_nav_entry_to_a_page_that_fails_to_load_reports_only_the_page() {
    let run = break_and_rebuild(|site| {
        site.write(
            "site.yaml",
            &format!("{HEAD}nav:\n  - title: Alpha\n    path: /notes/alpha/\n"),
        );
        site.write(
            "content/notes/alpha.md",
            "---\ntitle: [unclosed\n---\nBroken.\n",
        );
    });
    assert!(
        run.stderr.contains("error: content/notes/alpha.md:2:"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("nav entry"), "{}", run.stderr);
    assert!(
        run.stderr.contains("Build failed with 1 error"),
        "{}",
        run.stderr
    );
}

#[test]
fn nav_to_pages_sections_files_and_other_sites_builds() {
    let site = TestSite::fixture("basic");
    site.write(
        "site.yaml",
        &format!(
            "{HEAD}nav:\n  - title: Home\n    path: /\n  - title: Notes\n    path: /notes/\n  - title: Alpha\n    path: /notes/alpha/#top\n  - title: Style\n    path: /css/style.css\n  - title: Map\n    path: /sitemap.xml\n  - title: Elsewhere\n    path: https://example.org/x?a=1\n"
        ),
    );
    site.build_ok(&[]);
    // A draft page is in the nav only when drafts are built.
    site.write(
        "site.yaml",
        &format!("{HEAD}nav:\n  - title: Draft\n    path: /notes/wip/\n"),
    );
    site.build_ok(&["--drafts"]);
}

#[test]
fn sources_need_unique_ids_web_addresses_and_stored_texts_in_sources() {
    let source = |id: &str, url: &str, file: &str| {
        format!(
            "  - id: {id}\n    publisher: P\n    title: T\n    date: 2021-02-05\n    url: {url}\n{file}"
        )
    };
    let yaml = format!(
        "sources:\n{}{}{}{}{}",
        source("a", "https://news.example/a", ""), // 4..8
        source("a", "javascript:alert(1)", ""),    // 9..13
        source("b", "news.example/b", "    file: content/notes/alpha.md\n"), // 14..19
        source(
            "c",
            "https://news example/c",
            "    file: sources/missing.txt\n"
        ), // 20..25
        source("d", "http://", ""),                // 26..30
    );
    let run = rebuild_with(&yaml);
    let block = error_with_help(&run, "site.yaml:9: source id `a` is already used");
    assert!(block.contains("line 4"), "{block}");
    error_with_help(
        &run,
        "site.yaml:13: source `a`: `url: javascript:alert(1)` is not an http(s) URL",
    );
    error_with_help(
        &run,
        "site.yaml:18: source `b`: `url: news.example/b` has no `https://`",
    );
    error_with_help(
        &run,
        "site.yaml:19: source `b` has `file: content/notes/alpha.md`, which is not in sources/",
    );
    error_with_help(
        &run,
        "site.yaml:24: source `c`: `url: https://news example/c` contains a space",
    );
    error_with_help(
        &run,
        "site.yaml:25: source `c` has `file: sources/missing.txt`, which does not exist",
    );
    error_with_help(
        &run,
        "site.yaml:30: source `d`: `url: http://` has no host name",
    );
    assert!(
        run.stderr.contains("Build failed with 7 errors"),
        "{}",
        run.stderr
    );
}

#[test]
fn repository_url_cname_and_language_are_checked() {
    let run = rebuild_with(
        "repository_url: github.com/owner/repo\ncname: https://facts.example.org/\nlanguage: en_US\nrepository_branch: my branch\n",
    );
    error_with_help(
        &run,
        "site.yaml:3: `repository_url: github.com/owner/repo` has no `https://`",
    );
    let block = error_with_help(
        &run,
        "site.yaml:4: `cname: https://facts.example.org/` is not a host name",
    );
    assert!(block.contains("cname: facts.example.org"), "{block}");
    let block = error_with_help(&run, "site.yaml:5: `language: en_US` is not a language tag");
    assert!(block.contains("en-US"), "{block}");
    error_with_help(
        &run,
        "site.yaml:6: `repository_branch: my branch` is not a branch name",
    );
    for (value, problem) in [
        ("cname: facts.example.org/x", "is not a host name"),
        ("cname: facts example.org", "is not a host name"),
        ("cname: -facts.example.org", "is not a host name"),
        ("language: english language", "is not a language tag"),
        ("language: \"\"", "is not a language tag"),
        (
            "repository_url: \"https://github.com/o/r edit\"",
            "contains a space",
        ),
    ] {
        let run = rebuild_with(&format!("{value}\n"));
        let shown = value.replace('"', "");
        error_with_help(&run, &format!("site.yaml:3: `{shown}` {problem}"));
    }
}

#[test]
fn good_values_build() {
    let site = TestSite::fixture("basic");
    for extra in [
        "language: kk-KZ\ncname: facts.example.org\nrepository_url: https://github.com/owner/repo\n",
        "language: zh-Hant-TW\nrepository_url: https://github.com/owner/repo/\nrepository_branch: release/2021\n",
        "language: x-klingon\nsources:\n  - id: a\n    publisher: P\n    title: T\n    date: 2021-02-05\n    url: http://localhost:8080/a?b=1#c\n",
        "event:\n  name: E\n  start_date: 2021-02-05\n  end_date: 2021-02-06\n  location: Almaty\n",
    ] {
        site.write("site.yaml", &format!("{HEAD}{extra}"));
        site.build_ok(&[]);
    }
}

#[test]
fn repository_url_flag_is_checked_and_named() {
    let run = break_and_rebuild_with(&["--repository-url", "javascript:alert(1)"], |_| {});
    let block = error_with_help(
        &run,
        "--repository-url: `javascript:alert(1)` is not an http(s) URL",
    );
    assert!(!block.contains("site.yaml"), "{block}");
}

#[test]
fn event_ends_on_or_after_its_start() {
    let run = rebuild_with(
        "event:\n  name: E\n  start_date: 2021-02-05\n  end_date: 2021-02-04\n  location: Almaty\n",
    );
    error_with_help(
        &run,
        "site.yaml:6: event `end_date: 2021-02-04` is before its `start_date: 2021-02-05`",
    );
}

#[test]
fn relative_or_malformed_base_urls_are_refused_with_the_line() {
    for (value, problem) in [
        (
            "digital-almaty/",
            "must start with `https://`, `http://` or `/`",
        ),
        ("https//x", "must start with `https://`, `http://` or `/`"),
        ("http://", "has no host name"),
        ("\"https://exa mple.org/\"", "contains a space"),
        ("\"/sub dir/\"", "contains a space"),
        ("//cdn.example/", "starts with `//`"),
        ("https://example.org/?a=1", "must not contain `?` or `#`"),
    ] {
        let shown = value.trim_matches('"');
        let run = break_and_rebuild(|site| {
            site.write(
                "site.yaml",
                &format!("title: Fixture Site\nbase_url: {value}\n"),
            )
        });
        error_with_help(&run, &format!("site.yaml:2: base_url `{shown}` {problem}"));
    }
}

#[test]
fn base_url_flag_is_checked_and_named() {
    for value in ["digital-almaty/", "https//x", "http://", "https://a b/"] {
        let run = break_and_rebuild_with(&["--base-url", value], |_| {});
        let block = error_with_help(&run, &format!("--base-url: base_url `{value}` "));
        assert!(!block.contains("site.yaml"), "{block}");
    }
}

#[test]
fn root_relative_base_paths_still_build() {
    let site = TestSite::fixture("basic");
    for base in [
        "/",
        "/sub/",
        "/sub",
        "https://example.org",
        "http://localhost:8080/x/",
    ] {
        site.build_ok(&["--base-url", base]);
        site.write(
            "site.yaml",
            &format!("title: Fixture Site\nbase_url: {base}\n"),
        );
        site.build_ok(&[]);
    }
}

#[test]
fn every_problem_of_site_yaml_is_reported_in_one_run() {
    let run = rebuild_with(concat!(
        "language: en_US\n",                         // 3
        "cname: https://x.example/\n",               // 4
        "nav:\n  - title: Gone\n    path: /gone/\n", // 5, 6, 7
        "sources:\n",                                // 8
        "  - id: a\n    publisher: P\n    title: T\n    date: 2021-02-05\n    url: ftp://x.example/a\n", // 9..13
    ));
    for head in [
        "site.yaml:3:",
        "site.yaml:4:",
        "site.yaml:7:",
        "site.yaml:13:",
    ] {
        error_with_help(&run, head);
    }
    assert!(
        run.stderr.contains("Build failed with 4 errors"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_reports_site_yaml_problems_too() {
    let site = TestSite::fixture("basic");
    site.write(
        "site.yaml",
        &format!("{HEAD}nav:\n  - title: Gone\n    path: /gone/\n"),
    );
    let root = site.root().to_str().expect("utf-8").to_string();
    let run = common::run_factsheet(&["check", "--root", &root], site.root());
    assert_eq!(run.code(), Some(1), "{}", run.stderr);
    error_with_help(&run, "site.yaml:5: nav entry \"Gone\"");
}
