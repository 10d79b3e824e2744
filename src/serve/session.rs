//! A site kept in memory between rebuilds, so that an edit re-renders only what it affects
//! (see [`crate::pipeline`]); what the session writes equals what a build writes.

use std::path::{Path, PathBuf};

use crate::config::BuildOptions;
use crate::error::Error;
use crate::paths::CONTENT_DIR;
use crate::pipeline::{self, Destination, NeedsFullBuild, Project, render_project};

/// What one rebuild did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rebuilt {
    /// How much was rebuilt.
    pub scope: RebuildScope,
    /// The output files written, relative to the output folder.
    pub written: Vec<String>,
    /// Whether only stylesheets changed, so pages can swap CSS without reloading.
    pub css_only: bool,
    /// Pages and sections rendered through their templates again.
    pub rendered: usize,
}

/// How much a rebuild touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RebuildScope {
    /// The whole site.
    Full,
    /// The pages the edit affects.
    Page,
    /// Files copied as they are.
    Copy,
    /// Nothing of the site changed (an editor's temporary file).
    Nothing,
}

/// The site being served: its last good build, in memory and in `out_dir`.
pub struct Session {
    options: BuildOptions,
    out_dir: PathBuf,
    project: Option<Project>,
}

impl Session {
    /// A session that writes the site of `options.root` into `out_dir` (which it owns).
    pub fn new(options: BuildOptions, out_dir: PathBuf) -> Session {
        Session {
            options,
            out_dir,
            project: None,
        }
    }

    /// Where the site is written.
    pub fn out_dir(&self) -> &Path {
        &self.out_dir
    }

    /// The path part of the site's base URL (`/repo/`), once a build has succeeded.
    pub fn base_path(&self) -> Option<&str> {
        self.project.as_ref().map(|p| p.config.base_path())
    }

    /// Builds everything and replaces the output. On error the last good build stays, and
    /// the next rebuild is a full one.
    pub fn build_all(&mut self) -> Result<Rebuilt, Vec<Error>> {
        self.project = None;
        let project = render_project(&self.options, Destination::Memory)?;
        if !project.errors.is_empty() {
            return Err(project.errors);
        }
        pipeline::write(&project, &self.options.root, &self.out_dir).map_err(|e| vec![e])?;
        let written = project
            .files()
            .iter()
            .map(|f| f.output_path.clone())
            .collect();
        let rendered = project.site.all_pages().count();
        self.project = Some(project);
        Ok(Rebuilt {
            scope: RebuildScope::Full,
            written,
            css_only: false,
            rendered,
        })
    }

    /// Rebuilds what `changed` (paths relative to the site root) affects: the same pipeline
    /// steps as a build, on the pages the edit reaches.
    pub fn apply(&mut self, changed: &[PathBuf]) -> Result<Rebuilt, Vec<Error>> {
        // Files in content/ that are neither Markdown nor beside a bundle (an editor's or
        // sed's temporary file) are not part of the site.
        let changed: Vec<PathBuf> = changed
            .iter()
            .filter(|path| !path.starts_with(CONTENT_DIR) || self.is_content_source(path))
            .cloned()
            .collect();
        if changed.is_empty() {
            return Ok(Rebuilt {
                scope: RebuildScope::Nothing,
                written: Vec::new(),
                css_only: false,
                rendered: 0,
            });
        }
        let Some(project) = self.project.as_mut() else {
            return self.build_all();
        };
        match project.update(&self.options.root, &self.out_dir, &changed) {
            Ok(Ok(update)) => Ok(Rebuilt {
                scope: if update.rerendered == 0 {
                    RebuildScope::Copy
                } else {
                    RebuildScope::Page
                },
                css_only: !update.written.is_empty()
                    && update.written.iter().all(|w| w.ends_with(".css")),
                written: update.written,
                rendered: update.rerendered,
            }),
            Ok(Err(NeedsFullBuild)) => self.build_all(),
            Err(errors) => {
                // The project is partly updated: the next edit starts from a full build.
                self.project = None;
                Err(errors)
            }
        }
    }

    /// Whether a path in `content/` is part of the site: Markdown, or a file beside a bundle's
    /// `index.md`.
    fn is_content_source(&self, path: &Path) -> bool {
        if path.extension().is_some_and(|e| e == "md") {
            return true;
        }
        let Some(dir) = path.parent() else {
            return false;
        };
        self.options.root.join(dir).join("index.md").is_file()
    }
}
