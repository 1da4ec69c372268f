//! Language facts the templates need but should not spell out themselves:
//! numbers as words, month names, date formats and the progress summary.
//!
//! The sentences stay in the tera templates; this module only provides the
//! pieces (a count in words, a formatted date, the judgements ordered by how
//! many areas received them), so a template in another language can phrase
//! them its own way.

use crate::model::{Date, Judgement, Language};

/// The locale table of `language`.
pub fn locale(language: Language) -> &'static Locale {
    match language {
        Language::English => &ENGLISH,
        Language::Welsh => &WELSH,
    }
}

/// Nouns the wording counts ("three months", "twelve areas for
/// improvement"); each locale declines them its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Noun {
    /// An area for improvement.
    Area,
    /// A week, in a timescale.
    Week,
    /// A month, in a timescale.
    Month,
}

impl Noun {
    /// The name templates use: `count(noun="month")`.
    pub fn from_name(name: &str) -> Option<Noun> {
        match name {
            "area" => Some(Noun::Area),
            "week" | "weeks" => Some(Noun::Week),
            "month" | "months" => Some(Noun::Month),
            _ => None,
        }
    }
}

/// The language facts of one language.
pub struct Locale {
    /// ISO 639-1 code.
    pub code: &'static str,
    /// Month names, January first.
    months: [&'static str; 12],
    /// Joins the ends of a date range across months ("30 November to 2 December").
    range_to: &'static str,
    /// Judgement words, in the order of [`Judgement::ALL`].
    judgements: [&'static str; 4],
    /// A number standing alone, in words.
    words: fn(u64) -> String,
    /// A number of a noun ("three months", "tri mis").
    count: fn(u64, Noun) -> String,
}

impl Locale {
    /// The month names, January first.
    pub fn months(&self) -> &[&'static str; 12] {
        &self.months
    }

    /// A whole number in words, standing alone ("twelve", "deuddeg").
    pub fn number_words(&self, n: u64) -> String {
        (self.words)(n)
    }

    /// A number of `noun`, declined as the language needs.
    pub fn count(&self, n: u64, noun: Noun) -> String {
        (self.count)(n, noun)
    }

    /// The name of `month` (1–12).
    pub fn month(&self, month: u8) -> &'static str {
        self.months.get(usize::from(month).wrapping_sub(1)).copied().unwrap_or("?")
    }

    /// The word for a judgement ("good", "da").
    pub fn judgement(&self, judgement: Judgement) -> &'static str {
        let index = Judgement::ALL.iter().position(|j| *j == judgement).unwrap_or_default();
        self.judgements[index]
    }
}

static ENGLISH: Locale = Locale {
    code: "en",
    months: [
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
    ],
    range_to: "to",
    judgements: ["outstanding", "good", "satisfactory", "inadequate"],
    words: english_words,
    count: english_count,
};

/// Machine-drafted Welsh: a translator should review the judgement words
/// and noun forms before letters go out (see templates/monitoring.cy.md.tera).
static WELSH: Locale = Locale {
    code: "cy",
    months: [
        "Ionawr",
        "Chwefror",
        "Mawrth",
        "Ebrill",
        "Mai",
        "Mehefin",
        "Gorffennaf",
        "Awst",
        "Medi",
        "Hydref",
        "Tachwedd",
        "Rhagfyr",
    ],
    range_to: "i",
    judgements: ["rhagorol", "da", "boddhaol", "annigonol"],
    words: |n| welsh_words(n, Gender::Masculine),
    count: welsh_count,
};

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
fn english_words(n: u64) -> String {
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
    let head = format!("{} {name}", english_words(n / unit));
    match n % unit {
        0 => head,
        rest if rest < 100 => format!("{head} and {}", english_words(rest)),
        rest => format!("{head} {}", english_words(rest)),
    }
}

fn english_count(n: u64, noun: Noun) -> String {
    let (one, many) = match noun {
        Noun::Area => ("area for improvement", "areas for improvement"),
        Noun::Week => ("week", "weeks"),
        Noun::Month => ("month", "months"),
    };
    format!("{} {}", english_words(n), if n == 1 { one } else { many })
}

/// Grammatical gender, which Welsh numbers 2, 3 and 4 agree with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gender {
    Masculine,
    Feminine,
}

/// Welsh numbers 0–20 in the traditional (vigesimal) forms letters use,
/// masculine; [`welsh_words`] swaps in the feminine forms.
const WELSH_ONES: [&str; 21] = [
    "dim",
    "un",
    "dau",
    "tri",
    "pedwar",
    "pump",
    "chwech",
    "saith",
    "wyth",
    "naw",
    "deg",
    "un ar ddeg",
    "deuddeg",
    "tri ar ddeg",
    "pedwar ar ddeg",
    "pymtheg",
    "un ar bymtheg",
    "dau ar bymtheg",
    "deunaw",
    "pedwar ar bymtheg",
    "ugain",
];

/// Welsh tens in the decimal system, used above twenty.
const WELSH_TENS: [&str; 10] = [
    "",
    "",
    "dau ddeg",
    "tri deg",
    "pedwar deg",
    "pum deg",
    "chwe deg",
    "saith deg",
    "wyth deg",
    "naw deg",
];

/// Welsh hundreds, with the mutation each multiplier causes.
const WELSH_HUNDREDS: [&str; 10] = [
    "",
    "cant",
    "dau gant",
    "tri chant",
    "pedwar cant",
    "pum cant",
    "chwe chant",
    "saith cant",
    "wyth cant",
    "naw cant",
];

/// A number in Welsh words: traditional forms to twenty ("deuddeg"), the
/// decimal system above ("dau ddeg un"), digits from a thousand on.
fn welsh_words(n: u64, gender: Gender) -> String {
    let feminine = |word: &str| match word {
        "dau" => "dwy".to_owned(),
        "tri" => "tair".to_owned(),
        "pedwar" => "pedair".to_owned(),
        other => other.replacen("dau ar", "dwy ar", 1).replacen("tri ar", "tair ar", 1).replacen(
            "pedwar ar",
            "pedair ar",
            1,
        ),
    };
    let ones = |n: u64| match gender {
        Gender::Masculine => WELSH_ONES[n as usize].to_owned(),
        Gender::Feminine => feminine(WELSH_ONES[n as usize]),
    };
    match n {
        0..=20 => ones(n),
        21..=99 => match n % 10 {
            0 => WELSH_TENS[(n / 10) as usize].to_owned(),
            rest => format!("{} {}", WELSH_TENS[(n / 10) as usize], ones(rest)),
        },
        100..=999 => {
            let head = WELSH_HUNDREDS[(n / 100) as usize];
            match n % 100 {
                0 => head.to_owned(),
                rest => {
                    let rest = welsh_words(rest, gender);
                    // "a" becomes "ac" before a vowel: "cant ac un".
                    let and = if rest.starts_with(['a', 'e', 'i', 'o', 'u', 'w', 'y']) {
                        "ac"
                    } else {
                        "a"
                    };
                    format!("{head} {and} {rest}")
                }
            }
        }
        _ => n.to_string(),
    }
}

/// A Welsh count of a noun. A number takes the singular noun ("tri mis"),
/// mutated after "dau"/"dwy" ("dau fis"); the compound numbers that would
/// split around the noun use "o" and the mutated plural instead ("un ar ddeg
/// o fisoedd"). Five and six shorten before a noun ("pum", "chwe").
fn welsh_count(n: u64, noun: Noun) -> String {
    // (gender, singular, singular after dau/dwy, plural after "o")
    let (gender, singular, soft, soft_plural) = match noun {
        Noun::Area => (Gender::Masculine, "maes i’w wella", "faes i’w wella", "feysydd i’w gwella"),
        Noun::Week => (Gender::Feminine, "wythnos", "wythnos", "wythnosau"),
        Noun::Month => (Gender::Masculine, "mis", "fis", "fisoedd"),
    };
    let words = welsh_words(n, gender);
    if matches!(n, 11 | 13 | 14 | 16 | 17 | 19) {
        return format!("{words} o {soft_plural}");
    }
    let number = match words.as_str() {
        "pump" => "pum".to_owned(),
        "chwech" => "chwe".to_owned(),
        _ => words.strip_suffix(" pump").map_or(words.clone(), |head| format!("{head} pum")),
    };
    let noun = if n == 2 { soft } else { singular };
    format!("{number} {noun}")
}

/// Formats a date with a small strftime subset: `%d` (day, two digits),
/// `%e` (day), `%B` (month name in `locale`), `%m` (month, two digits),
/// `%Y` (year), `%%`. Any other `%x` is an error, so typos in templates are
/// caught.
pub fn format_date(date: Date, format: &str, locale: &Locale) -> Result<String, String> {
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
            Some('B') => out.push_str(locale.month(date.month)),
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
pub fn format_date_range(from: Date, to: Date, locale: &Locale) -> String {
    let full = |d: Date| format!("{} {} {}", d.day, locale.month(d.month), d.year);
    let to_word = locale.range_to;
    if from == to {
        full(from)
    } else if (from.year, from.month) == (to.year, to.month) {
        format!("{}-{}", from.day, full(to))
    } else if from.year == to.year {
        format!("{} {} {to_word} {}", from.day, locale.month(from.month), full(to))
    } else {
        format!("{} {to_word} {}", full(from), full(to))
    }
}

/// The current time as `2026-11-23 09:41 UTC`, for stamping drafts.
pub fn now_utc() -> String {
    let (date, rest) = utc(std::time::SystemTime::now());
    format!("{date} {:02}:{:02} UTC", rest / 3600, rest % 3600 / 60)
}

/// The UTC date (`YYYY-MM-DD`) of a time, such as a file's modification.
pub fn utc_date(time: std::time::SystemTime) -> String {
    utc(time).0
}

/// The UTC date of a time, and the seconds into that day.
fn utc(time: std::time::SystemTime) -> (String, u64) {
    let secs = time.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    (format!("{year:04}-{month:02}-{day:02}"), rest)
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
            assert_eq!(ENGLISH.number_words(n), words);
        }
    }

    #[test]
    fn dates_format_like_the_letter() {
        let d = Date { year: 2010, month: 12, day: 1 };
        assert_eq!(format_date(d, "%d %B %Y", &ENGLISH).unwrap(), "01 December 2010");
        assert_eq!(format_date(d, "%e %B %Y", &ENGLISH).unwrap(), "1 December 2010");
        assert_eq!(format_date(d, "%B %Y", &ENGLISH).unwrap(), "December 2010");
        assert_eq!(format_date(d, "%e %B %Y", &WELSH).unwrap(), "1 Rhagfyr 2010");
        assert!(format_date(d, "%Q", &ENGLISH).unwrap_err().contains("%Q"));
    }

    #[test]
    fn date_ranges_share_what_they_can() {
        let d = |year, month, day| Date { year, month, day };
        let range = |from, to| format_date_range(from, to, &ENGLISH);
        assert_eq!(range(d(2010, 11, 22), d(2010, 11, 25)), "22-25 November 2010");
        assert_eq!(range(d(2010, 11, 22), d(2010, 11, 22)), "22 November 2010");
        assert_eq!(range(d(2010, 11, 30), d(2010, 12, 2)), "30 November to 2 December 2010");
        assert_eq!(range(d(2010, 12, 30), d(2011, 1, 2)), "30 December 2010 to 2 January 2011");
        assert_eq!(
            format_date_range(d(2010, 11, 30), d(2010, 12, 2), &WELSH),
            "30 Tachwedd i 2 Rhagfyr 2010"
        );
    }

    #[test]
    fn welsh_numbers_in_words() {
        let cases = [
            (0, "dim"),
            (2, "dau"),
            (5, "pump"),
            (8, "wyth"),
            (12, "deuddeg"),
            (17, "dau ar bymtheg"),
            (20, "ugain"),
            (21, "dau ddeg un"),
            (40, "pedwar deg"),
            (100, "cant"),
            (101, "cant ac un"),
            (312, "tri chant a deuddeg"),
            (1200, "1200"),
        ];
        for (n, words) in cases {
            assert_eq!(WELSH.number_words(n), words, "{n}");
        }
    }

    #[test]
    fn counted_nouns_agree_with_their_numbers() {
        let cases = [
            (&ENGLISH, 1, Noun::Month, "one month"),
            (&ENGLISH, 3, Noun::Month, "three months"),
            (&ENGLISH, 12, Noun::Area, "twelve areas for improvement"),
            (&WELSH, 1, Noun::Month, "un mis"),
            (&WELSH, 2, Noun::Month, "dau fis"),
            (&WELSH, 2, Noun::Week, "dwy wythnos"),
            (&WELSH, 3, Noun::Week, "tair wythnos"),
            (&WELSH, 5, Noun::Month, "pum mis"),
            (&WELSH, 6, Noun::Month, "chwe mis"),
            (&WELSH, 12, Noun::Area, "deuddeg maes i’w wella"),
            (&WELSH, 11, Noun::Area, "un ar ddeg o feysydd i’w gwella"),
            (&WELSH, 25, Noun::Month, "dau ddeg pum mis"),
        ];
        for (locale, n, noun, words) in cases {
            assert_eq!(locale.count(n, noun), words, "{} {n} {noun:?}", locale.code);
        }
    }

    #[test]
    fn judgement_words_are_each_locale_s_own() {
        assert_eq!(WELSH.judgement(Judgement::Satisfactory), "boddhaol");
        assert_eq!(ENGLISH.judgement(Judgement::Inadequate), "inadequate");
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
}
