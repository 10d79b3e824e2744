//! Paths written with `/`: the form URLs, output paths and messages use on every platform. A
//! leaf module, so that the Windows rule is written once and tested on every platform.

use std::path::{Component, Path};

/// The parts of a relative `path`, split at `/` and at `\` on every platform: a Windows path
/// (`notes\a.md`) reads the same wherever it was written, and the same code runs, and is
/// tested, on every platform.
pub fn parts(path: &Path) -> impl Iterator<Item = String> + '_ {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy()),
            Component::ParentDir => Some("..".into()),
            _ => None,
        })
        .flat_map(|part| {
            part.split('\\')
                .filter(|piece| !piece.is_empty() && *piece != ".")
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
}

/// A relative `path` with `/` between its parts on every platform, for URLs and output paths.
pub fn slashed(path: &Path) -> String {
    parts(path).collect::<Vec<_>>().join("/")
}

/// A path as messages show it: a path inside the site with `/` on every platform (the same
/// message, and the same tests, on Windows), any other path as the platform writes it.
pub fn shown(path: &Path) -> String {
    if path.is_relative() {
        slashed(path)
    } else {
        path.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slashed_joins_with_forward_slashes() {
        assert_eq!(
            slashed(Path::new("notes").join("a.md").as_path()),
            "notes/a.md"
        );
    }

    #[test]
    fn windows_paths_give_the_same_slashed_form() {
        for windows in [r"notes\2021\a.md", r"notes\2021/a.md", r".\notes\2021\a.md"] {
            assert_eq!(slashed(Path::new(windows)), "notes/2021/a.md", "{windows}");
        }
        assert_eq!(slashed(Path::new(r"css\site.css")), "css/site.css");
        assert_eq!(shown(Path::new(r"..\out")), "../out");
    }
}
