//! Reading a finding file: TOML syntax, then each section on its own, so
//! every mistake is reported in one pass rather than only the first.

use std::path::Path;

use crate::diagnostic::{FileProblems, Problem, Severity};
use crate::model::fields::{FIELDS, key, struct_fields, top_level_keys};
use crate::model::{
    Area, Date, Finding, Inspection, Judgement, Language, LetterKind, Recipient, Section,
    Signatory, Status, Visit,
};

use super::messages::{closest, did_you_mean, problem_from_toml, suggestion, unknown_key};
use super::spans::SpanIndex;
use super::{KindOf, TextChecks, limits, rules};

/// The field serde reports missing in `message`, if that is what it says.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.strip_suffix('`')
}

/// A valid value for `field` of a finding file's table, of the right type
/// (its shape's, `model::fields`): a stand-in that lets reading a table go
/// past a field already reported. Built from the description rather than
/// taken from a sample letter, so editing a sample never changes how a
/// broken file is reported.
fn stand_in(field: &str) -> Option<toml::Spanned<toml::de::DeValue<'static>>> {
    let line = FIELDS.iter().find(|f| f.key == field).map_or("v = \"x\"", |f| f.shape.stand_in());
    toml::de::DeTable::parse(line).ok()?.into_inner().get("v").cloned()
}

/// Reads finding-file text, collecting every problem; `checks` look for
/// warnings in the text an inspector wrote (`None`: errors only);
/// `kind_of` says what the letter's template needs.
pub(super) fn read(
    path: &Path,
    text: String,
    checks: Option<&TextChecks<'_>>,
    kind_of: KindOf<'_>,
) -> (Option<Finding>, FileProblems) {
    if let Some(problem) = old_mac_line_ends(&text) {
        return (None, FileProblems { path: path.to_path_buf(), text, problems: vec![problem] });
    }
    let (finding, mut problems) = {
        let (table, syntax) = toml::de::DeTable::parse_recoverable(&text);
        let (mut problems, read_as_meant) = super::syntax::problems(&text, &syntax);
        let finding = if problems.is_empty() {
            read_sections(table, kind_of, &mut problems)
        } else {
            problems.extend(beside_syntax(&text, kind_of, &problems, read_as_meant));
            None
        };
        if let Some((finding, kind)) = &finding {
            let spans = SpanIndex::new(&text);
            let over = limits::problems(finding, &spans);
            // A letter over a limit is not looked at further: its size is
            // the problem, and checking it all would cost its size again.
            if over.is_empty() {
                problems.extend(rules::errors(finding, kind, &spans));
                problems.extend(rules::entries_and_prose(finding, kind, &spans, checks));
            }
            problems.extend(over);
        }
        let finding = finding.map(|(finding, _)| finding);
        (finding, problems)
    };
    problems.sort_by_key(|p| p.span.as_ref().map_or(0, |s| s.start));
    let mut finding = finding.filter(|_| problems.iter().all(|p| p.severity != Severity::Error));
    if let Some(last) = finding.as_mut().and_then(|f| f.recipient.address.last_mut())
        && let Some(normalised) = super::postal::normalise_postcode_line(last)
    {
        *last = normalised;
    }
    (finding, FileProblems { path: path.to_path_buf(), text, problems })
}

/// The other mistakes of a file with syntax errors, so that one `check`
/// names every independent mistake (a judgement misspelt below a missing
/// quote) rather than one round each: the file is read again with each line
/// toml could not read blanked (spaces, so every place stays where it is).
/// Left out: a missing field (the broken line is where it was) and
/// anything on a broken line; nothing when a broken line is a section
/// header or toml read part of the file as something else (a text block or
/// list never closed, up to `read_as_meant`), where what follows cannot be
/// told apart from echoes.
fn beside_syntax(
    text: &str,
    kind_of: KindOf<'_>,
    syntax: &[Problem],
    read_as_meant: usize,
) -> Vec<Problem> {
    let line_of = |at: usize| text[..text.floor_char_boundary(at)].matches('\n').count();
    let broken: Vec<usize> =
        syntax.iter().filter_map(|p| p.span.as_ref()).map(|s| line_of(s.start)).collect();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let header = |i: &usize| lines.get(*i).is_some_and(|l| l.trim_start().starts_with('['));
    if read_as_meant < text.len() || broken.len() < syntax.len() || broken.iter().any(header) {
        return Vec::new();
    }
    let mut blanked = String::with_capacity(text.len());
    for (i, line) in lines.iter().enumerate() {
        if broken.contains(&i) {
            let body = line.trim_end_matches(['\n', '\r']);
            blanked.extend(std::iter::repeat_n(' ', body.len()));
            blanked.push_str(&line[body.len()..]);
        } else {
            blanked.push_str(line);
        }
    }
    let Ok(table) = toml::de::DeTable::parse(&blanked) else { return Vec::new() };
    let mut found = Vec::new();
    read_sections(table, kind_of, &mut found);
    found.retain(|p| {
        p.severity == Severity::Error
            && missing_field(&p.message).is_none()
            && p.span.as_ref().is_some_and(|s| !broken.contains(&line_of(s.start)))
    });
    found
}

/// A file whose lines end with a carriage return alone (as Macs saved text
/// before 2001, and some exports still do) is one line to TOML: one error
/// saying so, rather than a syntax error on that line.
fn old_mac_line_ends(text: &str) -> Option<Problem> {
    (text.contains('\r') && !text.contains('\n')).then(|| {
        Problem::error(
            None,
            "this file's lines end with a carriage return alone (an old Mac format), so it reads as one line",
            None,
        )
        .with_hint("save it again with Windows (CRLF) or Unix (LF) line ends, e.g. as \"Plain Text\" from your editor; its text is not changed by that")
    })
}

/// Reads each top-level section on its own, collecting a problem for every
/// section that fails; a section the letter's kind does not need may be
/// left out.
fn read_sections(
    table: toml::Spanned<toml::de::DeTable<'_>>,
    kind_of: KindOf<'_>,
    problems: &mut Vec<Problem>,
) -> Option<(Finding, LetterKind)> {
    use serde::de::IntoDeserializer;
    let mut entries: Vec<(String, toml::Spanned<toml::de::DeValue<'_>>)> = Vec::new();
    for (key, value) in table.into_inner() {
        let name = key.get_ref().to_string();
        if top_level_keys().any(|k| k == name) {
            entries.push((name, value));
        } else {
            let mut problem =
                Problem::error(None, format!("unknown field `{name}`"), Some(key.span()));
            let keys: Vec<&str> = top_level_keys().collect();
            problem =
                problem
                    .with_hint(did_you_mean(&name, &keys).unwrap_or_else(|| {
                        format!("the top-level fields are {}", keys.join(", "))
                    }));
            problems.push(problem);
        }
    }
    let mut take =
        |key: &str| entries.iter().position(|(k, _)| k == key).map(|i| entries.swap_remove(i).1);
    /// Reads one section; errors without a span of their own get the
    /// section's span and name.
    fn read<T: serde::de::DeserializeOwned>(
        key: &str,
        value: Option<toml::Spanned<toml::de::DeValue<'_>>>,
        problems: &mut Vec<Problem>,
    ) -> Option<T> {
        let Some(value) = value else {
            // A misspelt key was already reported with a "did you mean".
            if !problems.iter().any(|p| p.hint.as_deref() == Some(&suggestion(key))) {
                problems.push(
                    Problem::error(Some(key.into()), format!("missing field `{key}`"), None)
                        .with_hint("add the field; the README lists every required field"),
                );
            }
            return None;
        };
        let span = value.span();
        T::deserialize(value.into_deserializer())
            .map_err(|err| {
                let mut problem = problem_from_toml(&err);
                problem.span = problem.span.or(Some(span));
                problem.field = Some(key.to_owned());
                problems.push(problem);
            })
            .ok()
    }
    let date = read::<Date>(key::DATE, take(key::DATE), problems);
    let template =
        take(key::TEMPLATE).and_then(|v| read::<String>(key::TEMPLATE, Some(v), problems));
    let kind = kind_of(template.as_deref());
    // A section the letter does not need, left out: `Some(None)`.
    let optional = |section, value: &Option<_>| value.is_none() && !kind.needs(section);
    let overall = match take(key::OVERALL) {
        value if optional(Section::Overall, &value) => Some(None),
        value => read::<Judgement>(key::OVERALL, value, problems).map(Some),
    };
    let status = take(key::STATUS)
        .map_or(Some(Status::Final), |v| read::<Status>(key::STATUS, Some(v), problems));
    let language = take(key::LANGUAGE)
        .map_or(Some(Language::default()), |v| read::<Language>(key::LANGUAGE, Some(v), problems));
    let translation =
        take(key::TRANSLATION).and_then(|v| read::<String>(key::TRANSLATION, Some(v), problems));
    let reference =
        take(key::REFERENCE).and_then(|v| read::<String>(key::REFERENCE, Some(v), problems));
    let enclosures = take(key::ENCLOSURES)
        .map_or(Some(Vec::new()), |v| read::<Vec<String>>(key::ENCLOSURES, Some(v), problems));
    let cc =
        take(key::CC).map_or(Some(Vec::new()), |v| read::<Vec<String>>(key::CC, Some(v), problems));
    /// Reads one table into the struct `T`, reporting every mistake in it
    /// rather than only the first, where serde stops: every unknown key, then,
    /// one at a time, each value serde rejects, left out so that the next one
    /// is found, and each missing field. A field that is missing because its
    /// key was misspelt or its value rejected is not reported missing as well;
    /// it is filled in with a stand-in instead, because serde stops at
    /// the first missing field and would hide the next.
    fn read_table<T: serde::de::DeserializeOwned>(
        key: &str,
        value: Option<toml::Spanned<toml::de::DeValue<'_>>>,
        problems: &mut Vec<Problem>,
    ) -> Option<T> {
        let fields = struct_fields::<T>();
        let Some(mut value) = value else { return read::<T>(key, None, problems) };
        // The fields whose mistakes are reported: not "missing" as well.
        let mut accounted: Vec<String> = Vec::new();
        if let toml::de::DeValue::Table(table) = value.get_mut() {
            let unknown: Vec<_> = table
                .iter()
                .map(|(name, _)| name)
                .filter(|name| !fields.contains(&name.get_ref().as_ref()))
                .cloned()
                .collect();
            for name in unknown {
                table.remove(name.get_ref().as_ref());
                accounted.extend(closest(name.get_ref(), fields).map(str::to_owned));
                problems.push(unknown_key(key, &name, fields));
            }
        }
        // Fields filled in with stand-ins so that serde, which stops
        // at the first missing field, goes on to report the next one.
        let mut stand_ins: Vec<String> = Vec::new();
        loop {
            let start = problems.len();
            if let Some(read) = read::<T>(key, Some(value.clone()), problems) {
                return stand_ins.is_empty().then_some(read);
            }
            let reported: Vec<Problem> = problems.drain(start..).collect();
            let missing =
                reported.iter().find_map(|p| missing_field(&p.message)).map(str::to_owned);
            problems.extend(reported.into_iter().filter(|p| {
                !missing_field(&p.message).is_some_and(|f| accounted.iter().any(|a| a == f))
            }));
            let toml::de::DeValue::Table(table) = value.get_mut() else { return None };
            if let Some(field) = missing {
                let stand_in = stand_in(&field).filter(|_| !table.contains_key(&*field))?;
                table.insert(toml::Spanned::new(0..0, field.clone().into()), stand_in);
                accounted.push(field.clone());
                stand_ins.push(field);
                continue;
            }
            // The key whose value serde rejected, if the error points at one.
            let at = problems[start..].iter().find_map(|p| p.span.as_ref().map(|s| s.start));
            let rejected = at.and_then(|at| {
                table
                    .iter()
                    .filter(|(name, _)| !stand_ins.iter().any(|s| s == name.get_ref()))
                    .find(|(_, v)| v.span().contains(&at))
                    .map(|(name, _)| name.get_ref().to_string())
            })?;
            // Named by the field, not only its table.
            for problem in &mut problems[start..] {
                problem.field = Some(format!("{key}.{rejected}"));
            }
            table.remove(rejected.as_str());
            accounted.push(rejected);
        }
    }
    let recipient = read_table::<Recipient>(key::RECIPIENT, take(key::RECIPIENT), problems);
    let inspection = match take(key::INSPECTION) {
        value if optional(Section::Inspection, &value) => Some(None),
        value => read_table::<Inspection>(key::INSPECTION, value, problems).map(Some),
    };
    let visit = match take(key::VISIT) {
        value if optional(Section::Visit, &value) => Some(None),
        value => read_table::<Visit>(key::VISIT, value, problems).map(Some),
    };
    let signatory = read_table::<Signatory>(key::SIGNATORY, take(key::SIGNATORY), problems);
    let areas = match take(key::AREA) {
        None => Some(Vec::new()),
        Some(value) => {
            let span = value.span();
            match value.into_inner() {
                toml::de::DeValue::Array(items) => {
                    let areas: Vec<Option<Area>> = items
                        .into_iter()
                        .enumerate()
                        .map(|(i, item)| {
                            read_table::<Area>(
                                &format!("{}[{}]", key::AREA, i + 1),
                                Some(item),
                                problems,
                            )
                        })
                        .collect();
                    areas.into_iter().collect()
                }
                _ => {
                    problems.push(
                        Problem::error(
                            Some(key::AREA.into()),
                            "each area starts with [[area]], two brackets on each side",
                            Some(span),
                        )
                        .with_hint("write [[area]] on the line above each area's fields"),
                    );
                    None
                }
            }
        }
    };
    let finding = Finding {
        date: date?,
        template,
        status: status?,
        language: language?,
        translation,
        reference,
        enclosures: enclosures?,
        recipient: recipient?,
        inspection: inspection?,
        visit: visit?,
        signatory: signatory?,
        overall: overall?,
        cc: cc?,
        areas: areas?,
    };
    Some((finding, kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_tells_its_fields_to_the_unknown_key_check() {
        assert_eq!(struct_fields::<Signatory>(), ["name", "role"]);
        assert!(struct_fields::<Area>().contains(&"judgement"));
        for fields in
            [struct_fields::<Recipient>(), struct_fields::<Inspection>(), struct_fields::<Visit>()]
        {
            assert!(fields.len() >= 4, "{fields:?}");
        }
        // Not a struct: no fields, and `read_table` is never used for it.
        assert!(struct_fields::<String>().is_empty());
    }

    /// A table holding a stand-in for every field of `T`.
    fn all_stand_ins<T: serde::de::DeserializeOwned>() -> Result<T, toml::de::Error> {
        use serde::de::IntoDeserializer;
        let mut table = toml::de::DeTable::new();
        for field in struct_fields::<T>() {
            let value = stand_in(field).expect("every field has a stand-in");
            table.insert(toml::Spanned::new(0..0, (*field).into()), value);
        }
        let value = toml::Spanned::new(0..0, toml::de::DeValue::Table(table));
        T::deserialize(value.into_deserializer())
    }

    #[test]
    fn every_field_has_a_stand_in_of_its_type() {
        all_stand_ins::<Recipient>().unwrap();
        all_stand_ins::<Inspection>().unwrap();
        all_stand_ins::<Visit>().unwrap();
        all_stand_ins::<Signatory>().unwrap();
        all_stand_ins::<Area>().unwrap();
    }
}
