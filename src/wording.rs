//! Language facts the templates need but should not spell out themselves:
//! numbers as words, month names, date formats and the progress summary.
//!
//! The sentences stay in the tera templates; this module only provides the
//! pieces (a count in words, a formatted date, the judgements ordered by how
//! many areas received them), so a template in another language can phrase
//! them its own way.

use crate::finding::{Date, Judgement};
use serde::Serialize;

/// English month names, January first.
const MONTHS: [&str; 12] = [
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

const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];

const TENS: [&str; 10] =
    ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/// A whole number in British English words: 12 → "twelve",
/// 121 → "one hundred and twenty-one".
pub fn number_words(n: u64) -> String {
    match n {
        0..=19 => ONES[n as usize].to_owned(),
        20..=99 => {
            let tens = TENS[(n / 10) as usize];
            match n % 10 {
                0 => tens.to_owned(),
                ones => format!("{tens}-{}", ONES[ones as usize]),
            }
        }
        100..=999 => scaled(n, 100, "hundred"),
        1_000..=999_999 => scaled(n, 1_000, "thousand"),
        1_000_000..=999_999_999 => scaled(n, 1_000_000, "million"),
        _ => n.to_string(),
    }
}

fn scaled(n: u64, unit: u64, name: &str) -> String {
    let head = format!("{} {name}", number_words(n / unit));
    match n % unit {
        0 => head,
        rest if rest < 100 => format!("{head} and {}", number_words(rest)),
        rest => format!("{head} {}", number_words(rest)),
    }
}

/// Formats a date with a small strftime subset: `%d` (day, two digits),
/// `%e` (day), `%B` (month name), `%m` (month, two digits), `%Y` (year),
/// `%%`. Any other `%x` is an error, so typos in templates are caught.
pub fn format_date(date: Date, format: &str) -> Result<String, String> {
    let mut out = String::with_capacity(format.len() + 8);
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('d') => out.push_str(&format!("{:02}", date.day)),
            Some('e') => out.push_str(&date.day.to_string()),
            Some('B') => out.push_str(month_name(date.month)),
            Some('m') => out.push_str(&format!("{:02}", date.month)),
            Some('Y') => out.push_str(&date.year.to_string()),
            Some('%') => out.push('%'),
            other => {
                return Err(format!(
                    "unknown date format `%{}`; use %d, %e, %B, %m, %Y or %%",
                    other.map(String::from).unwrap_or_default()
                ));
            }
        }
    }
    Ok(out)
}

/// A span of days as a letter writes it: "22-25 November 2010",
/// "30 November to 2 December 2010", "22 November 2010" for one day.
pub fn format_date_range(from: Date, to: Date) -> String {
    let full = |d: Date| format!("{} {} {}", d.day, month_name(d.month), d.year);
    if from == to {
        full(from)
    } else if (from.year, from.month) == (to.year, to.month) {
        format!("{}-{}", from.day, full(to))
    } else if from.year == to.year {
        format!("{} {} to {}", from.day, month_name(from.month), full(to))
    } else {
        format!("{} to {}", full(from), full(to))
    }
}

fn month_name(month: u8) -> &'static str {
    MONTHS.get(usize::from(month).wrapping_sub(1)).copied().unwrap_or("?")
}

/// The current time as `2026-11-23 09:41 UTC`, for stamping drafts.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02} UTC", rest / 3600, rest % 3600 / 60)
}

/// Calendar date of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Parses the ISO form templates see dates in (`2010-12-01`).
pub fn parse_iso_date(text: &str) -> Option<Date> {
    let mut parts = text.splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok().filter(|m| (1..=12).contains(m))?;
    let day = parts.next()?.parse().ok().filter(|d| (1..=31).contains(d))?;
    Some(Date { year, month, day })
}

/// How many areas received each judgement, for the closing summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Number of areas for improvement.
    pub total: usize,
    /// Judgements that occur, most frequent first; ties keep the better
    /// judgement first. Judgements no area received are left out.
    pub parts: Vec<SummaryPart>,
}

/// One judgement and how many areas received it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryPart {
    /// The judgement.
    pub judgement: Judgement,
    /// How many areas received it.
    pub count: usize,
}

impl Summary {
    /// Counts the judgements of all areas.
    pub fn of(judgements: impl IntoIterator<Item = Judgement>) -> Summary {
        let mut counts = [0usize; Judgement::ALL.len()];
        let mut total = 0;
        for judgement in judgements {
            counts[Judgement::ALL.iter().position(|j| *j == judgement).unwrap_or_default()] += 1;
            total += 1;
        }
        let mut parts: Vec<SummaryPart> = Judgement::ALL
            .iter()
            .zip(counts)
            .filter(|(_, count)| *count > 0)
            .map(|(judgement, count)| SummaryPart { judgement: *judgement, count })
            .collect();
        // Stable sort: equal counts keep the best-first order of ALL.
        parts.sort_by_key(|p| std::cmp::Reverse(p.count));
        Summary { total, parts }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_words() {
        let cases = [
            (0, "zero"),
            (1, "one"),
            (12, "twelve"),
            (20, "twenty"),
            (42, "forty-two"),
            (100, "one hundred"),
            (101, "one hundred and one"),
            (121, "one hundred and twenty-one"),
            (2000, "two thousand"),
            (2024, "two thousand and twenty-four"),
            (3456, "three thousand four hundred and fifty-six"),
        ];
        for (n, words) in cases {
            assert_eq!(number_words(n), words);
        }
    }

    #[test]
    fn dates_format_like_the_letter() {
        let d = Date { year: 2010, month: 12, day: 1 };
        assert_eq!(format_date(d, "%d %B %Y").unwrap(), "01 December 2010");
        assert_eq!(format_date(d, "%e %B %Y").unwrap(), "1 December 2010");
        assert_eq!(format_date(d, "%B %Y").unwrap(), "December 2010");
        assert!(format_date(d, "%Q").unwrap_err().contains("%Q"));
    }

    #[test]
    fn date_ranges_share_what_they_can() {
        let d = |year, month, day| Date { year, month, day };
        assert_eq!(format_date_range(d(2010, 11, 22), d(2010, 11, 25)), "22-25 November 2010");
        assert_eq!(format_date_range(d(2010, 11, 22), d(2010, 11, 22)), "22 November 2010");
        assert_eq!(
            format_date_range(d(2010, 11, 30), d(2010, 12, 2)),
            "30 November to 2 December 2010"
        );
        assert_eq!(
            format_date_range(d(2010, 12, 30), d(2011, 1, 2)),
            "30 December 2010 to 2 January 2011"
        );
    }

    #[test]
    fn day_counts_become_calendar_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(14_944), (2010, 12, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn iso_dates_round_trip() {
        let d = Date { year: 2010, month: 1, day: 7 };
        assert_eq!(parse_iso_date(&d.to_string()), Some(d));
        assert_eq!(parse_iso_date("2010-13-01"), None);
    }

    #[test]
    fn summary_orders_by_count_then_judgement_and_drops_zeros() {
        use Judgement::*;
        let mut js = vec![Satisfactory; 8];
        js.extend([Inadequate, Good, Inadequate, Good]);
        let summary = Summary::of(js);
        let parts: Vec<_> = summary.parts.iter().map(|p| (p.judgement, p.count)).collect();
        assert_eq!(summary.total, 12);
        assert_eq!(parts, [(Satisfactory, 8), (Good, 2), (Inadequate, 2)]);
    }
}
