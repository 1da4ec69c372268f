//! The checks the types alone cannot make: content, the order of dates, the
//! address block, repeated entries, and the overall judgement against the
//! areas'. Each problem is located through the [`SpanIndex`].

use crate::diagnostic::Problem;
use crate::model::{Check, Finding, Language, LetterKind, Section, Summary};

use super::english::{English, WORDS_FILE, Words};
use super::spans::{Key, SpanIndex, field_name, path_of};
use super::{ProseRemark, TextChecks};
use crate::model::fields::{Shape, Value, Words as FieldWords, key, values};

/// A warning for each part of the file the letter's template does not use:
/// it is not printed, so the letter may say less than the file (areas
/// judged inadequate in a letter that says all was done).
fn unused(finding: &Finding, kind: &LetterKind, spans: &SpanIndex<'_>) -> Vec<Problem> {
    let present = [
        (Section::Area, key::AREA, !finding.areas.is_empty()),
        (Section::Overall, key::OVERALL, finding.overall.is_some()),
        (Section::Inspection, key::INSPECTION, finding.inspection.is_some()),
        (Section::Visit, key::VISIT, finding.visit.is_some()),
    ];
    present
        .into_iter()
        .filter(|(section, _, there)| *there && !kind.needs(*section))
        .map(|(_, name, _)| {
            let shown = if name == key::AREA { "[[area]]".to_owned() } else { format!("`{name}`") };
            Problem::warning(
                Some(name.to_owned()),
                format!("the letter's template does not use {shown}: it is not printed"),
                spans.find(&[Key::Field(name)]),
            )
            .with_hint(format!(
                "delete {shown} from the file, or name a template that uses it (template = …)"
            ))
        })
        .collect()
}

/// Checks what the types alone cannot: content and the order of dates.
pub(super) fn errors(finding: &Finding, kind: &LetterKind, spans: &SpanIndex<'_>) -> Vec<Problem> {
    let mut problems = unused(finding, kind, spans);
    let mut require = |path: &[Key<'_>], ok: bool, message: &str, hint: Option<&str>| {
        if !ok {
            let mut problem = Problem::error(Some(field_name(path)), message, spans.find(path));
            if let Some(hint) = hint {
                problem = problem.with_hint(hint);
            }
            problems.push(problem);
        }
    };
    use Key::{Field as F, Index as I};
    if finding.areas.is_empty() && kind.needs(Section::Area) {
        require(
            &[F(key::AREA)],
            false,
            "the letter has no areas for improvement",
            Some("add at least one [[area]] table"),
        );
    }
    // A field left out (where that is allowed) is not empty.
    for (field, i, value) in values(finding).filter(|(field, _, _)| field.filled) {
        let filled = match value {
            Value::Text(text) => !text.trim().is_empty(),
            Value::List(list) => !list.is_empty(),
            Value::Other => true,
        };
        require(&path_of(field, i), filled, "this field must not be empty", None);
    }
    let block = 3 + finding.recipient.address.len();
    if let Some(last) = finding.recipient.address.last()
        && let Err(err) = super::postal::check(block, last)
    {
        let path = match err {
            super::postal::AddressError::Lines(_) => vec![F(key::RECIPIENT), F(key::ADDRESS)],
            super::postal::AddressError::NoPostcode(_) => {
                vec![F(key::RECIPIENT), F(key::ADDRESS), I(finding.recipient.address.len() - 1)]
            }
        };
        require(&path, false, &err.to_string(), None);
    }
    let visit = finding.visit.as_ref().filter(|_| kind.checks(Check::VisitDates));
    let Some(visit) = visit else { return problems };
    let from = &[F(key::VISIT), F(key::FROM)][..];
    let to = &[F(key::VISIT), F(key::TO)][..];
    let (visit_from, visit_to) = (visit.from, visit.to);
    require(
        to,
        visit_from <= visit_to,
        &format!("the visit ends ({visit_to}) before it starts ({visit_from})"),
        Some("check visit.from and visit.to"),
    );
    if let Some(week) = finding.inspection.as_ref().map(|i| i.week_commencing) {
        require(
            from,
            week < visit_from,
            &format!(
                "the monitoring visit ({visit_from}) is not after the inspection week ({week})"
            ),
            Some("check inspection.week_commencing and visit.from"),
        );
    }
    require(
        &[F(key::DATE)],
        visit_to <= finding.date,
        &format!("the letter is dated {} but the visit ends on {visit_to}", finding.date),
        Some("a letter reports on a visit that has ended: check date and visit.to"),
    );
    problems
}

/// Entries that are empty or repeated, an overall judgement that does
/// not match the areas, and Markdown the letter cannot show.
pub(super) fn entries_and_prose(
    finding: &Finding,
    kind: &LetterKind,
    spans: &SpanIndex<'_>,
    checks: Option<&TextChecks<'_>>,
) -> Vec<Problem> {
    use Key::{Field as F, Index as I};
    let mut problems = Vec::new();
    for (field, _, value) in values(finding).filter(|(field, _, _)| field.distinct) {
        let Value::List(list) = value else { continue };
        let path = path_of(field, 0);
        let mut seen = std::collections::HashSet::new();
        for (i, entry) in list.iter().enumerate() {
            let at = [path.as_slice(), &[I(i)]].concat();
            if entry.trim().is_empty() {
                problems.push(Problem::error(
                    Some(field_name(&at)),
                    "this entry is empty",
                    spans.find(&at),
                ));
            } else if !seen.insert(entry) {
                problems.push(Problem::warning(
                    Some(field_name(&at)),
                    format!("`{entry}` is listed twice"),
                    spans.find(&at),
                ));
            }
        }
    }
    let summary = Summary::of(finding.areas.iter().map(|a| a.judgement));
    if let Some(most) = summary.parts.first()
        && let Some(overall) = finding.overall.filter(|_| kind.checks(Check::OverallVsAreas))
        && summary.parts.iter().all(|p| p.count < most.count || p.judgement != overall)
    {
        problems.push(
            Problem::warning(
                Some(key::OVERALL.into()),
                format!(
                    "overall judgement `{}` differs from the most common area judgement `{}` ({} of {} areas)",
                    overall, most.judgement, most.count, summary.total
                ),
                spans.find(&[F(key::OVERALL)]),
            )
            .with_hint("check `overall`; the letter prints it as the overall progress"),
        );
    }
    if let Some(checks) = checks {
        problems.extend(text(finding, spans, checks));
    }
    problems
}

/// The warnings on the text an inspector wrote: Markdown a letter cannot
/// show in prose fields, then British English spelling and grammar.
fn text(finding: &Finding, spans: &SpanIndex<'_>, checks: &TextChecks<'_>) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (field, i, value) in values(finding).filter(|(field, _, _)| field.shape == Shape::Prose) {
        let Value::Text(text) = value else { continue };
        let path = path_of(field, i);
        problems.extend(located(spans, &path, (checks.markdown)(text)).map(|(p, _)| p));
    }
    if let Some(english) = checks.english {
        problems.extend(english_warnings(finding, spans, english));
    }
    problems
}

/// Remarks on the field at `path` as warnings at their place in the file,
/// each with the word a spelling remark is about.
fn located<'a>(
    spans: &'a SpanIndex<'_>,
    path: &'a [Key<'_>],
    remarks: Vec<ProseRemark>,
) -> impl Iterator<Item = (Problem, Option<String>)> + 'a {
    remarks.into_iter().map(move |remark| {
        let span = spans.find(path).map(|v| spans.inside_string(v, remark.range));
        let mut problem = Problem::warning(Some(field_name(path)), remark.message, span);
        problem.hint = remark.hint;
        (problem, remark.word)
    })
}

/// British English spelling and grammar in prose and in the plain fields
/// written as words (not names or addresses, whose words are accepted
/// wherever they appear); none for a letter in another language.
pub(super) fn english_warnings(
    finding: &Finding,
    spans: &SpanIndex<'_>,
    english: &English,
) -> Vec<Problem> {
    if finding.language != Language::English {
        return Vec::new();
    }
    // Names (the salutation names its reader, "Dear Ms Ellery") are
    // accepted wherever they appear; the other words are checked.
    let mut names = Vec::new();
    let mut fields: Vec<(Vec<Key<'_>>, &str, bool)> = Vec::new();
    for (field, i, value) in values(finding) {
        let path = path_of(field, i);
        let texts: Vec<(Vec<Key<'_>>, &str)> = match value {
            Value::Text(text) => vec![(path, text)],
            Value::List(list) => list
                .iter()
                .enumerate()
                .map(|(n, entry)| ([path.as_slice(), &[Key::Index(n)]].concat(), entry.as_str()))
                .collect(),
            Value::Other => Vec::new(),
        };
        match field.words {
            FieldWords::Names => names.extend(texts.into_iter().map(|(_, text)| text)),
            FieldWords::Plain => fields.extend(texts.into_iter().map(|(p, t)| (p, t, false))),
            FieldWords::Markdown => fields.extend(texts.into_iter().map(|(p, t)| (p, t, true))),
            FieldWords::None => {}
        }
    }
    let names = Words::default().with_names(names);
    let mut found: Vec<(Problem, Option<String>)> = Vec::new();
    for (path, text, markdown) in &fields {
        let remarks =
            if *markdown { english.markdown(text, &names) } else { english.plain(text, &names) };
        found.extend(located(spans, path, remarks));
    }
    found.sort_by_key(|(p, _)| p.span.as_ref().map_or(usize::MAX, |s| s.start));
    // The first spelling remark in the file names the word list.
    if let Some((problem, Some(word))) = found.iter_mut().find(|(_, word)| word.is_some()) {
        let add = format!(
            "if `{word}` is spelt as meant (a name, say), add it to the project's word list, {WORDS_FILE}: `letterpress check --add-word {word}`"
        );
        problem.hint = Some(match problem.hint.take() {
            Some(hint) => format!("{hint}; {add}"),
            None => add,
        });
    }
    found.into_iter().map(|(problem, _)| problem).collect()
}
