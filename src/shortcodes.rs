//! Shortcodes: `{{ name(key="value", n=1) }}` in Markdown, rendered by the Tera template
//! `templates/shortcodes/name.html` with the arguments as variables. Not expanded inside code
//! spans or fenced code blocks.

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

/// Replaces every shortcode call in `body` by its rendered template: inline calls
/// `{{ name(…) }}` in place, block calls `{% name(…) %}…{% end %}` (the text between is the
/// template's `body`) by one line of HTML followed by blank lines, so that the lines after
/// keep their numbers for error messages.
pub fn expand(body: &str, tera: &Tera) -> Result<String, ShortcodeError> {
    if !body.contains("{{") && !body.contains("{%") {
        return Ok(body.to_string());
    }
    let lines: Vec<&str> = body.split_inclusive('\n').collect();
    let mut out = String::with_capacity(body.len());
    let mut fence: Option<&str> = None;
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        let trimmed = line.trim_start();
        let fail = |(message, help): (String, String)| ShortcodeError {
            line: index + 1,
            message,
            help,
        };
        if let Some(open) = fence {
            if trimmed.starts_with(open) {
                fence = None;
            }
            out.push_str(line);
        } else if let Some(open) = ["```", "~~~"].into_iter().find(|f| trimmed.starts_with(f)) {
            fence = Some(open);
            out.push_str(line);
        } else if let Some(call) = trimmed.strip_prefix("{%") {
            let consumed = expand_block(call, &lines[index..], tera, &mut out).map_err(fail)?;
            index += consumed;
            continue;
        } else {
            expand_line(line, tera, &mut out).map_err(fail)?;
        }
        index += 1;
    }
    Ok(out)
}

/// Renders the block shortcode opening at `lines[0]` (`call` is the text after its `{%`) and
/// returns how many lines it took.
fn expand_block(
    call: &str,
    lines: &[&str],
    tera: &Tera,
    out: &mut String,
) -> Result<usize, (String, String)> {
    const END: &str = "{% end %}";
    let usage = || "write block shortcodes as {% name(key=\"value\") %}text{% end %}".to_string();
    let (call, after_open) = call.split_once("%}").ok_or_else(|| {
        (
            "`{%` opens a block shortcode that is never closed with `%}`".to_string(),
            usage(),
        )
    })?;
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
    let html = render_call(call, Some(body.trim_matches('\n')), tera)?;
    out.push_str(&html);
    out.push('\n');
    // A blank line ends the HTML block; a block over several lines keeps the line count.
    for _ in 0..taken.saturating_sub(1).max(1) {
        out.push('\n');
    }
    Ok(taken)
}

/// Expands the calls in one line, leaving `code spans` alone.
fn expand_line(line: &str, tera: &Tera, out: &mut String) -> Result<(), (String, String)> {
    let mut rest = line;
    let mut in_code = false;
    while !rest.is_empty() {
        let next_tick = rest.find('`');
        let next_call = if in_code { None } else { rest.find("{{") };
        match (next_tick, next_call) {
            (Some(tick), call) if call.is_none_or(|c| tick < c) => {
                let run = rest[tick..].len() - rest[tick..].trim_start_matches('`').len();
                out.push_str(&rest[..tick + run]);
                rest = &rest[tick + run..];
                in_code = !in_code;
            }
            (_, Some(call)) => {
                out.push_str(&rest[..call]);
                let after = &rest[call + 2..];
                let Some(end) = after.find("}}") else {
                    return Err((
                        "`{{` opens a shortcode that is never closed with `}}`".into(),
                        "close it on the same line, or write the braces in a code span".into(),
                    ));
                };
                out.push_str(&render_call(after[..end].trim(), None, tera)?);
                rest = &after[end + 2..];
            }
            _ => {
                out.push_str(rest);
                rest = "";
            }
        }
    }
    Ok(())
}

/// Renders `name(key=value, …)` with `templates/shortcodes/name.html`; a block shortcode's
/// text is the variable `body`.
fn render_call(call: &str, body: Option<&str>, tera: &Tera) -> Result<String, (String, String)> {
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
                let body = &after[1..];
                let end = body
                    .find(quote)
                    .ok_or_else(|| format!("the text of `{key}` has no closing {quote}"))?;
                (tera::Value::from(&body[..end]), &body[end + 1..])
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
