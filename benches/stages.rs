//! Criterion micro-benchmarks of the hot stages, so a regression in one shows even when the
//! whole build hides it: front-matter split and parse, Markdown render, template render.
//! Run: `cargo bench --bench stages`.

mod corpus;

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use factsheet::content::front_matter;
use factsheet::markdown::{Words, render_markdown};

fn page_text() -> String {
    format!(
        "---\ntitle: Page 1\ndate: 2021-02-05\nweight: 1\ndescription: A generated page.\n---\n{}",
        corpus::page_body(1)
    )
}

fn front_matter_split_and_parse(c: &mut Criterion) {
    let text = page_text();
    c.bench_function("front matter: split and parse", |b| {
        b.iter(|| {
            let split = front_matter::split(black_box(&text)).expect("front matter");
            front_matter::parse(Path::new("content/page.md"), &split).expect("valid")
        })
    });
}

fn front_matter_with_terms(c: &mut Criterion) {
    // A page of the taxonomies corpus: its terms come through the keys front matter does not
    // know, which cost more to parse than the known ones.
    let text = page_text().replacen(
        "---\n",
        "---\ntopics: [Topic 2, Topic 59, Topic 80]\ntags: [Tag 102, Tag 738, Tag 262]\n",
        1,
    );
    c.bench_function("front matter: split and parse, with two taxonomies", |b| {
        b.iter(|| {
            let split = front_matter::split(black_box(&text)).expect("front matter");
            front_matter::parse(Path::new("content/page.md"), &split).expect("valid")
        })
    });
}

fn markdown_render(c: &mut Criterion) {
    let body = corpus::page_body(1);
    c.bench_function("markdown: render one page", |b| {
        b.iter(|| render_markdown(black_box(&body), &|_| Ok(None), Words::Counted))
    });
    // The same page through pulldown-cmark alone (the floor's work): what factsheet's heading
    // ids, table of contents, word count and checks add on top.
    c.bench_function("markdown: pulldown-cmark alone", |b| {
        b.iter(|| {
            let mut html = String::with_capacity(body.len() * 3 / 2);
            pulldown_cmark::html::push_html(
                &mut html,
                pulldown_cmark::Parser::new_ext(black_box(&body), factsheet::markdown::options()),
            );
            html
        })
    });
}

fn template_render(c: &mut Criterion) {
    let mut tera = tera::Tera::new();
    tera.add_raw_templates([
        ("base.html", "<!doctype html><html lang=\"en\"><head><title>{% block title %}{% endblock title %}</title></head><body>{% block content %}{% endblock content %}</body></html>"),
        ("page.html", "{% extends \"base.html\" %}{% block title %}{{ page.title }}{% endblock title %}{% block content %}<h1>{{ page.title }}</h1>{{ page.content | safe }}<ul>{% for h in page.toc %}<li><a href=\"#{{ h.id }}\">{{ h.title }}</a></li>{% endfor %}</ul>{% endblock content %}"),
    ])
    .expect("templates");
    let rendered = render_markdown(&corpus::page_body(1), &|_| Ok(None), Words::Counted);
    let mut context = tera::Context::new();
    let toc: Vec<_> = rendered
        .toc
        .iter()
        .map(|h| (h.id.clone(), h.title.clone()))
        .collect();
    context.insert(
        "page",
        &serde_json::json!({
            "title": "Page 1",
            "content": rendered.html,
            "toc": toc.iter().map(|(id, title)| serde_json::json!({"id": id, "title": title})).collect::<Vec<_>>(),
        }),
    );
    c.bench_function("template: render one page", |b| {
        b.iter(|| {
            tera.render("page.html", black_box(&context))
                .expect("render")
        })
    });
}

criterion_group!(
    stages,
    front_matter_split_and_parse,
    front_matter_with_terms,
    markdown_render,
    template_render
);
criterion_main!(stages);
