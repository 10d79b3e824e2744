//! Shortcodes: `{{ name(key="value", n=1) }}` in Markdown, rendered by the Tera template
//! `templates/shortcodes/name.html` with the arguments as variables. pulldown-cmark, with the
//! options the Markdown stage uses, says where code is: calls inside fenced or indented code
//! blocks and code spans are left as written. Raw HTML is not code: calls in it are expanded.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};
use tera::{Context, Tera};

/// The folder, inside `templates/`, that holds shortcode templates.
pub const SHORTCODES_DIR: &str = "shortcodes";

/// Why a shortcode could not be expanded, and where in the Markdown body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortcodeError {
    /// 1-based line inside the body.
    pub line: usize,
    /// What went wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// Replaces every shortcode call in `body` outside code by its rendered template: inline
/// calls `{{ name(…) }}` in place, block calls `{% name(…) %}…{% end %}` (the opening at the
/// start of a line; the text between is the template's `body`) by one line of HTML followed
/// by blank lines, so that the lines after keep their numbers for error messages.
pub fn expand(body: &str, tera: &Tera) -> Result<String, ShortcodeError> {
    expand_in(body, tera, None)
}

/// [`expand`] for a page in `lang`: each shortcode template also sees `lang`, so that
/// `get_figure(id=id, lang=lang)` gives the figure as that language states it.
pub fn expand_in(body: &str, tera: &Tera, lang: Option<&str>) -> Result<String, ShortcodeError> {
    if !body.contains("{{") && !body.contains("{%") {
        return Ok(body.to_string());
    }
    let lines: Vec<&str> = body.split_inclusive('\n').collect();
    let starts: Vec<usize> = lines
        .iter()
        .scan(0, |at, line| {
            let start = *at;
            *at += line.len();
            Some(start)
        })
        .collect();
    let mut code = code_ranges(body, 0);
    let mut next_code = 0;
    let mut out = String::with_capacity(body.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = body[from..].find('{') {
        let at = from + found;
        let kind = body.as_bytes().get(at + 1).copied();
        if kind != Some(b'{') && kind != Some(b'%') {
            from = at + 1;
            continue;
        }
        while code.get(next_code).is_some_and(|range| range.end <= at) {
            next_code += 1;
        }
        if let Some(range) = code.get(next_code).filter(|range| range.start <= at) {
            from = range.end;
            continue;
        }
        let index = starts.partition_point(|&start| start <= at) - 1;
        let fail = |(message, help): (String, String)| ShortcodeError {
            line: index + 1,
            message,
            help,
        };
        let line_start = starts[index];
        if kind == Some(b'%') {
            if !body[line_start..at].trim().is_empty() {
                // `{%` inside a line is text; block shortcodes open a line.
                from = at + 2;
                continue;
            }
            out.push_str(&body[copied..line_start]);
            let call = &body[at + 2..line_start + lines[index].len()];
            let taken = expand_block(call, &lines[index..], tera, lang, &mut out).map_err(fail)?;
            copied = starts.get(index + taken).copied().unwrap_or(body.len());
            from = copied;
            // The block's text is the template's, not this page's Markdown: when a code block
            // of it runs past its end (a fence never closed), find the code after it anew.
            if code[next_code..]
                .iter()
                .any(|range| range.start < copied && range.end > copied)
            {
                code = code_ranges(&body[copied..], copied);
                next_code = 0;
            }
        } else {
            out.push_str(&body[copied..at]);
            let after = &body[at + 2..line_start + lines[index].len()];
            let end = closing(after, "}}").ok_or_else(|| {
                fail((
                    "`{{` opens a shortcode that is never closed with `}}`".into(),
                    "close it on the same line, or write the braces in a code span".into(),
                ))
            })?;
            out.push_str(&render_call(after[..end].trim(), None, tera, lang).map_err(fail)?);
            copied = at + 2 + end + 2;
            from = copied;
        }
    }
    out.push_str(&body[copied..]);
    Ok(out)
}

/// The byte ranges of `text` that CommonMark reads as code, moved by `offset`: fenced and
/// indented code blocks (to the closing fence, or to the end when there is none) and code
/// spans of any number of backticks, with their backticks. In document order.
fn code_ranges(text: &str, offset: usize) -> Vec<Range<usize>> {
    Parser::new_ext(text, crate::markdown::options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => {
                Some(range.start + offset..range.end + offset)
            }
            _ => None,
        })
        .collect()
}

/// Where `close` (`}}` or `%}`) ends the call that `text` starts, outside quoted text; when
/// quotes do not pair up, the first `close`, so that the arguments' error explains it.
fn closing(text: &str, close: &str) -> Option<usize> {
    let mut quote = None;
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        match quote {
            Some(open) if c == open => quote = None,
            Some(_) if c == '\\' => {
                chars.next();
            }
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if text[at..].starts_with(close) => return Some(at),
            None => {}
        }
    }
    text.find(close)
}

/// Renders the block shortcode opening at `lines[0]` (`call` is the text after its `{%`) and
/// returns how many lines it took.
fn expand_block(
    call: &str,
    lines: &[&str],
    tera: &Tera,
    lang: Option<&str>,
    out: &mut String,
) -> Result<usize, (String, String)> {
    const END: &str = "{% end %}";
    let usage = || "write block shortcodes as {% name(key=\"value\") %}text{% end %}".to_string();
    let close = closing(call, "%}").ok_or_else(|| {
        (
            "`{%` opens a block shortcode that is never closed with `%}`".to_string(),
            usage(),
        )
    })?;
    let (call, after_open) = (&call[..close], &call[close + 2..]);
    let call = call.trim();
    // The body runs from after `%}` to the first `{% end %}`, on this line or a later one.
    let mut body = String::new();
    let mut rest = after_open;
    let mut taken = 1;
    loop {
        if let Some(at) = rest.find(END) {
            body.push_str(&rest[..at]);
            if !rest[at + END.len()..].trim().is_empty() {
                return Err((
                    format!(
                        "text after `{END}` on the same line: `{}`",
                        rest[at + END.len()..].trim()
                    ),
                    "start that text on a new line".into(),
                ));
            }
            break;
        }
        body.push_str(rest);
        let Some(next) = lines.get(taken) else {
            return Err((
                format!("block shortcode `{call}` is never closed with `{END}`"),
                usage(),
            ));
        };
        rest = next;
        taken += 1;
    }
    let html = render_call(call, Some(body.trim_matches('\n')), tera, lang)?;
    out.push_str(&html);
    out.push('\n');
    // A blank line ends the HTML block; a block over several lines keeps the line count.
    for _ in 0..taken.saturating_sub(1).max(1) {
        out.push('\n');
    }
    Ok(taken)
}

/// Renders `name(key=value, …)` with `templates/shortcodes/name.html`; a block shortcode's
/// text is the variable `body`.
fn render_call(
    call: &str,
    body: Option<&str>,
    tera: &Tera,
    lang: Option<&str>,
) -> Result<String, (String, String)> {
    let usage = || "write shortcodes as {{ name(key=\"value\", n=1) }}".to_string();
    let (name, args) = call
        .strip_suffix(')')
        .and_then(|c| c.split_once('('))
        .ok_or_else(|| {
            (
                format!("`{{{{ {call} }}}}` is not a shortcode call"),
                usage(),
            )
        })?;
    let name = name.trim();
    let template = format!("{SHORTCODES_DIR}/{name}.html");
    if !tera.contains_template(&template) {
        let known: Vec<&str> = tera
            .get_template_names()
            .filter_map(|t| t.strip_prefix("shortcodes/")?.strip_suffix(".html"))
            .collect();
        return Err((
            format!("unknown shortcode `{name}`"),
            format!(
                "create templates/{template}{}",
                if known.is_empty() {
                    String::new()
                } else {
                    format!(", or use one of: {}", sorted(known).join(", "))
                }
            ),
        ));
    }
    let mut context = Context::new();
    if let Some(lang) = lang {
        context.insert("lang", lang);
    }
    for (key, value) in parse_args(args).map_err(|message| (message, usage()))? {
        context.insert_value(key, value);
    }
    if let Some(body) = body {
        context.insert("body", body);
    }
    let html = tera.render(&template, &context).map_err(|err| {
        (
            format!(
                "shortcode `{name}` failed: {}",
                crate::error::tera_report(&err)
            ),
            "check the shortcode's arguments".into(),
        )
    })?;
    // Inline output must stay on one line, or Markdown would end the paragraph.
    Ok(html.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn sorted(mut names: Vec<&str>) -> Vec<&str> {
    names.sort_unstable();
    names
}

/// `key="text", n=1, flag=true` → typed values.
fn parse_args(args: &str) -> Result<Vec<(String, tera::Value)>, String> {
    let mut parsed = Vec::new();
    let mut rest = args.trim();
    while !rest.is_empty() {
        let (key, after) = rest
            .split_once('=')
            .ok_or_else(|| format!("argument `{rest}` has no `=value`"))?;
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Err(format!("`{key}` is not an argument name"));
        }
        let after = after.trim_start();
        let (value, remaining) =
            if let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') {
                let (text, remaining) = quoted(&after[1..], quote)
                    .ok_or_else(|| format!("the text of `{key}` has no closing {quote}"))?;
                (tera::Value::from(text), remaining)
            } else {
                let end = after.find(',').unwrap_or(after.len());
                let raw = after[..end].trim();
                let value = match raw {
                    "true" => tera::Value::from(true),
                    "false" => tera::Value::from(false),
                    _ => match (raw.parse::<i64>(), raw.parse::<f64>()) {
                        (Ok(n), _) => tera::Value::from(n),
                        (_, Ok(f)) => tera::Value::from(f),
                        _ => return Err(format!("`{key}={raw}`: put text in quotes")),
                    },
                };
                (value, &after[end..])
            };
        parsed.push((key.to_string(), value));
        rest = remaining.trim_start();
        if let Some(next) = rest.strip_prefix(',') {
            rest = next.trim_start();
        } else if !rest.is_empty() {
            return Err(format!("expected `,` before `{rest}`"));
        }
    }
    Ok(parsed)
}

/// The text of a quoted argument whose opening `quote` is just before `text`, and what follows
/// its closing quote. `\"`, `\'` and `\\` stand for the character; any other `\` is kept.
fn quoted(text: &str, quote: char) -> Option<(String, &str)> {
    let mut value = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c == quote {
            return Some((value, &text[at + 1..]));
        }
        match chars.peek() {
            Some(&(_, next)) if c == '\\' && matches!(next, '"' | '\'' | '\\') => {
                value.push(next);
                chars.next();
            }
            _ => value.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera() -> Tera {
        let mut tera = Tera::new();
        tera.add_raw_template(
            "shortcodes/big.html",
            "<b>{{ text }}{% if n %}×{{ n }}{% endif %}</b>\n",
        )
        .unwrap();
        tera
    }

    #[test]
    fn expands_calls_but_not_code() {
        let body = "A {{ big(text=\"99%\", n=2) }} b `{{ big(text=\"x\") }}`.\n```\n{{ big(text=\"y\") }}\n```\n";
        let out = expand(body, &tera()).unwrap();
        assert_eq!(
            out,
            "A <b>99%×2</b> b `{{ big(text=\"x\") }}`.\n```\n{{ big(text=\"y\") }}\n```\n"
        );
    }

    #[test]
    fn unknown_shortcode_names_the_line_and_the_known_ones() {
        let err = expand("ok\n\nsee {{ small(text=\"a\") }}\n", &tera()).unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("unknown shortcode `small`"));
        assert!(err.help.contains("use one of: big"), "{}", err.help);
    }

    #[test]
    fn block_shortcodes_get_their_body_and_keep_line_numbers() {
        let mut tera = tera();
        tera.add_raw_template(
            "shortcodes/note.html",
            "<aside class=\"{{ kind }}\">\n{{ body }}\n</aside>",
        )
        .unwrap();
        let body = "a\n{% note(kind=\"tip\") %}\nTwo\nlines\n{% end %}\nb {{ big(text=\"x\") }}\n";
        let out = expand(body, &tera).unwrap();
        assert_eq!(
            out,
            "a\n<aside class=\"tip\"> Two lines </aside>\n\n\n\nb <b>x</b>\n"
        );
        assert_eq!(out.lines().count(), body.lines().count());
        let one_line = expand("{% note(kind=\"x\") %}Hi{% end %}\n", &tera).unwrap();
        assert_eq!(one_line, "<aside class=\"x\"> Hi </aside>\n\n");
        let err = expand("ok\n{% note(kind=\"x\") %}\nnever closed\n", &tera).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(
            err.message.contains("never closed with `{% end %}`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn code_is_what_commonmark_calls_code() {
        let body = concat!(
            "````\n```\n{{ x( }}\n```\n````\n",
            "    {{ indented( }}\n\n",
            "- a\n\n  > ```\n  > {{ y( }}\n  > ```\n\n",
            "`` {{ a( }} `` and ```{{ b(`x`) }}```\n",
            "~~~\n{{ tilde( }}\n~~~\n",
            "line 18 {{ big(text=\"ok\") }} {% not a block %}\n",
            "```\n{{ unclosed(\n",
        );
        let out = expand(body, &tera()).unwrap();
        assert_eq!(
            out,
            body.replace("{{ big(text=\"ok\") }}", "<b>ok</b>"),
            "{out}"
        );
        let err = expand(&body.replace("line 18", "{{ oops( }}"), &tera()).unwrap_err();
        assert_eq!(err.line, 18, "{err:?}");
        assert!(err.message.contains("not a shortcode call"), "{err:?}");
    }

    #[test]
    fn quoted_arguments_may_hold_braces_percent_and_escaped_quotes() {
        let out = expand(
            "{{ big(text=\"a }} b \\\"c\\\" \\\\ d\\e\") }} {{ big(text='x \"y\" %}') }}\n",
            &tera(),
        )
        .unwrap();
        assert_eq!(
            out,
            "<b>a }} b &quot;c&quot; \\ d\\e</b> <b>x &quot;y&quot; %}</b>\n"
        );
        let err = expand("{{ big(text=\"it's) }}\n", &tera()).unwrap_err();
        assert!(err.message.contains("no closing \""), "{err:?}");
    }

    #[test]
    fn code_after_a_block_whose_text_leaves_a_fence_open_is_found_anew() {
        let mut tera = tera();
        tera.add_raw_template("shortcodes/note.html", "<aside>{{ body }}</aside>")
            .unwrap();
        let body =
            "{% note() %}\n```\nopen fence\n{% end %}\n\nAfter {{ big(text=\"x\") }} `{{ y( }}`\n";
        let out = expand(body, &tera).unwrap();
        assert_eq!(
            out,
            "<aside>``` open fence</aside>\n\n\n\n\nAfter <b>x</b> `{{ y( }}`\n"
        );
    }

    #[test]
    fn bad_arguments_are_explained() {
        for (call, message) in [
            ("{{ big(text=unquoted) }}", "put text in quotes"),
            ("{{ big(text=\"open) }}", "no closing"),
            ("{{ big text }}", "not a shortcode call"),
            ("{{ big(text=\"a\"", "never closed"),
        ] {
            let err = expand(call, &tera()).unwrap_err();
            assert!(err.message.contains(message), "{call}: {}", err.message);
        }
    }
}
