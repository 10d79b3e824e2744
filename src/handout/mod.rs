//! The handout: a one-page A4 PDF of the fact sheet in each language (`factsheet.pdf`,
//! `ru/factsheet.pdf`, …), laid out by the site's own Tera template `templates/handout.svg`,
//! drawn with the same SVG stack and bundled fonts as the preview images (usvg), and turned
//! into PDF by svg2pdf: text stays text, the fonts are embedded (subset), and the document
//! carries its title, language and author. A site without that template has no handout.
//!
//! Each handout is known by a hash of everything it shows (its SVG and metadata, and the
//! drawing code's version), written as the PDF's file identifier: a build copies the previous
//! build's file when the identifiers match, as it reuses unchanged preview images.
//!
//! SVG has no line wrapping: templates wrap with the `wrap` filter (the font's advance widths).
//! Whether everything fits is measured on the laid-out drawing: each block with an id
//! `figure-N` or `quote-N` (the Nth of `site.figures`, `site.quotes`) must lie inside the
//! page's content area and clear of the other blocks with ids (a header, a footer).

mod canonical;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::Config;
use crate::content::{Page, Site, listing_order};
use crate::date::Date;
use crate::error::{Error, Warning, WarningKind};
use crate::opendata::PDF_FILE;
use crate::paths::TEMPLATES_DIR;
use crate::render::Templates;
use crate::social;
use crate::url::join_url;

/// The template a site adds to get handouts.
pub const TEMPLATE: &str = "handout.svg";

/// A4 in PDF points (1/72 inch): the SVG's user units.
pub const WIDTH: f32 = 595.28;
/// See [`WIDTH`].
pub const HEIGHT: f32 = 841.89;
/// The blank border around the content area, in points (about 12.7 mm).
pub const MARGIN: f32 = 36.0;

/// The PDF's producer: factsheet's version and the converter's.
const PRODUCER: &str = concat!("factsheet ", env!("CARGO_PKG_VERSION"), " (svg2pdf 0.13)");

/// Part of every handout's key, with [`PRODUCER`]: bump it whenever the drawing code changes
/// what a PDF holds for the same SVG, so that no build reuses a handout drawn the old way.
const DRAWING_REVISION: &str = "handout drawing 2";

/// One language's handout: where it goes, what it shows and what its blocks are.
#[derive(Debug, Clone, PartialEq)]
pub struct Handout {
    /// Path inside the output folder: `factsheet.pdf`, `ru/factsheet.pdf`.
    pub output_path: String,
    /// The language code, written as the PDF's `/Lang`.
    pub lang: String,
    /// The document title (the site's title in that language).
    pub title: String,
    /// The document author (`author` of site.yaml, else the site's title).
    pub author: String,
    /// The document subject (the site's description in that language).
    pub subject: String,
    /// The drawing, as the template rendered it.
    pub svg: String,
    /// A hash of all of the above: the PDF's file identifier, to reuse it.
    pub key: String,
    /// The figures and quotes the template may draw, by block id (`figure-3`).
    pub blocks: BTreeMap<String, Block>,
}

/// A figure or quote as a block of the handout: where it is stated, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The content file that states it, relative to the site root.
    pub file: PathBuf,
    /// Its line there.
    pub line: usize,
    /// How a message names it: ``figure `coverage` (99%)``.
    pub what: String,
}

/// The page geometry, for the template: `handout.sheet.width`, `.margin`, ….
#[derive(Debug, Serialize)]
struct Sheet {
    width: f32,
    height: f32,
    margin: f32,
    /// `width - 2 × margin`.
    content_width: f32,
    /// `height - margin`: where the content area ends.
    bottom: f32,
    /// `width - margin`.
    right: f32,
}

/// A QR code as SVG path data, one unit per module, without the quiet zone.
#[derive(Debug, Serialize)]
struct Qr {
    /// `M0 0h7v1h-7z…`: the dark modules, row by row.
    path: String,
    /// Modules per side.
    size: i32,
}

/// `handout` in the template.
#[derive(Debug, Serialize)]
struct HandoutContext<'a> {
    /// The full URL of the language's home page (what the QR code holds).
    url: String,
    /// That URL without `https://` and the final `/`, to print.
    address: String,
    /// The PDF's path in the output (`ru/factsheet.pdf`).
    file: &'a str,
    /// When the language's pages last changed (the latest `updated`, `date` or correction).
    updated: Option<&'a Date>,
    qr: Qr,
    sheet: Sheet,
}

/// `home` in the template: the language's home section.
#[derive(Debug, Serialize)]
struct HomeContext<'a> {
    title: &'a str,
    description: &'a str,
    path: &'a str,
    permalink: String,
    extra: &'a BTreeMap<String, crate::yaml::Value>,
}

/// The handouts of `site`, one per language that has pages, rendered from
/// `templates/handout.svg`; none when the site has no such template. Template errors are
/// returned beside the handouts that rendered.
pub fn handouts(site: &Site, config: &Config, templates: &Templates) -> (Vec<Handout>, Vec<Error>) {
    let mut handouts = Vec::new();
    let mut errors = Vec::new();
    if !templates.tera.contains_template(TEMPLATE) {
        return (handouts, errors);
    }
    // One language's template render does not wait for another's.
    use rayon::prelude::*;
    let made: Vec<Result<Handout, Error>> = config
        .language_codes()
        .par_iter()
        .filter_map(|&lang| {
            let pages = pages_in(site, lang);
            (!pages.is_empty()).then(|| handout(site, config, templates, lang, &pages))
        })
        .collect();
    for result in made {
        match result {
            Ok(handout) => handouts.push(handout),
            Err(error) => errors.push(error),
        }
    }
    (handouts, errors)
}

/// The pages of `lang` in listing order: the order of `site.figures` and `site.quotes`.
fn pages_in<'a>(site: &'a Site, lang: &str) -> Vec<&'a Page> {
    let mut pages: Vec<&Page> = site.all_pages().filter(|p| p.lang == lang).collect();
    pages.sort_by(|a, b| listing_order(a, b));
    pages
}

fn handout(
    site: &Site,
    config: &Config,
    templates: &Templates,
    lang: &str,
    pages: &[&Page],
) -> Result<Handout, Error> {
    let folder = config.language_root(lang);
    let output_path = format!("{}{PDF_FILE}", folder.trim_start_matches('/'));
    let url = join_url(&config.base_url, &folder);
    let template_error = |message: String| Error::TemplateRender {
        path: Path::new(TEMPLATES_DIR).join(TEMPLATE),
        same_error_in: 0,
        template: TEMPLATE.to_string(),
        message,
    };
    let qr = qr_code(&url).map_err(|message| Error::Handout {
        path: PathBuf::from(&output_path),
        message,
    })?;
    let updated = pages
        .iter()
        .filter_map(|page| crate::structured::date_modified(page))
        .max();
    let home = site
        .sections
        .iter()
        .map(|s| &s.page)
        .find(|page| page.lang == lang && page.key == "_index.md");
    let mut context = tera::Context::new();
    context.insert("lang", lang);
    if let Some(site_value) = templates.site_by_lang.get(lang) {
        context.insert_value("site", site_value.clone());
    }
    if let Some(home) = home {
        context.insert(
            "home",
            &HomeContext {
                title: home
                    .front
                    .title
                    .as_deref()
                    .unwrap_or_else(|| config.title_in(lang)),
                description: home
                    .front
                    .description
                    .as_deref()
                    .unwrap_or_else(|| config.description_in(lang)),
                path: &home.path,
                permalink: join_url(&config.base_url, &home.path),
                extra: &home.front.extra,
            },
        );
    }
    context.insert(
        "handout",
        &HandoutContext {
            address: url
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_end_matches('/')
                .to_string(),
            url,
            file: &output_path,
            updated,
            qr,
            sheet: Sheet {
                width: WIDTH,
                height: HEIGHT,
                margin: MARGIN,
                content_width: WIDTH - 2.0 * MARGIN,
                bottom: HEIGHT - MARGIN,
                right: WIDTH - MARGIN,
            },
        },
    );
    let svg = templates
        .tera
        .render(TEMPLATE, &context)
        .map_err(|err| template_error(crate::error::tera_report(&err)))?;
    let title = config.title_in(lang).to_string();
    let author = config.author.clone().unwrap_or_else(|| title.clone());
    let subject = config.description_in(lang).to_string();
    let key = crate::hash::content_hash(
        [
            PRODUCER,
            DRAWING_REVISION,
            &output_path,
            lang,
            &title,
            &author,
            &subject,
            &svg,
        ]
        .join("\0")
        .as_bytes(),
    );
    Ok(Handout {
        output_path,
        lang: lang.to_string(),
        title,
        author,
        subject,
        svg,
        key,
        blocks: blocks(pages),
    })
}

/// The figures and quotes of `pages`, numbered from 1 in order, as blocks.
fn blocks(pages: &[&Page]) -> BTreeMap<String, Block> {
    let mut blocks = BTreeMap::new();
    let (mut figures, mut quotes) = (0, 0);
    let line = |page: &Page, list: &str, index: usize, field: &str| {
        crate::facts::item_field_line(&page.front_matter, list, index, field)
            .or_else(|| crate::facts::item_field_line(&page.front_matter, list, index, "id"))
            .or_else(|| crate::facts::item_field_line(&page.front_matter, list, index, "said_by"))
            .or_else(|| {
                crate::yaml::line_of(&page.front_matter, &[crate::yaml::Segment::Key(list)])
            })
            .map_or(1, |line| line + page.front_matter_offset)
    };
    for page in pages {
        for (index, figure) in page.front.figures.iter().enumerate() {
            figures += 1;
            let id = figure
                .id
                .as_deref()
                .map(|id| format!("`{id}` "))
                .unwrap_or_default();
            blocks.insert(
                format!("figure-{figures}"),
                Block {
                    file: page.file.clone(),
                    line: line(page, "figures", index, "value"),
                    what: format!("figure {id}({})", figure.value),
                },
            );
        }
        for (index, quote) in page.front.quotes.iter().enumerate() {
            quotes += 1;
            let words: Vec<&str> = quote.text.split_whitespace().take(6).collect();
            blocks.insert(
                format!("quote-{quotes}"),
                Block {
                    file: page.file.clone(),
                    line: line(page, "quotes", index, "text"),
                    what: format!("the quote of {} (“{} …”)", quote.said_by, words.join(" ")),
                },
            );
        }
    }
    blocks
}

/// `url` as a QR code (error correction M: readable with 15% of it damaged).
fn qr_code(url: &str) -> Result<Qr, String> {
    let code = qrcodegen::QrCode::encode_text(url, qrcodegen::QrCodeEcc::Medium)
        .map_err(|_| format!("the address {url} is too long for a QR code"))?;
    let size = code.size();
    let mut path = String::new();
    for y in 0..size {
        let mut x = 0;
        while x < size {
            if !code.get_module(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < size && code.get_module(x, y) {
                x += 1;
            }
            path.push_str(&format!("M{start} {y}h{}v1h-{}z", x - start, x - start));
        }
    }
    Ok(Qr { path, size })
}

/// The figures and quotes of `handout` that do not fit its page, as warnings (`check` fails
/// on them). Lays the drawing out, which takes a few milliseconds.
pub fn overflow(handout: &Handout) -> Result<Vec<Warning>, Error> {
    let tree = parse(handout)?;
    Ok(overflow_in(&tree, handout))
}

fn parse(handout: &Handout) -> Result<resvg::usvg::Tree, Error> {
    social::parse_svg(&handout.svg).map_err(|message| Error::Handout {
        path: PathBuf::from(&handout.output_path),
        message,
    })
}

/// A laid-out block: its id and its box (left, top, right, bottom) on the page.
type Placed = (String, [f32; 4]);

fn placed_blocks(group: &resvg::usvg::Group, found: &mut Vec<Placed>) {
    for node in group.children() {
        let resvg::usvg::Node::Group(child) = node else {
            continue;
        };
        if child.id().is_empty() {
            placed_blocks(child, found);
        } else {
            let b = child.abs_bounding_box();
            found.push((
                child.id().to_string(),
                [b.left(), b.top(), b.right(), b.bottom()],
            ));
        }
    }
}

fn overflow_in(tree: &resvg::usvg::Tree, handout: &Handout) -> Vec<Warning> {
    let mut placed = Vec::new();
    placed_blocks(tree.root(), &mut placed);
    let area = [MARGIN, MARGIN, WIDTH - MARGIN, HEIGHT - MARGIN];
    // Half a point of slack: antialiasing and rounding, not content.
    const SLACK: f32 = 0.5;
    let mut warnings = Vec::new();
    for (id, [left, top, right, bottom]) in &placed {
        let Some(block) = handout.blocks.get(id) else {
            continue;
        };
        let mut problems = Vec::new();
        if *bottom > area[3] + SLACK {
            problems.push(format!(
                "runs {:.0} pt below the page's content area",
                bottom - area[3]
            ));
        }
        if *top < area[1] - SLACK {
            problems.push(format!("starts {:.0} pt above it", area[1] - top));
        }
        if *right > area[2] + SLACK || *left < area[0] - SLACK {
            problems.push("runs past its side margins".to_string());
        }
        // Into a block that is not a figure or quote: a header or footer.
        for (other, [l, t, r, b]) in &placed {
            if other != id
                && !handout.blocks.contains_key(other)
                && left < &(r - SLACK)
                && &(l + SLACK) < right
                && top < &(b - SLACK)
                && &(t + SLACK) < bottom
            {
                problems.push(format!("runs into the `{other}` block"));
            }
        }
        if problems.is_empty() {
            continue;
        }
        warnings.push(Warning {
            kind: WarningKind::HandoutOverflow,
            path: block.file.clone(),
            line: block.line,
            message: format!(
                "{} does not fit on the one-page handout {}: it {}\n  help: show fewer figures or quotes in templates/{TEMPLATE}, or shorten the wording",
                block.what,
                handout.output_path,
                problems.join(" and ")
            ),
        });
    }
    warnings
}

/// Draws `handout` into a PDF, and says which of its blocks do not fit.
pub fn draw(handout: &Handout) -> Result<(Vec<u8>, Vec<Warning>), Error> {
    let tree = parse(handout)?;
    let warnings = overflow_in(&tree, handout);
    let pdf = pdf(&tree, handout).map_err(|message| Error::Handout {
        path: PathBuf::from(&handout.output_path),
        message,
    })?;
    Ok((pdf, warnings))
}

/// One A4 page showing the drawing, with the document's metadata; no dates and no random
/// identifiers, and svg2pdf's objects in one order, so the same handout gives the same bytes.
fn pdf(tree: &resvg::usvg::Tree, handout: &Handout) -> Result<Vec<u8>, String> {
    use pdf_writer::{Chunk, Content, Finish, Name, Rect, Ref, TextStr};
    let options = svg2pdf::ConversionOptions {
        embed_text: true,
        ..svg2pdf::ConversionOptions::default()
    };
    let (drawing_chunk, drawing) = svg2pdf::to_chunk(tree, options).map_err(|e| e.to_string())?;
    let ids: Vec<i32> = drawing_chunk.refs().map(Ref::get).collect();
    // Our own objects are 1 to 5; svg2pdf's follow, in canonical order.
    let (catalog, page_tree, page, contents, info) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
    );
    let drawing_objects = canonical::canonical(drawing_chunk.as_bytes(), &ids, drawing.get(), 6)?;
    let drawing = 6;

    let mut own = Chunk::new();
    let mut root = own.indirect(catalog).dict();
    root.pair(Name(b"Type"), Name(b"Catalog"));
    root.pair(Name(b"Pages"), page_tree);
    root.pair(Name(b"Lang"), TextStr(&handout.lang));
    root.insert(Name(b"ViewerPreferences"))
        .dict()
        .pair(Name(b"DisplayDocTitle"), true);
    root.finish();
    own.pages(page_tree).kids([page]).count(1);
    let mut page_writer = own.page(page);
    page_writer
        .media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT))
        .parent(page_tree)
        .contents(contents);
    page_writer
        .resources()
        .x_objects()
        .pair(Name(b"Handout"), Ref::new(drawing));
    page_writer.finish();
    // svg2pdf's drawing is one point square: stretch it over the page.
    let size = tree.size();
    let mut content = Content::new();
    content
        .transform([size.width(), 0.0, 0.0, size.height(), 0.0, 0.0])
        .x_object(Name(b"Handout"));
    own.stream(contents, &content.finish());
    <pdf_writer::writers::DocumentInfo as pdf_writer::Writer>::start(own.indirect(info))
        .title(TextStr(&handout.title))
        .author(TextStr(&handout.author))
        .subject(TextStr(&handout.subject))
        .creator(TextStr("factsheet"))
        .producer(TextStr(PRODUCER));
    let own_ids: Vec<i32> = own.refs().map(Ref::get).collect();
    let own_objects = canonical::as_written(own.as_bytes(), &own_ids)?;

    // The file: header, objects, cross-reference table, trailer with the key as file id.
    let mut pdf = b"%PDF-1.7\n%\x80\x80\x80\x80\n\n".to_vec();
    let mut offsets: BTreeMap<i32, usize> = BTreeMap::new();
    let mut objects = own_objects;
    objects.extend(drawing_objects);
    objects.sort_by_key(|(number, _)| *number);
    for (number, bytes) in &objects {
        offsets.insert(*number, pdf.len());
        pdf.extend(bytes);
    }
    let count = objects.len() + 1;
    if offsets.keys().copied().ne(1..count as i32) {
        return Err("the objects are not numbered 1 to n".into());
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {count}\n0000000000 65535 f\r\n").as_bytes());
    for offset in offsets.values() {
        pdf.extend(format!("{offset:010} 00000 n\r\n").as_bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<<\n  /Size {count}\n  /Root {} 0 R\n  /Info {} 0 R\n  /ID [({key}) ({key})]\n>>\nstartxref\n{xref}\n%%EOF",
            catalog.get(),
            info.get(),
            key = handout.key
        )
        .as_bytes(),
    );
    Ok(pdf)
}

/// The key written in `pdf` by [`draw`] (its file identifier), if it has one.
pub fn key_of(pdf: &[u8]) -> Option<&str> {
    let tail = &pdf[pdf.len().saturating_sub(512)..];
    let marker = b"/ID [(";
    let at = tail.windows(marker.len()).rposition(|w| w == marker)? + marker.len();
    let rest = &tail[at..];
    let end = rest.iter().position(|&b| b == b')')?;
    std::str::from_utf8(&rest[..end]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(svg: &str, blocks: &[(&str, &str)]) -> Handout {
        Handout {
            output_path: "factsheet.pdf".into(),
            lang: "kk".into(),
            title: "Digital Almaty 2021 — фактілер парағы".into(),
            author: "Редакция".into(),
            subject: "—".into(),
            svg: svg.into(),
            key: "0123456789abcdef".into(),
            blocks: blocks
                .iter()
                .map(|(id, what)| {
                    (
                        id.to_string(),
                        Block {
                            file: PathBuf::from("content/a.md"),
                            line: 7,
                            what: what.to_string(),
                        },
                    )
                })
                .collect(),
        }
    }

    fn page(body: &str) -> String {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">{body}</svg>"#
        )
    }

    #[test]
    fn a_pdf_is_one_a4_page_with_its_metadata_and_key() {
        let handout = sample(
            &page(
                r#"<g id="figure-1"><text x="40" y="80" font-family="DejaVu Sans" font-size="20">99% Қазақстан</text><text x="40" y="120" font-family="DejaVu Sans" font-weight="bold" font-size="20">Негізгі сандар</text></g>"#,
            ),
            &[("figure-1", "figure `coverage` (99%)")],
        );
        let (pdf, warnings) = draw(&handout).expect("draw");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(key_of(&pdf), Some("0123456789abcdef"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/MediaBox [0 0 595.28 841.89]"), "{text}");
        assert!(text.contains("/Lang (kk)"));
        assert!(text.contains("/FontFile2"));
        assert!(!text.contains("/CreationDate") && !text.contains("/ModDate"));
        // Every conversion has new HashMaps in svg2pdf, in a new order: the bytes stay.
        for _ in 0..8 {
            assert_eq!(draw(&handout).expect("again").0, pdf, "same bytes");
        }
    }

    #[test]
    fn blocks_off_the_page_or_into_the_footer_are_reported() {
        let handout = sample(
            &page(&format!(
                r#"<g id="footer"><rect x="36" y="700" width="500" height="100"/></g>
                <g id="figure-1"><rect x="36" y="100" width="200" height="50"/></g>
                <g id="figure-2"><rect x="36" y="650" width="200" height="80"/></g>
                <g id="quote-1"><rect x="36" y="{}" width="200" height="60"/></g>"#,
                HEIGHT - 20.0
            )),
            &[
                ("figure-1", "figure `a` (1)"),
                ("figure-2", "figure `b` (2)"),
                ("quote-1", "the quote of X"),
            ],
        );
        let warnings = overflow(&handout).expect("measure");
        let messages: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(warnings.len(), 2, "{messages:#?}");
        assert!(messages[0].starts_with("content/a.md:7: figure `b` (2) does not fit on the one-page handout factsheet.pdf: it runs into the `footer` block"), "{}", messages[0]);
        assert!(
            messages[1].contains("the quote of X")
                && messages[1].contains("below the page's content area"),
            "{}",
            messages[1]
        );
        assert!(warnings.iter().all(|w| w.kind.fails_check()));
    }

    #[test]
    fn qr_codes_are_square_paths() {
        let qr = qr_code("https://example.github.io/digital-almaty/ru/").expect("qr");
        assert!(qr.size >= 21 && qr.size % 4 == 1, "{}", qr.size);
        assert!(qr.path.starts_with("M0 0h7v1h-7z"), "{}", &qr.path[..40]);
    }
}
