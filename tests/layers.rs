//! The layer check: every `crate::` path in `src/` must point at a leaf module or at a stage
//! that runs before the importing one, in the order the doc of `src/lib.rs` gives. A cycle, or an
//! import that points back up the stages, fails here with the file and line.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The modules in the order lib.rs documents them: leaves (`//! - [`name`]`) first, then the
/// stages (`//! 1. [`name`]`), each allowed to import only those before it.
fn documented_order(lib: &str) -> Vec<String> {
    let mut leaves = Vec::new();
    let mut stages = Vec::new();
    for line in lib.lines() {
        let Some(doc) = line.strip_prefix("//!") else {
            continue;
        };
        let doc = doc.trim_start();
        let (list, rest) = if let Some(rest) = doc.strip_prefix("- ") {
            (&mut leaves, rest)
        } else if let Some((number, rest)) = doc.split_once(". ")
            && !number.is_empty()
            && number.bytes().all(|b| b.is_ascii_digit())
        {
            (&mut stages, rest)
        } else {
            continue;
        };
        if let Some(name) = rest
            .strip_prefix("[`")
            .and_then(|r| r.split_once("`]"))
            .map(|(name, _)| name)
        {
            list.push(name.to_string());
        }
    }
    leaves.extend(stages);
    leaves
}

/// The top-level module a file under `src/` belongs to.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap();
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_string()
}

/// Every module named after `crate::` in `code`, with its 1-based line; comments skipped.
fn imports(code: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut in_group = false;
    for (index, line) in code.lines().enumerate() {
        let line = line.split("//").next().unwrap_or("");
        let mut rest = line;
        if in_group {
            // Continuation lines of `use crate::{` ... `};`
            push_names(line, index + 1, &mut found);
            if line.contains("};") {
                in_group = false;
            }
            continue;
        }
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let (inside, closed) = match group.find('}') {
                    Some(end) => (&group[..end], true),
                    None => (group, false),
                };
                push_names(inside, index + 1, &mut found);
                in_group = !closed;
                continue;
            }
            push_names(
                rest.split(['}', ',']).next().unwrap_or(""),
                index + 1,
                &mut found,
            );
        }
    }
    found
}

/// The leading name of each comma-separated item of `items` (`a`, `b::c` gives `a`, `b`).
fn push_names(items: &str, line: usize, found: &mut Vec<(usize, String)>) {
    for item in items.split(',') {
        let name: String = item
            .trim()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            found.push((line, name));
        }
    }
}

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The imports of the files under `src` that break the order, as `file:line: a -> b`.
fn violations(src: &Path, order: &[String]) -> Vec<String> {
    let rank: BTreeMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, name)| (name.as_str(), i))
        .collect();
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut problems = Vec::new();
    for file in files {
        let module = module_of(src, &file);
        if module == "main" || module == "lib" {
            continue;
        }
        let Some(&own) = rank.get(module.as_str()) else {
            problems.push(format!(
                "{}: module `{module}` is not in the layer list of src/lib.rs",
                file.display()
            ));
            continue;
        };
        let code = fs::read_to_string(&file).unwrap();
        for (line, imported) in imports(&code) {
            if imported == module {
                continue;
            }
            match rank.get(imported.as_str()) {
                Some(&other) if other < own => {}
                Some(_) => problems.push(format!(
                    "{}:{line}: `{module}` imports `{imported}`, which comes after it in src/lib.rs",
                    file.display()
                )),
                // Items of lib.rs itself (`crate::Project`) belong to no stage.
                None => problems.push(format!(
                    "{}:{line}: `{module}` imports `crate::{imported}`, which is not a module in the layer list",
                    file.display()
                )),
            }
        }
    }
    problems
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn imports_point_only_at_leaves_and_earlier_stages() {
    let src = src_dir();
    let order = documented_order(&fs::read_to_string(src.join("lib.rs")).unwrap());
    assert!(
        order.len() > 10,
        "no layer list found in src/lib.rs: {order:?}"
    );
    let problems = violations(&src, &order);
    assert!(
        problems.is_empty(),
        "imports against the layer order of src/lib.rs:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_documented_module_exists_and_is_declared() {
    let src = src_dir();
    let lib = fs::read_to_string(src.join("lib.rs")).unwrap();
    for name in documented_order(&lib) {
        assert!(
            src.join(format!("{name}.rs")).is_file() || src.join(&name).join("mod.rs").is_file(),
            "src/lib.rs lists `{name}`, which has no file"
        );
        assert!(
            lib.contains(&format!("mod {name};")),
            "src/lib.rs lists `{name}` but does not declare it"
        );
    }
}

#[test]
fn the_check_catches_an_import_back_up_the_stages() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    fs::write(src.join("leaf.rs"), "pub fn f() {}\n").unwrap();
    fs::write(
        src.join("early.rs"),
        "use crate::leaf::f;\nuse crate::late::g;\n",
    )
    .unwrap();
    fs::create_dir(src.join("late")).unwrap();
    fs::write(
        src.join("late").join("mod.rs"),
        "use crate::{\n    early,\n    leaf::f,\n};\n",
    )
    .unwrap();
    let order = documented_order("//! - [`leaf`] x\n//! 1. [`early`] y\n//! 2. [`late`] z\n");
    assert_eq!(order, ["leaf", "early", "late"]);
    let problems = violations(src, &order);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("early.rs:2"), "{problems:?}");
}
