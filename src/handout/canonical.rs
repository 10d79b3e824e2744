//! One byte order for svg2pdf's output. svg2pdf 0.13 keeps its fonts and the entries of each
//! resource dictionary in std `HashMap`s, whose order is random in every process: the same
//! drawing would give a PDF with the same content but its fonts written, and numbered, in
//! another order, and `/fo0` and `/fo1` listed the other way round. This puts the objects in
//! one order (numbered breadth-first from the drawing, following references in the order they
//! are written) and sorts the entries of resource dictionaries by name.
//!
//! It reads only what pdf-writer writes: `N 0 obj`, a dictionary with one entry per line, an
//! optional stream of `/Length` bytes, `endobj`. Anything else is refused, never guessed.

use std::collections::{BTreeMap, VecDeque};

/// One object of the chunk: its dictionary (or other value) as text, and its stream data.
struct Object<'a> {
    head: String,
    stream: Option<&'a [u8]>,
}

/// An object's number and the bytes of its `N 0 obj … endobj`.
pub(super) type Written = (i32, Vec<u8>);

/// The objects of `bytes` (a pdf-writer chunk holding the objects `ids`, in that order),
/// renumbered in canonical order from `first`, which `root` becomes.
pub(super) fn canonical(
    bytes: &[u8],
    ids: &[i32],
    root: i32,
    first: i32,
) -> Result<Vec<Written>, String> {
    let objects = split(bytes, ids)?;
    // Breadth-first from the drawing, references in the order the (sorted) text holds them.
    let mut number: BTreeMap<i32, i32> = BTreeMap::new();
    let mut queue = VecDeque::from([root]);
    let mut order = Vec::new();
    number.insert(root, first);
    while let Some(id) = queue.pop_front() {
        order.push(id);
        let object = objects
            .get(&id)
            .ok_or_else(|| format!("object {id} is referenced but not written"))?;
        for reference in references(&object.head) {
            if !number.contains_key(&reference) && objects.contains_key(&reference) {
                number.insert(reference, first + number.len() as i32);
                queue.push_back(reference);
            }
        }
    }
    Ok(order
        .into_iter()
        .map(|id| (number[&id], written(number[&id], &objects[&id], &number)))
        .collect())
}

/// The objects of `bytes` (a pdf-writer chunk holding the objects `ids`) with their own
/// numbers, each as the bytes of its `N 0 obj … endobj`.
pub(super) fn as_written(bytes: &[u8], ids: &[i32]) -> Result<Vec<Written>, String> {
    let same = BTreeMap::new();
    Ok(split(bytes, ids)?
        .iter()
        .map(|(&id, object)| (id, written(id, object, &same)))
        .collect())
}

/// `object` as number `new`, its references renumbered through `number`.
fn written(new: i32, object: &Object<'_>, number: &BTreeMap<i32, i32>) -> Vec<u8> {
    let mut buf = format!("{new} 0 obj\n").into_bytes();
    buf.extend(renumbered(&object.head, number).as_bytes());
    if let Some(data) = object.stream {
        buf.extend(b"\nstream\n");
        buf.extend(data);
        buf.extend(b"\nendstream");
    }
    buf.extend(b"\nendobj\n\n");
    buf
}

/// The chunk's objects by number, with the entries of their resource dictionaries sorted.
fn split<'a>(bytes: &'a [u8], ids: &[i32]) -> Result<BTreeMap<i32, Object<'a>>, String> {
    let mut objects = BTreeMap::new();
    let mut at = 0;
    for &id in ids {
        let header = format!("{id} 0 obj\n");
        let rest = bytes
            .get(at..)
            .filter(|rest| rest.starts_with(header.as_bytes()))
            .ok_or_else(|| format!("object {id} does not start where expected"))?;
        let rest = &rest[header.len()..];
        const END: &[u8] = b"\nendobj\n\n";
        // The text before the stream, or before `endobj`.
        let text_end = find(rest, b"\nstream\n")
            .filter(|&stream| find(&rest[..stream], END).is_none())
            .or_else(|| find(rest, END))
            .ok_or_else(|| format!("object {id} has no end"))?;
        let head = std::str::from_utf8(&rest[..text_end])
            .map_err(|_| format!("object {id} is not text"))?;
        let (stream, used) = if rest[text_end..].starts_with(b"\nstream\n") {
            let length = stream_length(head).ok_or_else(|| format!("object {id}: no /Length"))?;
            let start = text_end + b"\nstream\n".len();
            let data = rest
                .get(start..start + length)
                .ok_or_else(|| format!("object {id}: its stream is cut short"))?;
            let after = &rest[start + length..];
            if !after.starts_with(b"\nendstream") {
                return Err(format!("object {id}: no endstream after {length} bytes"));
            }
            (Some(data), start + length + b"\nendstream".len())
        } else {
            (None, text_end)
        };
        if !rest[used..].starts_with(END) {
            return Err(format!("object {id}: no endobj"));
        }
        at += header.len() + used + END.len();
        objects.insert(
            id,
            Object {
                head: sorted_resources(head),
                stream,
            },
        );
    }
    if at != bytes.len() {
        return Err("bytes after the last object".into());
    }
    Ok(objects)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `/Length N` of a stream dictionary (its first level).
fn stream_length(head: &str) -> Option<usize> {
    head.lines()
        .find_map(|line| line.strip_prefix("  /Length "))
        .and_then(|n| n.trim().parse().ok())
}

/// `head` with the one-line entries of each resource dictionary (`/Font <<`, `/XObject <<`,
/// …) in order of their names.
fn sorted_resources(head: &str) -> String {
    const KINDS: [&str; 6] = [
        "/Font <<",
        "/XObject <<",
        "/ExtGState <<",
        "/ColorSpace <<",
        "/Pattern <<",
        "/Shading <<",
    ];
    let lines: Vec<&str> = head.split('\n').collect();
    let mut out: Vec<&str> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        out.push(line);
        i += 1;
        if !KINDS.contains(&line.trim_start()) {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let close = format!("{}>>", " ".repeat(indent));
        let Some(length) = lines[i..].iter().position(|l| *l == close) else {
            continue;
        };
        let mut entries: Vec<&str> = lines[i..i + length].to_vec();
        // Only flat dictionaries: one `/name value` per line.
        if entries
            .iter()
            .all(|e| e.trim_start().starts_with('/') && !e.ends_with("<<"))
        {
            entries.sort_unstable();
        }
        out.extend(entries);
        i += length;
    }
    out.join("\n")
}

/// The numbers of the indirect references (`N 0 R`) in `text`, in order, outside strings.
fn references(text: &str) -> Vec<i32> {
    let mut found = Vec::new();
    scan(text, &mut |number, _| {
        found.push(number);
        None
    });
    found
}

/// `text` with each reference renumbered through `number` (unknown ones kept).
fn renumbered(text: &str, number: &BTreeMap<i32, i32>) -> String {
    scan(text, &mut |old, _| number.get(&old).copied())
}

/// Walks the references of `text`, outside literal strings; `visit` may give a new number
/// for each. Returns the text with the new numbers.
fn scan(text: &str, visit: &mut dyn FnMut(i32, usize) -> Option<i32>) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'(' => {
                // A literal string: balanced parentheses, `\` escapes the next byte.
                let mut depth = 0;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            }
            b'0'..=b'9' if i == 0 || !bytes[i - 1].is_ascii_alphanumeric() => {
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                let tail = &text[i..];
                let is_ref = tail.starts_with(" 0 R")
                    && tail[4..]
                        .bytes()
                        .next()
                        .is_none_or(|b| !b.is_ascii_alphanumeric());
                if is_ref && let Ok(number) = text[start..i].parse::<i32>() {
                    if let Some(new) = visit(number, start) {
                        out.push_str(&text[copied..start]);
                        out.push_str(&new.to_string());
                        copied = i;
                    }
                    i += 4;
                }
            }
            _ => i += 1,
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHUNK: &[u8] = b"3 0 obj\n<<\n  /Length 4\n  /Resources <<\n    /Font <<\n      /fo1 9 0 R\n      /fo0 7 0 R\n    >>\n  >>\n>>\nstream\n\x00(7)\nendstream\nendobj\n\n9 0 obj\n<<\n  /Type /Font\n  /Name (12 0 R)\n>>\nendobj\n\n7 0 obj\n[7 8 0 R]\nendobj\n\n";

    #[test]
    fn objects_are_renumbered_breadth_first_with_sorted_resources() {
        let objects = canonical(CHUNK, &[3, 9, 7], 3, 10).expect("canonical");
        let text: Vec<String> = objects
            .iter()
            .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
            .collect();
        assert_eq!(
            objects.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            [10, 11, 12]
        );
        assert!(
            text[0].contains("      /fo0 11 0 R\n      /fo1 12 0 R\n"),
            "{}",
            text[0]
        );
        assert!(
            text[0].contains("stream\n\x00(7)\nendstream"),
            "stream data untouched"
        );
        // `7` inside an array is a number, `8 0 R` a reference to nothing written: kept.
        assert_eq!(text[1], "11 0 obj\n[7 8 0 R]\nendobj\n\n");
        // A reference-like string is text.
        assert!(text[2].contains("/Name (12 0 R)") && text[2].starts_with("12 0 obj\n"));
    }

    #[test]
    fn anything_but_pdf_writer_output_is_refused() {
        assert!(canonical(b"1 0 obj\n<<>>\n", &[1], 1, 1).is_err());
        assert!(canonical(CHUNK, &[9, 3, 7], 3, 1).is_err());
    }
}
