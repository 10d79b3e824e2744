//! The handout: the repository's site writes `factsheet.pdf` in each language; each is one A4
//! page with its fonts embedded, the text of every key figure and source extractable, its
//! title and language set, and the same bytes on every build. A handout that cannot hold its
//! figures is reported by `check` with the file and line each one came from.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::{TestSite, build_repo_site_with, run_factsheet};
use lopdf::{Document, Object};
use serde_json::Value;

const HANDOUTS: [(&str, &str); 3] = [
    ("en", "factsheet.pdf"),
    ("ru", "ru/factsheet.pdf"),
    ("kk", "kk/factsheet.pdf"),
];

/// A text string of the PDF (`(…)` in PDFDocEncoding, or UTF-16BE with its mark).
fn text_string(object: &Object) -> String {
    let bytes = object.as_str().expect("a string");
    match bytes.strip_prefix(&[0xfe, 0xff]) {
        Some(utf16) => String::from_utf16(
            &utf16
                .chunks(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                .collect::<Vec<_>>(),
        )
        .expect("utf-16"),
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// Every string the PDF shows, decoded through its fonts' ToUnicode maps, from the page and
/// every form XObject (svg2pdf draws the page as one), in the order the streams hold them.
fn shown_text(doc: &Document) -> String {
    let mut out = String::new();
    for object in doc.objects.values() {
        let Ok(stream) = object.as_stream() else {
            continue;
        };
        if !matches!(
            stream.dict.get(b"Subtype").and_then(Object::as_name),
            Ok(b"Form")
        ) {
            continue;
        }
        let mut encodings = BTreeMap::new();
        if let Ok(resources) = stream
            .dict
            .get_deref(b"Resources", doc)
            .and_then(Object::as_dict)
            && let Ok(fonts) = resources.get_deref(b"Font", doc).and_then(Object::as_dict)
        {
            for (name, font) in fonts.iter() {
                let font = doc
                    .dereference(font)
                    .expect("font")
                    .1
                    .as_dict()
                    .expect("dict");
                encodings.insert(name.clone(), font.get_font_encoding(doc).expect("encoding"));
            }
        }
        let content = stream.decompressed_content().expect("inflate");
        let operations = lopdf::content::Content::decode(&content).expect("content");
        let mut current = None;
        for op in &operations.operations {
            match op.operator.as_str() {
                "Tf" => current = encodings.get(op.operands[0].as_name().expect("font name")),
                "Tj" | "TJ" => {
                    let encoding = current.expect("a font is set before text");
                    let strings: Vec<&Object> = match op.operands[0].as_array() {
                        Ok(items) => items.iter().collect(),
                        Err(_) => vec![&op.operands[0]],
                    };
                    for item in strings {
                        if let Ok(bytes) = item.as_str() {
                            out.push_str(&Document::decode_text(encoding, bytes).expect("decode"));
                        }
                    }
                    out.push(' ');
                }
                _ => {}
            }
        }
    }
    out
}

fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn every_language_has_a_one_page_a4_pdf_with_embedded_fonts_metadata_and_its_figures() {
    let (_first, public, run) = build_repo_site_with(&["--force"]);
    assert!(
        run.stdout.contains("(3 handouts: 3 drawn, 0 reused)"),
        "{}",
        run.stdout
    );
    let (_second, again, _) = build_repo_site_with(&["--force"]);
    for (lang, file) in HANDOUTS {
        let bytes = fs::read(public.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            bytes,
            fs::read(again.join(file)).expect("second build"),
            "{file}: two builds, two different files"
        );
        let doc = Document::load_mem(&bytes).expect("a PDF lopdf reads");
        let pages = doc.get_pages();
        assert_eq!(pages.len(), 1, "{file}: one page");
        let page = doc.get_dictionary(pages[&1]).expect("page");
        let media: Vec<f32> = page
            .get(b"MediaBox")
            .and_then(Object::as_array)
            .expect("MediaBox")
            .iter()
            .map(|n| n.as_float().expect("number"))
            .collect();
        assert!(
            media[0] == 0.0
                && media[1] == 0.0
                && (media[2] - 595.0).abs() < 1.0
                && (media[3] - 842.0).abs() < 1.0,
            "{file}: A4, not {media:?}"
        );

        // Metadata: the language in the catalog, title and author in the Info dictionary, and
        // no dates (the same input gives the same bytes).
        let catalog = doc.catalog().expect("catalog");
        assert_eq!(text_string(catalog.get(b"Lang").expect("/Lang")), lang);
        let info = doc
            .trailer
            .get_deref(b"Info", &doc)
            .and_then(Object::as_dict)
            .expect("Info");
        let title = text_string(info.get(b"Title").expect("/Title"));
        assert!(title.starts_with("Digital Almaty 2021 — "), "{title}");
        assert!(!text_string(info.get(b"Author").expect("/Author")).is_empty());
        assert!(info.get(b"CreationDate").is_err() && info.get(b"ModDate").is_err());

        // Fonts: every font is embedded (TrueType outlines in FontFile2, or FontFile3).
        let mut descriptors = 0;
        for object in doc.objects.values() {
            if let Ok(dict) = object.as_dict()
                && matches!(
                    dict.get(b"Type").and_then(Object::as_name),
                    Ok(b"FontDescriptor")
                )
            {
                descriptors += 1;
                assert!(
                    dict.has(b"FontFile2") || dict.has(b"FontFile3"),
                    "{file}: a font is not embedded: {dict:?}"
                );
            }
        }
        assert!(descriptors >= 2, "{file}: regular and bold DejaVu Sans");

        // Text: every key figure (value, label, speaker) and every source (title, URL) of the
        // language's figures.json is there as text. Lines are wrapped and long URLs broken, so
        // spaces are ignored.
        let text = squeezed(&shown_text(&doc));
        let folder = file.trim_end_matches("factsheet.pdf");
        let data: Value = serde_json::from_str(
            &fs::read_to_string(public.join(folder).join("figures.json")).expect("figures.json"),
        )
        .expect("json");
        let figures = data["figures"].as_array().expect("figures");
        assert_eq!(figures.len(), 5);
        for figure in figures {
            for field in ["value", "label", "said_by", "source_url"] {
                let wanted = figure[field].as_str().expect(field);
                assert!(
                    text.contains(&squeezed(wanted)),
                    "{file}: {field} `{wanted}` is not in the text of the PDF"
                );
            }
        }
        assert!(text.contains(&squeezed(
            "Over 15mln Kazakhstanis use wireless internet connection – President"
        )));
    }
    // Kazakh letters stay text too.
    let kk = squeezed(&shown_text(
        &Document::load_mem(&fs::read(public.join("kk/factsheet.pdf")).expect("kk")).expect("pdf"),
    ));
    assert!(
        kk.contains("Қазақстан") && kk.contains("Негізгісандар"),
        "{kk}"
    );
}

#[test]
fn a_handout_is_reused_until_what_it_shows_changes() {
    let site = tempfile::tempdir().expect("temp");
    common::copy_site(Path::new(env!("CARGO_MANIFEST_DIR")), site.path());
    let root = site.path().to_str().expect("utf-8").to_string();
    let build = || run_factsheet(&["build", "--root", &root], site.path());
    let first = build();
    assert!(first.success(), "{}", first.stderr);
    assert!(
        first.stdout.contains("(3 handouts: 3 drawn, 0 reused)"),
        "{}",
        first.stdout
    );
    let pdf = |file: &str| fs::read(site.path().join("public").join(file)).expect(file);
    let before: Vec<Vec<u8>> = HANDOUTS.iter().map(|(_, f)| pdf(f)).collect();

    // A body edit changes nothing the handouts show: all three are copied.
    let about = site.path().join("content/about.md");
    let text = fs::read_to_string(&about).expect("about");
    fs::write(
        &about,
        text.replace("small, fast website", "small and fast website"),
    )
    .expect("edit");
    let second = build();
    assert!(
        second.stdout.contains("(3 handouts: 0 drawn, 3 reused)"),
        "{}",
        second.stdout
    );

    // A figure's label in Russian: only the Russian handout is drawn again.
    let mamin = site.path().join("content/speakers/mamin.ru.md");
    let text = fs::read_to_string(&mamin).expect("mamin.ru");
    assert!(text.contains("охват интернетом в Казахстане"));
    fs::write(
        &mamin,
        text.replace(
            "охват интернетом в Казахстане",
            "охват интернетом по Казахстану",
        ),
    )
    .expect("edit");
    let third = build();
    assert!(
        third.stdout.contains("(3 handouts: 1 drawn, 2 reused)"),
        "{}",
        third.stdout
    );
    let after: Vec<Vec<u8>> = HANDOUTS.iter().map(|(_, f)| pdf(f)).collect();
    assert_eq!(before[0], after[0]);
    assert_ne!(before[1], after[1]);
    assert_eq!(before[2], after[2]);
    let ru = squeezed(&shown_text(&Document::load_mem(&after[1]).expect("pdf")));
    assert!(ru.contains("охватинтернетомпоКазахстану"));
}

#[test]
fn check_names_each_figure_the_handout_cannot_hold_with_its_file_and_line() {
    let site = small_site_with_a_handout();
    let root = site.root().to_str().expect("utf-8").to_string();
    let check = run_factsheet(&["check", "--root", &root], site.root());
    assert_eq!(check.code(), Some(1), "{}\n{}", check.stdout, check.stderr);
    let source = fs::read_to_string(site.root().join("content/_index.md")).expect("page");
    let value_line = |id: &str| {
        let lines: Vec<&str> = source.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.trim() == format!("- id: {id}"))
            .expect("figure");
        at + 2 // the `value:` line after `- id:`, 1-based
    };
    // The first figures fit; the last do not, and each is named with its own line.
    assert!(
        !check.stderr.contains("figure `coverage-1` (99%)"),
        "{}",
        check.stderr
    );
    for id in ["coverage-13", "coverage-14"] {
        let expected = format!(
            "content/_index.md:{}: figure `{id}` (99%) does not fit on the one-page handout factsheet.pdf",
            value_line(id)
        );
        assert!(
            check.stderr.contains(&expected),
            "{expected}\nin:\n{}",
            check.stderr
        );
    }
    assert!(
        check
            .stderr
            .contains("help: show fewer figures or quotes in templates/handout.svg")
    );
    assert!(
        check.stderr.contains("the quote of Askar Mamin"),
        "{}",
        check.stderr
    );

    // A build still writes the site (and the handout), and warns.
    let build = site.build(&[]);
    assert!(build.success(), "{}", build.stderr);
    assert!(
        build.stderr.contains("warning: content/_index.md:"),
        "{}",
        build.stderr
    );
    assert!(site.public().join("factsheet.pdf").is_file());
}

#[test]
fn a_site_without_the_template_has_no_handout() {
    let site = TestSite::fixture("basic");
    let run = site.build_ok(&[]);
    assert!(!run.stdout.contains("handout"), "{}", run.stdout);
    assert!(!site.public().join("factsheet.pdf").exists());
}

/// The overflow fixture with the repository's handout template and strings: a site with a
/// handout and no preview images, quick to build.
fn small_site_with_a_handout() -> TestSite {
    let site = TestSite::fixture("handout-overflow");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in ["templates/handout.svg", "i18n/en.yaml"] {
        site.write(file, &fs::read_to_string(repo.join(file)).expect(file));
    }
    site
}

/// `serve` writes what `build` writes after edits that change the handout (its template, the
/// figures it shows) and edits that do not (another template, a body).
#[test]
fn serve_keeps_the_handout_equal_to_a_fresh_build() {
    use factsheet::BuildOptions;
    use factsheet::serve::Session;
    let site = small_site_with_a_handout();
    let out = tempfile::tempdir().expect("temp");
    let out_dir = out.path().join("serve");
    let mut session = Session::new(BuildOptions::new(site.root()), out_dir.clone());
    session.build_all().expect("first build");
    let first = fs::read(out_dir.join("factsheet.pdf")).expect("a handout");
    type Edit<'a> = (&'a str, &'a dyn Fn(&str) -> String);
    let edits: [Edit; 4] = [
        ("templates/handout.svg", &|t| {
            t.replace("#0b5d7a", "#114477")
        }),
        ("templates/index.html", &|t| {
            t.replace("<h1>", "<h1 class=\"t\">")
        }),
        ("content/_index.md", &|t| {
            t.replace("fourteen times", "14 times")
        }),
        ("content/_index.md", &|t| {
            t.replace("(copy 3)", "(third copy)")
        }),
    ];
    for (file, change) in edits {
        let path = site.root().join(file);
        let text = fs::read_to_string(&path).expect(file);
        fs::write(&path, change(&text)).expect("edit");
        session
            .apply(&[std::path::PathBuf::from(file)])
            .unwrap_or_else(|e| panic!("{file}: {e:?}"));
        let fresh = tempfile::tempdir().expect("temp");
        let mut options = BuildOptions::new(site.root());
        options.output = Some(fresh.path().join("public"));
        factsheet::build(&options).expect("builds");
        let served = common::snapshot(&out_dir);
        let built = common::snapshot(&fresh.path().join("public"));
        assert_eq!(
            served.keys().collect::<Vec<_>>(),
            built.keys().collect::<Vec<_>>(),
            "after {file}"
        );
        for (name, bytes) in &built {
            assert!(served[name] == *bytes, "after {file}: {name} differs");
        }
    }
    assert_ne!(fs::read(out_dir.join("factsheet.pdf")).expect("pdf"), first);
}
