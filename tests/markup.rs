//! Markup from editors cannot break a page: text that lands in an attribute or in HTML comes out
//! escaped, and shortcodes are expanded only where CommonMark sees text, never in code.
//! Failures (ids that are refused, broken calls) are in `tests/errors.rs`.

mod common;

use common::TestSite;

/// One start tag as a browser's HTML tokenizer reads it: the name and the attributes, with
/// character references in the values decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
struct StartTag {
    name: String,
    attrs: Vec<(String, String)>,
}

impl StartTag {
    fn names(&self) -> Vec<&str> {
        self.attrs.iter().map(|(name, _)| name.as_str()).collect()
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The start tags of `html`, read the way the HTML tokenizer does (attribute names end at
/// whitespace, `/`, `>` or `=`; values are quoted with `"` or `'`, or unquoted). Comments,
/// doctypes and end tags are skipped; a `<` not followed by a letter is text.
fn start_tags(html: &str) -> Vec<StartTag> {
    let chars: Vec<char> = html.chars().collect();
    let mut tags = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '<' {
            i += 1;
            continue;
        }
        let next = chars.get(i + 1).copied().unwrap_or(' ');
        if html_starts(&chars, i, "<!--") {
            i = find(&chars, i + 4, "-->").map_or(chars.len(), |end| end + 3);
            continue;
        }
        if next == '!' || next == '/' || next == '?' {
            i = find(&chars, i, ">").map_or(chars.len(), |end| end + 1);
            continue;
        }
        if !next.is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        i += 1;
        let mut name = String::new();
        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '/' && chars[i] != '>' {
            name.push(chars[i].to_ascii_lowercase());
            i += 1;
        }
        let mut attrs = Vec::new();
        loop {
            while i < chars.len() && (chars[i].is_whitespace() || chars[i] == '/') {
                i += 1;
            }
            if i >= chars.len() || chars[i] == '>' {
                i += 1;
                break;
            }
            let mut attr = String::new();
            attr.push(chars[i].to_ascii_lowercase());
            i += 1;
            while i < chars.len() && !chars[i].is_whitespace() && !"/>=".contains(chars[i]) {
                attr.push(chars[i].to_ascii_lowercase());
                i += 1;
            }
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            let mut value = String::new();
            if chars.get(i) == Some(&'=') {
                i += 1;
                while i < chars.len() && chars[i].is_whitespace() {
                    i += 1;
                }
                match chars.get(i) {
                    Some(&quote) if quote == '"' || quote == '\'' => {
                        i += 1;
                        while i < chars.len() && chars[i] != quote {
                            value.push(chars[i]);
                            i += 1;
                        }
                        i += 1;
                    }
                    _ => {
                        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '>' {
                            value.push(chars[i]);
                            i += 1;
                        }
                    }
                }
            }
            attrs.push((attr, decode(&value)));
        }
        tags.push(StartTag { name, attrs });
    }
    tags
}

fn html_starts(chars: &[char], at: usize, text: &str) -> bool {
    text.chars()
        .enumerate()
        .all(|(k, c)| chars.get(at + k) == Some(&c))
}

fn find(chars: &[char], from: usize, text: &str) -> Option<usize> {
    (from..chars.len()).find(|&at| html_starts(chars, at, text))
}

/// Decodes the character references factsheet, pulldown-cmark and Tera write.
fn decode(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The part of a built page between `<article>` and `</article>`: the page's Markdown.
fn article(page: &str) -> &str {
    let start = page.find("<article>").expect("an <article>") + "<article>".len();
    let end = page.rfind("</article>").expect("a </article>");
    &page[start..end]
}

/// The table of contents the authoring fixture's page template writes.
fn toc(page: &str) -> &str {
    let start = page.find("<nav class=\"toc-nav\">").expect("a toc");
    let end = start + page[start..].find("</nav>").expect("the toc's end");
    &page[start..end]
}

/// Builds the authoring fixture with `content/guide/markup.md` holding `body` (after a front
/// matter of three lines) and returns the page's HTML.
fn build_page(body: &str) -> String {
    let site = TestSite::fixture("authoring");
    site.write(
        "content/guide/markup.md",
        &format!("---\ntitle: Markup\n---\n{body}"),
    );
    site.build_ok(&[]);
    site.read_output("guide/markup/index.html")
}

#[test]
fn the_tokenizer_reads_attributes_as_a_browser_does() {
    let tags = start_tags(
        r#"<!-- <x> --><h2 id="a&quot;" onmouseover="&quot;b" class=c data-x>t</h2><img alt='q "r"'>"#,
    );
    assert_eq!(tags.len(), 2, "{tags:?}");
    assert_eq!(tags[0].name, "h2");
    assert_eq!(tags[0].names(), ["id", "onmouseover", "class", "data-x"]);
    assert_eq!(tags[0].get("id"), Some("a\""));
    assert_eq!(tags[1].get("alt"), Some("q \"r\""));
    // What the old heading anchor wrote: the quote ends the value and starts a new attribute.
    let broken = start_tags(r##"<a href="#x"" aria-hidden="true">"##);
    assert_eq!(broken[0].names(), ["href", "\"", "aria-hidden"]);
}

#[test]
fn custom_heading_ids_of_letters_digits_and_punctuation_are_kept() {
    let page = build_page("## Алматы {#алматы-2021.v1:x_y}\n\n## Plain {#plain .wide}\n");
    let tags = start_tags(article(&page));
    let h2: Vec<&StartTag> = tags.iter().filter(|t| t.name == "h2").collect();
    assert_eq!(h2.len(), 2, "{page}");
    assert_eq!(h2[0].names(), ["id"], "{page}");
    assert_eq!(h2[0].get("id"), Some("алматы-2021.v1:x_y"));
    assert_eq!(h2[1].names(), ["id", "class"], "{page}");
    assert_eq!(h2[1].get("class"), Some("wide"));
    let anchors: Vec<&str> = tags
        .iter()
        .filter(|t| t.name == "a")
        .filter_map(|t| t.get("href"))
        .collect();
    assert_eq!(anchors, ["#алматы-2021.v1:x_y", "#plain"], "{page}");
    for anchor in tags.iter().filter(|t| t.name == "a") {
        assert_eq!(
            anchor.names(),
            ["class", "href", "aria-hidden", "tabindex"],
            "{page}"
        );
    }
}

#[test]
fn heading_text_and_toc_entries_are_escaped() {
    let page = build_page("## 1 &lt; 2 & \"q\" <!-- x -->\n\n### `<b>` & 'code'\n");
    let toc = toc(&page);
    let tags = start_tags(toc);
    let names: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
    // nav, its list, the entry and the nested list with its entry: nothing from the headings.
    assert_eq!(names, ["nav", "ul", "li", "a", "ul", "li", "a"], "{toc}");
    for link in tags.iter().filter(|t| t.name == "a") {
        assert_eq!(link.names(), ["href"], "{toc}");
    }
    assert!(toc.contains("1 &lt; 2 &amp; "), "{toc}");
    assert!(toc.contains("&lt;b&gt; &amp; "), "{toc}");
    let headings: Vec<StartTag> = start_tags(article(&page))
        .into_iter()
        .filter(|t| t.name.starts_with('h'))
        .collect();
    assert_eq!(headings.len(), 2, "{page}");
    for heading in headings {
        assert_eq!(heading.names(), ["id"], "{page}");
    }
}

#[test]
fn link_and_image_titles_alt_text_and_urls_are_escaped() {
    let page = build_page(concat!(
        "[a](https://e.org/?q=\"x\" \"title with \\\" and <\")\n\n",
        "![a \"quote\" <b>bold</b> & more](x.png \"img \\\" title <\")\n\n",
        "![b](<y\".png>)\n\n",
        "[c](<https://e.org/a\"b onclick=x>)\n",
    ));
    let body = article(&page);
    let tags = start_tags(body);
    let names: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        ["p", "a", "p", "img", "p", "img", "p", "a"],
        "{body}"
    );
    assert_eq!(tags[1].names(), ["href", "title"], "{body}");
    assert_eq!(tags[1].get("title"), Some("title with \" and <"));
    assert_eq!(tags[1].get("href"), Some("https://e.org/?q=%22x%22"));
    assert_eq!(
        tags[3].names(),
        ["src", "alt", "title", "loading"],
        "{body}"
    );
    assert_eq!(
        tags[3].get("alt"),
        Some("a \u{201c}quote\u{201d} bold & more")
    );
    assert_eq!(tags[3].get("title"), Some("img \" title <"));
    assert_eq!(tags[5].names(), ["src", "alt", "loading"], "{body}");
    assert_eq!(tags[5].get("src"), Some("y\".png"));
    assert_eq!(tags[7].names(), ["href"], "{body}");
    assert_eq!(tags[7].get("href"), Some("https://e.org/a%22b%20onclick=x"));
}

#[test]
fn shortcode_arguments_with_quotes_markup_and_braces_come_out_escaped() {
    let page = build_page(concat!(
        "A {{ badge(text='say \"hi\" <b>x</b> {{ y }}', tone=\"info\") }} b.\n\n",
        "C {{ badge(text=\"it\\'s \\\"q\\\" %} }}\", tone='a\"b') }} d.\n",
    ));
    let body = article(&page);
    let tags = start_tags(body);
    let spans: Vec<&StartTag> = tags.iter().filter(|t| t.name == "span").collect();
    assert_eq!(spans.len(), 2, "{body}");
    assert!(
        !tags.iter().any(|t| t.name == "b"),
        "an element from an argument: {body}"
    );
    assert_eq!(spans[0].names(), ["class"], "{body}");
    assert_eq!(spans[0].get("class"), Some("badge badge-info"));
    assert_eq!(spans[1].names(), ["class"], "{body}");
    assert_eq!(spans[1].get("class"), Some("badge badge-a\"b"));
    let texts: Vec<String> = body
        .split("<span")
        .skip(1)
        .map(|s| decode(&s[s.find('>').expect("tag end") + 1..s.find("</span>").expect("end")]))
        .collect();
    assert_eq!(
        texts,
        ["say \"hi\" <b>x</b> {{ y }}", "it's \"q\" %} }}"],
        "{body}"
    );
}

/// Builds a page whose body is `body` and returns its article; fails on a build error.
fn code_page(body: &str) -> String {
    article(&build_page(body)).to_string()
}

#[test]
fn shortcodes_in_a_four_backtick_fence_holding_a_three_backtick_fence_stay_literal() {
    let html = code_page(concat!(
        "A {{ badge(text=\"on\", tone=\"x\") }}.\n\n",
        "````markdown\n",
        "```\n",
        "{{ badge(text=\"x\") }}\n",
        "```\n",
        "{{ not a call\n",
        "{% note() %}\n",
        "````\n\n",
        "After {{ badge(text=\"after\", tone=\"y\") }}.\n",
    ));
    assert!(html.contains("badge-x\">on</span>"), "{html}");
    assert!(
        html.contains(
            "```\n{{ badge(text=\"x\") }}\n```\n{{ not a call\n{% note() %}\n</code></pre>"
        ),
        "{html}"
    );
    assert!(html.contains("badge-y\">after</span>"), "{html}");
}

#[test]
fn shortcodes_in_a_fence_in_a_blockquote_in_a_list_item_stay_literal() {
    let html = code_page(concat!(
        "- Item\n\n",
        "  > Quote\n",
        "  >\n",
        "  > ```\n",
        "  > {{ oops(\n",
        "  > {{ badge(text=\"x\") }}\n",
        "  > ```\n\n",
        "- Next {{ badge(text=\"n\", tone=\"z\") }}\n",
    ));
    assert!(
        html.contains("<code>{{ oops(\n{{ badge(text=\"x\") }}\n</code>"),
        "{html}"
    );
    assert!(html.contains("badge-z\">n</span>"), "{html}");
}

#[test]
fn shortcodes_in_indented_code_tilde_fences_and_double_backtick_spans_stay_literal() {
    let html = code_page(concat!(
        "Text.\n\n",
        "    {{ x() }}\n",
        "    {% y() %}\n\n",
        "~~~\n",
        "{{ tilde( }}\n",
        "~~~\n\n",
        "A span `` {{ a() }} `` and ``{{ b(`x`) }}`` and {{ badge(text=\"ok\", tone=\"t\") }}.\n",
    ));
    assert!(
        html.contains("<pre><code>{{ x() }}\n{% y() %}\n</code></pre>"),
        "{html}"
    );
    assert!(
        html.contains("<pre><code>{{ tilde( }}\n</code></pre>"),
        "{html}"
    );
    assert!(html.contains("<code>{{ a() }}</code>"), "{html}");
    assert!(html.contains("<code>{{ b(`x`) }}</code>"), "{html}");
    assert!(html.contains("badge-t\">ok</span>"), "{html}");
}

#[test]
fn an_unclosed_fence_runs_to_the_end_and_hides_its_shortcodes() {
    let html = code_page(concat!(
        "{{ badge(text=\"before\", tone=\"b\") }}\n\n",
        "```\n",
        "{{ never( \n",
        "{% block() %}\n",
        "no end\n",
    ));
    assert!(html.contains("badge-b\">before</span>"), "{html}");
    assert!(
        html.contains("<code>{{ never( \n{% block() %}\nno end\n</code>"),
        "{html}"
    );
}

#[test]
fn block_shortcodes_inside_code_stay_literal_and_outside_still_expand() {
    let html = code_page(concat!(
        "```\n",
        "{% note(kind=\"tip\") %}\n",
        "never closed here\n",
        "```\n\n",
        "{% note(kind=\"warn\") %}\n",
        "Real *note*.\n",
        "{% end %}\n",
    ));
    assert!(
        html.contains("<code>{% note(kind=\"tip\") %}\nnever closed here\n</code>"),
        "{html}"
    );
    assert!(
        html.contains("<aside class=\"note note-warn\"><p>Real <em>note</em>.</p>"),
        "{html}"
    );
}
