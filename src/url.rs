//! URLs: joining a site path to the base URL or base path, making URL path segments from file
//! names, checking that an address is a web address, and percent-encoding a path for an HTTP
//! header. A leaf module; every URL of the site is made here, so that one rule serves the
//! domain root and a GitHub Pages project path.

/// `base` + `path`, unless `path` is already a full URL or a fragment.
pub fn join_url(base: &str, path: &str) -> String {
    if path.contains("://") || path.starts_with("mailto:") || path.starts_with('#') {
        return path.to_string();
    }
    // Pushed, not `format!`ed: the build joins several URLs for every page.
    let path = path.trim_start_matches('/');
    let mut url = String::with_capacity(base.len() + path.len());
    url.push_str(base);
    url.push_str(path);
    url
}

/// The first 16 bytes of `text` as a number, zero-padded. Where two of them differ they order
/// as the texts do (byte by byte, as `str` compares), so a sort of thousands of site paths
/// compares numbers kept beside each other and reads the paths, scattered through memory, only
/// when two begin alike. Equal prefixes say nothing: compare the texts then.
pub fn order_prefix(text: &str) -> u128 {
    let mut bytes = [0u8; 16];
    let length = text.len().min(bytes.len());
    bytes[..length].copy_from_slice(&text.as_bytes()[..length]);
    u128::from_be_bytes(bytes)
}

/// Why `url` is not an absolute `http://` or `https://` address with a host, to follow the
/// quoted value in a message (`has no host name`); `None` when it is one.
pub fn web_address_problem(url: &str) -> Option<&'static str> {
    if url.chars().any(char::is_whitespace) {
        return Some("contains a space");
    }
    if url.chars().any(char::is_control) {
        return Some("contains a control character");
    }
    if url.contains(['"', '<', '>', '\\', '`']) {
        return Some("contains a character a URL cannot hold (\" < > \\ `)");
    }
    let Some(rest) = strip_web_scheme(url) else {
        return Some(match url.split_once(':') {
            // `localhost:8080/x` is a host and a port, not a scheme.
            Some((scheme, after))
                if is_scheme(scheme) && !after.starts_with(|c: char| c.is_ascii_digit()) =>
            {
                "is not an http(s) URL"
            }
            _ => "has no `https://`",
        });
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() {
        return Some("has no host name");
    }
    if authority.contains('@') {
        return Some("holds a user name, which a public address must not");
    }
    let (host_ok, port) = match authority.strip_prefix('[') {
        // An IPv6 address: `[::1]:8080`.
        Some(bracketed) => match bracketed.split_once(']') {
            Some((address, after)) => (
                !address.is_empty()
                    && address.chars().all(|c| c.is_ascii_hexdigit() || c == ':')
                    && (after.is_empty() || after.starts_with(':')),
                after.strip_prefix(':'),
            ),
            None => (false, None),
        },
        None => {
            let (host, port) = match authority.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            };
            (is_host(host), port)
        }
    };
    if !host_ok {
        return Some("has no valid host name");
    }
    if port.is_some_and(|port| {
        !port.bytes().all(|b| b.is_ascii_digit()) || port.parse::<u16>().is_err()
    }) {
        return Some("has a port that is not a number from 0 to 65535");
    }
    None
}

/// What follows `http://` or `https://` (in any case) in `url`.
pub fn strip_web_scheme(url: &str) -> Option<&str> {
    ["https://", "http://"].iter().find_map(|scheme| {
        url.get(..scheme.len())
            .filter(|head| head.eq_ignore_ascii_case(scheme))
            .map(|_| &url[scheme.len()..])
    })
}

/// A URL scheme: a letter, then letters, digits, `+`, `-` or `.` (RFC 3986).
fn is_scheme(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// A host name in a URL: dot-separated labels of letters (any script), digits and hyphens,
/// none empty, none starting or ending with a hyphen. IPv4 addresses pass as digit labels.
fn is_host(host: &str) -> bool {
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

/// The decoded path `path` as it goes in a URL or a `Location` header: every byte outside the
/// characters a path may hold as they are (ASCII letters, digits, `-._~!$&'()*+,;=:@/`)
/// percent-encoded, `%` included: `/sub/привет/` → `/sub/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82/`.
pub fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The URL path segment for a file or folder name, as Zola makes it by default: letters of any
/// script transliterated to ASCII (`Итоги` → `itogi`, `Жаңа` → `zhana`), lower case, every run
/// of other characters (spaces, parentheses, punctuation) one `-`, none at either end. So a URL
/// needs no percent-encoding, reads the same in every link, sitemap and feed, and cannot differ
/// from another only in case. Empty when the name has no letter or digit.
pub fn slug(name: &str) -> String {
    // Most names already are slugs (`page-12`): nothing to transliterate.
    let plain = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if name.chars().all(plain)
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
    {
        return name.to_string();
    }
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
/// Latin alphabet writes them without diacritics (`deunicode` gives them apostrophes or drops
/// them); and `ё` as `e`, which is also what its decomposed form (`е` + U+0308, as macOS may
/// store a file name) gives, so a name has one slug however it is stored.
fn kazakh_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'ё' | 'Ё' => "e",
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
    use super::*;

    #[test]
    fn prefixes_that_differ_order_as_their_texts() {
        let texts = [
            "",
            "/",
            "/a/",
            "/a",
            "/notes/day-shared-prefix-a/",
            "/notes/day-shared-prefix-ab/",
            "/notes/day-shared-prefix-b/",
            "/notes/day-share",
            "/notes/day-shared",
            "/ru/жаңалықтар/",
            "/ru/новости/",
            "a\0b",
            "a",
        ];
        for a in texts {
            for b in texts {
                let (pa, pb) = (order_prefix(a), order_prefix(b));
                if pa != pb {
                    assert_eq!(pa.cmp(&pb), a.cmp(b), "{a:?} vs {b:?}");
                }
                assert_eq!(
                    pa.cmp(&pb).then_with(|| a.cmp(b)),
                    a.cmp(b),
                    "{a:?} vs {b:?}"
                );
            }
        }
    }

    #[test]
    fn web_addresses_need_a_web_scheme_and_a_host() {
        for good in [
            "https://example.org",
            "https://example.org/a/b?c=d#e",
            "HTTP://EXAMPLE.ORG/",
            "http://localhost:8080/x",
            "http://127.0.0.1/",
            "http://[::1]:8080/",
            "https://пример.рф/путь",
        ] {
            assert_eq!(web_address_problem(good), None, "{good}");
        }
        for (bad, problem) in [
            ("example.org/x", "has no `https://`"),
            ("https//x", "has no `https://`"),
            ("localhost:8080/x", "has no `https://`"),
            ("javascript:alert(1)", "is not an http(s) URL"),
            ("ftp://example.org/", "is not an http(s) URL"),
            ("mailto:a@example.org", "is not an http(s) URL"),
            ("http://", "has no host name"),
            ("https:///x", "has no host name"),
            ("https://exa mple.org/", "contains a space"),
            ("https://example.org/\u{7}", "contains a control character"),
            (
                "https://example.org/<x>",
                "contains a character a URL cannot hold (\" < > \\ `)",
            ),
            (
                "https://user:pw@example.org/",
                "holds a user name, which a public address must not",
            ),
            ("https://-x.org/", "has no valid host name"),
            ("https://a..b/", "has no valid host name"),
            ("https://[zz]/", "has no valid host name"),
            (
                "https://x.org:99999/",
                "has a port that is not a number from 0 to 65535",
            ),
            (
                "https://x.org:/",
                "has a port that is not a number from 0 to 65535",
            ),
        ] {
            assert_eq!(web_address_problem(bad), Some(problem), "{bad}");
        }
    }

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(
            percent_encode_path("/sub/привет/"),
            "/sub/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82/"
        );
        assert_eq!(percent_encode_path("/a b/50%/"), "/a%20b/50%25/");
        assert_eq!(percent_encode_path("/a?b#c\"\n"), "/a%3Fb%23c%22%0A");
    }

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

    #[test]
    fn composed_and_decomposed_names_give_one_slug() {
        for (composed, decomposed) in [
            ("Ёлка", "Е\u{308}лка"),
            ("Йошкар-Ола", "И\u{306}ошкар-Ола"),
            ("Ärger", "A\u{308}rger"),
        ] {
            assert_eq!(slug(composed), slug(decomposed), "{composed}");
        }
    }
}
