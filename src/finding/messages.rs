//! toml's and serde's errors in the finding file's own words, each with a
//! hint for what to do about it.

use std::ops::Range;
use std::str::FromStr;

use crate::diagnostic::Problem;
use crate::model::Judgement;
use crate::model::fields::top_level_keys;

use super::placeholders::PLACEHOLDER;

/// Turns a toml parse or deserialisation error into a located problem.
pub(super) fn problem_from_toml(err: &toml::de::Error) -> Problem {
    problem_from_message(err.message(), err.span())
}

/// A problem from a toml or serde error message, in plainer words, with a
/// hint for what to do about it.
pub(super) fn problem_from_message(message: &str, span: Option<Range<usize>>) -> Problem {
    let raw = message.trim_end_matches('.').replace('\n', " ");
    // serde names the unknown word and the allowed ones in backticks.
    let quoted: Vec<&str> = raw.split('`').skip(1).step_by(2).collect();
    let unknown_field = raw.starts_with("unknown field");
    let unknown_word = raw.starts_with("unknown variant");
    let suggestion = match quoted.split_first() {
        Some((unknown, allowed)) if unknown_field => did_you_mean(unknown, allowed),
        // A word of a list: the exact one it was meant to be, whatever its case.
        Some((unknown, allowed)) if unknown_word => did_you_mean(&unknown.to_lowercase(), allowed),
        _ => None,
    };
    let hint = if let Some(suggestion) = suggestion {
        Some(suggestion)
    } else if let Some(key) =
        quoted.first().filter(|k| unknown_field && top_level_keys().any(|t| t == **k))
    {
        Some(format!(
            "`{key}` is a top-level field: move it above the first [table] header, or it belongs to that table"
        ))
    } else if unknown_field {
        Some("check the spelling; the README lists every field".to_owned())
    } else if raw.starts_with("missing field") {
        Some("add the field; the README lists every required field".to_owned())
    } else if unknown_word {
        Some("use one of the listed values".to_owned())
    } else {
        None
    };
    if let Some(choose) = still_to_choose(&raw, &quoted) {
        let message = format!("this is still the placeholder {PLACEHOLDER}");
        return Problem::error(None, message, span).with_hint(choose);
    }
    let (message, fix) = plain_message(&raw, &quoted);
    let problem = Problem::error(None, message, span);
    match fix.or(hint) {
        Some(hint) => problem.with_hint(hint),
        None => problem,
    }
}

/// What to write instead of the scaffold's placeholder in a field that is
/// not free text (a date, a judgement, a timescale), if `message` rejects
/// the placeholder.
fn still_to_choose(message: &str, quoted: &[&str]) -> Option<String> {
    let placeholder = [format!("\"{PLACEHOLDER}"), format!("`{PLACEHOLDER}")];
    if !placeholder.iter().any(|p| message.contains(p.as_str())) {
        return None;
    }
    Some(if message.contains("TOML datetime") {
        "write the date like 2026-11-27, without quotes".to_owned()
    } else if message.contains("invalid timescale") {
        "write \"immediately\", or \"within 3 months\" or \"within 6 weeks\" with the right number"
            .to_owned()
    } else if message.contains("expected a month") {
        "write the month like \"2026-07\"".to_owned()
    } else if message.starts_with("unknown variant") {
        let allowed: Vec<String> = quoted.iter().skip(1).map(|a| format!("`{a}`")).collect();
        format!("choose one of {}", allowed.join(", "))
    } else {
        return None;
    })
}

/// Says serde's and toml's errors in the finding file's own terms, with
/// the value written as it should be where that can be worked out: no
/// "variant", "sequence" or "invalid type" reaches an inspector.
fn plain_message(message: &str, quoted: &[&str]) -> (String, Option<String>) {
    let judgements = Judgement::ALL.map(|j| format!("`{j}`")).join(", ");
    if message == "wanted string or table" || message.ends_with("expected a judgement") {
        return (format!("expected a judgement, one of {judgements}"), None);
    }
    if message.starts_with("unknown variant")
        && let Some((word, allowed)) = quoted.split_first()
    {
        let what = if allowed.iter().eq(Judgement::ALL.map(|j| j.as_str()).iter()) {
            "a judgement"
        } else {
            "one of the words this field takes"
        };
        let allowed = allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ");
        return (format!("`{word}` is not {what}: use one of {allowed}"), None);
    }
    let Some((found, expected)) =
        message.strip_prefix("invalid type: ").and_then(|m| m.split_once(", expected "))
    else {
        return (message.to_owned(), None);
    };
    let write = |value: String| Some(format!("write it as {value}"));
    // `found` is `string "…"`, `integer `3``, `map` and so on.
    let text = found.strip_prefix("string \"").and_then(|t| t.strip_suffix('"'));
    match (expected, text) {
        ("a TOML datetime", Some(text)) => {
            let date = toml::value::Datetime::from_str(text).ok();
            if date.is_some_and(|d| d.date.is_some() && d.time.is_none()) {
                ("a date is written without quotes".to_owned(), write(text.to_owned()))
            } else if let Some(date) = super::dates::from_words(text) {
                (
                    "a date is written year-month-day, without quotes".to_owned(),
                    write(date.to_string()),
                )
            } else {
                (
                    format!("\"{text}\" is not a date"),
                    Some(
                        "write a date as year-month-day, like 2026-11-27, without quotes"
                            .to_owned(),
                    ),
                )
            }
        }
        ("a sequence", Some(text)) => (
            "this must be a list in square brackets, even with one entry".to_owned(),
            write(format!("[\"{text}\"]")),
        ),
        _ => (format!("this must be {}, not {}", in_words(expected), in_words(found)), None),
    }
}

/// serde's names for kinds of value, as a finding file's reader says them.
fn in_words(kind: &str) -> &str {
    match kind {
        "a string" => "text in straight double quotes",
        "a sequence" => "a list in square brackets, like [\"first\", \"second\"]",
        "a TOML datetime" => "a date like 2026-11-27",
        "map" | "a map" => "a table",
        "sequence" => "a list",
        k if k.starts_with("string") => "text",
        k if k.starts_with("integer") || k.starts_with("floating") => "a number",
        k if k.starts_with("boolean") => "true or false",
        k if k.starts_with("datetime") => "a date",
        other => other,
    }
}

/// "did you mean `x`?" for a misspelt name, when one candidate is close.
pub(super) fn did_you_mean(name: &str, candidates: &[&str]) -> Option<String> {
    closest(name, candidates).map(suggestion)
}

/// The candidate `name` is most likely a misspelling of, if any is close.
pub(super) fn closest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(name, c), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// An unknown key `name` in the table `table`, whose fields are `fields`,
/// reported as serde would have.
pub(super) fn unknown_key(
    table: &str,
    name: &toml::Spanned<std::borrow::Cow<'_, str>>,
    fields: &'static [&'static str],
) -> Problem {
    let error: serde::de::value::Error = serde::de::Error::unknown_field(name.get_ref(), fields);
    let mut problem = problem_from_message(&error.to_string(), Some(name.span()));
    problem.field = Some(table.to_owned());
    problem
}

pub(super) fn suggestion(candidate: &str) -> String {
    format!("did you mean `{candidate}`?")
}
