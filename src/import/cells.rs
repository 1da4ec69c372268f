//! What one cell means: text, a date, a month, a judgement, a timescale,
//! a list, each refused with a message that says what to write instead.

use crate::model::{Date, Judgement, Timescale, YearMonth};

use super::sheet::{Value, parse_iso_date};

/// A cell's value as text, as the spreadsheet shows it: whole numbers
/// without `.0`, dates as ISO dates.
pub(super) fn display(value: &Value) -> String {
    match value {
        Value::Text(text) => text.clone(),
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Value::Date { date, .. } => date.to_string(),
        Value::Error(err) => err.clone(),
    }
}

/// The closest of `options` to `word`, when it is close enough to be a
/// slip rather than another word.
pub(super) fn closest<'a>(word: &str, options: &[&'a str]) -> Option<&'a str> {
    let word = normalise(word);
    options
        .iter()
        .map(|o| (*o, strsim::jaro_winkler(&word, &normalise(o))))
        .filter(|(_, score)| *score > 0.8)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(o, _)| o)
}

/// A header as compared: lowercase, without spaces, `_` and `-`.
pub(super) fn normalise(header: &str) -> String {
    header
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Cell text as written, with Windows line ends made plain; a cell that is
/// not text is shown as the spreadsheet shows it.
fn text_of(value: &Value) -> String {
    display(value).replace("\r\n", "\n")
}

/// A one-line text field: trimmed, without line breaks.
pub(super) fn line(value: &Value) -> Result<String, String> {
    let text = text_of(value);
    let text = text.trim();
    if text.contains(['\n', '\r']) {
        return Err("has a line break; this field is one line".into());
    }
    Ok(text.to_owned())
}

/// Prose (Markdown), kept as written: a blank line starts a paragraph,
/// `- ` lines are a list.
pub(super) fn prose(value: &Value) -> String {
    let text = text_of(value);
    text.trim_end().trim_start_matches(['\n', '\r']).to_owned()
}

/// A list, one item per line of the cell; blank lines are left out.
pub(super) fn lines(value: &Value) -> Vec<String> {
    text_of(value).lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// A date: a date cell, or ISO text (`2010-12-01`).
pub(super) fn date(value: &Value) -> Result<Date, String> {
    match value {
        Value::Date { timed: true, date } => {
            Err(format!("holds a time of day as well as the date; make it the date {date} only"))
        }
        Value::Date { date, .. } => Ok(*date),
        Value::Number(_) => Err(format!(
            "is the number {}, not a date; format the cell as a date, or write the date as text like 2010-12-01",
            display(value)
        )),
        _ => {
            let text = display(value);
            let text = text.trim();
            parse_iso_date(text).ok_or_else(|| match day_month_year(text) {
                Some(iso) => format!(
                    "\"{text}\" is not an ISO date; write {iso} (year-month-day), or make it a date cell"
                ),
                None => format!(
                    "\"{text}\" is not a date; write it as year-month-day, like 2010-12-01, or make it a date cell"
                ),
            })
        }
    }
}

/// `01/12/2010` or `1.12.2010` read the British way, day first, as the ISO
/// date to write instead.
fn day_month_year(text: &str) -> Option<String> {
    let parts: Vec<&str> = text.split(['/', '.', '-']).collect();
    let [day, month, year] = parts.as_slice() else { return None };
    let number = |s: &str, max: u32| s.parse::<u32>().ok().filter(|n| (1..=max).contains(n));
    let (day, month) = (number(day, 31)?, number(month, 12)?);
    let year: u32 = year.parse().ok().filter(|_| year.len() == 4)?;
    let iso = format!("{year:04}-{month:02}-{day:02}");
    parse_iso_date(&iso).map(|_| iso)
}

/// A month: a date cell (its month), or text `YYYY-MM`.
pub(super) fn month(value: &Value) -> Result<YearMonth, String> {
    if let Value::Date { date, .. } = value {
        return Ok(YearMonth { year: date.year, month: date.month });
    }
    let text = display(value);
    let text = text.trim();
    if let Some(date) = parse_iso_date(text) {
        return Ok(YearMonth { year: date.year, month: date.month });
    }
    YearMonth::try_from(text.to_owned()).map_err(|_| {
        format!("\"{text}\" is not a month; write it as year-month, like 2010-01, or make it a date cell")
    })
}

/// A judgement word.
pub(super) fn judgement(value: &Value) -> Result<Judgement, String> {
    let text = display(value).trim().to_lowercase();
    let words = Judgement::ALL.map(Judgement::as_str);
    Judgement::ALL.into_iter().find(|j| j.as_str() == text).ok_or_else(|| {
        let mut message = format!("\"{text}\" is not a judgement; use {}", words.join(", "));
        if let Some(near) = closest(&text, &words) {
            message = format!("\"{text}\" is not a judgement; did you mean \"{near}\"?");
        }
        message
    })
}

/// A timescale: "immediately", "within 3 months", "within 6 weeks".
pub(super) fn timescale(value: &Value) -> Result<(Timescale, String), String> {
    let text = display(value).split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    if let Ok(timescale) = Timescale::try_from(text.clone()) {
        return Ok((timescale, text));
    }
    let within = format!("within {text}");
    let hint = if Timescale::try_from(within.clone()).is_ok() {
        format!("did you mean \"{within}\"?")
    } else if let Some(near) = closest(&text, &["immediately"]) {
        format!("did you mean \"{near}\"?")
    } else {
        "write \"immediately\", or \"within N months\" or \"within N weeks\"".to_owned()
    };
    Err(format!("\"{text}\" is not a timescale; {hint}"))
}

/// An area's number in its letter: a whole number from 1.
pub(super) fn area_number(value: &Value) -> Result<u32, String> {
    let text = display(value);
    text.trim().parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
        format!("\"{}\" is not an area number; number a letter's areas 1, 2, 3, …", text.trim())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Value {
        Value::Text(s.to_owned())
    }

    #[test]
    fn dates_are_date_cells_or_iso_text() {
        let day = Date { year: 2010, month: 12, day: 1 };
        assert_eq!(date(&text(" 2010-12-01 ")), Ok(day));
        assert_eq!(date(&Value::Date { date: day, timed: false }), Ok(day));
        let err = date(&text("01/12/2010")).unwrap_err();
        assert!(err.contains("write 2010-12-01"), "{err}");
        assert!(date(&text("2010-02-30")).is_err());
        assert!(date(&Value::Number(40513.0)).unwrap_err().contains("format the cell as a date"));
        assert!(date(&Value::Date { date: day, timed: true }).unwrap_err().contains("time"));
    }

    #[test]
    fn months_judgements_and_timescales_suggest_the_word_meant() {
        assert_eq!(month(&text("2010-01")), Ok(YearMonth { year: 2010, month: 1 }));
        assert!(month(&text("Jan 2010")).is_err());
        assert_eq!(judgement(&text(" Good ")), Ok(Judgement::Good));
        assert!(judgement(&text("satisfactroy")).unwrap_err().contains("\"satisfactory\""));
        assert_eq!(timescale(&text("Within 3  months")).unwrap().1, "within 3 months");
        assert!(timescale(&text("3 months")).unwrap_err().contains("\"within 3 months\""));
        assert!(timescale(&text("immediatly")).unwrap_err().contains("\"immediately\""));
    }

    #[test]
    fn lists_and_prose_keep_what_was_typed() {
        assert_eq!(lines(&text("a\r\n\n b \nc")), ["a", "b", "c"]);
        assert_eq!(prose(&text("One.\r\n\r\n- x\n- y\n\n")), "One.\n\n- x\n- y");
        assert_eq!(display(&Value::Number(3.0)), "3");
        assert!(line(&text("a\nb")).is_err());
    }
}
