//! Stage 2, interface strings: the words templates write around the content ("Last updated",
//! "Sources", the language switcher's label), one file per language, `i18n/<code>.yaml`, read
//! in templates with `trans(key="last_updated", lang=lang)`.
//!
//! Term names are the exception: `terms: {topics: {Connectivity: Связь}}` names the terms of a
//! taxonomy in a language, and the taxonomy stage checks them against the terms pages use.
//!
//! Every language must have every key of the default language's file, and no other: a missing
//! string would show another language's words on the page, so it stops the build, naming the
//! file, the key and the line where the default language defines it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::Error;
use crate::paths::{I18N_DIR, read_text};
use crate::yaml::{self, Segment};

/// The strings of every language: language code → key → text. Nested maps in a file give
/// dotted keys (`nav: {speakers: …}` is `nav.speakers`).
#[derive(Debug, Clone, Default)]
pub struct Strings {
    /// By language code, then by key.
    pub by_lang: BTreeMap<String, BTreeMap<String, String>>,
}

impl Strings {
    /// The text of `key` in `lang`.
    pub fn get(&self, lang: &str, key: &str) -> Option<&str> {
        self.by_lang.get(lang)?.get(key).map(String::as_str)
    }
}

/// The file of `lang`'s strings, relative to the site root.
pub fn file_of(lang: &str) -> PathBuf {
    Path::new(I18N_DIR).join(format!("{lang}.yaml"))
}

/// Reads `i18n/<code>.yaml` for every language of `config`. A language without a file has no
/// strings: templates that call `trans()` fail on it, and if the default language has a file,
/// each of its keys is reported missing in the others.
pub fn load(root: &Path, config: &Config) -> (Strings, Vec<Error>) {
    let mut strings = Strings::default();
    let mut errors = Vec::new();
    let multilingual = !config.languages.is_empty();
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    for lang in config.language_codes() {
        let file = file_of(lang);
        if !root.join(&file).is_file() {
            // No file is no strings: fine for templates that call no `trans()`; when the
            // default language has strings, every key is reported missing below.
            if multilingual && lang != config.default_language() {
                strings.by_lang.insert(lang.to_string(), BTreeMap::new());
            }
            continue;
        }
        let text = match read_text(root, &file) {
            Ok(text) => text,
            Err(err) => {
                errors.push(err);
                continue;
            }
        };
        match yaml::from_str::<BTreeMap<String, yaml::Value>>(&text) {
            Ok(map) => {
                let mut flat = BTreeMap::new();
                for (key, value) in map {
                    flatten(&key, &value, &mut flat);
                }
                strings.by_lang.insert(lang.to_string(), flat);
                texts.insert(lang.to_string(), text);
            }
            Err(err) => errors.push(Error::from_yaml(file, &text, 0, err)),
        }
    }
    let default = config.default_language();
    if let Some(wanted) = strings.by_lang.get(default) {
        for (lang, have) in strings.by_lang.iter().filter(|(lang, _)| *lang != default) {
            let file = file_of(lang);
            let text = texts.get(lang).map(String::as_str).unwrap_or_default();
            for key in wanted
                .keys()
                .filter(|key| !have.contains_key(*key) && !key.starts_with("terms."))
            {
                errors.push(Error::Missing {
                    path: file.clone(),
                    line: 1,
                    what: format!("the string `{key}`"),
                    help: format!(
                        "add `{key}` in {lang}: {} defines it",
                        file_of(default).display()
                    ),
                });
            }
            // Term names (`terms.topics.Connectivity`) are the other languages' own: the
            // taxonomy stage checks them against the terms the pages use.
            for key in have
                .keys()
                .filter(|key| !wanted.contains_key(*key) && !key.starts_with("terms."))
            {
                errors.push(Error::InvalidValue {
                    path: file.clone(),
                    line: line_of_key(text, key),
                    message: format!("`{key}` is not a string of {}", file_of(default).display()),
                    help: format!(
                        "remove it, or add it to {} first",
                        file_of(default).display()
                    ),
                });
            }
        }
    }
    (strings, errors)
}

fn flatten(prefix: &str, value: &yaml::Value, into: &mut BTreeMap<String, String>) {
    match value {
        yaml::Value::Mapping(map) => {
            for (key, value) in map {
                let key = match key {
                    yaml::Value::String(s) => s.clone(),
                    other => yaml::to_display(other),
                };
                flatten(&format!("{prefix}.{key}"), value, into);
            }
        }
        yaml::Value::String(s) => {
            into.insert(prefix.to_string(), s.clone());
        }
        other => {
            into.insert(prefix.to_string(), yaml::to_display(other));
        }
    }
}

/// The line of a dotted key in a strings file (its first part's line when nested).
pub(crate) fn line_of_key(text: &str, key: &str) -> usize {
    let parts: Vec<Segment<'_>> = key.split('.').map(Segment::Key).collect();
    yaml::line_of(text, &parts)
        .or_else(|| yaml::line_of(text, &parts[..1]))
        .unwrap_or(1)
}
