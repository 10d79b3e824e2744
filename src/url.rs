//! URLs: joining a site path to the base URL or base path. A leaf module; every URL of the
//! site is made here, so that one rule serves the domain root and a GitHub Pages project path.

/// `base` + `path`, unless `path` is already a full URL or a fragment.
pub fn join_url(base: &str, path: &str) -> String {
    if path.contains("://") || path.starts_with("mailto:") || path.starts_with('#') {
        return path.to_string();
    }
    format!("{base}{}", path.trim_start_matches('/'))
}
