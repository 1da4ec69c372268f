//! The grammar slips found beside spelling: each a rule of a few lines
//! with almost no false positives on formal prose, so that a remark is
//! worth an inspector's attention. A word written twice ("the the"), "a" or
//! "an" before the wrong sound ("an significant"), "could of" for "could
//! have", "their is" for "there is" and "more then" for "more than". Two words count as neighbours only with nothing but white space
//! between them: "(a) the" or "that, that" are not slips.

use super::ProseRemark;
use super::tokens::Token;

/// A word written twice.
pub(super) const REPEATED: &str = "repeated-word";
/// "a" before a vowel sound, "an" before a consonant sound.
pub(super) const A_AN: &str = "a-an";
/// "could of", "should of" … for "could have".
pub(super) const MODAL_OF: &str = "could-of";
/// "their is", "their are" … for "there is".
pub(super) const THEIR_THERE: &str = "their-there";
/// "more then", "rather then" … for "more than".
pub(super) const THEN_THAN: &str = "then-than";

/// The verbs "their" is never followed by.
const BE: &[&str] = &["is", "are", "was", "were"];

/// Words followed by "than", never by "then" ("later then" and "earlier
/// then" are left out: "and later then returned" is English).
const COMPARATIVES: &[&str] = &[
    "more", "less", "fewer", "better", "worse", "rather", "greater", "higher", "lower", "larger",
    "smaller", "other",
];

/// Words that are correct written twice ("what it had had", "that that").
const TWICE_OK: &[&str] = &["had", "that"];

/// The verbs of "could of".
const MODALS: &[&str] = &["could", "should", "would", "must", "might"];

/// Starts of words spelt with a vowel but said with a consonant: "a
/// European", "a one-off", "a university", "a useful". Checked before
/// [`VOWEL_SOUNDS`].
const CONSONANT_SOUNDS: &[&str] = &[
    "eu", "ewe", "one-", "ubi", "uku", "unanim", "uni", "ura", "ure", "uri", "us", "ute", "uti",
    "uto",
];

/// Exceptions to [`CONSONANT_SOUNDS`], and words spelt with a consonant but
/// said with a vowel: "an uninformed", "an usher", "an hour", "an honest".
const VOWEL_SOUNDS: &[&str] =
    &["unid", "unim", "unin", "usher", "heir", "honest", "honor", "honour", "hour"];

/// The remarks on a run's tokens, each with the rule that made it.
pub(super) fn remarks(text: &str, tokens: &[Token<'_>]) -> Vec<(&'static str, ProseRemark)> {
    let mut found = Vec::new();
    let neighbours = |i: usize| {
        let (first, second) = (tokens.get(i)?, tokens.get(i + 1)?);
        let between = &text[first.range.end..second.range.start];
        (first.word && second.word && between.chars().all(char::is_whitespace))
            .then_some((first, second))
    };
    for i in 0..tokens.len() {
        let Some((first, second)) = neighbours(i) else { continue };
        // Most pairs are none of these: compare without allocating.
        let is = |token: &Token<'_>, word: &str| token.text.eq_ignore_ascii_case(word);
        let range = first.range.start..second.range.end;
        let twice = first.text.len() == second.text.len()
            && first.text.to_lowercase() == second.text.to_lowercase();
        if twice && !TWICE_OK.iter().any(|w| is(first, w)) && first.text.len() > 1 {
            found.push((
                REPEATED,
                remark(
                    range.clone(),
                    format!("`{}` is written twice", first.text),
                    format!("write `{}` once", first.text),
                ),
            ));
        }
        let (a, an) = (is(first, "a"), is(first, "an"));
        if (a || an) && starts_sentence(text, tokens, i, first) {
            let wrong = match vowel_sound(second.text) {
                Some(true) => a,
                Some(false) => an,
                None => false,
            };
            if wrong {
                let right = if a { "an" } else { "a" };
                let right =
                    if first.text.starts_with('A') { capitalise(right) } else { right.into() };
                let sound = if a { "a vowel" } else { "a consonant" };
                found.push((
                    A_AN,
                    remark(
                        range.clone(),
                        format!(
                            "`{} {}`: `{}` starts with {sound} sound",
                            first.text, second.text, second.text
                        ),
                        format!("write `{right} {}`", second.text),
                    ),
                ));
            }
        }
        let course = tokens.get(i + 2).is_some_and(|t| is(t, "course"));
        if MODALS.iter().any(|m| is(first, m)) && is(second, "of") && !course {
            found.push((
                MODAL_OF,
                remark(
                    range.clone(),
                    format!("`{} {}` should be `{} have`", first.text, second.text, first.text),
                    format!("write `{} have`", first.text),
                ),
            ));
        }
        if is(first, "their") && BE.iter().any(|w| is(second, w)) {
            let there = if first.text.starts_with('T') { "There" } else { "there" };
            found.push((
                THEIR_THERE,
                remark(
                    range.clone(),
                    format!("`{} {}`: `their` means belonging to them", first.text, second.text),
                    format!("write `{there} {}`", second.text),
                ),
            ));
        }
        if is(second, "then") && COMPARATIVES.iter().any(|w| is(first, w)) {
            found.push((
                THEN_THAN,
                remark(
                    range,
                    format!("`{} {}`: a comparison takes `than`", first.text, second.text),
                    format!("write `{} than`", first.text),
                ),
            ));
        }
    }
    found
}

/// Whether `a`/`an` at `tokens[i]` is an article: in lower case anywhere,
/// but "A" only where a sentence starts (else it is a letter: "grade A").
fn starts_sentence(text: &str, tokens: &[Token<'_>], i: usize, token: &Token<'_>) -> bool {
    if token.text.chars().next().is_some_and(char::is_lowercase) || token.text.len() == 2 {
        return true;
    }
    let before = match i.checked_sub(1).and_then(|p| tokens.get(p)) {
        Some(previous) => &text[previous.range.end..token.range.start],
        None => return true,
    };
    before.contains(['.', '!', '?', ':', '\n'])
}

/// Whether `word` starts with a vowel sound; `None` where spelling cannot
/// tell ("an historic" and "a historic" are both written; an acronym is
/// said as letters or as a word).
fn vowel_sound(word: &str) -> Option<bool> {
    if !word.chars().any(char::is_lowercase) {
        return None;
    }
    let lower = word.to_lowercase();
    let starts = |list: &[&str]| list.iter().any(|start| lower.starts_with(start));
    if starts(VOWEL_SOUNDS) {
        return Some(true);
    }
    if starts(CONSONANT_SOUNDS) || lower == "one" || lower == "once" {
        return Some(false);
    }
    match lower.chars().next()? {
        'a' | 'e' | 'i' | 'o' | 'u' => Some(true),
        'h' => None,
        c if c.is_alphabetic() => Some(false),
        _ => None,
    }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn remark(range: std::ops::Range<usize>, message: String, hint: String) -> ProseRemark {
    ProseRemark { range, message, hint: Some(hint), word: None }
}
