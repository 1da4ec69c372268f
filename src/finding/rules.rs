//! The checks the types alone cannot make: content, the order of dates, the
//! address block, repeated entries, and the overall judgement against the
//! areas'. Each problem is located through the [`SpanIndex`].

use crate::diagnostic::Problem;
use crate::model::{Check, Finding, Language, LetterKind, Section, Summary};

use super::english::{English, WORDS_FILE, Words};
use super::spans::{Key, SpanIndex, field_name};
use super::{ProseRemark, TextChecks};

/// A warning for each part of the file the letter's template does not use:
/// it is not printed, so the letter may say less than the file (areas
/// judged inadequate in a letter that says all was done).
fn unused(finding: &Finding, kind: &LetterKind, spans: &SpanIndex<'_>) -> Vec<Problem> {
    let present = [
        (Section::Area, "area", !finding.areas.is_empty()),
        (Section::Overall, "overall", finding.overall.is_some()),
        (Section::Inspection, "inspection", finding.inspection.is_some()),
        (Section::Visit, "visit", finding.visit.is_some()),
    ];
    present
        .into_iter()
        .filter(|(section, _, there)| *there && !kind.needs(*section))
        .map(|(_, name, _)| {
            let shown = if name == "area" { "[[area]]".to_owned() } else { format!("`{name}`") };
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
            &[F("area")],
            false,
            "the letter has no areas for improvement",
            Some("add at least one [[area]] table"),
        );
    }
    let inspection = finding.inspection.as_ref();
    let visit = finding.visit.as_ref();
    let texts: [(&[Key<'_>], Option<&str>); 12] = [
        (&[F("recipient"), F("name")], Some(finding.recipient.name.as_str())),
        (&[F("recipient"), F("role")], Some(finding.recipient.role.as_str())),
        (&[F("recipient"), F("organisation")], Some(finding.recipient.organisation.as_str())),
        (&[F("recipient"), F("salutation")], Some(finding.recipient.salutation.as_str())),
        (&[F("inspection"), F("provider")], inspection.map(|i| i.provider.as_str())),
        (&[F("inspection"), F("service_area")], inspection.map(|i| i.service_area.as_str())),
        (&[F("visit"), F("locations")], visit.map(|v| v.locations.as_str())),
        (&[F("signatory"), F("name")], Some(finding.signatory.name.as_str())),
        (&[F("signatory"), F("role")], Some(finding.signatory.role.as_str())),
        (&[F("template")], finding.template.as_deref()),
        (&[F("inspection"), F("code")], inspection.and_then(|i| i.code.as_deref())),
        (
            &[F("recipient"), F("address")],
            Some(if finding.recipient.address.is_empty() { "" } else { "x" }),
        ),
    ];
    for (path, text) in texts {
        // A field left out (where that is allowed) is not empty.
        let filled = text.is_none_or(|text| !text.trim().is_empty());
        require(path, filled, "this field must not be empty", None);
    }
    for (i, area) in finding.areas.iter().enumerate() {
        for (name, text) in
            [("action", &area.action), ("reported", &area.reported), ("progress", &area.progress)]
        {
            require(
                &[F("area"), I(i), F(name)],
                !text.trim().is_empty(),
                "this field must not be empty",
                None,
            );
        }
    }
    let block = 3 + finding.recipient.address.len();
    if let Some(last) = finding.recipient.address.last()
        && let Err(err) = super::postal::check(block, last)
    {
        let path = match err {
            super::postal::AddressError::Lines(_) => vec![F("recipient"), F("address")],
            super::postal::AddressError::NoPostcode(_) => {
                vec![F("recipient"), F("address"), I(finding.recipient.address.len() - 1)]
            }
        };
        require(&path, false, &err.to_string(), None);
    }
    let Some(visit) = visit.filter(|_| kind.checks(Check::VisitDates)) else { return problems };
    let from = &[F("visit"), F("from")][..];
    let to = &[F("visit"), F("to")][..];
    let (visit_from, visit_to) = (visit.from, visit.to);
    require(
        to,
        visit_from <= visit_to,
        &format!("the visit ends ({visit_to}) before it starts ({visit_from})"),
        Some("check visit.from and visit.to"),
    );
    if let Some(week) = inspection.map(|i| i.week_commencing) {
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
        &[F("date")],
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
    let no_entries = Vec::new();
    let visit = |list: fn(&crate::model::Visit) -> &Vec<String>| {
        finding.visit.as_ref().map_or(&no_entries, list)
    };
    for (name, list) in
        [("assessed", visit(|v| &v.assessed)), ("met", visit(|v| &v.met)), ("cc", &finding.cc)]
    {
        let path_of = |i| {
            if name == "cc" { vec![F("cc"), I(i)] } else { vec![F("visit"), F(name), I(i)] }
        };
        let mut seen = std::collections::HashSet::new();
        for (i, entry) in list.iter().enumerate() {
            if entry.trim().is_empty() {
                problems.push(Problem::error(
                    Some(field_name(&path_of(i))),
                    "this entry is empty",
                    spans.find(&path_of(i)),
                ));
            } else if !seen.insert(entry) {
                problems.push(Problem::warning(
                    Some(field_name(&path_of(i))),
                    format!("`{entry}` is listed twice"),
                    spans.find(&path_of(i)),
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
                Some("overall".into()),
                format!(
                    "overall judgement `{}` differs from the most common area judgement `{}` ({} of {} areas)",
                    overall, most.judgement, most.count, summary.total
                ),
                spans.find(&[F("overall")]),
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
    use Key::{Field as F, Index as I};
    let mut problems = Vec::new();
    for (i, area) in finding.areas.iter().enumerate() {
        for (name, text) in [("reported", &area.reported), ("progress", &area.progress)] {
            let path = [F("area"), I(i), F(name)];
            problems.extend(located(spans, &path, (checks.markdown)(text)).map(|(p, _)| p));
        }
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
    use Key::{Field as F, Index as I};
    if finding.language != Language::English {
        return Vec::new();
    }
    let r = &finding.recipient;
    let inspection = finding.inspection.iter().flat_map(|i| [&i.provider, &i.service_area]);
    // The salutation names its reader ("Dear Ms Ellery").
    let fields = [&r.name, &r.organisation, &r.salutation, &finding.signatory.name];
    let names = fields.into_iter().chain(inspection).chain(&finding.cc).chain(&r.address);
    let names = Words::default().with_names(names.map(String::as_str));
    let mut fields: Vec<(Vec<Key<'_>>, &str, bool)> = Vec::new();
    for (i, area) in finding.areas.iter().enumerate() {
        for (name, text) in [("reported", &area.reported), ("progress", &area.progress)] {
            fields.push((vec![F("area"), I(i), F(name)], text, true));
        }
    }
    fields.push((vec![F("recipient"), F("role")], &r.role, false));
    if let Some(visit) = &finding.visit {
        fields.push((vec![F("visit"), F("locations")], &visit.locations, false));
        for (name, list) in [("assessed", &visit.assessed), ("met", &visit.met)] {
            for (i, entry) in list.iter().enumerate() {
                fields.push((vec![F("visit"), F(name), I(i)], entry, false));
            }
        }
    }
    fields.push((vec![F("signatory"), F("role")], &finding.signatory.role, false));
    for (i, entry) in finding.enclosures.iter().enumerate() {
        fields.push((vec![F("enclosures"), I(i)], entry, false));
    }
    for (i, area) in finding.areas.iter().enumerate() {
        fields.push((vec![F("area"), I(i), F("action")], &area.action, false));
    }
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
