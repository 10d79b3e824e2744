//! A site kept in memory between rebuilds: a changed Markdown body re-renders that page and
//! the section listing it; a changed static or bundle file is copied alone; anything else
//! (templates, `site.yaml`, front matter, added or removed pages) rebuilds everything.

use std::fs;
use std::path::{Path, PathBuf};

use crate::config::BuildOptions;
use crate::content;
use crate::error::Error;
use crate::output;
use crate::paths::{CONFIG_FILE, CONTENT_DIR, STATIC_DIR, slashed};
use crate::pipeline::{Project, render_project};
use crate::render::{self, RenderedFile};

/// What one rebuild did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rebuilt {
    /// How much was rebuilt.
    pub scope: RebuildScope,
    /// The output files written, relative to the output folder.
    pub written: Vec<String>,
    /// Whether only stylesheets changed, so pages can swap CSS without reloading.
    pub css_only: bool,
}

/// How much a rebuild touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RebuildScope {
    /// The whole site.
    Full,
    /// One page and the section listing it.
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

    /// Builds everything and replaces the output. On error the last good build stays.
    pub fn build_all(&mut self) -> Result<Rebuilt, Vec<Error>> {
        let project = render_project(&self.options)?;
        if !project.errors.is_empty() {
            return Err(project.errors);
        }
        let rendered = &project.rendered;
        output::write_output(
            &self.options.root,
            &self.out_dir,
            &rendered.files,
            &rendered.assets,
            &rendered.og_images,
        )
        .map_err(|e| vec![e])?;
        let written = rendered
            .files
            .iter()
            .map(|f| f.output_path.clone())
            .collect();
        self.project = Some(project);
        Ok(Rebuilt {
            scope: RebuildScope::Full,
            written,
            css_only: false,
        })
    }

    /// Rebuilds what `changed` (paths relative to the site root) affects.
    pub fn apply(&mut self, changed: &[PathBuf]) -> Result<Rebuilt, Vec<Error>> {
        // Files in content/ that are neither Markdown nor beside a bundle (an editor's or
        // sed's temporary file) are not part of the site.
        let changed: Vec<PathBuf> = changed
            .iter()
            .filter(|path| {
                !path.starts_with(CONTENT_DIR)
                    || path.extension().is_some_and(|e| e == "md")
                    || self.copy_target(path).is_some()
            })
            .cloned()
            .collect();
        if changed.is_empty() {
            return Ok(Rebuilt {
                scope: RebuildScope::Nothing,
                written: Vec::new(),
                css_only: false,
            });
        }
        let changed = changed.as_slice();
        let copies: Option<Vec<(PathBuf, String)>> =
            changed.iter().map(|path| self.copy_target(path)).collect();
        if let Some(copies) = copies {
            return self.copy_files(&copies);
        }
        if let [file] = changed
            && let Some(rebuilt) = self.rebuild_page(file)?
        {
            return Ok(rebuilt);
        }
        self.build_all()
    }

    /// Where a changed static or bundle file goes, if copying it alone is enough.
    fn copy_target(&self, path: &Path) -> Option<(PathBuf, String)> {
        let project = self.project.as_ref()?;
        let name = path.to_string_lossy();
        if let Ok(in_static) = path.strip_prefix(STATIC_DIR) {
            return Some((path.to_path_buf(), slashed(in_static)));
        }
        if name.ends_with(".md") || !path.starts_with(CONTENT_DIR) {
            return None;
        }
        // A file beside a bundle's index.md goes beside its HTML.
        let dir = path.parent()?;
        let page = project
            .site
            .pages
            .iter()
            .find(|p| p.file.parent() == Some(dir) && p.file.ends_with("index.md"))?;
        let file_name = path.file_name()?.to_string_lossy();
        Some((
            path.to_path_buf(),
            format!("{}{file_name}", page.path.trim_start_matches('/')),
        ))
    }

    fn copy_files(&self, copies: &[(PathBuf, String)]) -> Result<Rebuilt, Vec<Error>> {
        let mut written = Vec::new();
        for (source, output_path) in copies {
            let destination = self.out_dir.join(output_path);
            let from = self.options.root.join(source);
            if from.is_file() {
                if let Some(dir) = destination.parent() {
                    fs::create_dir_all(dir).map_err(|source| {
                        vec![Error::Write {
                            path: dir.to_path_buf(),
                            source,
                        }]
                    })?;
                }
                fs::copy(&from, &destination).map_err(|err| {
                    vec![Error::Read {
                        path: source.clone(),
                        source: err,
                    }]
                })?;
            } else if destination.is_file() {
                // The file was deleted: so is its copy.
                let _ = fs::remove_file(&destination);
            }
            written.push(output_path.clone());
        }
        Ok(Rebuilt {
            scope: RebuildScope::Copy,
            css_only: written.iter().all(|w| w.ends_with(".css")),
            written,
        })
    }

    /// Re-renders one page when only its body changed; `None` when more must be rebuilt.
    fn rebuild_page(&mut self, file: &Path) -> Result<Option<Rebuilt>, Vec<Error>> {
        if file == Path::new(CONFIG_FILE) || !file.starts_with(CONTENT_DIR) {
            return Ok(None);
        }
        let Some(project) = self.project.as_mut() else {
            return Ok(None);
        };
        let Some(index) = project.site.pages.iter().position(|p| p.file == file) else {
            return Ok(None);
        };
        let (page, is_section) =
            content::load_file(&self.options.root, file).map_err(|e| vec![e])?;
        let old = &project.site.pages[index];
        if is_section || page.path != old.path || page.front_matter != old.front_matter {
            return Ok(None);
        }
        let rendered = &mut project.rendered;
        let files = render::rerender_page(
            &mut project.site,
            &project.config,
            &project.templates,
            &self.options.root,
            (&mut rendered.page_markdown, &rendered.section_markdown),
            index,
            page,
        )?;
        write_files(&self.out_dir, &files)?;
        Ok(Some(Rebuilt {
            scope: RebuildScope::Page,
            written: files.into_iter().map(|f| f.output_path).collect(),
            css_only: false,
        }))
    }
}

fn write_files(out_dir: &Path, files: &[RenderedFile]) -> Result<(), Vec<Error>> {
    for file in files {
        let path = out_dir.join(&file.output_path);
        fs::write(&path, &file.contents).map_err(|source| vec![Error::Write { path, source }])?;
    }
    Ok(())
}
