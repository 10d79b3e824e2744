//! The pipeline that `build`, `check` and `serve` share: config, content, fact checks,
//! templates, render, the publishing files and the audits, as named steps.

use std::path::PathBuf;

use crate::config::{self, BuildOptions, Config};
use crate::error::{BuildFailure, Error};
use crate::{audit, content, facts, lint, output, publish, render};

/// What a successful build produced.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Pages rendered from content files (sections included; 404.html not counted).
    pub pages: usize,
    /// The output folder written.
    pub output: PathBuf,
    /// How the social preview images were made.
    pub images: output::ImageStats,
    /// Problems that did not stop the build.
    pub warnings: Vec<crate::error::Warning>,
}

/// What `factsheet check` found.
#[derive(Debug)]
pub struct CheckReport {
    /// Pages checked (sections included).
    pub pages: usize,
    /// Problems that fail the check.
    pub errors: Vec<Error>,
    /// Problems worth fixing that do not fail it.
    pub warnings: Vec<crate::error::Warning>,
}

/// A site rendered in memory, with every error and warning found on the way, and what an
/// incremental rebuild needs to re-render part of it.
pub(crate) struct Project {
    pub(crate) config: Config,
    pub(crate) site: content::Site,
    pub(crate) templates: render::Templates,
    pub(crate) rendered: render::RenderOutput,
    pub(crate) errors: Vec<Error>,
}

/// Runs every stage but the write: config, content, fact checks, templates, render, the
/// publishing files and the audits. Each stage runs as far as it can, so the errors of all
/// files come back together; `Err` only when there is no config or no templates to render with.
pub(crate) fn render_project(options: &BuildOptions) -> Result<Project, Vec<Error>> {
    let mut errors = Vec::new();
    let config = config::load_config(options)
        .map_err(|e| errors.push(e))
        .ok();
    let (site, load_errors) = content::load_site(&options.root, options.drafts);
    errors.extend(load_errors);
    if let Some(config) = &config {
        match facts::load_source_texts(&options.root, config) {
            Ok(texts) => {
                for page in site.all_pages() {
                    errors.extend(facts::check_page(page, config, &texts));
                }
                errors.extend(facts::check_unique_ids(site.all_pages()));
            }
            Err(source_errors) => errors.extend(source_errors),
        }
    }
    let templates = config.as_ref().and_then(|config| {
        render::load_templates(&options.root, config)
            .map_err(|e| errors.extend(e))
            .ok()
    });
    let (Some(config), Some(mut templates)) = (config, templates) else {
        return Err(errors);
    };
    // Render even when some files failed to load, to report template errors in the same run.
    let (mut rendered, render_errors) =
        render::render_site(&site, &config, &mut templates, &options.root);
    errors.extend(render_errors);
    rendered.warnings.extend(audit::audit_html(&rendered.files));
    rendered
        .warnings
        .extend(lint::root_relative_urls(&options.root));
    rendered
        .files
        .extend(publish::publishing_files(&site, &config));
    // Draw only the previews some page links to (one scan of each page, when there are any).
    if !rendered.og_images.is_empty() {
        let linked: std::collections::HashSet<String> = audit::linked_images(&rendered.files)
            .into_iter()
            .map(str::to_string)
            .collect();
        rendered
            .og_images
            .retain(|image| linked.contains(&image.output_path));
    }
    Ok(Project {
        config,
        site,
        templates,
        rendered,
        errors,
    })
}

/// Builds the site described by `options` and writes it. On failure nothing is written and
/// every error found is returned.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let target = output::check_output_dir(&options.root, &options.output_dir(), options.force);
    let site = render_project(options);
    let (target, site) = match (target, site) {
        (Ok(target), Ok(site)) if site.errors.is_empty() => (target, site),
        (target, site) => {
            let mut errors: Vec<Error> = target.err().into_iter().collect();
            match site {
                Ok(site) => errors.extend(site.errors),
                Err(site_errors) => errors.extend(site_errors),
            }
            return Err(errors.into());
        }
    };
    let pages = site.site.all_pages().count();
    let rendered = site.rendered;
    let images = output::write_output(
        &options.root,
        &target,
        &rendered.files,
        &rendered.assets,
        &rendered.og_images,
    )?;
    Ok(BuildReport {
        pages,
        images,
        output: target,
        warnings: rendered.warnings,
    })
}

/// Does the whole build in memory and writes nothing: every error of the build, plus the
/// warnings that [`crate::crate::error::WarningKind::fails_check`] makes errors here.
pub fn check(options: &BuildOptions) -> CheckReport {
    match render_project(options) {
        Ok(site) => {
            let (failing, warnings): (Vec<_>, Vec<_>) = site
                .rendered
                .warnings
                .into_iter()
                .partition(|w| w.kind.fails_check());
            let mut errors = site.errors;
            errors.extend(failing.into_iter().map(Error::Check));
            CheckReport {
                pages: site.site.all_pages().count(),
                errors,
                warnings,
            }
        }
        Err(errors) => CheckReport {
            pages: 0,
            errors,
            warnings: Vec::new(),
        },
    }
}
