//! factsheet: a static site generator for checked fact sheets.
//!
//! The build runs in stages, one module each: [`config`] reads `site.yaml`, [`content`] loads
//! the Markdown into a [`content::Site`] tree, [`markdown`] turns bodies into HTML, [`render`]
//! applies the Tera templates, and [`output`] writes the result atomically.

pub mod config;
pub mod content;
pub mod error;
pub mod facts;
pub mod images;
pub mod init;
pub mod lint;
pub mod markdown;
pub mod output;
pub mod publish;
pub mod render;
pub mod shortcodes;
pub mod yaml;

use std::path::PathBuf;

pub use config::{BuildOptions, Config};
pub use error::{BuildFailure, Error};

/// What a successful build produced.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Pages rendered from content files (sections included; 404.html not counted).
    pub pages: usize,
    /// The output folder written.
    pub output: PathBuf,
    /// Problems that did not stop the build.
    pub warnings: Vec<lint::Warning>,
}

/// Builds the site described by `options`: every stage runs as far as it can, so the errors
/// of all files come back together. On failure nothing is written.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let mut errors = Vec::new();
    let target = output::check_output_dir(&options.root, &options.output_dir(), options.force)
        .map_err(|e| errors.push(e))
        .ok();
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
    let tera = config.as_ref().and_then(|config| {
        render::load_templates(&options.root, config)
            .map_err(|e| errors.extend(e))
            .ok()
    });
    let (Some(target), Some(config), Some(mut templates)) = (target, config, tera) else {
        return Err(errors.into());
    };
    // Render even when some files failed to load, to report template errors in the same run.
    match render::render_site(&site, &config, &mut templates, &options.root) {
        Ok(mut rendered) if errors.is_empty() => {
            rendered
                .files
                .extend(publish::publishing_files(&site, &config));
            output::write_output(&options.root, &target, &rendered.files, &rendered.assets)?;
            let mut warnings = rendered.warnings;
            warnings.extend(lint::root_relative_urls(&options.root, &site));
            Ok(BuildReport {
                pages: site.all_pages().count(),
                output: target,
                warnings,
            })
        }
        Ok(_) => Err(errors.into()),
        Err(render_errors) => {
            errors.extend(render_errors);
            Err(errors.into())
        }
    }
}
