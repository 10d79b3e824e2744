//! A deterministic generated site for benchmarks: N pages in 10 sections, 300–800 words each,
//! with headings, a list, a table, an internal link and a footnote; optionally with two
//! taxonomies, `topics` and `tags` (see [`Taxonomies`]).

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

/// Whether pages carry terms of two taxonomies, `topics` and `tags`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Taxonomies {
    /// No taxonomies: the corpus as it always was.
    Off,
    /// `topics` (100 terms) and `tags` (900 terms): each page has 1–3 topics and 1–4 tags.
    TopicsAndTags,
}

/// Distinct topics in the corpus, `Topic 1` to `Topic 100`.
pub const TOPICS: usize = 100;
/// Distinct tags in the corpus, `Tag 1` to `Tag 900`.
pub const TAGS: usize = 900;

/// The topics and the tags of page `index`. The first of each cycles through all terms, so a
/// corpus of 900 pages or more uses all 1,000; how many more and which are drawn with an
/// [`Rng`] of their own, so the page bodies are the same with and without taxonomies.
pub fn page_terms(index: usize) -> (Vec<String>, Vec<String>) {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03 ^ (index as u64 + 1));
    let mut pick = |name: &str, of: usize, most: usize| {
        let count = 1 + rng.below(most);
        let mut chosen = vec![index % of];
        while chosen.len() < count {
            let term = rng.below(of);
            if !chosen.contains(&term) {
                chosen.push(term);
            }
        }
        chosen
            .into_iter()
            .map(|term| format!("{name} {}", term + 1))
            .collect::<Vec<_>>()
    };
    let topics = pick("Topic", TOPICS, 3);
    let tags = pick("Tag", TAGS, 4);
    (topics, tags)
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

/// Front matter with `title`, and for a page its `date`, `weight` and, with taxonomies, its
/// `topics` and `tags` (top-level keys in YAML, a `[taxonomies]` table in Zola's TOML).
fn front(syntax: Syntax, title: &str, page: Option<usize>, taxonomies: Taxonomies) -> String {
    let mut lines = Vec::new();
    let date = page.map(|index| (format!("2021-02-{:02}", 1 + index % 28), index));
    let terms = page
        .filter(|_| taxonomies == Taxonomies::TopicsAndTags)
        .map(page_terms);
    match syntax {
        Syntax::Yaml => {
            lines.push(format!("title: {title}"));
            if let Some((date, weight)) = date {
                lines.push(format!("date: {date}\nweight: {weight}"));
            }
            if let Some((topics, tags)) = terms {
                lines.push(format!("topics: [{}]", topics.join(", ")));
                lines.push(format!("tags: [{}]", tags.join(", ")));
            }
            format!("---\n{}\n---\n", lines.join("\n"))
        }
        Syntax::Toml => {
            lines.push(format!("title = \"{title}\""));
            match date {
                Some((date, weight)) => lines.push(format!("date = {date}\nweight = {weight}")),
                None => lines.push("sort_by = \"weight\"".to_string()),
            }
            if let Some((topics, tags)) = terms {
                let list = |terms: Vec<String>| {
                    let quoted: Vec<String> = terms.iter().map(|t| format!("\"{t}\"")).collect();
                    format!("[{}]", quoted.join(", "))
                };
                lines.push("[taxonomies]".to_string());
                lines.push(format!("topics = {}", list(topics)));
                lines.push(format!("tags = {}", list(tags)));
            }
            format!("+++\n{}\n+++\n", lines.join("\n"))
        }
    }
}

/// The home page, 10 sections and `pages` pages under `root/content`.
fn write_content(
    root: &Path,
    pages: usize,
    syntax: Syntax,
    links: Links,
    taxonomies: Taxonomies,
) -> std::io::Result<()> {
    fs::create_dir_all(root.join("content"))?;
    fs::write(
        root.join("content/_index.md"),
        format!(
            "{}The benchmark site.\n",
            front(syntax, "Home", None, taxonomies)
        ),
    )?;
    for section in 0..10 {
        let dir = root.join(format!("content/s{section}"));
        fs::create_dir_all(&dir)?;
        let title = format!("Section {section}");
        fs::write(
            dir.join("_index.md"),
            format!(
                "{}Pages of section {section}.\n",
                front(syntax, &title, None, taxonomies)
            ),
        )?;
    }
    for index in 0..pages {
        let file = root.join(format!("content/s{}/page-{index}.md", index % 10));
        let title = format!("Page {index}");
        let body = page_body_with(index, links);
        fs::write(
            file,
            format!("{}{body}", front(syntax, &title, Some(index), taxonomies)),
        )?;
    }
    Ok(())
}

/// Writes a factsheet site with `pages` pages into `root`.
#[allow(dead_code)]
pub fn write_site(root: &Path, pages: usize) -> std::io::Result<()> {
    write_site_with(root, pages, Taxonomies::Off)
}

/// Writes a factsheet site with `pages` pages into `root`, with or without taxonomies
/// (`taxonomies:` in `site.yaml`; term pages are the generator's own).
#[allow(dead_code)]
pub fn write_site_with(root: &Path, pages: usize, taxonomies: Taxonomies) -> std::io::Result<()> {
    fs::create_dir_all(root.join("templates"))?;
    let mut site = "title: Benchmark\nbase_url: https://example.org/bench/\n".to_string();
    if taxonomies == Taxonomies::TopicsAndTags {
        site.push_str("taxonomies:\n  - name: topics\n  - name: tags\n");
    }
    fs::write(root.join("site.yaml"), site)?;
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
    if taxonomies == Taxonomies::TopicsAndTags {
        fs::write(
            root.join("templates/taxonomy_list.html"),
            "{% extends \"base.html\" %}{% block title %}{{ page.title }}{% endblock title %}{% block content %}<h1>{{ page.title }}</h1><ul>{% for term in terms %}<li><a href=\"{{ url(path=term.path) }}\">{{ term.name }}</a> ({{ term.page_count }})</li>{% endfor %}</ul>{% endblock content %}\n",
        )?;
        fs::write(
            root.join("templates/taxonomy_single.html"),
            "{% extends \"base.html\" %}{% block title %}{{ term.name }}{% endblock title %}{% block content %}<h1>{{ term.name }}</h1><ul>{% for p in term.pages %}<li><a href=\"{{ url(path=p.path) }}\">{{ p.title }}</a></li>{% endfor %}</ul>{% endblock content %}\n",
        )?;
    }
    write_content(root, pages, Syntax::Yaml, Links::ContentPath, taxonomies)
}

/// Writes the same pages as a Zola site (TOML front matter, minimal templates, no feeds, no
/// search index), with or without taxonomies (a term feed is off by default in Zola).
#[allow(dead_code)]
pub fn write_zola_site(root: &Path, pages: usize, taxonomies: Taxonomies) -> std::io::Result<()> {
    fs::create_dir_all(root.join("templates"))?;
    let mut config = "base_url = \"https://example.org/bench/\"\ncompile_sass = false\nbuild_search_index = false\ngenerate_feeds = false\n".to_string();
    if taxonomies == Taxonomies::TopicsAndTags {
        config.push_str("taxonomies = [{ name = \"topics\" }, { name = \"tags\" }]\n");
    }
    config.push_str("\n[markdown]\nsmart_punctuation = true\n");
    fs::write(root.join("config.toml"), config)?;
    let base = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{% block title %}{{ config.title }}{% endblock title %}</title></head><body>{% block content %}{% endblock content %}</body></html>\n";
    fs::write(root.join("templates/base.html"), base)?;
    fs::write(
        root.join("templates/page.html"),
        "{% extends \"base.html\" %}{% block title %}{{ page.title }}{% endblock title %}{% block content %}<h1>{{ page.title }}</h1>{{ page.content | safe }}{% endblock content %}\n",
    )?;
    let listing = "{% extends \"base.html\" %}{% block content %}<h1>{{ section.title }}</h1>{{ section.content | safe }}<ul>{% for p in section.pages %}<li><a href=\"{{ p.permalink }}\">{{ p.title }}</a></li>{% endfor %}{% for s in section.subsections %}{% set sub = get_section(path=s) %}<li><a href=\"{{ sub.permalink }}\">{{ sub.title }}</a></li>{% endfor %}</ul>{% endblock content %}\n";
    fs::write(root.join("templates/section.html"), listing)?;
    fs::write(root.join("templates/index.html"), listing)?;
    if taxonomies == Taxonomies::TopicsAndTags {
        fs::write(
            root.join("templates/taxonomy_list.html"),
            "{% extends \"base.html\" %}{% block title %}{{ taxonomy.name }}{% endblock title %}{% block content %}<h1>{{ taxonomy.name }}</h1><ul>{% for term in terms %}<li><a href=\"{{ term.permalink }}\">{{ term.name }}</a> ({{ term.page_count }})</li>{% endfor %}</ul>{% endblock content %}\n",
        )?;
        fs::write(
            root.join("templates/taxonomy_single.html"),
            "{% extends \"base.html\" %}{% block title %}{{ term.name }}{% endblock title %}{% block content %}<h1>{{ term.name }}</h1><ul>{% for p in term.pages %}<li><a href=\"{{ p.permalink }}\">{{ p.title }}</a></li>{% endfor %}</ul>{% endblock content %}\n",
        )?;
    }
    write_content(root, pages, Syntax::Toml, Links::ContentPath, taxonomies)
}

/// Writes the same pages as a Hugo site (YAML front matter, minimal layouts, only pages and
/// sections: no feeds, sitemap or robots.txt), with or without taxonomies: without, the
/// `taxonomy` and `term` kinds are off too.
#[allow(dead_code)]
pub fn write_hugo_site(root: &Path, pages: usize, taxonomies: Taxonomies) -> std::io::Result<()> {
    fs::create_dir_all(root.join("layouts/_default"))?;
    let kinds = match taxonomies {
        Taxonomies::Off => "disableKinds: [taxonomy, term, RSS, sitemap, robotsTXT, 404]\n",
        Taxonomies::TopicsAndTags => {
            "disableKinds: [RSS, sitemap, robotsTXT, 404]\ntaxonomies:\n  topic: topics\n  tag: tags\n"
        }
    };
    fs::write(
        root.join("hugo.yaml"),
        format!(
            "baseURL: https://example.org/bench/\ntitle: Benchmark\n{kinds}markup:\n  goldmark:\n    extensions:\n      typographer: true\n"
        ),
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
    if taxonomies == Taxonomies::TopicsAndTags {
        // A taxonomy's list of terms and a term's pages; Hugo 0.111 looks for
        // `_default/terms.html` first, then `_default/taxonomy.html`, the name newer Hugo uses.
        fs::write(
            root.join("layouts/_default/taxonomy.html"),
            "{{ define \"title\" }}{{ .Title }}{{ end }}{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.Alphabetical }}<li><a href=\"{{ .Page.RelPermalink }}\">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}\n",
        )?;
        fs::write(
            root.join("layouts/_default/term.html"),
            "{{ define \"title\" }}{{ .Title }}{{ end }}{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages.ByWeight }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n",
        )?;
    }
    write_content(root, pages, Syntax::Yaml, Links::Relative, taxonomies)
}
