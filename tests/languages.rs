//! A site in three languages (`tests/fixtures/multilingual`): English at the root, Russian
//! under `/ru/`, Kazakh declared with no pages yet. Translations share their original's figures
//! and quotes, and the build stops, with the file and line, when a translation changes a fact.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{Run, TestSite};

fn built() -> TestSite {
    let site = TestSite::fixture("multilingual");
    site.build_ok(&[]);
    site
}

/// Builds the fixture, breaks it with `breakage`, and checks that the build fails with exit
/// code 1, leaving the previous output as it was.
fn broken(breakage: impl FnOnce(&TestSite)) -> Run {
    common::break_fixture_and_rebuild("multilingual", &[], breakage)
}

#[test]
fn each_language_has_its_pages_lang_and_menu() {
    let site = built();
    let en = site.read_output("speakers/minister/index.html");
    let ru = site.read_output("ru/speakers/minister/index.html");
    assert!(en.contains(r#"<html lang="en">"#), "{en}");
    assert!(ru.contains(r#"<html lang="ru">"#), "{ru}");
    assert!(ru.contains("<title>Министр · Факты форума</title>"), "{ru}");
    // The menu in Russian, pointing at the Russian pages.
    assert!(
        ru.contains(r#"<a href="/facts/ru/speakers/">Выступающие</a>"#),
        "{ru}"
    );
    // The Russian home lists the Russian section, not the English tree.
    let home = site.read_output("ru/index.html");
    assert!(home.contains(r#"href="/facts/ru/speakers/""#), "{home}");
    assert!(!home.contains(r#"href="/facts/speakers/""#), "{home}");
}

#[test]
fn alternates_and_the_switcher_point_only_at_pages_that_exist() {
    let site = built();
    let ru = site.read_output("ru/speakers/minister/index.html");
    for (lang, href) in [
        ("en", "https://example.org/facts/speakers/minister/"),
        ("ru", "https://example.org/facts/ru/speakers/minister/"),
        ("x-default", "https://example.org/facts/speakers/minister/"),
    ] {
        let link = format!(r#"<link rel="alternate" hreflang="{lang}" href="{href}">"#);
        assert!(ru.contains(&link), "{link} in {ru}");
    }
    // No Kazakh version exists: no alternate, no switcher entry, never a 404.
    assert!(!ru.contains(r#"hreflang="kk""#), "{ru}");
    // A page in one language has no alternates at all.
    let about = site.read_output("about/index.html");
    assert!(!about.contains("hreflang"), "{about}");
    let broken = common::broken_links(&site.public(), "/facts/", "https://example.org/facts/");
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn the_sitemap_lists_every_version_of_a_page() {
    let site = built();
    let sitemap = site.read_output("sitemap.xml");
    let document = roxmltree::Document::parse(&sitemap).expect("the sitemap parses");
    let xhtml = "http://www.w3.org/1999/xhtml";
    let mut alternates: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for url in document.descendants().filter(|n| n.has_tag_name("url")) {
        let loc = url
            .children()
            .find(|n| n.has_tag_name("loc"))
            .and_then(|n| n.text())
            .expect("loc")
            .to_string();
        let links = url
            .children()
            .filter(|n| n.has_tag_name((xhtml, "link")))
            .map(|n| {
                let attribute = |name| n.attribute(name).unwrap_or_default().to_string();
                (attribute("hreflang"), attribute("href"))
            })
            .collect();
        alternates.insert(loc, links);
    }
    let minister = &alternates["https://example.org/facts/ru/speakers/minister/"];
    assert_eq!(minister.len(), 3, "{minister:?}");
    for (_, href) in alternates.values().flatten() {
        let path = href.trim_start_matches("https://example.org/facts/");
        assert!(
            site.public().join(path).join("index.html").is_file(),
            "{href} has no page"
        );
    }
    assert!(alternates["https://example.org/facts/about/"].is_empty());
}

#[test]
fn each_language_has_its_feed_and_open_data() {
    let site = built();
    let feed = site.read_output("ru/atom.xml");
    let document = roxmltree::Document::parse(&feed).expect("the feed parses");
    let root = document.root_element();
    assert_eq!(
        root.attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
        Some("ru")
    );
    let entries: Vec<&str> = document
        .descendants()
        .filter(|n| n.has_tag_name("id") && n.parent().is_some_and(|p| p.has_tag_name("entry")))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(
        entries,
        [
            "https://example.org/facts/ru/speakers/minister/",
            "https://example.org/facts/ru/speakers/deputy/"
        ]
    );
    let english = site.read_output("atom.xml");
    assert!(!english.contains("/ru/"), "{english}");
    let json = site.read_output("ru/figures.json");
    assert!(json.contains("охват интернетом"), "{json}");
    assert!(
        json.contains("Coverage in the country now is 99%"),
        "{json}"
    );
}

#[test]
fn figures_quotes_links_and_dates_follow_the_language() {
    let site = built();
    let ru = site.read_output("ru/speakers/minister/index.html");
    // The shortcode shows the Russian value; the card shows the translated label.
    assert!(
        ru.contains(r#"<strong class="inline">99%</strong>"#),
        "{ru}"
    );
    assert!(
        ru.contains("<b>более 1 000</b> станций построено в 2020 году"),
        "{ru}"
    );
    // The source and the speaker's exact English words come from the original.
    assert!(
        ru.contains(r#"<q lang="en">Over 1,000 stations were built in 2020.</q> Example News"#),
        "{ru}"
    );
    // A quote: the exact words in English, the translation beside them, labelled.
    assert!(
        ru.contains(r#"<blockquote lang="en">We will keep going.</blockquote><p class="translation">Перевод редакции: Мы продолжим.</p>"#),
        "{ru}"
    );
    // `@/` links go to the page in the same language.
    assert!(ru.contains(r#"href="/facts/ru/speakers/deputy/""#), "{ru}");
    // The date in Russian; date and weight come from the original.
    assert!(ru.contains("Обновлено: 5 февраля 2021 г."), "{ru}");
    let listing = site.read_output("ru/speakers/index.html");
    let minister = listing.find("Министр").expect("listed");
    let deputy = listing.find("Заместитель").expect("listed");
    assert!(minister < deputy, "weight order kept: {listing}");
}

#[test]
fn check_lists_pages_without_a_translation() {
    let site = built();
    let run = common::run_factsheet(
        &["check", "--root", site.root().to_str().expect("utf-8")],
        site.root(),
    );
    assert!(
        run.stderr
            .contains("content/about.md: has no translation into ru, kk"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_translation_that_changes_a_number_is_refused_with_its_line() {
    let run = broken(|site| {
        site.edit(
            "content/speakers/minister.ru.md",
            r#"value: "99%""#,
            r#"value: "98 %""#,
        )
    });
    assert!(
        run.stderr.contains(
            r#"content/speakers/minister.ru.md:5: figure `coverage`: "98 %" states 98, but the original "99%" states 99"#
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn thousands_and_decimals_written_the_language_way_are_the_same_number() {
    assert_eq!(factsheet::facts::stated_numbers("1,000+"), [1000.0]);
    assert_eq!(factsheet::facts::stated_numbers("более 1 000"), [1000.0]);
    assert_eq!(factsheet::facts::stated_numbers("1\u{a0}000"), [1000.0]);
    assert_eq!(factsheet::facts::stated_numbers("$3.9 trillion"), [3.9]);
    assert_eq!(factsheet::facts::stated_numbers("3,9 трлн"), [3.9]);
    assert_eq!(factsheet::facts::stated_numbers("98 %"), [98.0]);
    assert_eq!(factsheet::facts::stated_numbers("20 thousand km"), [20.0]);
}

#[test]
fn a_translation_that_drops_a_figure_is_refused() {
    let run = broken(|site| {
        site.edit("content/speakers/minister.ru.md",
            "  - id: stations\n    value: \"более 1 000\"\n    label: станций построено в 2020 году\n    said_by: Министр\n",
            "",
        )
    });
    assert!(
        run.stderr.contains("content/speakers/minister.ru.md:3: figure `stations` of content/speakers/minister.md is missing"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_translation_that_adds_a_figure_is_refused() {
    let run = broken(|site| {
        site.edit("content/speakers/minister.ru.md",
            "quotes:",
            "  - id: invented\n    value: \"5\"\n    label: придумано\n    said_by: Министр\nquotes:",
        )
    });
    assert!(
        run.stderr.contains("content/speakers/minister.ru.md:12: figure `invented` is not in content/speakers/minister.md: a translation cannot add a figure"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_translation_that_cites_another_source_is_refused() {
    let run = broken(|site| {
        site.edit(
            "content/speakers/minister.ru.md",
            "    label: охват интернетом\n",
            "    label: охват интернетом\n    source: elsewhere\n",
        )
    });
    assert!(
        run.stderr.contains("content/speakers/minister.ru.md:7: figure `coverage` cites `elsewhere`, but content/speakers/minister.md cites `report`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_translated_quote_given_as_exact_words_is_refused() {
    let run = broken(|site| {
        site.edit(
            "content/speakers/minister.ru.md",
            "  - said_by: Министр\n    translation:",
            "  - said_by: Министр\n    text: \"Мы продолжим.\"\n    translation:",
        )
    });
    assert!(
        run.stderr.contains("content/speakers/minister.ru.md:14: quote 1 gives other words than the speaker's in content/speakers/minister.md: a translation is never someone's exact words"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_missing_interface_string_is_refused_with_its_file_and_key() {
    let run = broken(|site| site.edit("i18n/ru.yaml", "updated: Обновлено\n", ""));
    assert!(
        run.stderr
            .contains("i18n/ru.yaml:1: the string `updated` is missing"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_translation_without_its_original_is_refused() {
    let run = broken(|site| site.write("content/news.ru.md", "---\ntitle: Новости\n---\n"));
    assert!(
        run.stderr
            .contains("content/news.ru.md: translates content/news.md, which does not exist"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_site_without_languages_is_unchanged() {
    let site = TestSite::fixture("basic");
    site.build_ok(&[]);
    assert!(!Path::new(&site.public().join("en")).exists());
    let sitemap = site.read_output("sitemap.xml");
    assert!(!sitemap.contains("xhtml"), "{sitemap}");
}

#[test]
fn an_original_figure_without_its_source_is_refused() {
    let run = broken(|site| {
        site.edit(
            "content/speakers/minister.md",
            "    source: report\n    quote: \"Coverage",
            "    quote: \"Coverage",
        )
    });
    assert!(
        run.stderr
            .contains("content/speakers/minister.md:9: the `source` of figure \"99%\" is missing"),
        "{}",
        run.stderr
    );
}

/// The preview images are drawn with the bundled fonts: every letter of Russian and Kazakh must
/// have a glyph there, or the image would show empty boxes.
#[test]
fn the_bundled_fonts_have_every_kazakh_and_russian_letter() {
    let letters = "абвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюяә";
    let all: String = letters
        .chars()
        .chain(letters.chars().flat_map(char::to_uppercase))
        .collect();
    for font in ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"] {
        let bytes = std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("assets/fonts")
                .join(font),
        )
        .expect("font");
        let face = ttf_parser::Face::parse(&bytes, 0).expect("a font");
        let missing: String = all
            .chars()
            .filter(|c| face.glyph_index(*c).is_none())
            .collect();
        assert!(missing.is_empty(), "{font} has no glyph for {missing}");
    }
}

#[test]
fn preview_images_draw_kazakh_text() {
    let image = factsheet::social::og_image(
        "Министр",
        "Форум деректері",
        Some(factsheet::social::KeyFigure {
            value: "99%",
            label: "Интернетпен қамту",
            cite: "— Example News, 2021 жылғы 5 ақпан".into(),
        }),
        "Үш тілдегі деректер.",
    );
    assert!(image.svg.contains("Интернетпен қамту"), "{}", image.svg);
    let png = factsheet::social::render_png(&image.svg).expect("drawn");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
}

/// `factsheet init`'s starter becomes bilingual by listing the languages and adding a file.
#[test]
fn the_starter_site_takes_a_second_language() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    let root_arg = root.to_str().expect("utf-8").to_string();
    let run = common::run_factsheet(&["init", &root_arg], dir.path());
    assert!(run.success(), "{}", run.stderr);
    let config = std::fs::read_to_string(root.join("site.yaml")).expect("site.yaml");
    let config = config.replace(
        "language: en\n",
        "languages:\n  - code: en\n    name: English\n    default: true\n  - code: ru\n    name: Русский\n    title: Мои факты\n",
    );
    std::fs::write(root.join("site.yaml"), config).expect("write");
    std::fs::write(
        root.join("content/about.ru.md"),
        "---\ntitle: О сайте\n---\nСайт с фактами.\n",
    )
    .expect("write");
    let run = common::run_factsheet(&["build", "--root", &root_arg], dir.path());
    assert!(run.success(), "{}", run.stderr);
    let about = std::fs::read_to_string(root.join("public/ru/about/index.html")).expect("built");
    assert!(about.contains(r#"<html lang="ru">"#), "{about}");
    assert!(about.contains(r#"hreflang="en""#), "{about}");
    assert!(
        about.contains(r#"<span lang="ru" aria-current="true">Русский</span>"#),
        "{about}"
    );
}

#[test]
fn an_original_that_fails_to_load_is_reported_once_not_as_missing() {
    let run = broken(|site| {
        site.edit(
            "content/speakers/minister.md",
            "title: The minister",
            "title: The minister\ntitle: Twice",
        )
    });
    assert!(
        run.stderr.contains("content/speakers/minister.md"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("which does not exist"),
        "{}",
        run.stderr
    );
}
