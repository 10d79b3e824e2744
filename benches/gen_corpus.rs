//! Writes the benchmark corpus: the same N pages as a factsheet, a Zola and a Hugo site.
//! Run: `cargo bench --bench gen_corpus -- OUT_DIR N [--taxonomies]` (creates
//! OUT_DIR/{factsheet,zola,hugo}); `--taxonomies` gives every page 1–3 `topics` and 1–4
//! `tags` out of 1,000 terms, with each generator's taxonomy configuration and templates.

mod corpus;

use corpus::Taxonomies;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` passes `--bench`; the rest are ours.
    let mut args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let taxonomies = match args.iter().position(|a| a == "--taxonomies") {
        Some(at) => {
            args.remove(at);
            Taxonomies::TopicsAndTags
        }
        None => Taxonomies::Off,
    };
    let (Some(out), Some(pages), None) = (
        args.first(),
        args.get(1).and_then(|n| n.parse().ok()),
        args.get(2),
    ) else {
        eprintln!("usage: cargo bench --bench gen_corpus -- OUT_DIR PAGES [--taxonomies]");
        std::process::exit(2);
    };
    let out = PathBuf::from(out);
    for generator in ["factsheet", "zola", "hugo"] {
        let _ = std::fs::remove_dir_all(out.join(generator));
    }
    corpus::write_site_with(&out.join("factsheet"), pages, taxonomies)?;
    corpus::write_zola_site(&out.join("zola"), pages, taxonomies)?;
    corpus::write_hugo_site(&out.join("hugo"), pages, taxonomies)?;
    let with = match taxonomies {
        Taxonomies::Off => "",
        Taxonomies::TopicsAndTags => " with taxonomies (topics, tags)",
    };
    println!(
        "wrote {pages} pages{with} for factsheet, zola and hugo into {}",
        out.display()
    );
    Ok(())
}
