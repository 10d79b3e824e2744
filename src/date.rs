//! Dates: a leaf module, so that config, content and every output format read dates one way.
//!
//! A [`Date`] is a day, `YYYY-MM-DD`, or a moment: a day with a time and the offset from UTC
//! that time is given in, `YYYY-MM-DDTHH:MM[:SS[.fraction]](Z|±HH:MM)`, where a space may stand
//! for the `T` (as YAML allows). Everything else is refused with a [`DateError`] that says what
//! is wrong and how to write the date. Dates are parsed once, when `site.yaml` and the front
//! matter are read; every output (templates, feed, sitemap, JSON-LD) prints the parsed value.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A day (`2021-02-05`), or a day with a time and its offset (`2021-02-05T10:00:00+05:00`).
///
/// Prints (and serializes) as normalized ISO 8601 text, which is both an RFC 3339 timestamp
/// (when it has a time) and a W3C datetime: `2021-02-05`, or `2021-02-05T10:00:00Z` with `T`,
/// seconds always written, the fraction and the offset as given.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
    time: Option<Time>,
}

/// The time of a [`Date`], with its offset from UTC.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Time {
    hour: u8,
    minute: u8,
    second: u8,
    /// The digits after the seconds' decimal point, as written; empty when there are none.
    fraction: String,
    offset: Offset,
}

/// `Z`, or `+HH:MM` / `-HH:MM` as written (`-00:00` stays `-00:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Offset {
    Utc,
    Fixed {
        negative: bool,
        hours: u8,
        minutes: u8,
    },
}

impl Offset {
    /// Minutes east of UTC.
    fn minutes(self) -> i64 {
        match self {
            Offset::Utc => 0,
            Offset::Fixed {
                negative,
                hours,
                minutes,
            } => {
                let total = i64::from(hours) * 60 + i64::from(minutes);
                if negative { -total } else { total }
            }
        }
    }
}

/// Why a text is not a [`Date`], with the text itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    /// The refused text, as written.
    pub value: String,
    problem: Problem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    /// Not of the form `YYYY-MM-DD[THH:MM[:SS[.f]](Z|±HH:MM)]` at all.
    Form,
    Month(u8),
    Day {
        year: u16,
        month: u8,
        day: u8,
    },
    Hour(u8),
    Minute(u8),
    Second(u8),
    Offset,
    /// A time without `Z` or `±HH:MM`: which moment it means depends on where it is read.
    NoOffset,
}

impl DateError {
    fn new(value: &str, problem: Problem) -> Self {
        DateError {
            value: value.to_string(),
            problem,
        }
    }

    /// What is wrong, to follow the value: `is not a date: February 2021 has 28 days`. Holds
    /// no backquote, so that a message can quote the value before it.
    pub fn problem(&self) -> String {
        let detail = match self.problem {
            Problem::Form => return "is not a date".to_string(),
            Problem::Month(month) => format!("there is no month {month:02}"),
            Problem::Day { year, month, day } => match days_in_month(year, month) {
                days if day == 0 || days == 0 => format!("there is no day {day:02}"),
                days => format!(
                    "{} {year} has {days} days",
                    MONTH_NAMES[usize::from(month) - 1]
                ),
            },
            Problem::Hour(hour) => format!("there is no hour {hour:02} (hours run 00 to 23)"),
            Problem::Minute(minute) => format!("there is no minute {minute:02}"),
            Problem::Second(second) => format!("there is no second {second:02}"),
            Problem::Offset => "the offset from UTC is out of range".to_string(),
            Problem::NoOffset => "the time has no offset from UTC".to_string(),
        };
        format!("is not a date: {detail}")
    }

    /// How to write it.
    pub fn help(&self) -> String {
        match self.problem {
            Problem::NoOffset => format!(
                "add the offset after the time: `{0}Z` for UTC, or the local one, e.g. `{0}+05:00`",
                self.value
            ),
            _ => "write it as YYYY-MM-DD, e.g. `2021-02-05`, or with a time and its offset from UTC, e.g. `2021-02-05T10:00Z` or `2021-02-05T10:00:00+05:00`".to_string(),
        }
    }
}

/// "`value` problem\n  help: help": the form `yaml::from_str` reads back from serde's message
/// to report the key, the line and the fix.
impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` {}\n  help: {}",
            self.value,
            self.problem(),
            self.help()
        )
    }
}

impl std::error::Error for DateError {}

/// Russian month names in the genitive, as a date writes them (`5 февраля`), January first.
pub const MONTH_NAMES_RU: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

/// Kazakh month names, January first.
pub const MONTH_NAMES_KK: [&str; 12] = [
    "қаңтар",
    "ақпан",
    "наурыз",
    "сәуір",
    "мамыр",
    "маусым",
    "шілде",
    "тамыз",
    "қыркүйек",
    "қазан",
    "қараша",
    "желтоқсан",
];

/// The month names of `lang` (its primary subtag: `ru`, `kk`); English for any other.
pub fn month_names(lang: &str) -> &'static [&'static str; 12] {
    match lang.split('-').next().unwrap_or(lang) {
        "ru" => &MONTH_NAMES_RU,
        "kk" => &MONTH_NAMES_KK,
        _ => &MONTH_NAMES,
    }
}

/// The day as `lang` writes it in prose: `5 February 2021`, `5 февраля 2021 г.`,
/// `2021 жылғы 5 ақпан`.
pub fn long_date(date: &Date, lang: &str) -> String {
    let (year, month, day) = date.ymd();
    let month = month_names(lang)[usize::from(month) - 1];
    match lang.split('-').next().unwrap_or(lang) {
        "ru" => format!("{day} {month} {year} г."),
        "kk" => format!("{year} жылғы {day} {month}"),
        _ => format!("{day} {month} {year}"),
    }
}

/// English month names, January first.
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn is_leap(year: u16) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

/// Days in `month` of `year`; 0 for a month that does not exist.
fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days from 1970-01-01 to the given day (proleptic Gregorian calendar).
fn days_from_epoch(year: u16, month: u8, day: u8) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

impl Date {
    /// Parses `text`, strictly: see the module documentation for the accepted forms.
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let fail = |problem| Err(DateError::new(text, problem));
        let bytes = text.as_bytes();
        let number = |at: usize, len: usize| -> Option<u16> {
            let part = bytes.get(at..at + len)?;
            part.iter().all(u8::is_ascii_digit).then(|| {
                part.iter()
                    .fold(0u16, |n, digit| n * 10 + u16::from(digit - b'0'))
            })
        };
        let two = |at: usize| number(at, 2).and_then(|n| u8::try_from(n).ok());
        let (Some(year), Some(month), Some(day)) = (number(0, 4), two(5), two(8)) else {
            return fail(Problem::Form);
        };
        if bytes[4] != b'-' || bytes[7] != b'-' {
            return fail(Problem::Form);
        }
        let time = if bytes.len() == 10 {
            None
        } else {
            let (Some(b'T' | b' '), Some(hour), Some(b':'), Some(minute)) =
                (bytes.get(10), two(11), bytes.get(13), two(14))
            else {
                return fail(Problem::Form);
            };
            let mut at = 16;
            let mut second = 0;
            let mut fraction = String::new();
            if bytes.get(at) == Some(&b':') {
                let Some(s) = two(at + 1) else {
                    return fail(Problem::Form);
                };
                second = s;
                at += 3;
                if bytes.get(at) == Some(&b'.') {
                    let digits = bytes[at + 1..]
                        .iter()
                        .take_while(|b| b.is_ascii_digit())
                        .count();
                    if digits == 0 {
                        return fail(Problem::Form);
                    }
                    fraction = text[at + 1..at + 1 + digits].to_string();
                    at += 1 + digits;
                }
            }
            let offset = match bytes.get(at) {
                None => None,
                Some(b'Z') if bytes.len() == at + 1 => Some(Offset::Utc),
                Some(sign @ (b'+' | b'-')) if bytes.len() == at + 6 => {
                    let (Some(hours), Some(b':'), Some(minutes)) =
                        (two(at + 1), bytes.get(at + 3), two(at + 4))
                    else {
                        return fail(Problem::Form);
                    };
                    Some(Offset::Fixed {
                        negative: *sign == b'-',
                        hours,
                        minutes,
                    })
                }
                Some(_) => return fail(Problem::Form),
            };
            Some((hour, minute, second, fraction, offset))
        };
        if !(1..=12).contains(&month) {
            return fail(Problem::Month(month));
        }
        if !(1..=days_in_month(year, month)).contains(&day) {
            return fail(Problem::Day { year, month, day });
        }
        let time = match time {
            None => None,
            Some((hour, minute, second, fraction, offset)) => {
                if hour > 23 {
                    return fail(Problem::Hour(hour));
                }
                if minute > 59 {
                    return fail(Problem::Minute(minute));
                }
                if second > 59 {
                    return fail(Problem::Second(second));
                }
                let offset = match offset {
                    None => return fail(Problem::NoOffset),
                    Some(Offset::Fixed { hours, minutes, .. }) if hours > 23 || minutes > 59 => {
                        return fail(Problem::Offset);
                    }
                    Some(offset) => offset,
                };
                Some(Time {
                    hour,
                    minute,
                    second,
                    fraction,
                    offset,
                })
            }
        };
        Ok(Date {
            year,
            month,
            day,
            time,
        })
    }

    /// Year, month (1–12) and day (1–31), as written (not moved to UTC).
    pub fn ymd(&self) -> (u16, u8, u8) {
        (self.year, self.month, self.day)
    }

    /// The day as written, `YYYY-MM-DD`, without the time.
    pub fn iso_date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Whether a time was given.
    pub fn has_time(&self) -> bool {
        self.time.is_some()
    }

    /// An RFC 3339 timestamp, as Atom wants: a day becomes `YYYY-MM-DDT00:00:00Z`; a time keeps
    /// its offset.
    pub fn to_rfc3339(&self) -> String {
        let mut out = String::with_capacity(25);
        // Writing into a String cannot fail.
        let _ = self.write_rfc3339(&mut out);
        out
    }

    /// [`Date::to_rfc3339`], written into `out`.
    pub fn write_rfc3339(&self, out: &mut impl fmt::Write) -> fmt::Result {
        match self.time {
            None => write!(
                out,
                "{:04}-{:02}-{:02}T00:00:00Z",
                self.year, self.month, self.day
            ),
            Some(_) => write!(out, "{self}"),
        }
    }

    /// Seconds since 1970-01-01T00:00:00Z; a day counts from its midnight in UTC. Dates whose
    /// seconds differ order as their seconds do; equal seconds say nothing unless both dates are
    /// days without a time (then the dates are equal).
    pub fn seconds_since_epoch(&self) -> i64 {
        let days = days_from_epoch(self.year, self.month, self.day);
        let within_day = self.time.as_ref().map_or(0, |t| {
            i64::from(t.hour) * 3600 + i64::from(t.minute) * 60 + i64::from(t.second)
                - t.offset.minutes() * 60
        });
        days * 86_400 + within_day
    }

    fn fraction(&self) -> &str {
        self.time
            .as_ref()
            .map_or("", |t| t.fraction.trim_end_matches('0'))
    }
}

/// Normalized ISO 8601: `2021-02-05`, or `2021-02-05T10:00:00[.fraction](Z|±HH:MM)`.
impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)?;
        let Some(time) = &self.time else {
            return Ok(());
        };
        write!(f, "T{:02}:{:02}:{:02}", time.hour, time.minute, time.second)?;
        if !time.fraction.is_empty() {
            write!(f, ".{}", time.fraction)?;
        }
        match time.offset {
            Offset::Utc => f.write_str("Z"),
            Offset::Fixed {
                negative,
                hours,
                minutes,
            } => write!(
                f,
                "{}{hours:02}:{minutes:02}",
                if negative { '-' } else { '+' }
            ),
        }
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(text: &str) -> Result<Date, DateError> {
        Date::parse(text)
    }
}

/// Earlier first, by the moment meant (a day as its midnight in UTC); equal moments written
/// differently are ordered by their text, so that the order agrees with `==`.
impl Ord for Date {
    fn cmp(&self, other: &Self) -> Ordering {
        // Two days (most dates): their midnights are in the order of the days. Sorting
        // thousands of pages by date compares mostly these.
        if self.time.is_none() && other.time.is_none() {
            return (self.year, self.month, self.day).cmp(&(other.year, other.month, other.day));
        }
        self.seconds_since_epoch()
            .cmp(&other.seconds_since_epoch())
            .then_with(|| self.fraction().cmp(other.fraction()))
            // The same moment written two ways: any order consistent with `Eq`, without
            // allocating (listings sort thousands of pages that share a date).
            .then_with(|| {
                (self.year, self.month, self.day, &self.time).cmp(&(
                    other.year,
                    other.month,
                    other.day,
                    &other.time,
                ))
            })
    }
}

impl PartialOrd for Date {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// From a string; a refused one fails with the [`DateError`]'s text, which the YAML layer
/// turns into an error naming the key, the line and the fix.
impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;

        impl Visitor<'_> for DateVisitor {
            type Value = Date;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date, YYYY-MM-DD")
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Date, E> {
                Date::parse(value).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(DateVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Date {
        Date::parse(text).unwrap_or_else(|err| panic!("{text}: {err}"))
    }

    #[test]
    fn days_and_times_with_offsets_are_dates() {
        for (text, normalized) in [
            ("2021-02-05", "2021-02-05"),
            ("2020-02-29", "2020-02-29"),
            ("2000-02-29", "2000-02-29"),
            ("2021-02-05T10:00Z", "2021-02-05T10:00:00Z"),
            ("2021-02-05 10:00Z", "2021-02-05T10:00:00Z"),
            ("2021-02-05T10:00:00+05:00", "2021-02-05T10:00:00+05:00"),
            (
                "2021-02-05T23:59:59.250-03:30",
                "2021-02-05T23:59:59.250-03:30",
            ),
            ("2021-02-05 00:00:00-00:00", "2021-02-05T00:00:00-00:00"),
        ] {
            assert_eq!(parse(text).to_string(), normalized, "{text}");
        }
    }

    #[test]
    fn everything_else_is_refused_with_the_reason() {
        for (text, problem) in [
            ("2021-2-5", "is not a date"),
            ("05.02.2021", "is not a date"),
            ("2021", "is not a date"),
            ("", "is not a date"),
            ("5 February 2021", "is not a date"),
            ("2021-02-05x", "is not a date"),
            ("2021-02-05 lunchtime", "is not a date"),
            ("2021-02-05T", "is not a date"),
            ("2021-02-05T10", "is not a date"),
            ("2021-02-05T10:0Z", "is not a date"),
            ("2021-02-05T10:00:00.Z", "is not a date"),
            ("2021-02-05T10:00+5:00", "is not a date"),
            ("2021-02-05T10:00+05", "is not a date"),
            ("2021-02-05T10:00z", "is not a date"),
            ("2021-02-05t10:00Z", "is not a date"),
            ("2021-02-05T10:00Z ", "is not a date"),
            ("2021-02-05  10:00Z", "is not a date"),
            ("２０２１-02-05", "is not a date"),
            ("2021-13-01", "there is no month 13"),
            ("2021-00-01", "there is no month 00"),
            ("2021-02-30", "February 2021 has 28 days"),
            ("2100-02-29", "February 2100 has 28 days"),
            ("2021-04-31", "April 2021 has 30 days"),
            ("2021-04-00", "there is no day 00"),
            ("2021-02-05T25:00Z", "there is no hour 25"),
            ("2021-02-05T10:60Z", "there is no minute 60"),
            ("2021-02-05T10:00:60Z", "there is no second 60"),
            ("2021-02-05T10:00+24:00", "offset from UTC is out of range"),
            ("2021-02-05T10:00", "the time has no offset"),
            ("2021-02-05 10:00:30.5", "the time has no offset"),
        ] {
            let err = Date::parse(text).expect_err(text);
            assert_eq!(err.value, text);
            assert!(err.problem().contains(problem), "{text}: {}", err.problem());
            assert!(!err.problem().contains('`'), "{}", err.problem());
        }
    }

    #[test]
    fn help_shows_how_to_write_it() {
        let err = Date::parse("2021-02-05T10:00").unwrap_err();
        assert!(err.help().contains("`2021-02-05T10:00Z`"), "{}", err.help());
        assert!(
            err.help().contains("`2021-02-05T10:00+05:00`"),
            "{}",
            err.help()
        );
        let err = Date::parse("2021-02-05 lunchtime").unwrap_err();
        assert!(err.help().contains("YYYY-MM-DD"), "{}", err.help());
        assert_eq!(
            err.to_string(),
            format!(
                "`2021-02-05 lunchtime` is not a date\n  help: {}",
                err.help()
            )
        );
    }

    #[test]
    fn formats_for_feeds_and_sitemaps() {
        let day = parse("2021-02-05");
        assert_eq!(day.to_rfc3339(), "2021-02-05T00:00:00Z");
        assert_eq!(day.iso_date(), "2021-02-05");
        assert_eq!(day.ymd(), (2021, 2, 5));
        assert!(!day.has_time());
        let moment = parse("2021-02-05 22:30+05:00");
        assert_eq!(moment.to_rfc3339(), "2021-02-05T22:30:00+05:00");
        assert_eq!(moment.iso_date(), "2021-02-05");
        assert_eq!(moment.ymd(), (2021, 2, 5));
        assert!(moment.has_time());
    }

    #[test]
    fn orders_by_the_moment_meant() {
        let sorted = [
            "1969-12-31",
            "2021-02-04T18:00:00-05:00",
            "2021-02-05",
            "2021-02-05T00:00:00Z",
            "2021-02-05T10:00:00+05:00",
            "2021-02-05T05:00:00.5Z",
            "2021-02-05T05:00:01Z",
            "2021-02-06",
        ]
        .map(parse);
        for pair in sorted.windows(2) {
            assert!(pair[0] < pair[1], "{} < {}", pair[0], pair[1]);
        }
        // Days alone compare as their midnights do, across months, years and the epoch.
        let days = [
            "1969-12-31",
            "1970-01-01",
            "1999-12-31",
            "2000-02-29",
            "2000-03-01",
            "2021-01-31",
            "2021-02-01",
        ]
        .map(parse);
        for a in &days {
            for b in &days {
                assert_eq!(
                    a.cmp(b),
                    a.seconds_since_epoch().cmp(&b.seconds_since_epoch()),
                    "{a} {b}"
                );
            }
        }
        assert_eq!(days_from_epoch(1970, 1, 1), 0, "the epoch is day 0");
        assert_eq!(days_from_epoch(2000, 3, 1), 11_017);
        assert_eq!(parse("2021-02-05T10:00Z"), parse("2021-02-05T10:00:00Z"));
    }

    #[test]
    fn serializes_as_normalized_text() {
        let json = serde_json::to_string(&parse("2021-02-05 10:00Z")).unwrap();
        assert_eq!(json, "\"2021-02-05T10:00:00Z\"");
        let back: Date = serde_json::from_str(&json).unwrap();
        assert_eq!(back, parse("2021-02-05T10:00:00Z"));
        let err = serde_json::from_str::<Date>("\"2021-02-30\"").unwrap_err();
        assert!(
            err.to_string().contains("February 2021 has 28 days"),
            "{err}"
        );
    }

    #[test]
    fn each_language_writes_a_day_its_own_way() {
        let day = Date::parse("2021-02-05").expect("a date");
        assert_eq!(long_date(&day, "en"), "5 February 2021");
        assert_eq!(long_date(&day, "ru"), "5 февраля 2021 г.");
        assert_eq!(long_date(&day, "kk"), "2021 жылғы 5 ақпан");
        assert_eq!(long_date(&day, "kk-KZ"), "2021 жылғы 5 ақпан");
    }
}
