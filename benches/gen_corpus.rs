//! Writes the benchmark corpus: the same N pages as a factsheet, a Zola and a Hugo site.
//! Run: `cargo bench --bench gen_corpus -- OUT_DIR N` (creates OUT_DIR/{factsheet,zola,hugo}).

mod corpus;

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` passes `--bench`; the rest are ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let (Some(out), Some(pages)) = (args.first(), args.get(1).and_then(|n| n.parse().ok())) else {
        eprintln!("usage: cargo bench --bench gen_corpus -- OUT_DIR PAGES");
        std::process::exit(2);
    };
    let out = PathBuf::from(out);
    for generator in ["factsheet", "zola", "hugo"] {
        let _ = std::fs::remove_dir_all(out.join(generator));
    }
    corpus::write_site(&out.join("factsheet"), pages)?;
    corpus::write_zola_site(&out.join("zola"), pages)?;
    corpus::write_hugo_site(&out.join("hugo"), pages)?;
    println!(
        "wrote {pages} pages for factsheet, zola and hugo into {}",
        out.display()
    );
    Ok(())
}
