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

/// Replaces every shortcode call in `body` by its rendered template.
pub fn expand(body: &str, tera: &Tera) -> Result<String, ShortcodeError> {
    if !body.contains("{{") {
        return Ok(body.to_string());
    }
    let mut out = String::with_capacity(body.len());
    let mut fence: Option<&str> = None;
    for (index, line) in body.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_start();
        if let Some(open) = fence {
            if trimmed.starts_with(open) {
                fence = None;
            }
            out.push_str(line);
            continue;
        }
        if let Some(open) = ["```", "~~~"].into_iter().find(|f| trimmed.starts_with(f)) {
            fence = Some(open);
            out.push_str(line);
            continue;
        }
        expand_line(line, tera, &mut out).map_err(|(message, help)| ShortcodeError {
            line: index + 1,
            message,
            help,
        })?;
    }
    Ok(out)
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
                out.push_str(&render_call(after[..end].trim(), tera)?);
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

/// Renders `name(key=value, …)` with `templates/shortcodes/name.html`.
fn render_call(call: &str, tera: &Tera) -> Result<String, (String, String)> {
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
