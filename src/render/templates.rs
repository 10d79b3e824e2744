//! Loading `templates/` into one Tera instance, with factsheet's template functions.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use tera::{Kwargs, State, Tera};
use walkdir::WalkDir;

use super::TEMPLATES_DIR;
use crate::config::{Config, read_text};
use crate::error::{Error, tera_report};
use crate::render::join_url;

/// The loaded templates, and the site data their functions read.
pub struct Templates {
    /// One Tera instance for the whole site.
    pub tera: Tera,
    /// Figures by `id`, filled in once the site is loaded; read by `get_figure`.
    pub(super) figures_by_id: Arc<RwLock<BTreeMap<String, tera::Value>>>,
}

/// Loads every file under `<root>/templates` into one Tera instance, named by its path there
/// (`page.html`, `partials/nav.html`), with factsheet's functions registered.
pub fn load_templates(root: &Path, config: &Config) -> Result<Templates, Vec<Error>> {
    let mut errors = Vec::new();
    let mut sources = Vec::new();
    let dir = root.join(TEMPLATES_DIR);
    for entry in WalkDir::new(&dir).follow_links(false).sort_by_file_name() {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
                let name = template_name(entry.path().strip_prefix(&dir).unwrap_or(relative));
                match read_text(root, relative) {
                    Ok(text) => sources.push((name, text)),
                    Err(err) => errors.push(err),
                }
            }
            Ok(_) => {}
            Err(err) => errors.push(Error::Read {
                path: PathBuf::from(TEMPLATES_DIR),
                source: err.into(),
            }),
        }
    }
    let mut tera = Tera::new();
    let figures_by_id = Arc::default();
    register_functions(&mut tera, config, &figures_by_id);
    if let Err(err) = tera.add_raw_templates(sources) {
        errors.push(Error::TemplateLoad {
            message: tera_report(&err),
        });
    }
    if errors.is_empty() {
        Ok(Templates {
            tera,
            figures_by_id,
        })
    } else {
        Err(errors)
    }
}

/// `partials/nav.html` whatever the platform's separator.
fn template_name(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// `url(path="/speakers/")` → `/repo/speakers/`: the site path under the base path, which
/// works on GitHub Pages, on a custom domain and in a local preview alike.
/// `url(path=..., absolute=true)` → `https://owner.github.io/repo/speakers/`, for canonical
/// links, feeds and social cards.
/// `get_figure(id="coverage")` → the figure with that `id`, from any page, with its source.
/// Tera checks functions when templates load, so both exist before the site is known.
fn register_functions(
    tera: &mut Tera,
    config: &Config,
    figures_by_id: &Arc<RwLock<BTreeMap<String, tera::Value>>>,
) {
    let base_url = config.base_url.clone();
    let base_path = config.base_path().to_string();
    tera.register_function("url", move |kwargs: Kwargs, _: &State| {
        let path: String = kwargs.must_get("path")?;
        let absolute: bool = kwargs.get("absolute")?.unwrap_or(false);
        let base = if absolute { &base_url } else { &base_path };
        Ok::<_, tera::Error>(join_url(base, &path))
    });
    let figures = Arc::clone(figures_by_id);
    tera.register_function("get_figure", move |kwargs: Kwargs, _: &State| {
        let id: String = kwargs.must_get("id")?;
        let figures = figures
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        figures.get(&id).cloned().ok_or_else(|| {
            let known: Vec<&str> = figures.keys().map(String::as_str).collect();
            tera::Error::message(format!(
                "no figure has `id: {id}`; figures with an id: {}",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ))
        })
    });
}
