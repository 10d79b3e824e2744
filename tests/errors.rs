//! Bad input fails with the file, the line and a fix, exits non-zero, and leaves the output of
//! the last good build exactly as it was.

mod common;

use common::{TestSite, break_and_rebuild, snapshot};

#[test]
fn a_page_failing_after_others_were_written_leaves_the_output_as_it_was() {
    // The pages before it in the render are already in the staging folder when it fails.
    let run = break_and_rebuild(|site| {
        site.write(
            "content/notes/zz-last.md",
            "---\ntitle: Last\ntemplate: missing.html\n---\nBody.\n",
        )
    });
    assert!(
        run.stderr.contains("content/notes/zz-last.md"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("missing.html"), "{}", run.stderr);
}

#[test]
fn broken_internal_links_fail_once_each_with_their_lines() {
    // The basic fixture's templates read no other page's body: its pages are rendered and
    // written in one pass each, and the anchors checked once every page's headings are known.
    let run = break_and_rebuild(|site| {
        site.write(
            "content/notes/beta.md",
            "---\ntitle: Beta\nweight: 1\n---\n## Here\n\nSee [alpha](@/notes/alpha.md#no-such-heading).\n\nAnd [gone](@/notes/gone.md).\n\nAnd [here](@/notes/beta.md#here).\n",
        )
    });
    let anchor = "content/notes/beta.md:7: link `@/notes/alpha.md#no-such-heading`";
    let missing =
        "content/notes/beta.md:9: link `@/notes/gone.md`: there is no file content/notes/gone.md";
    for expected in [anchor, missing] {
        assert_eq!(
            run.stderr.matches(expected).count(),
            1,
            "{expected}:\n{}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains("beta.md#here"), "{}", run.stderr);
}

#[test]
fn broken_yaml_fails_with_the_line_in_the_file() {
    let run = break_and_rebuild(|site| {
        site.write(
            "content/notes/beta.md",
            "---\ntitle: Beta\nweight: 1\ndescription: \"never closed\n---\nBody.\n",
        )
    });
    // The quote opens on line 4 of the file (line 3 of the YAML block).
    assert!(
        run.stderr.contains("content/notes/beta.md:4:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("quotes are closed"), "{}", run.stderr);
}

#[test]
fn bad_indentation_line_counts_from_the_top_of_the_file() {
    let run = break_and_rebuild(|site| {
        site.write(
            "content/notes/beta.md",
            "---\ntitle: Beta\n  weight: 1\n---\nBody.\n",
        )
    });
    assert!(
        run.stderr.contains("content/notes/beta.md:3:"),
        "{}",
        run.stderr
    );
}

#[test]
fn tab_indentation_is_explained() {
    let run = break_and_rebuild(|site| {
        site.write(
            "content/notes/beta.md",
            "---\ntitle: Beta\n\tweight: 1\n---\nBody.\n",
        )
    });
    assert!(
        run.stderr.contains("content/notes/beta.md:3:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("indent with spaces"), "{}", run.stderr);
}

#[test]
fn wrong_type_names_the_key_and_line() {
    let run = break_and_rebuild(|site| {
        site.write(
            "content/notes/beta.md",
            "---\ntitle: Beta\nweight: heavy\n---\nBody.\n",
        )
    });
    assert!(
        run.stderr.contains("content/notes/beta.md:3:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("weight") && run.stderr.contains("whole number"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_date_names_the_line_and_the_format() {
    let run = break_and_rebuild(|site| {
        site.write(
            "content/notes/gamma.md",
            "---\ntitle: Gamma\ndate: 5 February 2021\n---\nx\n",
        )
    });
    assert!(
        run.stderr
            .contains("content/notes/gamma.md:3: `date: 5 February 2021` is not a date"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("YYYY-MM-DD"), "{}", run.stderr);
}

#[test]
fn unknown_front_matter_key_is_named_with_the_known_ones() {
    let run = break_and_rebuild(|site| {
        site.write(
            "content/notes/gamma.md",
            "---\ntitle: Gamma\nsubtitel: x\n---\nx\n",
        )
    });
    assert!(
        run.stderr
            .contains("content/notes/gamma.md:3: unknown key `subtitel`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("known keys are title, description, date"),
        "{}",
        run.stderr
    );
}

#[test]
fn misspelt_key_gets_a_suggestion() {
    let run = break_and_rebuild(|site| {
        site.write("content/notes/gamma.md", "---\ntitel: Gamma\n---\nx\n")
    });
    assert!(
        run.stderr.contains("did you mean `title`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn unterminated_front_matter_points_at_the_opening_fence() {
    let run = break_and_rebuild(|site| {
        site.write(
            "content/notes/gamma.md",
            "---\ntitle: Gamma\nNo closing fence.\n",
        )
    });
    assert!(
        run.stderr
            .contains("content/notes/gamma.md:1: front matter opened with `---` is never closed"),
        "{}",
        run.stderr
    );
}

#[test]
fn page_without_title_is_refused() {
    let run = break_and_rebuild(|site| site.write("content/notes/empty.md", ""));
    assert!(
        run.stderr
            .contains("content/notes/empty.md:1: the page `title` is missing"),
        "{}",
        run.stderr
    );
}

#[test]
fn non_utf8_file_names_the_line() {
    let run = break_and_rebuild(|site| {
        let path = site.root().join("content/notes/latin1.md");
        std::fs::write(path, b"---\ntitle: Caf\xe9\n---\n").expect("write");
    });
    assert!(
        run.stderr
            .contains("content/notes/latin1.md:2: the file is not valid UTF-8"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_template_is_named() {
    let run = break_and_rebuild(|site| site.remove("templates/section.html"));
    assert!(
        run.stderr
            .contains("content/notes/_index.md: template `section.html` not found in templates/"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("create templates/section.html"),
        "{}",
        run.stderr
    );
}

#[test]
fn template_asked_for_in_front_matter_must_exist() {
    let run = break_and_rebuild(|site| {
        site.write(
            "content/notes/gamma.md",
            "---\ntitle: Gamma\ntemplate: fancy.html\n---\nx\n",
        )
    });
    assert!(
        run.stderr
            .contains("content/notes/gamma.md: template `fancy.html` not found"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("use one of: base.html, index.html, page.html, section.html"),
        "{}",
        run.stderr
    );
}

#[test]
fn template_syntax_error_names_template_and_line() {
    let run = break_and_rebuild(|site| {
        site.write(
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.title }</h1>\n{% endblock content %}\n",
        )
    });
    assert!(
        run.stderr.contains("templates/page.html:3:"),
        "{}",
        run.stderr
    );
}

#[test]
fn undefined_template_variable_is_reported_once_with_the_page() {
    let run = break_and_rebuild(|site| {
        site.write(
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}{{ page.titel }}{% endblock content %}\n",
        )
    });
    assert!(
        run.stderr.contains("`titel` is not defined"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("templates/page.html:2:"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("is not defined").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("(and 5 more pages)"), "{}", run.stderr);
}

#[test]
fn every_broken_file_is_reported_in_one_run() {
    let run = break_and_rebuild(|site| {
        site.write(
            "content/notes/beta.md",
            "---\ntitle: Beta\nweight: x\n---\n",
        );
        site.write(
            "content/notes/gamma.md",
            "---\ntitle: Gamma\ncolour: red\n---\n",
        );
        site.write(
            "content/notes/delta.md",
            "---\ntitle: Delta\ntemplate: nope.html\n---\n",
        );
    });
    for file in ["beta.md:3", "gamma.md:3", "delta.md: template `nope.html`"] {
        assert!(
            run.stderr.contains(file),
            "{file} missing from:\n{}",
            run.stderr
        );
    }
    assert!(
        run.stderr.contains("Build failed with 3 errors"),
        "{}",
        run.stderr
    );
}

#[test]
fn two_files_with_one_url_are_refused() {
    let run = break_and_rebuild(|site| {
        site.write(
            "content/notes/alpha/index.md",
            "---\ntitle: Alpha again\n---\n",
        )
    });
    assert!(
        run.stderr.contains("maps to URL `/notes/alpha/`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("content/notes/alpha.md"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_site_yaml_names_the_line() {
    let run = break_and_rebuild(|site| {
        site.write("site.yaml", "title: Fixture\nbase_url: https://example.org/\nnav:\n  - title: Notes\n    path: /notes/\n    colour: red\n")
    });
    assert!(
        run.stderr.contains("site.yaml:6: unknown key `colour`"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_base_url_is_refused() {
    let run = break_and_rebuild(|site| {
        site.write("site.yaml", "title: Fixture\nbase_url: example.org/sub\n")
    });
    assert!(
        run.stderr
            .contains("site.yaml:2: base_url `example.org/sub` must start with"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_folder_not_made_by_factsheet_is_not_replaced() {
    let site = TestSite::fixture("basic");
    site.write("public/keep-me.txt", "precious");
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr.contains("was not made by factsheet"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(site.read_output("keep-me.txt"), "precious");

    site.build_ok(&["--force"]);
    assert!(!site.public().join("keep-me.txt").exists());
}

#[test]
fn output_over_the_site_or_its_sources_is_refused() {
    let site = TestSite::fixture("basic");
    for output in [".", "content", "templates/out", ".."] {
        let before = snapshot(site.root());
        let run = site.build(&["--output", output, "--force"]);
        assert_eq!(run.code(), Some(1), "--output {output}: {}", run.stdout);
        assert!(
            run.stderr.contains("help: choose"),
            "{output}: {}",
            run.stderr
        );
        assert_eq!(
            before,
            snapshot(site.root()),
            "--output {output} changed the site"
        );
    }
}

#[test]
fn usage_errors_exit_with_code_2() {
    let site = TestSite::fixture("basic");
    let run = site.build(&["--no-such-flag"]);
    assert_eq!(run.code(), Some(2), "{}", run.stderr);
}

#[test]
fn front_matter_that_is_not_a_map_is_explained() {
    let run = break_and_rebuild(|site| {
        site.write("content/notes/beta.md", "---\n- a\n- b\n---\nBody.\n")
    });
    assert!(
        run.stderr.contains("content/notes/beta.md:2:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("front matter must be `key: value` lines"),
        "{}",
        run.stderr
    );
}

#[test]
fn wrong_types_for_draft_and_date_name_the_line() {
    let run = break_and_rebuild(|site| {
        site.write(
            "content/notes/beta.md",
            "---\ntitle: Beta\ndraft: yes\n---\n",
        );
        site.write(
            "content/notes/gamma.md",
            "---\ntitle: Gamma\ndate: 2021\n---\n",
        );
    });
    assert!(run.stderr.contains("content/notes/beta.md:3:8: invalid YAML: draft: invalid type: string \"yes\", expected a boolean"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("content/notes/gamma.md:3: `date: 2021` is not a date"),
        "{}",
        run.stderr
    );
}

#[test]
fn errors_quote_the_line_with_a_caret() {
    let run = break_and_rebuild(|site| {
        site.write(
            "content/notes/beta.md",
            "---\ntitle: Beta\nweight: heavy\n---\n",
        )
    });
    assert!(
        run.stderr
            .contains("  |\n3 | weight: heavy\n  |         ^\n"),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn symlinks_are_refused_and_never_read() {
    let outside = tempfile::tempdir().expect("temp");
    let secret = outside.path().join("secret.md");
    std::fs::write(&secret, "---\ntitle: SECRET-TEXT\n---\n").expect("write");
    let run = break_and_rebuild(|site| {
        let content = site.root().join("content");
        std::os::unix::fs::symlink(&secret, content.join("notes/linked.md")).expect("symlink");
        std::os::unix::fs::symlink(outside.path(), content.join("elsewhere")).expect("symlink");
        std::os::unix::fs::symlink(content.join("notes"), content.join("notes/loop"))
            .expect("symlink");
    });
    for path in [
        "content/notes/linked.md",
        "content/elsewhere",
        "content/notes/loop",
    ] {
        assert!(
            run.stderr.contains(&format!(
                "{path}: is a symbolic link, which factsheet does not follow"
            )),
            "{path}: {}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains("SECRET-TEXT"), "{}", run.stderr);
}

#[test]
fn missing_content_folder_is_named() {
    let run =
        break_and_rebuild(|site| std::fs::remove_dir_all(site.root().join("content")).expect("rm"));
    assert!(
        run.stderr.contains("content: cannot read"),
        "{}",
        run.stderr
    );
}

#[test]
fn site_yaml_without_title_or_as_a_list_is_explained() {
    let run = break_and_rebuild(|site| site.write("site.yaml", "base_url: /\n"));
    assert!(
        run.stderr.contains("site.yaml:1: `title` is missing"),
        "{}",
        run.stderr
    );
    let run = break_and_rebuild(|site| site.write("site.yaml", "- title: x\n"));
    assert!(
        run.stderr
            .contains("site.yaml:1:1: site.yaml must be `key: value` lines"),
        "{}",
        run.stderr
    );
}

#[test]
fn html_in_titles_is_escaped() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/notes/html.md",
        "---\ntitle: \"<script>alert(1)</script> & more\"\n---\nText.\n",
    );
    site.build_ok(&[]);
    let page = site.read_output("notes/html/index.html");
    assert!(
        page.contains("<title>&lt;script&gt;alert(1)&lt;&#x2f;script&gt; &amp; more</title>")
            || page.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</title>"),
        "{page}"
    );
    assert!(!page.contains("<script>"), "{page}");
}

#[test]
fn huge_and_deeply_nested_markdown_builds() {
    let site = TestSite::fixture("basic");
    let paragraph = "Figures and sources, quoted and checked, line after line of text. ".repeat(16);
    let mut big = String::from("---\ntitle: Big\n---\n");
    while big.len() < 20 * 1024 * 1024 {
        big.push_str("## Part\n\n");
        big.push_str(&paragraph);
        big.push_str("\n\n");
    }
    site.write("content/notes/big.md", &big);
    let deep = format!(
        "---\ntitle: Deep\n---\n{}deep\n\n{}x\n\n{}x{}\n",
        "> ".repeat(10_000),
        "- ".repeat(10_000),
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    site.write("content/notes/deep.md", &deep);
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"));
    assert!(site.read_output("notes/deep/index.html").contains("deep"));
    assert!(
        site.public()
            .join("notes/big/index.html")
            .metadata()
            .expect("big page")
            .len()
            > 20 * 1024 * 1024
    );
}

#[test]
fn a_custom_heading_id_that_would_break_its_attribute_is_refused() {
    let run = break_and_rebuild(|site| {
        site.write(
            "content/notes/gamma.md",
            "---\ntitle: Gamma\n---\nIntro.\n\n## Title {#x\" onmouseover=\"alert(1)}\n",
        )
    });
    assert!(
        run.stderr
            .contains("content/notes/gamma.md:6: heading id `x\"` may hold only"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: write it as {#x}"),
        "{}",
        run.stderr
    );
}

#[test]
fn heading_attributes_other_than_id_and_class_are_refused() {
    let run = break_and_rebuild(|site| {
        site.write(
            "content/notes/gamma.md",
            "---\ntitle: Gamma\n---\n## Set {a, b}\n\n## Fine {#fine}\n\n## Click {#ok onclick=go()}\n",
        )
    });
    for (line, attribute) in [(4, "a,"), (8, "onclick=go()")] {
        assert!(
            run.stderr.contains(&format!(
                "content/notes/gamma.md:{line}: heading attribute `{attribute}` is not an {{#id}} or a {{.class}}"
            )),
            "{}",
            run.stderr
        );
    }
    assert!(run.stderr.contains("help: "), "{}", run.stderr);
}

#[test]
fn a_heading_class_that_is_not_a_plain_name_is_refused() {
    let run = break_and_rebuild(|site| {
        site.write(
            "content/notes/gamma.md",
            "---\ntitle: Gamma\n---\n## Title {.wide\"x}\n",
        )
    });
    assert!(
        run.stderr
            .contains("content/notes/gamma.md:4: heading class `wide\"x` may hold only"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_broken_shortcode_call_outside_code_still_fails_with_its_line() {
    let run = break_and_rebuild(|site| {
        site.write(
            "content/notes/gamma.md",
            "---\ntitle: Gamma\n---\n````\n```\n{{ fine( }}\n```\n````\n\nSee {{ oops(text=\"a\"\n",
        )
    });
    assert!(
        run.stderr.contains(
            "content/notes/gamma.md:10: `{{` opens a shortcode that is never closed with `}}`"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("help: "), "{}", run.stderr);
}

/// A folder no one can write in (`/proc` refuses new entries even to root): the message names
/// the folder given to `--output`, not the staging folder the build writes first.
#[cfg(target_os = "linux")]
#[test]
fn an_output_folder_that_cannot_be_written_is_named_as_given() {
    let site = TestSite::fixture("basic");
    let run = site.build(&["--output", "/proc/factsheet-out"]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("/proc/factsheet-out: cannot write"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("factsheet-new"), "{}", run.stderr);
}
