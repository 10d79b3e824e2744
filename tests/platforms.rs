//! The dependency graph for each platform factsheet ships on: the file watcher behind `serve`
//! must have its native backend enabled (FSEvents needs a feature on macOS), whatever the
//! machine running the tests. `cargo tree` resolves for a target without compiling for it.

use std::process::Command;

/// `cargo tree --locked --target TARGET` with `args`, as text.
fn cargo_tree(target: &str, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO"))
        .args(["tree", "--locked", "--color", "never", "--target", target])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo tree");
    assert!(
        output.status.success(),
        "cargo tree --target {target} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn macos_builds_notify_with_its_fsevents_watcher() {
    for target in ["aarch64-apple-darwin", "x86_64-apple-darwin"] {
        let features = cargo_tree(target, &["-e", "features", "-i", "notify"]);
        for wanted in [
            r#"notify feature "macos_fsevent""#,
            r#"notify feature "fsevent-sys""#,
            r#"notify feature "objc2-core-services""#,
        ] {
            assert!(
                features.contains(wanted),
                "{target}: no {wanted} in\n{features}"
            );
        }
        let graph = cargo_tree(target, &["-e", "normal", "-p", "notify"]);
        for crate_name in ["objc2-core-foundation", "objc2-core-services"] {
            assert!(
                graph.contains(crate_name),
                "{target}: no {crate_name} in\n{graph}"
            );
        }
    }
}

#[test]
fn windows_and_linux_build_notify_with_their_native_watchers() {
    let windows = cargo_tree("x86_64-pc-windows-msvc", &["-e", "normal", "-p", "notify"]);
    assert!(windows.contains("windows-sys"), "{windows}");
    let linux = cargo_tree(
        "x86_64-unknown-linux-gnu",
        &["-e", "normal", "-p", "notify"],
    );
    assert!(linux.contains("inotify"), "{linux}");
}

#[test]
fn every_platform_has_a_way_to_open_the_browser() {
    for target in [
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
        "x86_64-unknown-linux-gnu",
    ] {
        let graph = cargo_tree(target, &["-e", "normal", "--depth", "1"]);
        assert!(graph.contains("open v5"), "{target}: {graph}");
    }
}
