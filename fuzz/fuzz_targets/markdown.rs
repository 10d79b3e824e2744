//! Any text through the Markdown stage (ids, anchors, links, images): HTML out, no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = factsheet::markdown::render_markdown(
            text,
            &|_| Ok(Some((1, 1))),
            factsheet::markdown::Words::Counted,
        );
    }
});
