//! A deterministic generated site for benchmarks: N pages in 10 sections, 300–800 words each,
//! with headings, a list, a table, an internal link and a footnote.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

const WORDS: &[&str] = &[
    "digital",
    "forum",
    "coverage",
    "internet",
    "region",
    "fibre",
    "station",
    "economy",
    "service",
    "learning",
    "remote",
    "growth",
    "figure",
    "source",
    "quote",
    "network",
    "minister",
    "president",
    "report",
    "infrastructure",
    "access",
    "quality",
    "data",
    "public",
];

/// A tiny deterministic generator (xorshift), so every run writes the same bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn sentence(&mut self, words: usize) -> String {
        let mut text = String::new();
        for i in 0..words {
            if i > 0 {
                text.push(' ');
            }
            text.push_str(WORDS[self.below(WORDS.len())]);
        }
        text.push('.');
        text
    }
}

/// How a generator writes a link to another content file.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// `@/s3/_index.md` (factsheet and Zola).
    ContentPath,
    /// `../` (Hugo, whose Markdown has no link resolution of its own).
    Relative,
}

/// The Markdown body of page `index` (front matter not included).
#[allow(dead_code)]
pub fn page_body(index: usize) -> String {
    page_body_with(index, Links::ContentPath)
}

/// The Markdown body of page `index` with links written for one generator.
pub fn page_body_with(index: usize, links: Links) -> String {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (index as u64 + 1));
    let mut body = String::new();
    let words = 300 + rng.below(500);
    let mut written = 0;
    let mut part = 0;
    while written < words {
        part += 1;
        let _ = writeln!(body, "## Part {part}\n");
        let n = 40 + rng.below(60);
        let _ = writeln!(body, "{}\n", rng.sentence(n));
        written += n;
        if part == 1 {
            let _ = writeln!(
                body,
                "- {}\n- {}\n- {}\n",
                rng.sentence(4),
                rng.sentence(5),
                rng.sentence(3)
            );
            let _ = writeln!(
                body,
                "| Figure | Value |\n|---|---|\n| coverage | {}% |\n| stations | {} |\n",
                rng.below(100),
                rng.below(5000)
            );
            let target = match links {
                Links::ContentPath => format!("@/s{}/_index.md", index % 10),
                Links::Relative => "../".to_string(),
            };
            let _ = writeln!(body, "See the [section overview]({target}) for more.[^1]\n");
        }
    }
    body.push_str("[^1]: A generated footnote.\n");
    body
}

/// Front matter syntax of a generator.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Syntax {
    /// `---` fences, `key: value` (factsheet, Hugo).
    Yaml,
    /// `+++` fences, `key = value` (Zola), with `sort_by` on sections.
    Toml,
}

/// Front matter with `title`, and for a page its `date` and `weight`.
fn front(syntax: Syntax, title: &str, page: Option<usize>) -> String {
    let mut lines = Vec::new();
    let date = page.map(|index| (format!("2021-02-{:02}", 1 + index % 28), index));
    match syntax {
        Syntax::Yaml => {
            lines.push(format!("title: {title}"));
            if let Some((date, weight)) = date {
                lines.push(format!("date: {date}\nweight: {weight}"));
            }
            format!("---\n{}\n---\n", lines.join("\n"))
        }
        Syntax::Toml => {
            lines.push(format!("title = \"{title}\""));
            match date {
                Some((date, weight)) => lines.push(format!("date = {date}\nweight = {weight}")),
                None => lines.push("sort_by = \"weight\"".to_string()),
            }
            format!("+++\n{}\n+++\n", lines.join("\n"))
        }
    }
}

/// The home page, 10 sections and `pages` pages under `root/content`.
fn write_content(root: &Path, pages: usize, syntax: Syntax, links: Links) -> std::io::Result<()> {
    fs::create_dir_all(root.join("content"))?;
    fs::write(
        root.join("content/_index.md"),
        format!("{}The benchmark site.\n", front(syntax, "Home", None)),
    )?;
    for section in 0..10 {
        let dir = root.join(format!("content/s{section}"));
        fs::create_dir_all(&dir)?;
        let title = format!("Section {section}");
        fs::write(
            dir.join("_index.md"),
            format!(
                "{}Pages of section {section}.\n",
                front(syntax, &title, None)
            ),
        )?;
    }
    for index in 0..pages {
        let file = root.join(format!("content/s{}/page-{index}.md", index % 10));
        let title = format!("Page {index}");
        let body = page_body_with(index, links);
        fs::write(
            file,
            format!("{}{body}", front(syntax, &title, Some(index))),
        )?;
    }
    Ok(())
}

/// Writes a factsheet site with `pages` pages into `root`.
#[allow(dead_code)]
pub fn write_site(root: &Path, pages: usize) -> std::io::Result<()> {
    fs::create_dir_all(root.join("templates"))?;
    fs::write(
        root.join("site.yaml"),
        "title: Benchmark\nbase_url: https://example.org/bench/\n",
    )?;
    fs::write(
        root.join("templates/base.html"),
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{% block title %}{{ site.title }}{% endblock title %}</title></head><body>{% block content %}{% endblock content %}</body></html>\n",
    )?;
    fs::write(
        root.join("templates/page.html"),
        "{% extends \"base.html\" %}{% block title %}{{ page.title }}{% endblock title %}{% block content %}<h1>{{ page.title }}</h1>{{ page.content | safe }}{% endblock content %}\n",
    )?;
    let listing = "{% extends \"base.html\" %}{% block content %}<h1>{{ section.title }}</h1>{{ section.content | safe }}<ul>{% for p in section.pages %}<li><a href=\"{{ url(path=p.path) }}\">{{ p.title }}</a></li>{% endfor %}{% for s in section.subsections %}<li><a href=\"{{ url(path=s.path) }}\">{{ s.title }}</a></li>{% endfor %}</ul>{% endblock content %}\n";
    fs::write(root.join("templates/section.html"), listing)?;
    fs::write(root.join("templates/index.html"), listing)?;
    write_content(root, pages, Syntax::Yaml, Links::ContentPath)
}

/// Writes the same pages as a Zola site (TOML front matter, minimal templates, no feeds, no
/// search index, no taxonomies).
#[allow(dead_code)]
pub fn write_zola_site(root: &Path, pages: usize) -> std::io::Result<()> {
    fs::create_dir_all(root.join("templates"))?;
    fs::write(
        root.join("config.toml"),
        "base_url = \"https://example.org/bench/\"\ncompile_sass = false\nbuild_search_index = false\ngenerate_feeds = false\n\n[markdown]\nsmart_punctuation = true\n",
    )?;
    let base = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{% block title %}{{ config.title }}{% endblock title %}</title></head><body>{% block content %}{% endblock content %}</body></html>\n";
    fs::write(root.join("templates/base.html"), base)?;
    fs::write(
        root.join("templates/page.html"),
        "{% extends \"base.html\" %}{% block title %}{{ page.title }}{% endblock title %}{% block content %}<h1>{{ page.title }}</h1>{{ page.content | safe }}{% endblock content %}\n",
    )?;
    let listing = "{% extends \"base.html\" %}{% block content %}<h1>{{ section.title }}</h1>{{ section.content | safe }}<ul>{% for p in section.pages %}<li><a href=\"{{ p.permalink }}\">{{ p.title }}</a></li>{% endfor %}{% for s in section.subsections %}{% set sub = get_section(path=s) %}<li><a href=\"{{ sub.permalink }}\">{{ sub.title }}</a></li>{% endfor %}</ul>{% endblock content %}\n";
    fs::write(root.join("templates/section.html"), listing)?;
    fs::write(root.join("templates/index.html"), listing)?;
    write_content(root, pages, Syntax::Toml, Links::ContentPath)
}

/// Writes the same pages as a Hugo site (YAML front matter, minimal layouts, only pages and
/// sections: no taxonomies, feeds, sitemap or robots.txt).
#[allow(dead_code)]
pub fn write_hugo_site(root: &Path, pages: usize) -> std::io::Result<()> {
    fs::create_dir_all(root.join("layouts/_default"))?;
    fs::write(
        root.join("hugo.yaml"),
        "baseURL: https://example.org/bench/\ntitle: Benchmark\ndisableKinds: [taxonomy, term, RSS, sitemap, robotsTXT, 404]\nmarkup:\n  goldmark:\n    extensions:\n      typographer: true\n",
    )?;
    fs::write(
        root.join("layouts/_default/baseof.html"),
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ block \"title\" . }}{{ .Site.Title }}{{ end }}</title></head><body>{{ block \"main\" . }}{{ end }}</body></html>\n",
    )?;
    fs::write(
        root.join("layouts/_default/single.html"),
        "{{ define \"title\" }}{{ .Title }}{{ end }}{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}\n",
    )?;
    let listing = "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages.ByWeight }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n";
    fs::write(root.join("layouts/_default/list.html"), listing)?;
    fs::write(root.join("layouts/index.html"), listing)?;
    write_content(root, pages, Syntax::Yaml, Links::Relative)
}
