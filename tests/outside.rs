//! Everything the build reads stays inside the site folder. A symbolic link that leads outside
//! it (a template, a static file, a page bundle's file, a stored source) is refused with a
//! message that says so; a link that stays inside the site is followed.
//!
//! Unix only: creating a symbolic link on Windows needs a privilege that test runners lack.
#![cfg(unix)]

mod common;

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

use common::{TestSite, break_and_rebuild};

/// Moves `relative` out of the site into `outside` and leaves a link to it in its place.
fn link_out(site: &TestSite, relative: &str, outside: &Path) {
    let inside = site.root().join(relative);
    let moved = outside.join(Path::new(relative).file_name().expect("name"));
    fs::rename(&inside, &moved).expect("move out");
    symlink(&moved, &inside).expect("symlink");
}

#[test]
fn a_template_linked_outside_the_site_is_refused_not_unknown() {
    let outside = tempfile::tempdir().expect("temp dir");
    let run = break_and_rebuild(|site| link_out(site, "templates/page.html", outside.path()));
    assert!(
        run.stderr
            .contains("templates/page.html: leads outside the site folder (to "),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: copy the file into the site"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("nknown template"), "{}", run.stderr);
}

#[test]
fn a_static_file_linked_outside_the_site_is_refused() {
    let outside = tempfile::tempdir().expect("temp dir");
    let run = break_and_rebuild(|site| link_out(site, "static/css/style.css", outside.path()));
    assert!(
        run.stderr
            .contains("static/css/style.css: leads outside the site folder"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_bundle_file_linked_outside_the_site_is_refused() {
    let outside = tempfile::tempdir().expect("temp dir");
    fs::write(outside.path().join("secret.txt"), "not for the site").expect("write");
    let run = break_and_rebuild(|site| {
        site.write(
            "content/notes/bundle/index.md",
            "---\ntitle: Bundle\n---\nText.\n",
        );
        symlink(
            outside.path().join("secret.txt"),
            site.root().join("content/notes/bundle/secret.txt"),
        )
        .expect("symlink");
    });
    assert!(
        run.stderr
            .contains("content/notes/bundle/secret.txt: leads outside the site folder"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_stored_source_linked_outside_the_site_is_refused_with_its_line() {
    let site = TestSite::fixture("facts");
    let outside = tempfile::tempdir().expect("temp dir");
    link_out(&site, "sources/report.txt", outside.path());
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("site.yaml:9:")
            && run
                .stderr
                .contains("a symbolic link that leads outside the site"),
        "{}",
        run.stderr
    );
}

#[test]
fn links_that_stay_inside_the_site_are_followed() {
    let site = TestSite::fixture("basic");
    let shared = site.root().join("shared");
    fs::create_dir(&shared).expect("mkdir");
    link_out(&site, "templates/page.html", &shared);
    link_out(&site, "static/css/style.css", &shared);
    site.build_ok(&[]);
    assert!(
        site.read_output("notes/beta/index.html")
            .contains("<h1>Beta</h1>")
    );
    assert_eq!(
        fs::read(site.public().join("css/style.css")).expect("copied"),
        fs::read(shared.join("style.css")).expect("original")
    );
}

#[test]
fn an_image_path_that_climbs_out_of_the_site_is_refused_with_its_line() {
    // A real 1×1 PNG beside the site folder.
    let png = [
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0,
        0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
    ];
    let outside = tempfile::tempdir().expect("temp dir");
    let image = outside.path().join("dot.png");
    fs::write(&image, png).expect("write png");
    let run = break_and_rebuild(|site| {
        let climb = "../".repeat(site.root().components().count() + 2);
        site.write(
            "content/notes/bundle/index.md",
            &format!(
                "---\ntitle: Bundle\n---\nText.\n\n![A dot]({climb}{})\n",
                image.display().to_string().trim_start_matches('/')
            ),
        );
    });
    assert!(
        run.stderr
            .contains("content/notes/bundle/index.md:6: image `"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("leads outside the site folder"),
        "{}",
        run.stderr
    );
}
