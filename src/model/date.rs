//! Calendar dates as a finding file writes them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A calendar date (TOML local date, e.g. `2010-12-01`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "toml::value::Datetime")]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
    /// Day, 1–31.
    pub day: u8,
}

impl TryFrom<toml::value::Datetime> for Date {
    type Error = String;

    fn try_from(value: toml::value::Datetime) -> Result<Self, String> {
        match (value.date, value.time, value.offset) {
            (Some(d), None, None) => {
                Ok(Date { year: i32::from(d.year), month: d.month, day: d.day })
            }
            _ => Err(format!("expected a date like 2010-12-01, found `{value}`")),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Templates see dates as ISO strings, which their date filters format.
impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A month of a year, written "YYYY-MM".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct YearMonth {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
}

impl TryFrom<String> for YearMonth {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        let parsed = text.split_once('-').and_then(|(y, m)| {
            let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
            if !digits(y, 4) || !digits(m, 2) {
                return None;
            }
            let month: u8 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
            Some(YearMonth { year: y.parse().ok()?, month })
        });
        parsed.ok_or_else(|| format!("expected a month like \"2010-01\", found \"{text}\""))
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Templates see the month as the first day of it, so the same date filters
/// format it.
impl Serialize for YearMonth {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&format_args!("{self}-01"))
    }
}
