//! URLs: joining a site path to the base URL or base path, and making URL path segments from
//! file names. A leaf module; every URL of the site is made here, so that one rule serves the
//! domain root and a GitHub Pages project path.

/// `base` + `path`, unless `path` is already a full URL or a fragment.
pub fn join_url(base: &str, path: &str) -> String {
    if path.contains("://") || path.starts_with("mailto:") || path.starts_with('#') {
        return path.to_string();
    }
    format!("{base}{}", path.trim_start_matches('/'))
}

/// The URL path segment for a file or folder name, as Zola makes it by default: letters of any
/// script transliterated to ASCII (`Итоги` → `itogi`, `Жаңа` → `zhana`), lower case, every run
/// of other characters (spaces, parentheses, punctuation) one `-`, none at either end. So a URL
/// needs no percent-encoding, reads the same in every link, sitemap and feed, and cannot differ
/// from another only in case. Empty when the name has no letter or digit.
pub fn slug(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    let mut buffer = [0u8; 4];
    let ascii = name.chars().flat_map(|c| {
        let text = match kazakh_letter(c) {
            Some(latin) => latin,
            None => deunicode::deunicode_char(c).unwrap_or(c.encode_utf8(&mut buffer)),
        };
        text.chars().collect::<Vec<_>>()
    });
    for c in ascii {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// The letters of the Kazakh Cyrillic alphabet that Russian does not have, as Kazakhstan's
/// Latin alphabet writes them without diacritics; `deunicode` gives them apostrophes or drops
/// them.
fn kazakh_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'ә' | 'Ә' => "a",
        'ғ' | 'Ғ' => "g",
        'қ' | 'Қ' => "q",
        'ң' | 'Ң' => "ng",
        'ө' | 'Ө' => "o",
        'ұ' | 'Ұ' | 'ү' | 'Ү' => "u",
        'һ' | 'Һ' => "h",
        'і' | 'І' => "i",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn names_people_use_become_plain_url_segments() {
        for (name, expected) in [
            ("about", "about"),
            ("digital-almaty-2021", "digital-almaty-2021"),
            ("Forum Report (2021)", "forum-report-2021"),
            ("Итоги форума", "itogi-foruma"),
            ("  spaces  and__underscores ", "spaces-and-underscores"),
            ("v1.2", "v1-2"),
            ("Ärger über Öl", "arger-uber-ol"),
            ("!!!", ""),
        ] {
            assert_eq!(slug(name), expected, "{name}");
        }
    }

    #[test]
    fn kazakh_letters_are_transliterated() {
        assert_eq!(
            slug("Әлеуметтік қызметтер Ғана үшін ұңғыма өңір һ і"),
            "aleumettik-qyzmetter-gana-ushin-unggyma-ongir-h-i"
        );
        assert_eq!(slug("Цифрлық Алматы"), "tsifrlyq-almaty");
    }
}
