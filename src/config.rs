//! Stage 1, config: read `site.yaml` into [`Config`] and apply the command line's overrides.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::error::Error;
use crate::paths::{CONFIG_FILE, read_text};
use crate::yaml::{self, Segment};

/// The site's settings, from `site.yaml`, as templates see them under `site`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The site's name, used in `<title>` and the header.
    pub title: String,
    /// One sentence about the site, the default meta description.
    #[serde(default)]
    pub description: String,
    /// Where the site is published, ending in `/`: `https://owner.github.io/repo/` or `/`.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// The `lang` of every page.
    #[serde(default = "default_language")]
    pub language: String,
    /// Links of the main navigation, in order.
    #[serde(default)]
    pub nav: Vec<NavItem>,
    /// The publications the site's facts come from.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Who the Atom feed names as author (the site title when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The repository on GitHub (`https://github.com/owner/repo`): pages link to their file
    /// there ("Edit this page").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository_url: Option<String>,
    /// The branch those links use.
    #[serde(default = "default_branch")]
    pub repository_branch: String,
    /// The event the site is about, for structured data (schema.org `Event`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<Event>,
    /// A custom domain for GitHub Pages, written to `CNAME` (e.g. `facts.example.org`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cname: Option<String>,
    /// Free-form data for templates.
    #[serde(default)]
    pub extra: BTreeMap<String, yaml::Value>,
}

impl Config {
    /// The path part of `base_url`: `/repo/` for `https://owner.github.io/repo/`, `/` at a
    /// domain root.
    pub fn base_path(&self) -> &str {
        let url = &self.base_url;
        match url.split_once("://") {
            Some((_, rest)) => rest.find('/').map_or("/", |at| &rest[at..]),
            None => url,
        }
    }
}

/// One navigation link.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NavItem {
    /// The link text.
    pub title: String,
    /// Site path of the target, e.g. `/speakers/`; templates pass it to `url(path=...)`.
    pub path: String,
}

/// The event a fact sheet is about.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Its name, e.g. `Digital Almaty 2021`.
    pub name: String,
    /// Its (first) day, `YYYY-MM-DD`.
    pub start_date: Date,
    /// Its last day, when it lasted more than one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<Date>,
    /// Where it took place, e.g. `Almaty, Kazakhstan`.
    pub location: String,
    /// One sentence about it.
    #[serde(default)]
    pub description: String,
}

/// A publication the site cites.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The short name figures and quotes cite, e.g. `kazinform-2021-02-05`.
    pub id: String,
    /// Who published it.
    pub publisher: String,
    /// Its headline.
    pub title: String,
    /// Publication date, `YYYY-MM-DD`.
    pub date: Date,
    /// Where the public can read it.
    pub url: String,
    /// A stored copy of its text, relative to the site root (read by the build, never published).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// What the command line asks of a build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder holding `site.yaml`, `content/`, `templates/`, `static/`.
    pub root: PathBuf,
    /// Where to write the site; `<root>/public` when `None`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from `site.yaml`.
    pub base_url: Option<String>,
    /// Overrides `repository_url` from `site.yaml` (CI passes the repository it builds).
    pub repository_url: Option<String>,
    /// Include pages marked `draft: true`.
    pub drafts: bool,
    /// Replace an output folder that factsheet did not make.
    pub force: bool,
}

impl BuildOptions {
    /// Options for building the site in `root` with every default.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            base_url: None,
            repository_url: None,
            drafts: false,
            force: false,
        }
    }

    /// The output folder these options name.
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

fn default_base_url() -> String {
    "/".to_string()
}

fn default_branch() -> String {
    "main".to_string()
}

fn default_language() -> String {
    "en".to_string()
}

/// Reads `<root>/site.yaml` and applies `options`' overrides.
pub fn load_config(options: &BuildOptions) -> Result<Config, Error> {
    let path = PathBuf::from(CONFIG_FILE);
    let text = read_text(&options.root, &path)?;
    let mut config: Config =
        yaml::from_str(&text).map_err(|err| Error::from_yaml(path.clone(), &text, 0, err))?;
    if config.title.trim().is_empty() {
        return Err(Error::Missing {
            path,
            line: yaml::line_of(&text, &[Segment::Key("title")]).unwrap_or(1),
            what: "the site `title`".into(),
            help: "give the site a name: `title: Digital Almaty 2021`".into(),
        });
    }
    let (base_url, line) = match &options.base_url {
        Some(url) => (url.clone(), None),
        None => (
            config.base_url.clone(),
            yaml::line_of(&text, &[Segment::Key("base_url")]),
        ),
    };
    config.base_url = normalize_base_url(&base_url).map_err(|reason| Error::InvalidValue {
        path: if line.is_some() {
            path.clone()
        } else {
            PathBuf::from("--base-url")
        },
        line: line.unwrap_or(1),
        message: format!("base_url `{base_url}` {reason}"),
        help: "use a full URL such as `https://owner.github.io/repo/`, or `/`".into(),
    })?;
    if let Some(url) = &options.repository_url {
        config.repository_url = Some(url.clone());
    }
    Ok(config)
}

/// Checks a base URL's form and makes it end in exactly one `/`.
fn normalize_base_url(url: &str) -> Result<String, &'static str> {
    let url = url.trim();
    let rest = if let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    {
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty() {
            return Err("has no host name");
        }
        rest
    } else if url.starts_with('/') {
        url
    } else {
        return Err("must start with `https://`, `http://` or `/`");
    };
    if rest.contains(char::is_whitespace) || rest.contains(['?', '#']) {
        return Err("must not contain spaces, `?` or `#`");
    }
    Ok(format!("{}/", url.trim_end_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::normalize_base_url;

    #[test]
    fn base_urls_end_in_one_slash() {
        assert_eq!(
            normalize_base_url("https://a.io/r").unwrap(),
            "https://a.io/r/"
        );
        assert_eq!(
            normalize_base_url("https://a.io/r//").unwrap(),
            "https://a.io/r/"
        );
        assert_eq!(normalize_base_url("/").unwrap(), "/");
        assert_eq!(normalize_base_url("/repo").unwrap(), "/repo/");
    }

    #[test]
    fn base_path_is_the_path_of_base_url() {
        let mut config: super::Config = crate::yaml::from_str("title: t").unwrap();
        for (url, path) in [
            ("https://o.github.io/repo/", "/repo/"),
            ("https://example.org/", "/"),
            ("/", "/"),
            ("/sub/", "/sub/"),
        ] {
            config.base_url = url.to_string();
            assert_eq!(config.base_path(), path, "{url}");
        }
    }

    #[test]
    fn bad_base_urls_are_refused() {
        assert!(normalize_base_url("example.com").is_err());
        assert!(normalize_base_url("https:///x").is_err());
        assert!(normalize_base_url("https://a.io/x y").is_err());
    }
}
