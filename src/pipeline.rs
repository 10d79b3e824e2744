//! The pipeline that `build`, `check` and `serve` share, as named steps: config, content, fact
//! checks, templates, render, then the publishing files, audits and previews. A full build
//! runs every step on every page; [`Project::update`] runs the same steps on the pages an edit
//! affects and keeps the rest, so that `serve` writes what `build` would.

use std::collections::{BTreeSet, HashSet};
use std::sync::Mutex;

use rayon::prelude::*;
use std::path::{Path, PathBuf};

use crate::config::{self, BuildOptions, Config};
use crate::content::{self, Site};
use crate::error::{BuildFailure, Error, Warning, WarningKind};
use crate::paths::{CONFIG_FILE, CONTENT_DIR, I18N_DIR, STATIC_DIR, TEMPLATES_DIR, read_text};
use crate::render::{self, RenderOutput, RenderedFile, Templates};
use crate::slash::slashed;
use crate::social::OgImage;
use crate::{audit, facts, handout, lint, output, publish, taxonomy};

/// What a successful build produced.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Pages rendered from content files (sections included; 404.html not counted).
    pub pages: usize,
    /// The output folder written.
    pub output: PathBuf,
    /// How the social preview images were made.
    pub images: output::ImageStats,
    /// How the handouts (`factsheet.pdf` per language) were made.
    pub handouts: output::ImageStats,
    /// Problems that did not stop the build.
    pub warnings: Vec<Warning>,
}

/// What `factsheet check` found.
#[derive(Debug)]
pub struct CheckReport {
    /// Pages checked (sections included).
    pub pages: usize,
    /// Problems that fail the check.
    pub errors: Vec<Error>,
    /// Problems worth fixing that do not fail it.
    pub warnings: Vec<Warning>,
}

/// A site rendered in memory, with every error and warning found on the way: what the write
/// step needs, and what an incremental rebuild needs to re-render part of it.
pub(crate) struct Project {
    pub(crate) config: Config,
    pub(crate) site: Site,
    pub(crate) taxonomies: taxonomy::Taxonomies,
    pub(crate) templates: Templates,
    pub(crate) rendered: RenderOutput,
    /// `sitemap.xml`, the feed, `robots.txt` and the other files besides the pages.
    pub(crate) publishing: Vec<RenderedFile>,
    /// The preview images some page links to.
    pub(crate) og_images: Vec<OgImage>,
    /// The one-page PDF of each language, when the site has `templates/handout.svg`.
    pub(crate) handouts: Vec<handout::Handout>,
    pub(crate) warnings: Vec<Warning>,
    pub(crate) errors: Vec<Error>,
}

impl Project {
    /// Every file the write step writes, besides `static/`, bundle files and images.
    pub(crate) fn files(&self) -> Vec<&RenderedFile> {
        self.rendered.files().chain(&self.publishing).collect()
    }
}

/// Step: fact checks, every figure and quote of `site` against the sources.
fn check_facts(root: &Path, config: &Config, site: &Site) -> Vec<Error> {
    match facts::load_source_texts(root, config) {
        Ok(texts) => {
            // A translation's figures and quotes are its original's (apply_translations).
            let originals = || site.all_pages().filter(|page| !page.is_translation());
            let mut errors: Vec<Error> = originals()
                .flat_map(|page| facts::check_page(page, config, &texts))
                .collect();
            errors.extend(facts::check_unique_ids(originals()));
            errors
        }
        Err(source_errors) => source_errors,
    }
}

/// Step: every nav entry leads somewhere: to a page or section of `site`, a file the build
/// publishes (from `static/`, a page bundle, or a publishing file such as `atom.xml`), or
/// another site by its `http(s)://` address. Each problem names the line of the entry's `path`.
fn check_nav(
    root: &Path,
    config: &Config,
    site: &Site,
    taxonomies: &taxonomy::Taxonomies,
) -> Vec<Error> {
    if config.nav.is_empty() {
        return Vec::new();
    }
    let text = read_text(root, Path::new(CONFIG_FILE)).unwrap_or_default();
    let rules = content::LoadRules::of(config);
    let pages: BTreeSet<&str> = site
        .all_pages()
        .map(|p| p.path.as_str())
        .chain(taxonomies.list_paths())
        .collect();
    let mut errors = Vec::new();
    for (index, item) in config.nav.iter().enumerate() {
        let Some((problem, help)) = nav_problem(root, &rules, site, &pages, &item.path) else {
            continue;
        };
        errors.push(Error::InvalidValue {
            path: PathBuf::from(CONFIG_FILE),
            line: config::nav_path_line(&text, index),
            message: format!("nav entry \"{}\" {problem}", item.title),
            help,
        });
    }
    errors
}

/// What is wrong with a nav entry's `path`, and how to fix it; `None` when it leads somewhere.
fn nav_problem(
    root: &Path,
    rules: &content::LoadRules,
    site: &Site,
    pages: &BTreeSet<&str>,
    path: &str,
) -> Option<(String, String)> {
    const EXAMPLE: &str = "write the path of a page or section, e.g. `/` or `/speakers/`, or a full address such as `https://example.org/`";
    let has = format!("has `path: {path}`");
    if crate::url::strip_web_scheme(path).is_some() {
        let problem = crate::url::web_address_problem(path)?;
        return Some((
            format!("{has}, which {problem}"),
            "write the full address of the other site, e.g. `https://example.org/page`".into(),
        ));
    }
    if let Some(address) = path.strip_prefix("mailto:") {
        return (address.is_empty() || address.contains(char::is_whitespace)).then(|| {
            (
                format!("{has}, which is not an e-mail address"),
                "write `mailto:` and the address, e.g. `mailto:press@example.org`".into(),
            )
        });
    }
    if let Some(file) = path.strip_prefix("@/") {
        let file = file.split('#').next().unwrap_or_default();
        let target = site
            .all_pages()
            .find(|page| slashed(&page.file) == format!("{CONTENT_DIR}/{file}"));
        let help = match target {
            Some(page) => format!(
                "write `path: {}`, the path of {}: nav takes site paths, not `@/` links",
                page.path,
                slashed(&page.file)
            ),
            None => format!("nav takes site paths, not `@/` links: {EXAMPLE}"),
        };
        return Some((format!("{has}, an `@/` link to a file"), help));
    }
    if !path.starts_with('/') || path.starts_with("//") {
        let rooted = format!("/{}", path.trim_start_matches('/'));
        let help = if !path.starts_with("//") && pages.contains(rooted.as_str()) {
            format!("write `path: {rooted}`: site paths start with `/`")
        } else {
            EXAMPLE.to_string()
        };
        return Some((
            format!("{has}, which is neither a site path nor an http(s) address"),
            help,
        ));
    }
    let target = path.split(['#', '?']).next().unwrap_or_default();
    if pages.contains(target) || is_published_file(root, site, target) {
        return None;
    }
    let problem = format!("links to `{path}`, which is not a page of the site");
    let with_slash = format!("{target}/");
    let help = match unpublished_at(root, rules, target) {
        // The page's own error is reported: the entry is right once the page is mended.
        Some(Unpublished::Broken) => return None,
        Some(Unpublished::Draft(draft)) => format!(
            "{} is a draft (`draft: true`): publish it, build with --drafts, or remove the entry",
            slashed(&draft)
        ),
        None if pages.contains(with_slash.as_str()) => {
            format!("did you mean `{with_slash}`? Page paths end in `/`")
        }
        None => {
            let known: Vec<String> = pages.iter().map(|p| p.to_string()).collect();
            match crate::error::closest(target, &known) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("{EXAMPLE}; or remove the entry"),
            }
        }
    };
    Some((problem, help))
}

/// Whether the site path `target` (`/css/site.css`) is a file the build writes besides the
/// pages: a file of `static/`, a file of a page bundle, a publishing file or `404.html`.
fn is_published_file(root: &Path, site: &Site, target: &str) -> bool {
    let relative = target.trim_start_matches('/');
    if relative.is_empty()
        || relative.ends_with('/')
        || relative
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == ".." || part.contains('\\'))
    {
        return false;
    }
    if publish::PUBLISHING_FILES.contains(&relative) || relative == render::NOT_FOUND_TEMPLATE {
        return true;
    }
    if root.join(STATIC_DIR).join(relative).is_file() {
        return true;
    }
    // A file beside a bundle's index.md is published beside its page.
    let (dir, name) = relative.rsplit_once('/').unwrap_or(("", relative));
    let page_path = if dir.is_empty() {
        "/".to_string()
    } else {
        format!("/{dir}/")
    };
    !name.ends_with(".md")
        && !name.starts_with('.')
        && site.all_pages().any(|page| {
            page.path == page_path && page.file.file_name().is_some_and(|n| n == "index.md")
        })
        && root.join(CONTENT_DIR).join(relative).is_file()
}

/// Why the content file that would be at a site path is not a page of the site.
enum Unpublished {
    /// It is a draft.
    Draft(PathBuf),
    /// It did not load: its own error says why.
    Broken,
}

/// The content file at the site path `target` that is not published, if there is one.
fn unpublished_at(root: &Path, rules: &content::LoadRules, target: &str) -> Option<Unpublished> {
    let inside = target.trim_matches('/');
    if inside.split('/').any(|part| part == "..") {
        return None;
    }
    let candidates = [
        format!("{inside}.md"),
        format!("{inside}/index.md"),
        format!("{inside}/_index.md"),
    ];
    candidates.iter().find_map(|candidate| {
        let file = Path::new(CONTENT_DIR).join(candidate.trim_start_matches('/'));
        if !root.join(&file).is_file() {
            return None;
        }
        match content::load_file(root, &file, rules) {
            Ok((page, _)) => page.front.draft.then_some(Unpublished::Draft(file)),
            Err(_) => Some(Unpublished::Broken),
        }
    })
}

/// What the audits of the finished files found: each file is scanned once, as it is finished
/// (a build) or from memory (serve).
#[derive(Default)]
struct Findings {
    warnings: Mutex<Vec<Warning>>,
    /// The preview images some page links to: only those are drawn.
    linked_images: Mutex<HashSet<String>>,
}

impl Findings {
    fn scan(&self, file: &RenderedFile) {
        let warnings = audit::audit_file(file);
        if !warnings.is_empty() {
            lock(&self.warnings).extend(warnings);
        }
        let mut linked = audit::linked_images(&file.contents).peekable();
        if linked.peek().is_some() {
            lock(&self.linked_images).extend(linked.map(str::to_string));
        }
    }

    /// The warnings in one order, whichever thread finished which file first.
    fn into_parts(self) -> (Vec<Warning>, HashSet<String>) {
        let mut warnings = self
            .warnings
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        warnings.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
        let linked = self
            .linked_images
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        (warnings, linked)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Step: the audits' results, the handouts and the choice of the preview images to draw
/// (only those some page links to). The publishing files were made beside the rendering.
fn finish(project: &mut Project, root: &Path, findings: Findings) {
    // The handouts' templates are rendered (to know whether the previous PDFs can be reused)
    // beside the audits, which need nothing of theirs.
    let ((warnings, og_images), (handouts, handout_errors)) = rayon::join(
        || {
            // Files kept in memory are audited here; streamed ones were as they went.
            project
                .rendered
                .files()
                .filter(|file| !file.contents.is_empty())
                .collect::<Vec<_>>()
                .par_iter()
                .for_each(|file| findings.scan(file));
            let (audits, linked) = findings.into_parts();
            let mut warnings = project.rendered.warnings.clone();
            warnings.extend(audits);
            warnings.extend(lint::root_relative_urls(root));
            warnings.extend(untranslated(&project.site, &project.config));
            let mut og_images = project.rendered.og_images();
            og_images.retain(|image| linked.contains(&image.output_path));
            (warnings, og_images)
        },
        || handout::handouts(&project.site, &project.config, &project.templates),
    );
    project.warnings = warnings;
    project.og_images = og_images;
    project.handouts = handouts;
    project.errors.extend(handout_errors);
    let all_files = project.files();
    let collisions = output::collisions(
        root,
        &all_files,
        &project.rendered.assets,
        &project.og_images,
        &project.handouts,
    );
    project.errors.extend(collisions);
}

/// The pages of the default language that some other language lacks: `check` lists them;
/// the language switcher and the alternates of those pages leave that language out.
fn untranslated(site: &Site, config: &Config) -> Vec<Warning> {
    let others = config.other_languages();
    site.all_pages()
        .filter(|page| !page.is_translation() && !others.is_empty())
        .filter_map(|page| {
            let missing: Vec<&str> = others
                .iter()
                .copied()
                .filter(|lang| !page.translations.iter().any(|t| t.lang == *lang))
                .collect();
            (!missing.is_empty()).then(|| Warning {
                kind: WarningKind::Untranslated,
                path: page.file.clone(),
                line: 0,
                message: format!("has no translation into {}", missing.join(", ")),
            })
        })
        .collect()
}

/// Where the pages a run renders go.
#[derive(Clone, Copy)]
pub(crate) enum Destination<'a> {
    /// Kept in the project: `serve` renders parts of the site again and compares the files.
    Memory,
    /// Audited and written into the staging folder as each is rendered (`build`).
    Staging(&'a output::Staging),
    /// Audited and let go (`check`, and a build that cannot write).
    Nowhere,
}

/// Runs every step but the write (a build's pages excepted: they go to `destination` as they
/// are rendered). Each step runs as far as it can, so the errors of all files come back
/// together; `Err` only when there is no config or no templates to render with.
pub(crate) fn render_project(
    options: &BuildOptions,
    destination: Destination<'_>,
) -> Result<Project, Vec<Error>> {
    let mut errors = Vec::new();
    let config = match config::load_config(options) {
        Ok((config, problems)) => {
            errors.extend(problems);
            Some(config)
        }
        Err(error) => {
            errors.push(error);
            None
        }
    };
    let mut languages = config
        .as_ref()
        .map(content::LoadRules::of)
        .unwrap_or_default();
    // A build renders each page from its file again and lets it go; serve keeps them all.
    languages.keep_bodies = matches!(destination, Destination::Memory);
    let (mut site, load_errors) = content::load_site(&options.root, options.drafts, &languages);
    let load_errors_count = load_errors.len();
    errors.extend(load_errors);
    errors.extend(facts::apply_translations(&mut site));
    if let Some(config) = &config {
        errors.extend(check_facts(&options.root, config, &site));
    }
    let templates = config.as_ref().and_then(|config| {
        render::load_templates(&options.root, config)
            .map_err(|e| errors.extend(e))
            .ok()
    });
    let (Some(config), Some(mut templates)) = (config, templates) else {
        return Err(errors);
    };
    let (taxonomies, taxonomy_errors, taxonomy_warnings) = taxonomy::collect(
        &options.root,
        &site,
        &config,
        &templates.strings,
        load_errors_count == 0,
    );
    errors.extend(taxonomy_errors);
    errors.extend(check_nav(&options.root, &config, &site, &taxonomies));
    templates.progress = options.progress.clone();
    // Render even when some files failed to load, to report template errors in the same run.
    let findings = Findings::default();
    let ((mut rendered, render_errors), publishing) = {
        let streamed = |file: &RenderedFile| {
            findings.scan(file);
            match destination {
                Destination::Staging(staging) => staging.write(file),
                Destination::Memory | Destination::Nowhere => Ok(()),
            }
        };
        let finished = match destination {
            Destination::Memory => render::Finished::Keep,
            Destination::Staging(_) | Destination::Nowhere => render::Finished::Stream(&streamed),
        };
        // The sitemap and feeds need the pages' fields, not their HTML: made beside the
        // rendering, they fill the moments a core would wait on the other.
        let templates = &mut templates;
        let (site, config, taxonomies) = (&site, &config, &taxonomies);
        rayon::join(
            || render::render_site(site, config, templates, &options.root, taxonomies, finished),
            || publish::publishing_files(site, config, taxonomies),
        )
    };
    rendered.warnings.extend(taxonomy_warnings);
    errors.extend(render_errors);
    let mut project = Project {
        config,
        site,
        taxonomies,
        templates,
        rendered,
        publishing,
        og_images: Vec::new(),
        handouts: Vec::new(),
        warnings: Vec::new(),
        errors,
    };
    finish(&mut project, &options.root, findings);
    Ok(project)
}

/// What an incremental rebuild changed in the output.
#[derive(Debug, Default)]
pub(crate) struct Update {
    /// Pages and sections rendered again (indices into [`Site::all_pages`]).
    pub(crate) rerendered: usize,
    /// Output files written or copied, relative to the output folder.
    pub(crate) written: Vec<String>,
}

/// Why an edit cannot be applied incrementally: the caller rebuilds everything.
pub(crate) struct NeedsFullBuild;

/// What an edit reaches before any rendering: the pages whose Markdown and the documents
/// that must be rendered again, the files to copy, and whether `404.html` must be.
#[derive(Default)]
struct Reach {
    markdown: BTreeSet<usize>,
    documents: BTreeSet<usize>,
    copies: Vec<(PathBuf, String)>,
    not_found: bool,
}

impl Project {
    /// Applies `changed` (paths relative to the site root) to the project and updates `out_dir`
    /// with the files that differ. `Ok(Err(NeedsFullBuild))` when the edit changes the site's
    /// shape (config, front matter, pages added or removed, previews): the caller runs a full
    /// build. On `Err` the output folder is untouched; the project must then be rebuilt.
    pub(crate) fn update(
        &mut self,
        root: &Path,
        out_dir: &Path,
        changed: &[PathBuf],
    ) -> Result<Result<Update, NeedsFullBuild>, Vec<Error>> {
        let Ok(mut reach) = self.reach(root, changed)? else {
            return Ok(Err(NeedsFullBuild));
        };
        self.rerender_markdown(root, &mut reach.markdown)?;
        let (selected, listings) = self.documents_reached(&reach);
        let previews_before = self.linked_previews_of(&selected);
        let results = render::render_documents(
            &self.site,
            &self.config,
            &self.templates,
            &self.rendered.markdown,
            &selected,
            &listings,
            render::Finished::Keep,
        );
        let mut errors = Vec::new();
        for (index, result) in results {
            match result {
                Ok(document) => self.rendered.documents[index] = Some(document),
                Err(err) => errors.push(err),
            }
        }
        if reach.not_found {
            match render::render_not_found(&self.templates.tera, &self.config) {
                Ok(file) => self.rendered.not_found = Some(file),
                Err(err) => errors.push(err),
            }
        }
        // Term pages list their pages' summaries and use every template a page may use: they
        // are rendered again when a page on one of them or the templates change.
        let taxonomy_pages_changed = reach.not_found || self.on_some_term(&reach.markdown);
        if taxonomy_pages_changed {
            let (pages, images, taxonomy_errors) = render::render_taxonomy_pages(
                &self.site,
                &self.config,
                &self.templates,
                &self.taxonomies,
                &self.rendered.markdown,
            );
            self.rendered.taxonomy_pages = pages;
            // Previews show front matter only, which a body edit leaves as it was.
            self.rendered.taxonomy_images = images;
            errors.extend(taxonomy_errors);
        }
        if !errors.is_empty() {
            return Err(errors);
        }

        // The preview images some page links to change only with front matter, or when a
        // template stops or starts showing one: then the whole site is written again.
        if previews_before != self.linked_previews_of(&selected) {
            return Ok(Err(NeedsFullBuild));
        }
        // A handout's template may read anything (`get_page`, an edited partial): it is laid
        // out again, and when it changed the whole site is written again (a full build
        // draws only the changed handouts).
        let (handouts, handout_errors) =
            handout::handouts(&self.site, &self.config, &self.templates);
        if !handout_errors.is_empty() {
            return Err(handout_errors);
        }
        if handouts != self.handouts {
            return Ok(Err(NeedsFullBuild));
        }
        // The publishing files (sitemap, feed, figures files) come from front matter, config and
        // the set of pages, none of which an incremental edit changes: they stay as they are.
        let mut files: Vec<&RenderedFile> = selected
            .iter()
            .filter_map(|&i| self.rendered.documents[i].as_ref())
            .flat_map(|d| std::iter::once(&d.file).chain(&d.pagers))
            .collect();
        if reach.not_found {
            files.extend(&self.rendered.not_found);
        }
        if taxonomy_pages_changed {
            files.extend(&self.rendered.taxonomy_pages);
        }
        let written =
            output::update_output(root, out_dir, &files, &reach.copies).map_err(|e| vec![e])?;
        Ok(Ok(Update {
            rerendered: selected.len(),
            written,
        }))
    }

    /// What `changed` reaches: reads the edited pages and templates, checks the stored sources
    /// again, and says which pages and documents to render again.
    fn reach(
        &mut self,
        root: &Path,
        changed: &[PathBuf],
    ) -> Result<Result<Reach, NeedsFullBuild>, Vec<Error>> {
        let mut reach = Reach::default();
        let mut templates_changed = false;
        let mut static_changed: Vec<String> = Vec::new();
        let mut sources_changed = false;
        for path in changed {
            // site.yaml and the interface strings reach every page.
            if path == Path::new(CONFIG_FILE) || path.starts_with(I18N_DIR) {
                return Ok(Err(NeedsFullBuild));
            } else if path.starts_with(TEMPLATES_DIR) {
                templates_changed = true;
            } else if let Ok(in_static) = path.strip_prefix(STATIC_DIR) {
                let name = slashed(in_static);
                if !root.join(path).is_file() || !self.templates.fingerprints.contains_key(&name) {
                    return Ok(Err(NeedsFullBuild));
                }
                reach.copies.push((path.clone(), name.clone()));
                static_changed.push(name);
            } else if path.starts_with(CONTENT_DIR) && path.extension().is_some_and(|e| e == "md") {
                let Some(index) = self.body_edit(root, path)? else {
                    return Ok(Err(NeedsFullBuild));
                };
                reach.markdown.insert(index);
            } else if path.starts_with(CONTENT_DIR) {
                let Some(copy) = self
                    .rendered
                    .assets
                    .iter()
                    .find(|(source, _)| source == path)
                else {
                    return Ok(Err(NeedsFullBuild));
                };
                if !root.join(path).is_file() {
                    return Ok(Err(NeedsFullBuild));
                }
                reach.copies.push(copy.clone());
            } else if self.is_stored_source(path) {
                sources_changed = true;
            }
        }
        // Images whose sizes went into a page's HTML.
        for (index, reads) in self.rendered.markdown_reads.iter().enumerate() {
            if reads
                .images
                .iter()
                .any(|image| reach.copies.iter().any(|(source, _)| source == image))
            {
                reach.markdown.insert(index);
            }
        }
        if (templates_changed || !static_changed.is_empty())
            && self
                .reload_templates(root, &static_changed, &mut reach)?
                .is_err()
        {
            return Ok(Err(NeedsFullBuild));
        }
        if sources_changed {
            let errors = check_facts(root, &self.config, &self.site);
            if !errors.is_empty() {
                return Err(errors);
            }
        }
        Ok(Ok(reach))
    }

    /// Loads the templates again and adds to `reach` the documents that use a changed template
    /// or fingerprint a changed static file, and the pages that call a changed shortcode.
    fn reload_templates(
        &mut self,
        root: &Path,
        static_changed: &[String],
        reach: &mut Reach,
    ) -> Result<Result<(), NeedsFullBuild>, Vec<Error>> {
        let templates = self.templates.reload(root, &self.config)?;
        if templates.needs != self.templates.needs {
            return Ok(Err(NeedsFullBuild));
        }
        let affected = templates.affected_by(&templates.changed_since(&self.templates));
        let shortcodes: Vec<&str> = affected
            .iter()
            .filter_map(|t| {
                t.strip_prefix("shortcodes/")
                    .and_then(|t| t.strip_suffix(".html"))
            })
            .collect();
        for (index, page) in self.site.all_pages().enumerate() {
            if affected.contains(render::template_of(&self.site, page, index)) {
                reach.documents.insert(index);
            }
            if self.rendered.markdown_reads[index].shortcodes.is_some()
                && shortcodes
                    .iter()
                    .any(|name| page.body.contains(&format!("{name}(")))
            {
                reach.markdown.insert(index);
            }
        }
        for (index, document) in self.rendered.documents.iter().enumerate() {
            if let Some(document) = document
                && document
                    .reads
                    .assets
                    .iter()
                    .any(|a| static_changed.contains(a))
            {
                reach.documents.insert(index);
            }
        }
        // One small page: rendered again whenever templates or fingerprints change.
        reach.not_found = true;
        self.templates = templates;
        Ok(Ok(()))
    }

    /// Renders the Markdown of `markdown` again, then that of the pages whose links point at
    /// headings that moved (added to `markdown`), and resolves the links of all of them.
    fn rerender_markdown(
        &mut self,
        root: &Path,
        markdown: &mut BTreeSet<usize>,
    ) -> Result<(), Vec<Error>> {
        let ids_before: Vec<BTreeSet<String>> = markdown
            .iter()
            .map(|&i| render::heading_ids(&self.rendered.markdown[i]))
            .collect();
        self.render_markdown(root, markdown)?;
        let mut linking: BTreeSet<usize> = BTreeSet::new();
        for (&index, before) in markdown.iter().zip(&ids_before) {
            if render::heading_ids(&self.rendered.markdown[index]) != *before {
                let file = render::link_key(&self.file_of(index));
                for (other, reads) in self.rendered.markdown_reads.iter().enumerate() {
                    if reads.links.contains(&file) && !markdown.contains(&other) {
                        linking.insert(other);
                    }
                }
            }
        }
        self.render_markdown(root, &linking)?;
        markdown.extend(linking);
        let selected: Vec<usize> = markdown.iter().copied().collect();
        let (errors, _, _) = render::resolve_links(
            &self.site,
            &self.config,
            root,
            &mut self.rendered.markdown,
            &selected,
        );
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The documents to render again (sorted) and the sections whose listings changed: the
    /// re-rendered pages themselves, the listings that show them, and the documents that read
    /// them through `get_page` or `get_section`.
    fn documents_reached(&self, reach: &Reach) -> (Vec<usize>, Vec<usize>) {
        let sections = self.site.sections.len();
        let mut documents = reach.documents.clone();
        let mut listings: BTreeSet<usize> = BTreeSet::new();
        for &index in &reach.markdown {
            documents.insert(index);
            for (section_index, section) in self.site.sections.iter().enumerate() {
                let lists = if index < sections {
                    section.subsections.contains(&index) || section_index == index
                } else {
                    section.pages.contains(&(index - sections))
                };
                if lists {
                    listings.insert(section_index);
                }
            }
        }
        documents.extend(listings.iter().copied());
        let pages: Vec<&content::Page> = self.site.all_pages().collect();
        let read_pages: HashSet<&str> = reach
            .markdown
            .iter()
            .map(|&i| pages[i].path.as_str())
            .collect();
        let read_sections: HashSet<&str> =
            listings.iter().map(|&i| pages[i].path.as_str()).collect();
        for (index, document) in self.rendered.documents.iter().enumerate() {
            if let Some(document) = document
                && (document
                    .reads
                    .pages
                    .iter()
                    .any(|p| read_pages.contains(p.as_str()))
                    || document
                        .reads
                        .sections
                        .iter()
                        .any(|s| read_sections.contains(s.as_str())))
            {
                documents.insert(index);
            }
        }
        (
            documents.into_iter().collect(),
            listings.into_iter().collect(),
        )
    }

    /// The index of the page whose file `path` is, when only its body changed; `None` when the
    /// edit changes more (its front matter, or the page is new, gone or a draft).
    fn body_edit(&mut self, root: &Path, path: &Path) -> Result<Option<usize>, Vec<Error>> {
        let Some(index) = self.site.all_pages().position(|p| p.file == path) else {
            return Ok(None);
        };
        if !root.join(path).is_file() {
            return Ok(None);
        }
        let languages = content::LoadRules::of(&self.config);
        let (page, is_section) = content::load_file(root, path, &languages).map_err(|e| vec![e])?;
        let sections = self.site.sections.len();
        let old = self.site.all_pages().nth(index);
        let same_shape =
            old.is_some_and(|old| old.path == page.path && old.front_matter == page.front_matter);
        if !same_shape || is_section != (index < sections) {
            return Ok(None);
        }
        // Only the body changed: keep what the load completed (a translation's figures and
        // quotes, the fields it takes from its original).
        let target = if index < sections {
            &mut self.site.sections[index].page
        } else {
            &mut self.site.pages[index - sections]
        };
        target.body = page.body;
        target.body_line = page.body_line;
        Ok(Some(index))
    }

    fn render_markdown(&mut self, root: &Path, which: &BTreeSet<usize>) -> Result<(), Vec<Error>> {
        let selected: Vec<usize> = which.iter().copied().collect();
        let results = render::render_markdown(&self.site, root, &self.templates, &selected);
        let mut errors = Vec::new();
        for (index, result) in selected.into_iter().zip(results) {
            match result {
                Ok((rendered, reads)) => {
                    self.rendered.markdown[index] = rendered;
                    self.rendered.markdown_reads[index] = reads;
                }
                Err(page_errors) => errors.extend(page_errors),
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The preview images that the documents at `selected` link to, and whether they have one.
    fn linked_previews_of(&self, selected: &[usize]) -> Vec<(bool, Vec<String>)> {
        selected
            .iter()
            .map(|&i| match &self.rendered.documents[i] {
                Some(document) => {
                    let mut linked: Vec<String> = audit::linked_images(&document.file.contents)
                        .map(str::to_string)
                        .collect();
                    linked.sort();
                    (document.og.is_some(), linked)
                }
                None => (false, Vec::new()),
            })
            .collect()
    }

    /// Whether any page at `pages` is on a term page.
    fn on_some_term(&self, pages: &BTreeSet<usize>) -> bool {
        self.taxonomies
            .pages()
            .filter_map(|(_, _, term)| term)
            .any(|term| term.pages.iter().any(|p| pages.contains(p)))
    }

    fn file_of(&self, index: usize) -> PathBuf {
        self.site
            .all_pages()
            .nth(index)
            .map(|p| p.file.clone())
            .unwrap_or_default()
    }

    /// Whether `path` is the stored text of a source that `site.yaml` lists.
    fn is_stored_source(&self, path: &Path) -> bool {
        self.config
            .sources
            .iter()
            .filter_map(|s| s.file.as_deref())
            .any(|file| Path::new(file) == path)
    }
}

/// Builds the site described by `options` and writes it: each page into a staging folder as
/// it is rendered, the rest after, then the folder in the place of the output. On failure the
/// output is untouched and every error found is returned.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let output_dir = options.output_dir();
    let staging = output::check_output_dir(&options.root, &output_dir, options.force)
        .and_then(|target| output::Staging::open(&target).map(|staging| (target, staging)));
    let destination = match &staging {
        Ok((_, staging)) => Destination::Staging(staging),
        Err(_) => Destination::Nowhere,
    };
    let project = render_project(options, destination);
    let ((target, staging), mut project) = match (staging, project) {
        (Ok(staging), Ok(project)) if project.errors.is_empty() => (staging, project),
        (staging, project) => {
            let mut errors: Vec<Error> = staging.err().into_iter().collect();
            match project {
                Ok(project) => errors.extend(project.errors),
                Err(project_errors) => errors.extend(project_errors),
            }
            return Err(errors.into());
        }
    };
    // The pages are in; the publishing files (sitemap, feeds) are known only now.
    let drawn = project
        .publishing
        .par_iter()
        .try_for_each(|file| staging.write(file))
        .and_then(|()| {
            staging.complete(
                &options.root,
                &project.rendered.assets,
                &project.og_images,
                &project.handouts,
            )
        })
        .map_err(|err| output::renamed_in_error(err, &target, &output_dir))?;
    let pages = project.site.all_pages().count();
    let mut warnings = std::mem::take(&mut project.warnings);
    warnings.extend(drawn.warnings);
    // Freeing every page's fields takes a few percent of a large build, and the result does
    // not wait on it: a thread frees them, and a command that exits first leaves it to the OS.
    // Where no thread can be made, the refused closure frees it here instead.
    let _ = std::thread::Builder::new().spawn(move || drop(project));
    Ok(BuildReport {
        pages,
        images: drawn.images,
        handouts: drawn.handouts,
        output: target,
        warnings,
    })
}

/// Step: writes the whole project into `target`, atomically.
pub(crate) fn write(project: &Project, root: &Path, target: &Path) -> Result<output::Drawn, Error> {
    output::write_output(
        root,
        target,
        &project.files(),
        &project.rendered.assets,
        &project.og_images,
        &project.handouts,
    )
}

/// Does the whole build in memory and writes nothing: every error of the build, plus the
/// warnings that [`crate::error::WarningKind::fails_check`] makes errors here.
pub fn check(options: &BuildOptions) -> CheckReport {
    match render_project(options, Destination::Nowhere) {
        Ok(project) => {
            let mut errors = project.errors;
            let mut all_warnings = project.warnings;
            // A build measures a handout only when it draws it; check measures every one.
            for handout in &project.handouts {
                match handout::overflow(handout) {
                    Ok(overflow) => all_warnings.extend(overflow),
                    Err(error) => errors.push(error),
                }
            }
            let (failing, warnings): (Vec<_>, Vec<_>) =
                all_warnings.into_iter().partition(|w| w.kind.fails_check());
            errors.extend(failing.into_iter().map(Error::Check));
            CheckReport {
                pages: project.site.all_pages().count(),
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
