//! toml's and serde's errors in the finding file's own words, each with a
//! hint for what to do about it.

use std::ops::Range;

use crate::diagnostic::Problem;
use crate::model::Judgement;

use super::reader::TOP_LEVEL_KEYS;

/// Turns a toml parse or deserialisation error into a located problem.
pub(super) fn problem_from_toml(err: &toml::de::Error) -> Problem {
    problem_from_message(err.message(), err.span())
}

/// A problem from a toml or serde error message, in plainer words, with a
/// hint for what to do about it.
pub(super) fn problem_from_message(message: &str, span: Option<Range<usize>>) -> Problem {
    let message = plain_message(message.trim_end_matches('.').replace('\n', " "));
    // serde names the unknown word and the allowed ones in backticks.
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    let suggestion = match quoted.split_first() {
        Some((unknown, allowed))
            if message.starts_with("unknown field") || message.starts_with("unknown variant") =>
        {
            did_you_mean(unknown, allowed)
        }
        _ => None,
    };
    let hint = if let Some(suggestion) = suggestion {
        Some(suggestion)
    } else if let Some(key) = quoted
        .first()
        .filter(|k| message.starts_with("unknown field") && TOP_LEVEL_KEYS.contains(k))
    {
        Some(format!(
            "`{key}` is a top-level field: move it above the first [table] header, or it belongs to that table"
        ))
    } else if message.starts_with("unknown field") {
        Some("check the spelling; the README lists every field".to_owned())
    } else if message.starts_with("missing field") {
        Some("add the field; the README lists every required field".to_owned())
    } else if message.contains("unknown variant") {
        Some("use one of the listed values".to_owned())
    } else {
        None
    };
    let problem = Problem::error(None, message, span);
    match hint {
        Some(hint) => problem.with_hint(hint),
        None => problem,
    }
}

/// Says serde's and toml's type errors in the finding file's own terms.
fn plain_message(message: String) -> String {
    let judgements = Judgement::ALL.map(|j| format!("`{j}`")).join(", ");
    if message == "wanted string or table" {
        format!("expected a judgement, one of {judgements}")
    } else if message.contains("expected a TOML datetime") {
        format!(
            "{}; write a date like 2010-12-01, without quotes",
            message.replace(", expected a TOML datetime", "")
        )
    } else if message.ends_with("expected a sequence") {
        message.replace("expected a sequence", "expected a list like [\"first\", \"second\"]")
    } else {
        message
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
