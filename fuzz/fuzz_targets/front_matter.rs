//! Any bytes through the front-matter splitter and parser: an error or front matter, no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(split) = factsheet::content::front_matter::split(text)
    {
        let _ = factsheet::content::front_matter::parse(std::path::Path::new("content/x.md"), &split);
    }
});
