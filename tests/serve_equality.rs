//! serve's output equals a build's: a serve session is driven through random sequences of
//! edits on the `live` fixture (bodies, front matter, pages added, deleted and renamed,
//! templates, a partial, a shortcode, a stylesheet, `site.yaml`, a stored source; some steps
//! break the build and later ones fix it). After every step the session's output folder must be
//! byte-identical to a fresh `build` of the same tree, and a broken step must leave the last
//! good output in place.
//!
//! 64 sequences by default; `FACTSHEET_SERVE_CASES=2000 cargo test --test serve_equality`
//! runs more.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::TestSite;
use factsheet::BuildOptions;
use factsheet::serve::Session;
use proptest::prelude::*;

/// One edit an editor makes while `serve` runs.
#[derive(Debug, Clone)]
enum Step {
    /// Appends a sentence to the body of a page (by index into `BODY_PAGES`).
    EditBody(usize, u8),
    /// Changes a page's weight, so listings reorder.
    EditFrontMatter(usize, u8),
    /// Adds `content/notes/extra-N.md`.
    AddPage(u8),
    /// Deletes the first added page, if any.
    DeletePage,
    /// Renames the first added page.
    RenamePage(u8),
    /// Renames alpha's heading; beta links to its old id, so this breaks the build until
    /// the heading gets its name back.
    ToggleHeading,
    /// Writes broken YAML into gamma's front matter, or repairs it.
    ToggleBrokenYaml,
    /// Changes `templates/page.html`.
    EditPageTemplate(u8),
    /// Changes `templates/section.html`.
    EditSectionTemplate(u8),
    /// Changes the partial that every page includes.
    EditPartial(u8),
    /// Changes the `note` shortcode (gamma calls it).
    EditShortcode(u8),
    /// Changes the stylesheet (`asset()` fingerprints it).
    EditStylesheet(u8),
    /// Changes the site title in `site.yaml`.
    EditConfig(u8),
    /// Removes the quoted words from the stored source (breaks), or puts them back.
    ToggleSource,
}

const BODY_PAGES: [&str; 5] = [
    "content/notes/alpha.md",
    "content/notes/beta.md",
    "content/notes/gamma.md",
    "content/_index.md",
    "content/notes/_index.md",
];

fn step() -> impl Strategy<Value = Step> {
    let page = 0..BODY_PAGES.len();
    prop_oneof![
        4 => (page.clone(), any::<u8>()).prop_map(|(p, n)| Step::EditBody(p, n)),
        2 => (0..3usize, any::<u8>()).prop_map(|(p, n)| Step::EditFrontMatter(p, n)),
        2 => any::<u8>().prop_map(Step::AddPage),
        1 => Just(Step::DeletePage),
        1 => any::<u8>().prop_map(Step::RenamePage),
        1 => Just(Step::ToggleHeading),
        1 => Just(Step::ToggleBrokenYaml),
        1 => any::<u8>().prop_map(Step::EditPageTemplate),
        1 => any::<u8>().prop_map(Step::EditSectionTemplate),
        1 => any::<u8>().prop_map(Step::EditPartial),
        1 => any::<u8>().prop_map(Step::EditShortcode),
        1 => any::<u8>().prop_map(Step::EditStylesheet),
        1 => any::<u8>().prop_map(Step::EditConfig),
        1 => Just(Step::ToggleSource),
    ]
}

/// Makes the edit in the site folder; returns the paths that changed, as the watcher reports
/// them (relative to the site root).
fn apply_step(root: &Path, step: &Step) -> Vec<PathBuf> {
    let edit = |relative: &str, change: &dyn Fn(String) -> String| {
        let path = root.join(relative);
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, change(text)).unwrap();
        vec![PathBuf::from(relative)]
    };
    let added = || -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(root.join("content/notes"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("extra-"))
            .collect();
        names.sort();
        names
    };
    match step {
        Step::EditBody(page, n) => edit(BODY_PAGES[*page], &|text| {
            format!("{text}\nA sentence number {n} was added.\n")
        }),
        Step::EditFrontMatter(page, n) => edit(BODY_PAGES[*page], &|text| {
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            if let Some(line) = lines.iter_mut().find(|l| l.starts_with("weight:")) {
                *line = format!("weight: {}", n % 5);
            }
            lines.join("\n") + "\n"
        }),
        Step::AddPage(n) => {
            let relative = format!("content/notes/extra-{n}.md");
            fs::write(
                root.join(&relative),
                format!(
                    "---\ntitle: Extra {n}\nweight: {}\n---\nAn added page.\n",
                    n % 4
                ),
            )
            .unwrap();
            vec![PathBuf::from(relative)]
        }
        Step::DeletePage => match added().first() {
            Some(name) => {
                let relative = format!("content/notes/{name}");
                fs::remove_file(root.join(&relative)).unwrap();
                vec![PathBuf::from(relative)]
            }
            None => Vec::new(),
        },
        Step::RenamePage(n) => match added().first() {
            Some(name) if *name != format!("extra-{n}r.md") => {
                let from = format!("content/notes/{name}");
                let to = format!("content/notes/extra-{n}r.md");
                fs::rename(root.join(&from), root.join(&to)).unwrap();
                vec![PathBuf::from(from), PathBuf::from(to)]
            }
            _ => Vec::new(),
        },
        Step::ToggleHeading => edit("content/notes/alpha.md", &|text| {
            if text.contains("## Figures at a glance") {
                text.replace("## Figures at a glance", "## The figures")
            } else {
                text.replace("## The figures", "## Figures at a glance")
            }
        }),
        Step::ToggleBrokenYaml => edit("content/notes/gamma.md", &|text| {
            if text.contains("title: [Gamma") {
                text.replace("title: [Gamma", "title: Gamma")
            } else {
                text.replace("title: Gamma", "title: [Gamma")
            }
        }),
        Step::EditPageTemplate(n) => edit("templates/page.html", &|text| {
            replace_marker(&text, "</article>", *n)
        }),
        Step::EditSectionTemplate(n) => edit("templates/section.html", &|text| {
            replace_marker(&text, "</ol>", *n)
        }),
        Step::EditPartial(n) => edit("templates/partials/footer.html", &|text| {
            replace_marker(&text, "</footer>", *n)
        }),
        Step::EditShortcode(n) => edit("templates/shortcodes/note.html", &|text| {
            replace_marker(&text, "</aside>", *n)
        }),
        Step::EditStylesheet(n) => edit("static/css/style.css", &|text| {
            format!("{text}p {{ margin: {n}px; }}\n")
        }),
        Step::EditConfig(n) => edit("site.yaml", &|text| {
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            lines[0] = format!("title: Live Fixture {n}");
            lines.join("\n") + "\n"
        }),
        Step::ToggleSource => edit("sources/report.txt", &|text| {
            if text.contains("coverage in the country") {
                text.replace("coverage in the country", "reach across the land")
            } else {
                text.replace("reach across the land", "coverage in the country")
            }
        }),
    }
}

/// Puts `<!-- n -->` just before `closing` (replacing an earlier marker).
fn replace_marker(text: &str, closing: &str, n: u8) -> String {
    let without: String = match text.find("<!-- ") {
        Some(start) => {
            let end = text[start..]
                .find(" -->")
                .map_or(text.len(), |e| start + e + 4);
            format!("{}{}", &text[..start], &text[end..])
        }
        None => text.to_string(),
    };
    without.replacen(closing, &format!("<!-- {n} -->{closing}"), 1)
}

/// Every file under `dir`, by path relative to it, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(dir).unwrap();
            let name = relative.to_string_lossy().replace('\\', "/");
            files.insert(name, fs::read(entry.path()).unwrap());
        }
    }
    files
}

/// The paths whose bytes differ between two snapshots, for a readable failure.
fn differences(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let names: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    names
        .into_iter()
        .filter(|name| a.get(*name) != b.get(*name))
        .map(|name| match (a.get(name), b.get(name)) {
            (Some(x), Some(y)) => format!(
                "{name} differs:\n--- serve\n{}\n--- build\n{}",
                String::from_utf8_lossy(x),
                String::from_utf8_lossy(y)
            ),
            (Some(_), None) => format!("{name} only in serve's output"),
            _ => format!("{name} only in the build's output"),
        })
        .collect()
}

/// Builds the tree at `root` afresh into a new folder; `None` when the build fails.
fn fresh_build(root: &Path) -> Option<(tempfile::TempDir, BTreeMap<String, Vec<u8>>)> {
    let out = tempfile::tempdir().unwrap();
    let mut options = BuildOptions::new(root);
    options.output = Some(out.path().join("public"));
    factsheet::build(&options).ok()?;
    let files = snapshot(&out.path().join("public"));
    Some((out, files))
}

fn run_sequence(steps: &[Step]) -> Result<(), TestCaseError> {
    let site = TestSite::fixture("live");
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("serve");
    let mut session = Session::new(BuildOptions::new(site.root()), out_dir.clone());
    session
        .build_all()
        .map_err(|e| TestCaseError::fail(format!("first build: {e:?}")))?;
    for (number, step) in steps.iter().enumerate() {
        let before = snapshot(&out_dir);
        let changed = apply_step(site.root(), step);
        if changed.is_empty() {
            continue; // Nothing was written: the watcher reports nothing.
        }
        let result = session.apply(&changed);
        let served = snapshot(&out_dir);
        match fresh_build(site.root()) {
            Some((_keep, built)) => {
                prop_assert!(
                    result.is_ok(),
                    "step {number} {step:?}: the build passes but serve failed: {result:?}"
                );
                let diff = differences(&served, &built);
                prop_assert!(
                    diff.is_empty(),
                    "step {number} {step:?} (after {:?}): serve's output differs from a build:\n{}",
                    &steps[..number],
                    diff.join("\n")
                );
            }
            None => {
                prop_assert!(
                    result.is_err(),
                    "step {number} {step:?}: the build fails but serve did not"
                );
                prop_assert!(
                    served == before,
                    "step {number} {step:?}: a failed rebuild changed the output:\n{}",
                    differences(&served, &before).join("\n")
                );
            }
        }
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("FACTSHEET_SERVE_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn serve_output_equals_a_fresh_build_after_every_edit(
        steps in proptest::collection::vec(step(), 8..14)
    ) {
        run_sequence(&steps)?;
    }
}

/// The case the issue reported: a section prints `get_page(...).word_count` of a page; after
/// a body edit of that page, serve must show the new count there too.
#[test]
fn get_page_data_is_fresh_after_a_body_edit() {
    let steps = [Step::EditBody(0, 7)];
    let site = TestSite::fixture("live");
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("serve");
    let mut session = Session::new(BuildOptions::new(site.root()), out_dir.clone());
    session.build_all().unwrap();
    let read = |page: &str| fs::read_to_string(out_dir.join(page)).unwrap();
    let words = || {
        let alpha = read("notes/alpha/index.html");
        let start = alpha.find("data-words=\"").unwrap() + "data-words=\"".len();
        let end = start + alpha[start..].find('"').unwrap();
        alpha[start..end].to_string()
    };
    let before = words();
    assert!(read("notes/index.html").contains(&format!("Alpha has {before} words.")));
    let changed = apply_step(site.root(), &steps[0]);
    let rebuilt = session.apply(&changed).unwrap();
    let after = words();
    assert_ne!(before, after, "the edit adds words");
    let section = read("notes/index.html");
    assert!(
        section.contains(&format!("Alpha has {after} words.")),
        "get_page is stale: {section}"
    );
    assert!(
        section.contains(&format!("Alpha</a> {after}<")),
        "section.pages is stale: {section}"
    );
    assert_eq!(
        rebuilt.scope,
        factsheet::serve::RebuildScope::Page,
        "a body edit is incremental"
    );
    run_sequence(&steps).unwrap();
}

/// One edit for [`serve_through`]: a file of the site and how its text changes.
type Edit<'a> = (&'a str, &'a dyn Fn(&str) -> String);

/// Serves `site`, applies each edit in turn and checks after each that serve's folder equals a
/// fresh build; returns the folder (and the temporary directory that holds it).
fn serve_through(site: &TestSite, edits: &[Edit<'_>]) -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("serve");
    let mut session = Session::new(BuildOptions::new(site.root()), out_dir.clone());
    session.build_all().unwrap();
    for (file, change) in edits {
        let path = site.root().join(file);
        let text = fs::read_to_string(&path).unwrap_or_default();
        fs::write(&path, change(&text)).unwrap();
        session
            .apply(&[PathBuf::from(file)])
            .unwrap_or_else(|e| panic!("{file}: {e:?}"));
        let (_keep, built) = fresh_build(site.root()).expect("the site builds");
        let diff = differences(&snapshot(&out_dir), &built);
        assert!(diff.is_empty(), "after {file}:\n{}", diff.join("\n"));
    }
    (out, out_dir)
}

/// Edits of a site in several languages: a translation's body, its original's body (whose
/// figures and shortcodes the translation shares), the interface strings, a new translation.
/// After each, serve's folder equals a fresh build.
#[test]
fn edits_in_every_language_equal_a_fresh_build() {
    let site = TestSite::fixture("multilingual");
    let edits: [Edit<'_>; 4] = [
        ("content/speakers/minister.ru.md", &|t| {
            t.replace("См.", "Смотрите")
        }),
        ("content/speakers/minister.md", &|t| {
            t.replace("See", "Read about")
        }),
        ("i18n/ru.yaml", &|t| t.replace("Обновлено", "Дата")),
        ("content/speakers/deputy.kk.md", &|_| {
            "---\ntitle: Орынбасар\n---\nОрынбасар да сөйледі.\n".to_string()
        }),
    ];
    let (_out, out_dir) = serve_through(&site, &edits);
    let ru = fs::read_to_string(out_dir.join("ru/speakers/minister/index.html")).unwrap();
    assert!(
        ru.contains("Смотрите") && ru.contains("Дата: 5 февраля 2021 г."),
        "{ru}"
    );
}

/// Edits that reach term pages: a body whose word count a term page shows, a page moved to
/// another term, a new page on a term, a term's name in another language. After each, serve's
/// folder equals a fresh build.
#[test]
fn term_pages_follow_every_edit() {
    let site = TestSite::fixture("topics");
    let edits: [Edit<'_>; 4] = [
        ("content/notes/note-1.md", &|t| {
            t.replace(
                "Body of note 1.",
                "Body of note 1, now longer by some words.",
            )
        }),
        ("content/notes/note-4.md", &|t| {
            t.replace("topics: [Public services]", "topics: [Connectivity]")
        }),
        ("content/notes/note-6.md", &|_| {
            "---\ntitle: Note 6\ntopics: [Education]\n---\nSix.\n".to_string()
        }),
        ("i18n/ru.yaml", &|t| t.replace("Связь", "Подключение")),
    ];
    let (_out, out_dir) = serve_through(&site, &edits);
    let term = fs::read_to_string(out_dir.join("topics/connectivity/index.html")).unwrap();
    assert!(
        term.contains("Note 1</a> <span class=\"words\">9 words"),
        "{term}"
    );
    let education = fs::read_to_string(out_dir.join("topics/education/index.html")).unwrap();
    assert!(education.contains("Note 6"), "{education}");
    let ru = fs::read_to_string(out_dir.join("ru/topics/connectivity/index.html")).unwrap();
    assert!(ru.contains("<h1>Подключение</h1>"), "{ru}");
}
