//! Property tests: arbitrary bytes and text fed to each stage never panic; every input gives
//! a page or an error. Case counts are bounded so `cargo test` stays quick.

use std::path::Path;

use factsheet::content::front_matter;
use factsheet::markdown::render_markdown;
use factsheet::{BuildOptions, facts, images, shortcodes};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Text that looks enough like a content file to reach the deeper branches.
fn content_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("---\n".to_string()),
        Just("title: ".to_string()),
        Just("figures:\n  - value: \"9%\"\n".to_string()),
        Just("weight: 1\n".to_string()),
        Just("{{ figure(id=\"a\") }}".to_string()),
        Just("{% note() %}".to_string()),
        Just("{% end %}".to_string()),
        Just("[x](@/a.md#b)".to_string()),
        Just("![](x.png)".to_string()),
        Just("\n## H\n".to_string()),
        Just("`code`".to_string()),
        Just("```\n".to_string()),
        "[ -~\t\r\n«»“”éж]{0,12}",
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|parts| parts.concat())
}

/// Text shaped like a date, with or without a time and an offset, now and then broken.
fn date_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{4}-[0-1][0-9]-[0-3][0-9]([T ][0-2][0-9]:[0-6][0-9](:[0-6][0-9](\\.[0-9]{1,3})?)?(Z|[+-][0-2][0-9]:[0-5][0-9])?)?",
        "[-0-9T: Z+.]{0,30}",
        "\\PC{0,24}",
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn front_matter_split_and_parse_never_panic(text in content_like()) {
        if let Ok(split) = front_matter::split(&text) {
            let _ = front_matter::parse(Path::new("content/x.md"), &split);
        }
    }

    #[test]
    fn markdown_never_panics(text in content_like()) {
        let rendered = render_markdown(&text, &|_| Some((1, 1)));
        prop_assert!(rendered.html.len() <= text.len() * 40 + 1024);
    }

    #[test]
    fn shortcode_expansion_never_panics(text in content_like()) {
        let mut tera = tera::Tera::new();
        tera.add_raw_template("shortcodes/note.html", "<b>{{ body | default(value='') }}</b>").expect("template");
        let _ = shortcodes::expand(&text, &tera);
    }

    /// Whatever a fenced code block holds, shortcodes leave it as written.
    #[test]
    fn shortcodes_leave_a_fenced_block_as_written(text in content_like()) {
        let fence = "`".repeat(16);
        prop_assume!(!text.contains(&fence));
        let tera = tera::Tera::new();
        let body = format!("{fence}\n{text}\n{fence}\n");
        prop_assert_eq!(shortcodes::expand(&body, &tera), Ok(body.clone()));
    }

    #[test]
    fn fact_helpers_never_panic(text in "\\PC{0,64}") {
        let _ = facts::numbers_in(&text);
        let _ = facts::normalize(&text);
        let _ = facts::item_field_line(&text, "figures", 1, "quote");
    }

    #[test]
    fn date_parsing_and_yaml_locating_never_panic(text in date_like(), yaml in content_like()) {
        if let Ok(date) = factsheet::date::Date::parse(&text) {
            prop_assert_eq!(factsheet::date::Date::parse(&date.to_string()), Ok(date.clone()));
            prop_assert!(date.to_rfc3339().len() >= 20);
        }
        use factsheet::yaml::Segment::{Index, Key};
        let _ = factsheet::yaml::line_of(&yaml, &[Key("figures"), Index(1), Key("quote")]);
        let _ = factsheet::yaml::line_of(&text, &[Key("a"), Key("b")]);
    }

    #[test]
    fn image_sizes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = images::image_size(&bytes);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(&bytes);
        let _ = images::image_size(&png);
        let mut jpeg = vec![0xFF, 0xD8];
        jpeg.extend(&bytes);
        let _ = images::image_size(&jpeg);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..config() })]

    /// The whole pipeline, in memory: arbitrary bytes as a content file give an error or a page.
    #[test]
    fn whole_build_gives_a_page_or_an_error(bytes in proptest::collection::vec(any::<u8>(), 0..400), text in content_like()) {
        let site = tempfile::tempdir().expect("temp");
        let root = site.path();
        std::fs::create_dir_all(root.join("content")).expect("mkdir");
        std::fs::create_dir_all(root.join("templates/shortcodes")).expect("mkdir");
        std::fs::write(root.join("site.yaml"), "title: T\nsources:\n  - id: s\n    publisher: P\n    title: T\n    date: 2021-01-01\n    url: https://p.example/\n").expect("write");
        for name in ["index.html", "section.html", "page.html"] {
            std::fs::write(root.join("templates").join(name), "<h1>{% if page is defined %}{{ page.title }}{{ page.content | safe }}{% else %}{{ section.title }}{% endif %}</h1>").expect("write");
        }
        std::fs::write(root.join("templates/shortcodes/note.html"), "<i>{{ body | default(value='') }}</i>").expect("write");
        std::fs::write(root.join("content/bytes.md"), &bytes).expect("write");
        std::fs::write(root.join("content/text.md"), &text).expect("write");
        let report = factsheet::check(&BuildOptions::new(root));
        prop_assert!(report.pages > 0 || !report.errors.is_empty());
    }
}
