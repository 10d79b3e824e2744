//! Two inputs that would write one file of the output stop the build, naming both: a page and
//! a static file, a static file and a generated one, names that differ only in case (one file
//! on macOS and Windows), a file where a page needs a folder.

mod common;

use common::break_and_rebuild;

#[test]
fn a_static_file_where_a_page_is_written_names_both() {
    let run = break_and_rebuild(|site| {
        site.write("static/notes/beta/index.html", "<p>mine</p>\n");
    });
    assert!(
        run.stderr.contains(
            "static/notes/beta/index.html and content/notes/beta.md both write `notes/beta/index.html`"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: rename or remove one of them"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_static_file_with_the_name_of_a_generated_one_names_both() {
    let run = break_and_rebuild(|site| site.write("static/sitemap.xml", "<urlset/>\n"));
    assert!(
        run.stderr
            .contains("static/sitemap.xml and the generated sitemap.xml both write `sitemap.xml`"),
        "{}",
        run.stderr
    );
}

#[test]
fn names_that_differ_only_in_case_are_one_file_on_macos_and_windows() {
    // Only a case-sensitive file system (Linux, usually) can hold both names; on macOS and
    // Windows the second write replaces the first, and there is nothing to report.
    let probe = tempfile::tempdir().expect("temp dir");
    std::fs::write(probe.path().join("Extra.css"), "a").expect("write");
    std::fs::write(probe.path().join("extra.css"), "b").expect("write");
    if std::fs::read_dir(probe.path()).expect("read").count() < 2 {
        eprintln!("skipped: this file system ignores letter case");
        return;
    }
    let run = break_and_rebuild(|site| {
        site.write("static/Extra.css", "p {}\n");
        site.write("static/extra.css", "p {}\n");
    });
    assert!(
        run.stderr.contains(
            "static/extra.css writes `extra.css` and static/Extra.css writes `Extra.css`: one file on macOS and Windows"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_static_file_where_a_page_needs_a_folder_names_both() {
    let run = break_and_rebuild(|site| site.write("static/notes", "not a folder\n"));
    assert!(
        run.stderr
            .contains("static/notes writes the file `notes`, where content/notes/"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("needs a folder `notes/`"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("writes the file `notes`").count(),
        1,
        "once per folder: {}",
        run.stderr
    );
}
