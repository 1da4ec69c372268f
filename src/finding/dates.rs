//! Dates as people write them (27/11/2026, 27 November 2026), read so that a
//! message can give the date back as a finding file writes it (2026-11-27).
//!
//! Only used to word a hint: the finding file itself accepts nothing but
//! year-month-day, so no date is ever guessed into a letter.

use crate::model::Date;

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The date `text` means when it is written day first (27/11/2026,
/// 27-11-2026, 27.11.26), year first but without leading zeros (2026-1-5),
/// or in words (27 November 2026, 27th Nov 2026, November 27, 2026). British
/// order: 03/04/2026 is the 3rd of April.
pub(super) fn from_words(text: &str) -> Option<Date> {
    let text = text.trim();
    let numbers: Vec<&str> = text.split(['/', '-', '.']).map(str::trim).collect();
    let digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    let (year, month, day) = if numbers.len() == 3 && numbers.iter().all(|n| digits(n)) {
        match numbers.as_slice() {
            [y, m, d] if y.len() == 4 && (m.len() < 2 || d.len() < 2) => (*y, *m, *d),
            [d, m, y] if d.len() <= 2 && m.len() <= 2 && (y.len() == 4 || y.len() == 2) => {
                (*y, *m, *d)
            }
            _ => return None,
        }
    } else {
        return in_words(text);
    };
    let mut year: i32 = year.parse().ok()?;
    if year < 100 {
        year += 2000;
    }
    valid(year, month.parse().ok()?, day.parse().ok()?)
}

/// "27 November 2026", "27th Nov 2026", "November 27, 2026".
fn in_words(text: &str) -> Option<Date> {
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.len() != 3 {
        return None;
    }
    let month = words.iter().find_map(|w| month_number(w))?;
    let year = words.iter().find(|w| w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))?;
    let day = words.iter().find_map(|w| {
        let w = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        (!w.is_empty() && w.len() <= 2 && w.bytes().all(|b| b.is_ascii_digit()))
            .then(|| w.parse::<u8>().ok())?
    })?;
    valid(year.parse().ok()?, month, day)
}

/// The month a word names, written out or shortened to three letters or more.
fn month_number(word: &str) -> Option<u8> {
    let word = word.trim_end_matches('.');
    (word.len() >= 3)
        .then(|| MONTHS.iter().position(|m| m.starts_with(word)))
        .flatten()
        .map(|i| i as u8 + 1)
}

fn valid(year: i32, month: u8, day: u8) -> Option<Date> {
    (1..=12).contains(&month).then_some(())?;
    (1..=days_in(year, month)).contains(&day).then_some(Date { year, month, day })
}

fn days_in(year: i32, month: u8) -> u8 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Why `text`, written year-month-day, is not a date ("there is no month
/// 13", "February 2010 has 28 days").
pub(super) fn why_not(text: &str) -> Option<String> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.get(..2)?.parse().ok()?;
    if !(1..=12).contains(&month) {
        return Some(format!("there is no month {month}"));
    }
    let days = days_in(year, month);
    let name = MONTHS[usize::from(month) - 1];
    let name = name[..1].to_uppercase() + &name[1..];
    (day == 0 || day > days).then(|| format!("{name} {year} has {days} days"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Option<String> {
        from_words(text).map(|d| d.to_string())
    }

    #[test]
    fn dates_as_people_write_them_are_read_day_first() {
        assert_eq!(date("27/11/2026").as_deref(), Some("2026-11-27"));
        assert_eq!(date("03/04/2026").as_deref(), Some("2026-04-03"));
        assert_eq!(date("27.11.26").as_deref(), Some("2026-11-27"));
        assert_eq!(date("27-11-2026").as_deref(), Some("2026-11-27"));
        assert_eq!(date("2026-1-5").as_deref(), Some("2026-01-05"));
        assert_eq!(date("27 November 2026").as_deref(), Some("2026-11-27"));
        assert_eq!(date("27th Nov 2026").as_deref(), Some("2026-11-27"));
        assert_eq!(date("November 27, 2026").as_deref(), Some("2026-11-27"));
    }

    #[test]
    fn impossible_or_unclear_dates_are_not_guessed() {
        assert_eq!(date("31/02/2026"), None);
        assert_eq!(date("11/27/2026"), None);
        assert_eq!(date("2026-11-27"), None, "already right: nothing to suggest");
        assert_eq!(date("soon"), None);
        assert_eq!(date("27 Ma 2026"), None);
    }

    #[test]
    fn says_why_a_date_is_impossible() {
        assert_eq!(why_not("2010-13-45").as_deref(), Some("there is no month 13"));
        assert_eq!(why_not("2010-02-30").as_deref(), Some("February 2010 has 28 days"));
        assert_eq!(why_not("2012-02-30").as_deref(), Some("February 2012 has 29 days"));
    }
}
