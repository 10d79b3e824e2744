//! Property tests: arbitrary bytes and text fed to each stage never panic; every input gives
//! a page or an error. Case counts are bounded so `cargo test` stays quick.

use std::path::Path;

use factsheet::content::front_matter;
use factsheet::markdown::{Words, render_markdown};
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
        let rendered = render_markdown(&text, &|_| Ok(Some((1, 1))), Words::Counted);
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

/// A value as it may stand after `key: ` in site.yaml: right, wrong, empty, odd.
fn yaml_scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "https://example.org/",
            "http://localhost:8080/x",
            "http://",
            "https//x",
            "javascript:alert(1)",
            "\"https://exa mple.org/\"",
            "/",
            "/sub/",
            "//cdn.example/",
            "digital-almaty/",
            "/notes/",
            "/notes",
            "/notes/a/",
            "/nowhere/",
            "\"@/notes/a.md\"",
            "/css/site.css",
            "/atom.xml",
            "en",
            "en_US",
            "kk-KZ",
            "2021-02-05",
            "2021-02-30",
            "2021-02-05 10:00",
            "facts.example.org",
            "https://facts.example.org/",
            "sources/a.txt",
            "sources/missing.txt",
            "../../etc/passwd",
            "content/notes/a.md",
            "main",
            "my branch",
            "\"\"",
            "~",
            "[]",
            "{}",
            "[a, b]",
            "{a: 1}",
            "1",
            "true",
            "|\n  block text",
            "\"\\t\"",
            "'it''s'",
            "&anchor x",
            "*anchor",
            "!tag x",
            "# just a comment",
        ])
        .prop_map(str::to_string),
        "[a-zA-Z0-9 :/._@#?%-]{0,16}",
        "\\PC{0,12}",
    ]
}

/// The keys site.yaml knows, at the top and inside entries, and a few it does not.
fn yaml_key() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "title",
        "description",
        "base_url",
        "language",
        "nav",
        "sources",
        "author",
        "repository_url",
        "repository_branch",
        "event",
        "cname",
        "extra",
        "path",
        "id",
        "publisher",
        "date",
        "url",
        "file",
        "name",
        "start_date",
        "end_date",
        "location",
        "colour",
        "\"quoted key\"",
    ])
    .prop_map(str::to_string)
}

/// A site.yaml put together from keys and values: scalars, lists of maps, maps, now and then
/// indented wrongly or with a tab.
fn site_yaml_like() -> impl Strategy<Value = String> {
    let map = || proptest::collection::vec((yaml_key(), yaml_scalar()), 0..6);
    let entry = prop_oneof![
        (yaml_key(), yaml_scalar()).prop_map(|(k, v)| format!("{k}: {v}\n")),
        (yaml_key(), proptest::collection::vec(map(), 0..4)).prop_map(|(k, items)| {
            let mut text = format!("{k}:\n");
            for item in items {
                for (index, (key, value)) in item.iter().enumerate() {
                    let lead = if index == 0 { "  - " } else { "    " };
                    text.push_str(&format!("{lead}{key}: {value}\n"));
                }
                if item.is_empty() {
                    text.push_str("  -\n");
                }
            }
            text
        }),
        (yaml_key(), map()).prop_map(|(k, fields)| {
            let mut text = format!("{k}:\n");
            for (key, value) in fields {
                text.push_str(&format!("  {key}: {value}\n"));
            }
            text
        }),
        prop::sample::select(vec![
            "\n",
            "# comment\n",
            "---\n",
            " bad: indent\n",
            "\tx: 1\n"
        ])
        .prop_map(str::to_string),
    ];
    (any::<bool>(), proptest::collection::vec(entry, 0..10)).prop_map(|(titled, entries)| {
        let mut text = if titled {
            "title: T\n".to_string()
        } else {
            String::new()
        };
        text.push_str(&entries.concat());
        text
    })
}

/// A good site.yaml with one value line replaced by `value` (or `value` added as a line).
fn site_yaml_mutated() -> impl Strategy<Value = String> {
    const GOOD: &str = "title: T\nbase_url: https://example.org/sub/\nlanguage: en\ncname: facts.example.org\nrepository_url: https://github.com/o/r\nnav:\n  - title: Home\n    path: /\n  - title: Notes\n    path: /notes/\n  - title: A\n    path: /notes/a/\nsources:\n  - id: s\n    publisher: P\n    title: T\n    date: 2021-01-01\n    url: https://p.example/\n    file: sources/a.txt\nevent:\n  name: E\n  start_date: 2021-02-05\n  end_date: 2021-02-06\n  location: L\n";
    let lines = GOOD.lines().count();
    (0..=lines, yaml_scalar(), any::<bool>()).prop_map(|(at, value, replace)| {
        let mut lines: Vec<String> = GOOD.lines().map(str::to_string).collect();
        match lines.get_mut(at) {
            Some(line) if replace => {
                let key_end = line.find(": ").map_or(line.len(), |i| i + 2);
                line.replace_range(key_end.., &value);
            }
            _ => lines.insert(at.min(lines.len()), value),
        }
        lines.join("\n") + "\n"
    })
}

/// Builds (in memory) a small site with `yaml` as its site.yaml: the build succeeds with pages,
/// or every problem of site.yaml is an error with a line inside the file and a help line.
fn check_site_yaml(yaml: &str) -> Result<(), TestCaseError> {
    let site = tempfile::tempdir().expect("temp");
    let root = site.path();
    for (file, text) in [
        ("site.yaml", yaml),
        ("content/_index.md", "---\ntitle: Home\n---\nHi.\n"),
        ("content/notes/_index.md", "---\ntitle: Notes\n---\n"),
        ("content/notes/a.md", "---\ntitle: A\n---\nA.\n"),
        ("sources/a.txt", "The text of the source.\n"),
        ("static/css/site.css", "p { margin: 0; }\n"),
        (
            "templates/page.html",
            "<html lang=\"{{ site.language }}\"><title>{{ site.title }}</title><nav>{% for item in site.nav %}<a href=\"{{ url(path=item.path) }}\">{{ item.title }}</a>{% endfor %}</nav><h1>{% if page is defined %}{{ page.title }}{% else %}{{ section.title }}{% endif %}</h1></html>",
        ),
    ] {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    for name in ["index.html", "section.html"] {
        std::fs::copy(
            root.join("templates/page.html"),
            root.join("templates").join(name),
        )
        .expect("copy");
    }
    let report = factsheet::check(&BuildOptions::new(root));
    if report.errors.is_empty() {
        prop_assert!(report.pages > 0);
    }
    let lines = yaml.lines().count().max(1);
    for error in &report.errors {
        let text = error.to_string();
        let _ = error.report(root);
        if text.starts_with("site.yaml") {
            let (_, line, _) = error.location().expect("a site.yaml error has a line");
            prop_assert!(
                line >= 1 && line <= lines + 1,
                "line {line} of {lines}: {text}"
            );
            prop_assert!(text.contains("\n  help: "), "no help: {text}");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..config() })]

    #[test]
    fn generated_site_yaml_builds_or_fails_with_a_line(yaml in site_yaml_like()) {
        check_site_yaml(&yaml)?;
    }

    #[test]
    fn a_good_site_yaml_with_one_odd_value_builds_or_fails_with_a_line(yaml in site_yaml_mutated()) {
        check_site_yaml(&yaml)?;
    }

    #[test]
    fn arbitrary_text_as_site_yaml_builds_or_fails_with_a_line(yaml in "\\PC{0,200}") {
        check_site_yaml(&yaml)?;
    }
}
