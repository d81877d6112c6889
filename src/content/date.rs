//! Post dates: `YYYY-MM-DD` or an RFC 3339 date-time, kept as written. A date-only value is
//! never converted through a time zone, so it can never be shown a day early or late.

use std::cmp::Ordering;
use std::fmt;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Utc};

use crate::text::MONTHS;

/// A date as the writer gave it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PostDate {
    /// `2011-07-18`: a calendar day, no time, no zone.
    Day(NaiveDate),
    /// `2011-07-18T21:15:00+01:00`: an instant in the writer's own offset.
    Instant(DateTime<FixedOffset>),
}

impl PostDate {
    /// Parses a date; the error explains what is wrong and what is accepted.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let shape_ok = raw.len() >= 10 && raw.is_char_boundary(10) && {
            let b = raw.as_bytes();
            b[..4].iter().all(u8::is_ascii_digit)
                && b[4] == b'-'
                && b[5..7].iter().all(u8::is_ascii_digit)
                && b[7] == b'-'
                && b[8..10].iter().all(u8::is_ascii_digit)
        };
        if !shape_ok {
            if let Some(guess) = day_month_year(raw) {
                return Err(format!("`{raw}` is not in the order cpdblog reads: did you mean {guess}?"));
            }
            return Err(format!("`{raw}` is not a date"));
        }
        let (year, month, day): (i32, u32, u32) =
            (raw[..4].parse().unwrap_or(0), raw[5..7].parse().unwrap_or(0), raw[8..10].parse().unwrap_or(0));
        if !(1..=12).contains(&month) {
            return Err(format!("`{raw}` has month {month}; months run from 01 to 12"));
        }
        let Some(date) = NaiveDate::from_ymd_opt(year, month, day) else {
            return Err(format!(
                "`{raw}` has day {day}, but {} {year} has {} days",
                MONTHS[month as usize - 1],
                days_in_month(year, month)
            ));
        };
        if raw.len() == 10 {
            return Ok(Self::Day(date));
        }
        DateTime::parse_from_rfc3339(raw).map(Self::Instant).map_err(|e| {
            format!("`{raw}` is not an RFC 3339 date-time ({e}); write e.g. 2011-07-18T09:30:00+01:00, or just the day: 2011-07-18")
        })
    }

    /// The calendar day as written (for an instant, the day in its own offset).
    pub fn day(&self) -> NaiveDate {
        match self {
            Self::Day(d) => *d,
            Self::Instant(t) => t.date_naive(),
        }
    }

    /// "18 July 2011", for readers.
    pub fn human(&self) -> String {
        let d = self.day();
        format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
    }

    /// The value as written, normalised: `2011-07-18` or the RFC 3339 string.
    pub fn iso(&self) -> String {
        match self {
            Self::Day(d) => d.format("%Y-%m-%d").to_string(),
            Self::Instant(t) => t.to_rfc3339(),
        }
    }

    /// A full RFC 3339 date-time for feeds; a day is midnight UTC of that day.
    pub fn rfc3339(&self) -> String {
        match self {
            Self::Day(d) => format!("{}T00:00:00Z", d.format("%Y-%m-%d")),
            Self::Instant(t) => t.to_rfc3339(),
        }
    }

    /// The instant used for ordering; a day counts as midnight UTC.
    pub fn instant(&self) -> DateTime<Utc> {
        match self {
            Self::Day(d) => Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default()),
            Self::Instant(t) => t.with_timezone(&Utc),
        }
    }
}

/// `20/11/2026`, `20.11.2026` or `20-11-2026` (day, month, year, as written in the UK and
/// much of the world) as `2026-11-20`, when it is a real date.
fn day_month_year(raw: &str) -> Option<String> {
    let parts: Vec<&str> = raw.split(['/', '.', '-']).collect();
    let [day, month, year] = parts.as_slice() else { return None };
    let (day, month, year): (u32, u32, i32) = (day.parse().ok()?, month.parse().ok()?, year.parse().ok()?);
    if year < 1000 {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day).map(|d| d.format("%Y-%m-%d").to_string())
}

fn days_in_month(year: i32, month: u32) -> u32 {
    (28..=31).rev().find(|&d| NaiveDate::from_ymd_opt(year, month, d).is_some()).unwrap_or(28)
}

impl Ord for PostDate {
    fn cmp(&self, other: &Self) -> Ordering {
        // Equal instants: a bare day before a date-time, then by offset; never by formatting,
        // which sorting 10,000 posts would do a hundred thousand times.
        let rank = |d: &Self| match d {
            Self::Day(_) => (0, 0),
            Self::Instant(t) => (1, t.offset().local_minus_utc()),
        };
        self.instant().cmp(&other.instant()).then_with(|| rank(self).cmp(&rank(other)))
    }
}

impl PartialOrd for PostDate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for PostDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_only_is_shown_as_written() {
        let d = PostDate::parse("2011-07-18").unwrap();
        assert_eq!(d.human(), "18 July 2011");
        assert_eq!(d.iso(), "2011-07-18");
        assert_eq!(d.rfc3339(), "2011-07-18T00:00:00Z");
    }

    #[test]
    fn instant_keeps_its_offset_day() {
        let d = PostDate::parse("2011-07-18T23:30:00-05:00").unwrap();
        assert_eq!(d.human(), "18 July 2011");
        assert_eq!(d.iso(), "2011-07-18T23:30:00-05:00");
    }

    #[test]
    fn bad_dates_explain_themselves() {
        assert!(PostDate::parse("2011-13-45").unwrap_err().contains("month 13"));
        assert!(PostDate::parse("2011-02-30").unwrap_err().contains("February 2011 has 28 days"));
        assert_eq!(PostDate::parse("tomorrow").unwrap_err(), "`tomorrow` is not a date");
        assert!(PostDate::parse("20/11/2026").unwrap_err().ends_with("did you mean 2026-11-20?"));
        assert!(PostDate::parse("31.12.2011").unwrap_err().ends_with("did you mean 2011-12-31?"));
        assert!(PostDate::parse("2011-07-18 lunchtime").is_err());
        assert!(PostDate::parse("２０１１-07-18").is_err());
    }
}
