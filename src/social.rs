//! Social preview images: a 1200×630 PNG per page, drawn from an SVG of the page title and its
//! key figure with fonts built into the binary (no network, no system fonts). Each image is
//! named by a hash of its SVG, so an unchanged page reuses the file of the previous build.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use crate::markdown::escape_markup;

/// The size social networks expect (Open Graph, Twitter's large card).
pub const WIDTH: u32 = 1200;
/// See [`WIDTH`].
pub const HEIGHT: u32 = 630;

/// Folder of the images inside the output.
pub const OG_DIR: &str = "og";

static FONT_REGULAR: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
static FONT_BOLD: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");

/// One preview image: where it goes and the SVG it is drawn from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OgImage {
    /// Path inside the output folder: `og/<hash>.png`.
    pub output_path: String,
    /// The drawing.
    pub svg: String,
}

/// A figure as the preview shows it: value, label and the source it names.
pub struct KeyFigure<'a> {
    /// The number as shown.
    pub value: &'a str,
    /// What it measures.
    pub label: &'a str,
    /// `Source: Publisher, date`.
    pub cite: String,
}

/// The width, in pixels, that the text may take: the image less its 80-pixel margins.
const TEXT_WIDTH: f32 = (WIDTH - 160) as f32;

/// The preview of a page titled `title` on the site `site_title`, with its key figure when it
/// has one, or else `tagline` (the site's description in the page's language).
pub fn og_image(
    title: &str,
    site_title: &str,
    figure: Option<KeyFigure<'_>>,
    tagline: &str,
) -> OgImage {
    let title_size = if figure.is_some() { 58 } else { 72 };
    let title_lines = wrap(title, title_size as f32, 3);
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}"><rect width="{WIDTH}" height="{HEIGHT}" fill="#0b5d7a"/><rect x="0" y="0" width="{WIDTH}" height="14" fill="#f2b84b"/><text x="80" y="110" font-family="DejaVu Sans" font-size="30" fill="#cfe6ef">{}</text>"##,
        escape_markup(&fit(site_title, FONT_REGULAR, 30.0))
    );
    let mut y = 200;
    for line in &title_lines {
        svg.push_str(&format!(
            r##"<text x="80" y="{y}" font-family="DejaVu Sans" font-weight="bold" font-size="{title_size}" fill="#ffffff">{}</text>"##,
            escape_markup(line)
        ));
        y += title_size + 14;
    }
    let footer = match figure {
        Some(figure) => {
            // The number is the point of the image: a long one is drawn smaller, never cut.
            let wide = width_in(FONT_BOLD, figure.value, 88.0);
            let value_size = if wide > TEXT_WIDTH {
                (88.0 * TEXT_WIDTH / wide).floor().max(40.0)
            } else {
                88.0
            };
            svg.push_str(&format!(
                r##"<text x="80" y="500" font-family="DejaVu Sans" font-weight="bold" font-size="{value_size}" fill="#f2b84b">{}</text><text x="80" y="556" font-family="DejaVu Sans" font-size="30" fill="#ffffff">{}</text>"##,
                escape_markup(&fit(figure.value, FONT_BOLD, value_size)),
                escape_markup(&fit(figure.label, FONT_REGULAR, 30.0))
            ));
            figure.cite
        }
        None => tagline.to_string(),
    };
    svg.push_str(&format!(
        r##"<text x="80" y="606" font-family="DejaVu Sans" font-size="22" fill="#cfe6ef">{}</text></svg>"##,
        escape_markup(&fit(&footer, FONT_REGULAR, 22.0))
    ));
    let hash = crate::hash::content_hash(svg.as_bytes());
    OgImage {
        output_path: format!("{OG_DIR}/{hash}.png"),
        svg,
    }
}

/// The bundled fonts (DejaVu Sans, regular and bold), loaded once: the only fonts the
/// previews and the handout are drawn with (no system fonts, the same output everywhere).
pub(crate) fn font_database() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    let fonts = FONTS.get_or_init(|| {
        let mut database = usvg::fontdb::Database::new();
        database.load_font_data(FONT_REGULAR.to_vec());
        database.load_font_data(FONT_BOLD.to_vec());
        Arc::new(database)
    });
    Arc::clone(fonts)
}

/// The bundled font file, bold or regular.
pub(crate) fn font(bold: bool) -> &'static [u8] {
    if bold { FONT_BOLD } else { FONT_REGULAR }
}

/// Parses `svg` with the bundled fonts, its text laid out.
pub(crate) fn parse_svg(svg: &str) -> Result<usvg::Tree, String> {
    let options = usvg::Options {
        fontdb: font_database(),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(svg, &options).map_err(|e| e.to_string())
}

/// Draws `svg` into a PNG.
pub fn render_png(svg: &str) -> Result<Vec<u8>, String> {
    let tree = parse_svg(svg)?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT)
        .ok_or_else(|| "cannot allocate the image".to_string())?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    encode_png(&pixmap).map_err(|e| e.to_string())
}

/// `pixmap` as a PNG: RGBA, each row filtered adaptively, deflated at the default level. The
/// pixels are resvg's; the bytes are this encoder's (png 0.17, through tiny-skia 0.11).
fn encode_png(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    let rgba: Vec<u8> = pixmap
        .pixels()
        .iter()
        .flat_map(|pixel| {
            let c = pixel.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect();
    let mut data = Vec::new();
    let mut encoder = png::Encoder::new(&mut data, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
    encoder.set_compression(png::Compression::Default);
    encoder.write_header()?.write_image_data(&rgba)?;
    Ok(data)
}

/// How wide `text` is drawn in the bundled bold font at `size` pixels, from the font's own
/// advance widths (a Cyrillic title is wider than a Latin one of as many letters).
fn drawn_width(text: &str, size: f32) -> f32 {
    width_in(FONT_BOLD, text, size)
}

/// How wide `text` is drawn in `font` at `size` pixels (or points): the sum of the font's own
/// advance widths. Shared with the handout, which wraps its lines the same way.
pub(crate) fn width_in(font: &[u8], text: &str, size: f32) -> f32 {
    text.chars().map(advance_in(font, size)).sum()
}

/// The advance width of one character in `font` at `size`.
fn advance_in(font: &[u8], size: f32) -> impl Fn(char) -> f32 + use<> {
    let face = face_of(font);
    let scale = face.map_or(0.0, |face| size / f32::from(face.units_per_em()));
    move |c| {
        face.and_then(|face| face.glyph_index(c).and_then(|g| face.glyph_hor_advance(g)))
            .map_or(size * 0.7, |advance| f32::from(advance) * scale)
    }
}

/// The parsed face of a bundled font (parsed once: wrapping measures thousands of lines).
fn face_of(font: &[u8]) -> Option<&'static ttf_parser::Face<'static>> {
    static FACES: OnceLock<[Option<ttf_parser::Face<'static>>; 2]> = OnceLock::new();
    let [regular, bold] = FACES.get_or_init(|| {
        [
            ttf_parser::Face::parse(FONT_REGULAR, 0).ok(),
            ttf_parser::Face::parse(FONT_BOLD, 0).ok(),
        ]
    });
    if std::ptr::eq(font, FONT_BOLD) {
        bold.as_ref()
    } else if std::ptr::eq(font, FONT_REGULAR) {
        regular.as_ref()
    } else {
        None
    }
}

/// Words of `text` in lines no wider than `limit` in `font` at `size`, as many words on each
/// as fit; a word that fits on no line has a line of its own. Widths are summed as
/// [`width_in`] sums them (left to right), so a line fits exactly when `width_in` says so; each
/// character is measured once.
fn greedy_lines(text: &str, font: &[u8], size: f32, limit: f32) -> Vec<(String, f32)> {
    let advance = advance_in(font, size);
    let space = advance(' ');
    let mut out: Vec<(String, f32)> = Vec::new();
    for word in text.split_whitespace() {
        if let Some((line, width)) = out.last_mut() {
            let longer = word.chars().fold(*width + space, |w, c| w + advance(c));
            if longer <= limit {
                line.push(' ');
                line.push_str(word);
                *width = longer;
                continue;
            }
        }
        let width = word.chars().map(&advance).sum();
        out.push((word.to_string(), width));
    }
    out
}

/// Words of `text` in lines that fit [`TEXT_WIDTH`] at `size` pixels, at most `lines` lines;
/// the last ends in `…` when the text does not fit.
fn wrap(text: &str, size: f32, lines: usize) -> Vec<String> {
    let fits = |line: &str| drawn_width(line, size) <= TEXT_WIDTH;
    let mut out: Vec<String> = greedy_lines(text, FONT_BOLD, size, TEXT_WIDTH)
        .into_iter()
        .map(|(line, _)| line)
        .collect();
    if out.len() > lines {
        out.truncate(lines);
        if let Some(last) = out.last_mut() {
            last.push_str(" …");
        }
    }
    // A single word longer than the line is cut to fit.
    for line in &mut out {
        while !fits(line) && line.chars().count() > 2 {
            let mut shorter: String = line.chars().take(line.chars().count() - 2).collect();
            shorter.push('…');
            *line = shorter;
        }
    }
    out
}

/// Words of `text` in lines no wider than `width` when drawn in `font` at `size`, nothing
/// left out: a word wider than a line (a long URL) is broken between letters. The handout's
/// `wrap` filter.
pub(crate) fn break_lines(text: &str, font: &[u8], size: f32, width: f32) -> Vec<String> {
    let advance = advance_in(font, size);
    let mut out = Vec::new();
    for (line, drawn) in greedy_lines(text, font, size, width) {
        if drawn <= width {
            out.push(line);
            continue;
        }
        let mut piece = String::new();
        let mut piece_width = 0.0;
        for c in line.chars() {
            let wider = piece_width + advance(c);
            if wider > width && !piece.is_empty() {
                out.push(std::mem::take(&mut piece).trim_end().to_string());
                piece_width = advance(c);
            } else {
                piece_width = wider;
            }
            piece.push(c);
        }
        out.push(piece);
    }
    out
}

/// `text` cut, with `…`, to fit [`TEXT_WIDTH`] in `font` at `size` pixels.
fn fit(text: &str, font: &[u8], size: f32) -> String {
    if width_in(font, text, size) <= TEXT_WIDTH {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let cut: String = chars.iter().collect::<String>().trim_end().to_string() + "…";
        if width_in(font, &cut, size) <= TEXT_WIDTH {
            return cut;
        }
    }
    "…".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_wrap_to_the_drawn_width_in_any_script() {
        for title in [
            "Digital Almaty 2021 at a glance: every figure with its source",
            "Digital Almaty 2021 қысқаша: әрбір сан өз дереккөзімен, Қазақстан",
            "Цифровой Алматы 2021: коротко о главном, каждая цифра с источником",
        ] {
            let lines = wrap(title, 72.0, 3);
            assert!(lines.len() > 1, "{title}: {lines:?}");
            for line in &lines {
                assert!(drawn_width(line, 72.0) <= TEXT_WIDTH, "{line} overflows");
            }
        }
        // Cyrillic letters are wider than Latin ones: fewer fit on a line.
        assert!(drawn_width("ЖЖЖЖЖ", 72.0) > drawn_width("iiiii", 72.0));
        assert_eq!(wrap("a b c d e f", 72.0, 2).len(), 1);
    }

    #[test]
    fn values_labels_and_taglines_fit_the_image() {
        let long = "волоконно-оптических линий связи, построенных в рамках проекта ГЧП, завершённого в 2020 году";
        let label = fit(long, FONT_REGULAR, 30.0);
        assert!(label.ends_with('…') && width_in(FONT_REGULAR, &label, 30.0) <= TEXT_WIDTH);
        assert_eq!(fit("99%", FONT_BOLD, 88.0), "99%");
        let value = fit("15 миллионнан астам адам", FONT_BOLD, 88.0);
        assert!(width_in(FONT_BOLD, &value, 88.0) <= TEXT_WIDTH, "{value}");
        // A long value is drawn smaller, whole.
        let image = og_image(
            "Title",
            "Site",
            Some(KeyFigure {
                value: "15 миллионнан астам",
                label: "адам",
                cite: "—".into(),
            }),
            "",
        );
        assert!(image.svg.contains(">15 миллионнан астам<"), "{}", image.svg);
        assert!(!image.svg.contains(r##"font-size="88" fill="#f2b84b""##));
    }

    #[test]
    fn a_word_longer_than_the_line_is_cut_to_fit() {
        let lines = wrap(&"Ж".repeat(80), 72.0, 3);
        assert_eq!(lines.len(), 1);
        assert!(drawn_width(&lines[0], 72.0) <= TEXT_WIDTH);
        assert!(lines[0].ends_with('…'));
    }

    #[test]
    fn lines_break_long_words_and_keep_every_letter() {
        let url = "https://en.inform.kz/news/over-15mln-kazakhstanis-use-wireless-internet-connection-president_a3749673/";
        let text = format!("Kazinform, 5 February 2021: {url}");
        let lines = break_lines(&text, FONT_REGULAR, 8.0, 200.0);
        assert!(lines.len() >= 3, "{lines:?}");
        for line in &lines {
            assert!(width_in(FONT_REGULAR, line, 8.0) <= 200.0, "{line}");
        }
        let joined: String = lines.concat();
        assert_eq!(joined.replace(' ', ""), text.replace(' ', ""));
        assert_eq!(
            break_lines("Қазақстан Президенті", FONT_BOLD, 10.0, 500.0),
            ["Қазақстан Президенті"]
        );
        assert!(break_lines("", FONT_REGULAR, 10.0, 100.0).is_empty());
    }

    #[test]
    fn same_page_same_image_name() {
        let figure = || KeyFigure {
            value: "99%",
            label: "coverage",
            cite: "Source: Kazinform, 5 February 2021".into(),
        };
        let a = og_image("Title", "Site", Some(figure()), "Tagline");
        assert_eq!(a, og_image("Title", "Site", Some(figure()), "Tagline"));
        assert!(a.svg.contains("Source: Kazinform, 5 February 2021"));
        let plain = og_image("Title", "Site", None, "Tagline");
        assert_ne!(a.output_path, plain.output_path);
        assert!(plain.svg.contains("Tagline"));
        assert!(a.output_path.starts_with("og/") && a.output_path.ends_with(".png"));
    }
}
