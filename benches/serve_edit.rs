//! `factsheet serve`'s incremental rebuild: time from a one-page edit to the rebuilt output on a
//! generated site (10,000 pages unless `FACTSHEET_BENCH_PAGES` says otherwise), compared with a
//! full build of the same site in the same run, and a template edit that reaches one section's
//! pages. Run: `cargo bench --bench serve_edit`.

mod corpus;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use factsheet::BuildOptions;
use factsheet::serve::{RebuildScope, Session};

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pages: usize = std::env::var("FACTSHEET_BENCH_PAGES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let edits = 21;
    let dir = std::env::temp_dir().join(format!("factsheet-bench-serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    corpus::write_site(&dir, pages)?;
    let out: PathBuf = dir.join("public");

    let mut full = Vec::new();
    let mut session = Session::new(BuildOptions::new(&dir), out.clone());
    for _ in 0..3 {
        let started = Instant::now();
        session.build_all().map_err(|e| format!("{e:?}"))?;
        full.push(started.elapsed());
    }

    let mut edit_times = Vec::new();
    for edit in 0..edits {
        let index = (edit * 7919) % pages;
        let relative = PathBuf::from(format!("content/s{}/page-{index}.md", index % 10));
        let file = dir.join(&relative);
        let text = std::fs::read_to_string(&file)?;
        std::fs::write(&file, format!("{text}\nEdit number {edit}.\n"))?;
        let started = Instant::now();
        let rebuilt = session.apply(&[relative]).map_err(|e| format!("{e:?}"))?;
        edit_times.push(started.elapsed());
        assert_eq!(
            rebuilt.scope,
            RebuildScope::Page,
            "a body edit re-renders one page"
        );
        let html =
            std::fs::read_to_string(out.join(format!("s{}/page-{index}/index.html", index % 10)))?;
        assert!(
            html.contains(&format!("Edit number {edit}.")),
            "the edit is in the output"
        );
    }

    // A template edit that reaches one section's pages: s0's pages use their own template.
    let s0_template = "templates/s0-page.html";
    std::fs::copy(dir.join("templates/page.html"), dir.join(s0_template))?;
    for entry in std::fs::read_dir(dir.join("content/s0"))? {
        let path = entry?.path();
        if path.file_name().is_some_and(|n| n != "_index.md") {
            let text = std::fs::read_to_string(&path)?;
            std::fs::write(
                &path,
                text.replacen("---\n", "---\ntemplate: s0-page.html\n", 1),
            )?;
        }
    }
    session.build_all().map_err(|e| format!("{e:?}"))?;
    let mut template_times = Vec::new();
    let mut template_pages = 0;
    for edit in 0..5 {
        let template = dir.join(s0_template);
        let text = std::fs::read_to_string(&template)?;
        let marked = text.replace(
            "{% endblock content %}",
            &format!("<!-- edit {edit} -->{{% endblock content %}}"),
        );
        std::fs::write(&template, marked)?;
        let started = Instant::now();
        let rebuilt = session
            .apply(&[PathBuf::from(s0_template)])
            .map_err(|e| format!("{e:?}"))?;
        template_times.push(started.elapsed());
        template_pages = rebuilt.rendered;
    }
    let _ = std::fs::remove_dir_all(&dir);

    let edit = median(edit_times.clone());
    let build = median(full);
    println!("serve_edit: {pages} pages, {edits} one-page edits");
    println!(
        "  edit -> rebuilt output: median {:.1} ms (min {:.1}, max {:.1}); target < 100 ms: {}",
        ms(edit),
        ms(*edit_times.iter().min().unwrap_or(&edit)),
        ms(*edit_times.iter().max().unwrap_or(&edit)),
        if ms(edit) < 100.0 { "met" } else { "MISSED" }
    );
    println!(
        "  template edit used by one section -> rebuilt output: median {:.1} ms, {template_pages} pages re-rendered",
        ms(median(template_times))
    );
    println!(
        "  full build, same site, same run: median {:.1} ms ({:.0}x the edit)",
        ms(build),
        ms(build) / ms(edit).max(0.001)
    );
    Ok(())
}
