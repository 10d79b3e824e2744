//! Long builds show their progress on a terminal only: piped into a file or a CI log, `build`
//! and `check` print what they always printed, with no bar, no carriage return and no escape
//! code (issue 19). The bar itself needs a terminal; the README shows a captured line.

mod common;

use common::{Run, TestSite, run_factsheet};

/// Fails the test when `run` shows any trace of a progress display.
fn assert_no_progress(run: &Run) {
    for (name, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        for trace in [
            "\x1b[",
            "\r",
            "reading the site",
            "rendering",
            "pages [",
            "checking and writing",
        ] {
            assert!(
                !text.contains(trace),
                "{name} holds {trace:?}, a trace of the progress bar:\n{text:?}"
            );
        }
    }
}

#[test]
fn a_piped_build_prints_only_its_final_line() {
    // Taxonomy pages too: they are counted as rendered pages.
    let site = TestSite::fixture("topics");
    let run = site.build_ok(&[]);
    assert_no_progress(&run);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one line on stdout: {:?}", run.stdout);
    assert!(lines[0].starts_with("Built 10 pages into "), "{}", lines[0]);
    assert!(
        run.stderr.lines().all(|line| line.starts_with("warning: ")),
        "stderr holds only warnings: {:?}",
        run.stderr
    );
}

#[test]
fn a_piped_check_prints_only_its_summary() {
    let site = TestSite::fixture("topics");
    let root = site.root().to_str().expect("utf-8 temp path").to_string();
    let run = run_factsheet(&["check", "--root", &root], site.root());
    assert!(run.success(), "check failed:\n{}", run.stderr);
    assert_no_progress(&run);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one line on stdout: {:?}", run.stdout);
    assert!(
        lines[0].starts_with("check: 0 errors, ")
            && lines[0].ends_with(" in 10 pages; nothing was written"),
        "{}",
        lines[0]
    );
}

#[test]
fn a_piped_failing_build_prints_its_errors_and_no_bar() {
    let site = TestSite::fixture("topics");
    site.write("templates/page.html", "{{ page.title | no_such_filter }}");
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr);
    assert_no_progress(&run);
    assert!(run.stdout.is_empty(), "{:?}", run.stdout);
    assert!(
        run.stderr.ends_with(
            "Build failed with 1 error; the previous output, if any, was left as it was.\n"
        ),
        "{}",
        run.stderr
    );
}
