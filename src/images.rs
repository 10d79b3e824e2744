//! Pixel sizes of local PNG, JPEG, GIF and SVG files, read from their headers so the generator
//! can add `width`/`height` to `<img>` tags (which stops the layout shifting as images load).

/// Width and height in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageSize {
    /// Width in CSS pixels (never zero).
    pub width: u32,
    /// Height in CSS pixels (never zero).
    pub height: u32,
}

/// The size of a PNG, JPEG, GIF or SVG given its bytes; `None` when the format is unknown or the
/// data is malformed/truncated.
pub fn image_size(bytes: &[u8]) -> Option<ImageSize> {
    if let Some(rest) = bytes.strip_prefix(b"\x89PNG\r\n\x1a\n") {
        png(rest)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        sized(le16(bytes, 6)?, le16(bytes, 8)?)
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        jpeg(bytes)
    } else {
        svg(std::str::from_utf8(bytes).ok()?)
    }
}

/// A zero-sized image would only hide the `<img>`, so it counts as unusable.
fn sized(width: u32, height: u32) -> Option<ImageSize> {
    (width > 0 && height > 0).then_some(ImageSize { width, height })
}

/// `N` bytes at `at`, or `None` past the end; all reads go through here so none can panic.
fn take<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
    bytes.get(at..at.checked_add(N)?)?.try_into().ok()
}

fn be16(bytes: &[u8], at: usize) -> Option<u32> {
    take(bytes, at).map(|b| u32::from(u16::from_be_bytes(b)))
}

fn le16(bytes: &[u8], at: usize) -> Option<u32> {
    take(bytes, at).map(|b| u32::from(u16::from_le_bytes(b)))
}

/// `rest` starts after the signature; the first chunk must be IHDR (length, type, width, height).
fn png(rest: &[u8]) -> Option<ImageSize> {
    if rest.get(4..8)? != b"IHDR" {
        return None;
    }
    let width = u32::from_be_bytes(take(rest, 8)?);
    let height = u32::from_be_bytes(take(rest, 12)?);
    sized(width, height)
}

/// Walks the marker segments after SOI until a start-of-frame segment, which holds the size.
fn jpeg(bytes: &[u8]) -> Option<ImageSize> {
    let mut at = 2;
    loop {
        // Every segment starts with 0xFF; anything else means we lost sync (corrupt data).
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        // Any number of 0xFF fill bytes may precede the marker code.
        while *bytes.get(at)? == 0xFF {
            at += 1;
        }
        let marker = *bytes.get(at)?;
        at += 1;
        match marker {
            // Standalone markers carry no length field.
            0x01 | 0xD0..=0xD7 => continue,
            // End of image or start of scan: the frame header must come before either.
            0xD9 | 0xDA => return None,
            _ => {}
        }
        // The length counts its own two bytes, so less than 2 is corrupt (and would loop forever).
        let len = be16(bytes, at).filter(|&len| len >= 2)? as usize;
        // SOF0-15 minus DHT (C4), JPG (C8) and DAC (CC), which share the range.
        if matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF) {
            // Segment: length(2) precision(1) height(2) width(2).
            return sized(be16(bytes, at + 5)?, be16(bytes, at + 3)?);
        }
        at = at.checked_add(len)?;
    }
}

/// Uses the root `<svg>` tag's `width`/`height` when both are plain or `px` numbers, else its
/// `viewBox` size: unknown units can't be resolved here, but the viewBox keeps the aspect ratio.
fn svg(text: &str) -> Option<ImageSize> {
    let (mut width, mut height, mut view_box) = (None, None, None);
    let mut rest = svg_root(text)?;
    loop {
        rest = rest.trim_start();
        if rest.starts_with('>') || rest.starts_with("/>") {
            break;
        }
        // Names end at `=` or whitespace; an empty name means junk that would never advance.
        let end = rest.find(|c: char| c == '=' || c == '>' || c == '/' || c.is_whitespace());
        let (name, after) = rest.split_at_checked(end.filter(|&end| end > 0)?)?;
        let after = after.trim_start().strip_prefix('=')?.trim_start();
        let quote = if after.starts_with('"') { '"' } else { '\'' };
        let (value, after) = after.strip_prefix(quote)?.split_once(quote)?;
        match name {
            "width" => width = svg_length(value),
            "height" => height = svg_length(value),
            "viewBox" => view_box = Some(value),
            _ => {}
        }
        rest = after;
    }
    if let (Some(width), Some(height)) = (width, height) {
        return sized(width, height);
    }
    let numbers: Vec<&str> = view_box?
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|n| !n.is_empty())
        .collect();
    let [_min_x, _min_y, width, height] = numbers[..] else {
        return None;
    };
    sized(svg_number(width)?, svg_number(height)?)
}

/// The text just after the root `<svg`, skipping a BOM, the XML prolog, comments and DOCTYPE
/// (so a `<svg` mentioned inside a comment is not mistaken for the root).
fn svg_root(text: &str) -> Option<&str> {
    let mut rest = text.strip_prefix('\u{feff}').unwrap_or(text);
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.split_once("-->")?.1;
        } else if let Some(after) = rest.strip_prefix("<?") {
            rest = after.split_once("?>")?.1;
        } else if let Some(after) = rest.strip_prefix("<!") {
            // A DOCTYPE may hold an internal subset `[...]` whose declarations may contain `>`.
            let close = after.find('>')?;
            let after = match after.find('[') {
                Some(open) if open < close => after.split_once(']')?.1,
                _ => after,
            };
            rest = after.split_once('>')?.1;
        } else {
            let after = rest.strip_prefix("<svg")?;
            let next = after.chars().next()?;
            return (next.is_whitespace() || next == '>' || next == '/').then_some(after);
        }
    }
}

/// A `width`/`height` value: a plain number or one in `px`; other units (%, em) can't be known.
fn svg_length(value: &str) -> Option<u32> {
    let value = value.trim();
    svg_number(value.strip_suffix("px").unwrap_or(value))
}

/// A non-negative number rounded to whole pixels.
fn svg_number(number: &str) -> Option<u32> {
    let n: f64 = number.trim().parse().ok()?;
    // `parse` accepts "inf" and "NaN"; the range check rejects those and negatives.
    (0.0..=f64::from(u32::MAX))
        .contains(&n)
        .then(|| n.round() as u32)
}

#[cfg(test)]
mod tests {
    use super::image_size;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        b.extend([width.to_be_bytes(), height.to_be_bytes()].concat());
        b.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]); // depth, colour type, ..., CRC (not checked)
        b
    }

    fn gif(version: &[u8], width: u16, height: u16) -> Vec<u8> {
        [
            version,
            &width.to_le_bytes(),
            &height.to_le_bytes(),
            &[0, 0, 0],
        ]
        .concat()
    }

    /// SOI, an APP0 (JFIF) segment, `extra` (segments before the frame), then a SOF segment.
    fn jpeg(sof: u8, extra: &[u8], width: u16, height: u16) -> Vec<u8> {
        let mut b = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0".to_vec();
        b.extend(extra);
        b.extend([0xFF, sof, 0, 17, 8]);
        b.extend([height.to_be_bytes(), width.to_be_bytes()].concat());
        b.extend([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        b
    }

    type Case = (&'static str, Vec<u8>, Option<(u32, u32)>);

    #[test]
    fn binary_formats() {
        let dht = [0xFF, 0xC4, 0, 3, 0]; // in the C0-CF range, yet not a SOF
        let jpg = |extra: &[u8]| jpeg(0xC0, extra, 9, 8);
        let cases: Vec<Case> = vec![
            ("png", png(640, 480), Some((640, 480))),
            ("png zero width", png(0, 480), None),
            ("png cut at 20", png(640, 480)[..20].to_vec(), None),
            ("png cut at 5", png(640, 480)[..5].to_vec(), None),
            ("gif89a", gif(b"GIF89a", 300, 2), Some((300, 2))),
            ("gif87a", gif(b"GIF87a", 5, 7), Some((5, 7))),
            ("gif88a", gif(b"GIF88a", 5, 7), None),
            ("gif cut at 9", gif(b"GIF89a", 3, 2)[..9].to_vec(), None),
            ("jpeg sof0", jpeg(0xC0, &[], 1024, 768), Some((1024, 768))),
            ("jpeg dht, sof2", jpeg(0xC2, &dht, 33, 44), Some((33, 44))),
            ("jpeg fill", jpg(&[0xFF, 0xFF, 0xD0]), Some((9, 8))),
            ("jpeg zero height", jpeg(0xC0, &[], 9, 0), None),
            ("jpeg sos first", jpg(&[0xFF, 0xDA, 0, 2]), None),
            ("jpeg length 1", jpg(&[0xFF, 0xE1, 0, 1]), None),
            ("jpeg lost sync", jpg(&[0x00]), None),
            ("jpeg cut in sof", jpg(&[])[..26].to_vec(), None),
            ("jpeg only soi", vec![0xFF, 0xD8], None),
            ("jpeg long seg", b"\xFF\xD8\xFF\xE0\xFF\xFF".to_vec(), None),
            ("empty", vec![], None),
            ("bmp", b"BM\x00\x01".to_vec(), None),
            ("not utf-8", vec![0xC3, 0x28], None),
        ];
        for (name, bytes, want) in cases {
            let got = image_size(&bytes).map(|s| (s.width, s.height));
            assert_eq!(got, want, "{name}");
        }
    }

    /// Each row is the expected `WxH` (or `-` for `None`), a space, then the SVG text.
    #[test]
    fn svg_text() {
        let cases = [
            r#"120x80 <svg width="120" height="80"/>"#,
            r#"120x81 <svg width="120px" height='80.6px'>"#,
            "3x4 \u{feff}<?xml version=\"1.0\"?>\n<!-- <svg width=\"1\" height=\"1\"> -->\n\
             <!DOCTYPE svg [ <!ENTITY a \"<b>\"> ]><svg\nwidth=\"3\" height=\"4\">",
            r#"24x16 <svg viewBox="0 0 24 16"></svg>"#,
            r#"10x20 <svg viewBox="-5,-5, 10.4 ,20">"#,
            r#"7x9 <svg width="100%" height="50" viewBox="0 0 7 9">"#,
            r#"7x9 <svg width="4" height="2em" viewBox="0 0 7 9">"#,
            r#"5x6 <svg stroke-width="2" data-x="a>b" viewBox="0 0 5 6">"#,
            r#"- <svg><rect width="5" height="5"/></svg>"#,
            r#"- <svg width="100%" height="100%">"#,
            r#"- <svg viewBox="0 0 24">"#,
            r#"- <svg viewBox="0 0 24 16 1">"#,
            r#"- <svg width="-3" height="4" viewBox="0 0 -1 -1">"#,
            r#"- <svg width="0" height="4">"#,
            r#"- <svg width="NaN" height="inf">"#,
            r#"- <html><svg width="1" height="1">"#,
            r#"- <svgfoo width="1" height="1">"#,
            r#"- <svg width="120" height="8"#,
            r#"- <!-- <svg width="1" height="1">"#,
            r#"- <svg width=1 height=1>"#,
            r#"- <svg / width="1">"#,
        ];
        for case in cases {
            let (want, text) = case.split_once(' ').unwrap();
            let got = image_size(text.as_bytes()).map(|s| format!("{}x{}", s.width, s.height));
            assert_eq!(got.as_deref().unwrap_or("-"), want, "{case}");
        }
    }
}
