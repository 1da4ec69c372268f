//! How much one letter may hold. A letter is a few pages; these limits are
//! far above any real one (the demo has 4 areas, lists of 5 entries and
//! prose fields of 2 KB) and low enough that the largest letter they allow
//! is still typeset in bounded time and memory (BENCHMARKS.md, "Hostile
//! input"). The file itself is capped by the sandbox (512 KB).

use crate::diagnostic::Problem;
use crate::model::Finding;

use super::spans::{Key, SpanIndex, field_name, path_of};
use crate::model::fields::{Limit, Table, Value, values};
use Key::{Field as F, Index as I};

/// Moved to the description of a letter's fields; re-exported for the
/// checks here and the library's users.
pub use crate::model::fields::{MAX_AREAS, MAX_ENTRIES, MAX_LINE, MAX_PROSE};

/// Every field over its limit, as errors naming the limit and the value.
/// Which fields are limited, and how, is the description's (`model::fields`).
pub(super) fn problems(finding: &Finding, spans: &SpanIndex<'_>) -> Vec<Problem> {
    let mut problems = Vec::new();
    let over = |problems: &mut Vec<Problem>, path: &[Key<'_>], message: String, hint: &str| {
        problems.push(
            Problem::error(Some(field_name(path)), message, spans.find(path)).with_hint(hint),
        );
    };
    if finding.areas.len() > MAX_AREAS {
        over(
            &mut problems,
            &[F(Table::Area.key()), I(MAX_AREAS)],
            format!(
                "the letter has {} areas for improvement; at most {MAX_AREAS} fit in a letter",
                finding.areas.len()
            ),
            "split the findings into several letters",
        );
    }
    for (field, i, value) in values(finding).filter(|(_, i, _)| *i < MAX_AREAS) {
        let path = path_of(field, i);
        match (field.limit, value) {
            (Limit::Entries, Value::List(list)) => {
                if list.len() > MAX_ENTRIES {
                    over(
                        &mut problems,
                        &path,
                        format!(
                            "this list has {} entries; at most {MAX_ENTRIES} are allowed",
                            list.len()
                        ),
                        "shorten the list, or describe the group in one entry",
                    );
                }
                for (i, entry) in list.iter().enumerate() {
                    let mut at = path.clone();
                    at.push(I(i));
                    if entry.len() > MAX_LINE {
                        over(
                            &mut problems,
                            &at,
                            too_long(entry.len(), MAX_LINE),
                            "an entry is one line of the letter",
                        );
                    }
                    if i < MAX_ENTRIES {
                        problems.extend(control_character(&at, entry, spans));
                    }
                }
            }
            (Limit::Text, Value::Text(text)) => {
                problems.extend(control_character(&path, text, spans));
            }
            (Limit::Bytes(limit), Value::Text(text)) => {
                problems.extend(control_character(&path, text, spans));
                if text.len() > limit {
                    over(&mut problems, &path, too_long(text.len(), limit), "shorten the text");
                }
            }
            _ => {}
        }
    }
    problems
}

/// An error for the first invisible control character of `text`, at `path`.
fn control_character(path: &[Key<'_>], text: &str, spans: &SpanIndex<'_>) -> Option<Problem> {
    let (at, c) = text.char_indices().find(|(_, c)| is_invisible_control(*c))?;
    let span = spans.find(path).map(|value| spans.inside_string(value, at..at + c.len_utf8()));
    Some(
        Problem::error(
            Some(field_name(path)),
            format!("this text holds an invisible control character (U+{:04X})", u32::from(c)),
            span,
        )
        .with_hint("delete it (it may have come from copying text out of another program)"),
    )
}

/// A character no letter means to hold: a control character other than a
/// line end or a tab (NUL, DEL, escape, …), which typst cannot print and a
/// terminal may act on.
fn is_invisible_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
}

fn too_long(len: usize, limit: usize) -> String {
    format!("this text is {} KB long; at most {} KB is allowed", len.div_ceil(1024), limit / 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_limit_is_named_with_the_value() {
        let text = std::fs::read_to_string(crate::test_fixtures::demo()).unwrap();
        let mut finding =
            crate::finding::parse(&crate::test_fixtures::demo(), text.clone()).unwrap();
        let spans = SpanIndex::new(&text);
        assert!(problems(&finding, &spans).is_empty());
        finding.areas = vec![finding.areas[0].clone(); MAX_AREAS + 1];
        finding.cc = vec!["x".into(); MAX_ENTRIES + 1];
        finding.areas[0].progress = "word ".repeat(MAX_PROSE / 4);
        let messages: Vec<String> =
            problems(&finding, &spans).into_iter().map(|p| p.message).collect();
        assert_eq!(
            messages,
            [
                "the letter has 51 areas for improvement; at most 50 fit in a letter",
                "this list has 101 entries; at most 100 are allowed",
                "this text is 40 KB long; at most 32 KB is allowed",
            ]
        );
    }

    #[test]
    fn an_invisible_control_character_is_named_where_it_is() {
        let text = std::fs::read_to_string(crate::test_fixtures::demo()).unwrap();
        let mut finding =
            crate::finding::parse(&crate::test_fixtures::demo(), text.clone()).unwrap();
        let spans = SpanIndex::new(&text);
        finding.recipient.name = "Anthony\u{0}Douglas".into();
        finding.signatory.role = "Inspector\u{7f}".into();
        finding.areas[0].progress.push_str("\n\ttab and line ends are fine\r\n");
        let found: Vec<(Option<String>, String)> =
            problems(&finding, &spans).into_iter().map(|p| (p.field, p.message)).collect();
        assert_eq!(
            found,
            [
                (
                    Some("recipient.name".into()),
                    "this text holds an invisible control character (U+0000)".into()
                ),
                (
                    Some("signatory.role".into()),
                    "this text holds an invisible control character (U+007F)".into()
                ),
            ]
        );
    }
}
