//! Dates: a leaf module, so that config, content and every output format read dates one way.

/// `YYYY-MM-DD`, optionally followed by `T` or a space and a time.
pub fn is_valid_date(value: &str) -> bool {
    let bytes = value.as_bytes();
    if bytes.len() < 10 || !matches!(bytes.get(10), None | Some(b'T' | b' ')) {
        return false;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = value.get(range)?;
        if part.bytes().all(|b| b.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    bytes[4] == b'-' && bytes[7] == b'-' && (1..=days_in_month).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked() {
        for good in [
            "2021-02-05",
            "2020-02-29",
            "2021-02-05T10:00:00Z",
            "2021-02-05 10:00",
        ] {
            assert!(is_valid_date(good), "{good}");
        }
        for bad in [
            "2021-2-5",
            "2021-02-30",
            "2021-13-01",
            "05.02.2021",
            "2021-02-05x",
            "2021",
        ] {
            assert!(!is_valid_date(bad), "{bad}");
        }
    }
}
