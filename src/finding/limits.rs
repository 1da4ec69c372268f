//! How much one letter may hold. A letter is a few pages; these limits are
//! far above any real one (the demo has 4 areas, lists of 5 entries and
//! prose fields of 2 KB) and low enough that the largest letter they allow
//! is still typeset in bounded time and memory (BENCHMARKS.md, "Hostile
//! input"). The file itself is capped by the sandbox (512 KB).

use crate::diagnostic::Problem;
use crate::model::Finding;

use super::spans::{Key, SpanIndex, field_name};

/// Moved to the description of a letter's fields; re-exported for the
/// checks here and the library's users.
pub use crate::model::fields::{MAX_AREAS, MAX_ENTRIES, MAX_LINE, MAX_PROSE};

/// Every field over its limit, as errors naming the limit and the value.
pub(super) fn problems(finding: &Finding, spans: &SpanIndex<'_>) -> Vec<Problem> {
    use Key::{Field as F, Index as I};
    let mut problems = Vec::new();
    let over = |problems: &mut Vec<Problem>, path: &[Key<'_>], message: String, hint: &str| {
        problems.push(
            Problem::error(Some(field_name(path)), message, spans.find(path)).with_hint(hint),
        );
    };
    if finding.areas.len() > MAX_AREAS {
        over(
            &mut problems,
            &[F("area"), I(MAX_AREAS)],
            format!(
                "the letter has {} areas for improvement; at most {MAX_AREAS} fit in a letter",
                finding.areas.len()
            ),
            "split the findings into several letters",
        );
    }
    let mut lists: Vec<(&[Key<'_>], &Vec<String>)> = vec![
        (&[F("recipient"), F("address")], &finding.recipient.address),
        (&[F("cc")], &finding.cc),
        (&[F("enclosures")], &finding.enclosures),
    ];
    if let Some(visit) = &finding.visit {
        lists.push((&[F("visit"), F("assessed")], &visit.assessed));
        lists.push((&[F("visit"), F("met")], &visit.met));
    }
    for (path, list) in lists {
        if list.len() > MAX_ENTRIES {
            over(
                &mut problems,
                path,
                format!("this list has {} entries; at most {MAX_ENTRIES} are allowed", list.len()),
                "shorten the list, or describe the group in one entry",
            );
        }
        for (i, entry) in list.iter().enumerate().filter(|(_, e)| e.len() > MAX_LINE) {
            let mut at = path.to_vec();
            at.push(I(i));
            over(
                &mut problems,
                &at,
                too_long(entry.len(), MAX_LINE),
                "an entry is one line of the letter",
            );
        }
    }
    for (path, text) in text_fields(finding) {
        if let Some((at, c)) = text.char_indices().find(|(_, c)| is_invisible_control(*c)) {
            let span =
                spans.find(&path).map(|value| spans.inside_string(value, at..at + c.len_utf8()));
            problems.push(
                Problem::error(
                    Some(field_name(&path)),
                    format!(
                        "this text holds an invisible control character (U+{:04X})",
                        u32::from(c)
                    ),
                    span,
                )
                .with_hint("delete it (it may have come from copying text out of another program)"),
            );
        }
    }
    for (i, area) in finding.areas.iter().enumerate().take(MAX_AREAS) {
        for (name, text, limit) in [
            ("action", &area.action, MAX_LINE * 4),
            ("reported", &area.reported, MAX_PROSE),
            ("progress", &area.progress, MAX_PROSE),
        ] {
            if text.len() > limit {
                let path = [F("area"), I(i), F(name)];
                let problem = Problem::error(
                    Some(field_name(&path)),
                    too_long(text.len(), limit),
                    spans.find(&path),
                );
                problems.push(problem.with_hint("shorten the text"));
            }
        }
    }
    problems
}

/// A character no letter means to hold: a control character other than a
/// line end or a tab (NUL, DEL, escape, …), which typst cannot print and a
/// terminal may act on.
fn is_invisible_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
}

/// Every text field of the letter, with its path.
fn text_fields(finding: &Finding) -> Vec<(Vec<Key<'static>>, &str)> {
    use Key::{Field as F, Index as I};
    let mut fields: Vec<(Vec<Key<'static>>, &str)> = vec![
        (vec![F("recipient"), F("name")], &finding.recipient.name),
        (vec![F("recipient"), F("role")], &finding.recipient.role),
        (vec![F("recipient"), F("organisation")], &finding.recipient.organisation),
        (vec![F("recipient"), F("salutation")], &finding.recipient.salutation),
        (vec![F("signatory"), F("name")], &finding.signatory.name),
        (vec![F("signatory"), F("role")], &finding.signatory.role),
    ];
    if let Some(reference) = &finding.reference {
        fields.push((vec![F("reference")], reference));
    }
    if let Some(inspection) = &finding.inspection {
        fields.push((vec![F("inspection"), F("provider")], &inspection.provider));
        fields.push((vec![F("inspection"), F("service_area")], &inspection.service_area));
        if let Some(code) = &inspection.code {
            fields.push((vec![F("inspection"), F("code")], code));
        }
    }
    let mut lists: Vec<(Vec<Key<'static>>, &Vec<String>)> = vec![
        (vec![F("recipient"), F("address")], &finding.recipient.address),
        (vec![F("cc")], &finding.cc),
        (vec![F("enclosures")], &finding.enclosures),
    ];
    if let Some(visit) = &finding.visit {
        fields.push((vec![F("visit"), F("locations")], &visit.locations));
        lists.push((vec![F("visit"), F("assessed")], &visit.assessed));
        lists.push((vec![F("visit"), F("met")], &visit.met));
    }
    for (path, list) in lists {
        for (i, entry) in list.iter().enumerate().take(MAX_ENTRIES) {
            let mut at = path.clone();
            at.push(I(i));
            fields.push((at, entry));
        }
    }
    for (i, area) in finding.areas.iter().enumerate().take(MAX_AREAS) {
        for (name, text) in
            [("action", &area.action), ("reported", &area.reported), ("progress", &area.progress)]
        {
            fields.push((vec![F("area"), I(i), F(name)], text));
        }
    }
    fields
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
