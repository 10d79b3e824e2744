//! A second language costs what its pages cost: the generated 10,000-page site built alone, and
//! the same site with a Russian translation of every other page (15,000 pages), in one run,
//! alternating. Prints the median time per page of each and their ratio. Run:
//! `cargo bench --bench languages` (`FACTSHEET_BENCH_PAGES` and `FACTSHEET_BENCH_RUNS` change
//! the size and the number of builds).

mod corpus;

use std::path::Path;
use std::time::{Duration, Instant};

use factsheet::BuildOptions;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Adds `languages:` and a Russian translation (`page-N.ru.md`, same figures-free body) of
/// every other page and of each section.
fn add_russian(root: &Path) -> std::io::Result<usize> {
    std::fs::write(
        root.join("site.yaml"),
        "title: Benchmark\nbase_url: https://example.org/bench/\nlanguages:\n  - code: en\n    name: English\n    default: true\n  - code: ru\n    name: Русский\n    title: Тест\n",
    )?;
    let mut added = 0;
    for entry in walkdir::WalkDir::new(root.join("content")) {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".md") else {
            continue;
        };
        let number: usize = stem.trim_start_matches("page-").parse().unwrap_or(0);
        if stem.starts_with("page-") && number % 2 == 1 {
            continue;
        }
        let text = std::fs::read_to_string(path)?;
        let translated = text.replacen("title: ", "title: Перевод ", 1);
        std::fs::write(path.with_file_name(format!("{stem}.ru.md")), translated)?;
        added += 1;
    }
    Ok(added)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let env = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(default)
    };
    let (pages, runs) = (
        env("FACTSHEET_BENCH_PAGES", 10_000),
        env("FACTSHEET_BENCH_RUNS", 7),
    );
    let dir =
        std::env::temp_dir().join(format!("factsheet-bench-languages-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let one = dir.join("one");
    let two = dir.join("two");
    corpus::write_site(&one, pages)?;
    corpus::write_site(&two, pages)?;
    let translations = add_russian(&two)?;
    let build = |root: &Path| -> Result<(Duration, usize), Box<dyn std::error::Error>> {
        let mut options = BuildOptions::new(root);
        options.output = Some(root.join("public"));
        let started = Instant::now();
        let report = factsheet::pipeline::build(&options)
            .map_err(|failure| format!("build failed: {failure}"))?;
        Ok((started.elapsed(), report.pages))
    };
    let (mut alone, mut both) = (Vec::new(), Vec::new());
    let (mut pages_alone, mut pages_both) = (0, 0);
    build(&one)?;
    build(&two)?;
    for _ in 0..runs {
        let (time, count) = build(&one)?;
        alone.push(time);
        pages_alone = count;
        let (time, count) = build(&two)?;
        both.push(time);
        pages_both = count;
    }
    let per_page = |time: Duration, count: usize| time.as_secs_f64() * 1e6 / count as f64;
    let (alone, both) = (median(alone), median(both));
    let (a, b) = (per_page(alone, pages_alone), per_page(both, pages_both));
    println!(
        "one language:  {pages_alone} pages, median {:.0} ms, {a:.1} µs per page",
        alone.as_secs_f64() * 1e3
    );
    println!(
        "two languages: {pages_both} pages ({translations} translations), median {:.0} ms, {b:.1} µs per page",
        both.as_secs_f64() * 1e3
    );
    println!("time per page, two languages / one: {:.3}", b / a);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
