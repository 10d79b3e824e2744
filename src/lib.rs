//! factsheet: a static site generator for checked fact sheets.
//!
//! The code is layered so that data flows one way. Leaf modules hold the shared vocabulary and
//! use no stage; each uses only the leaves listed before it:
//!
//! - [`url`] joins site paths to the base URL or base path.
//! - [`hash`] hashes content for cache-busting names.
//! - [`slash`] writes paths with `/` on every platform, for URLs, output paths and messages.
//! - [`date`] is the one date type, parsed strictly.
//! - [`yaml`] parses YAML and finds the line of a value.
//! - [`error`] holds the typed errors and the warnings.
//! - [`paths`] names the site's folders and reads its files.
//! - [`progress`] counts the pages rendered, for the command line to show on long builds.
//!
//! The stages, in the order they run; each uses the leaves and only the stages before it:
//!
//! 1. [`config`] reads `site.yaml` and the command-line options.
//! 2. [`i18n`] reads the interface strings of each language (`i18n/<code>.yaml`).
//! 3. [`content`] loads the Markdown files into a [`content::Site`] tree.
//! 4. [`facts`] checks figures and quotes against the sources, and translations against
//!    their originals.
//! 5. [`taxonomy`] gathers the terms of pages, figures and quotes into term pages, and says
//!    where the listing pages of paginated sections and terms go.
//! 6. [`markdown`] turns a body into HTML, with anchors, a table of contents and links.
//! 7. [`shortcodes`] expands `{{ name(...) }}` calls in Markdown with Tera templates.
//! 8. [`images`] reads image sizes for `width`/`height` attributes.
//! 9. [`opendata`] makes `figures.json` and `figures.csv`.
//! 10. [`structured`] makes the JSON-LD of each page.
//! 11. [`social`] draws the social preview images.
//! 12. [`render`] applies the Tera templates to every page and section.
//! 13. [`handout`] lays out the one-page PDF handout of each language from
//!     `templates/handout.svg`, measures whether it fits, and draws it.
//! 14. [`audit`] checks the finished HTML (duplicate ids, missing alt text).
//! 15. [`lint`] finds hand-written root-relative URLs in templates and stylesheets.
//! 16. [`publish`] makes the sitemap, the feeds, `robots.txt` and the other publishing files.
//! 17. [`output`] writes the result atomically, or updates a served folder file by file.
//! 18. [`pipeline`] runs the stages as named steps, for `build`, `check` and `serve` alike.
//! 19. [`serve`] previews the site and rebuilds what an edit affects.
//! 20. [`init`] writes a new site.

#![warn(missing_docs)]

pub mod audit;
pub mod config;
pub mod content;
pub mod date;
pub mod error;
pub mod facts;
pub mod handout;
pub mod hash;
pub mod i18n;
pub mod images;
pub mod init;
pub mod lint;
pub mod markdown;
pub mod opendata;
pub mod output;
pub mod paths;
pub mod pipeline;
pub mod progress;
pub mod publish;
pub mod render;
pub mod serve;
pub mod shortcodes;
pub mod slash;
pub mod social;
pub mod structured;
pub mod taxonomy;
pub mod url;
pub mod yaml;

pub use config::{BuildOptions, Config};
pub use error::{BuildFailure, Error};
pub use pipeline::{BuildReport, CheckReport, build, check};
