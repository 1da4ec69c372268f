//! A bilingual letter: the finding file that names its translation, and the
//! facts the two versions must agree on.

use std::path::{Path, PathBuf};

use crate::diagnostic::{FileProblems, Problem};
use crate::model::fields::key;
use crate::model::{Finding, beside};

use super::spans::{Key, SpanIndex};

/// The translation that the finding file at `path`, whose text is `text`,
/// names, without reading the rest of the letter: a watcher needs it even
/// while the letter is broken.
pub fn translation_named(path: &Path, text: &str) -> Option<PathBuf> {
    // Most letters have none: parse only when the key can be there, written
    // out or spelt with escapes in a quoted key.
    if !text.contains(key::TRANSLATION) && !text.contains("\\u") && !text.contains("\\U") {
        return None;
    }
    #[derive(serde::Deserialize)]
    struct Named {
        translation: Option<String>,
    }
    let named: Named = toml::from_str(text).ok()?;
    Some(beside(path, &named.translation?))
}

/// How `other`, `finding` in another language, disagrees with it on
/// facts that must not differ between the two versions: dates, status,
/// reference, judgements and timescales. Prose may differ; facts may not.
pub fn mismatches(finding: &Finding, other: &Finding) -> Vec<String> {
    let mut found = Vec::new();
    if finding.language == other.language {
        found.push(format!(
            "the translation is in {} too; it must be in another language",
            finding.language.name()
        ));
    }
    let mut same = |what: &str, here: String, there: String| {
        if here != there {
            found.push(format!("{what} is {here} here but {there} in the translation"));
        }
    };
    same(key::DATE, finding.date.to_string(), other.date.to_string());
    same(key::STATUS, format!("{:?}", finding.status), format!("{:?}", other.status));
    same(key::REFERENCE, format!("{:?}", finding.reference), format!("{:?}", other.reference));
    let shown = |value: Option<String>| value.unwrap_or_else(|| "left out".to_owned());
    let overall = |f: &Finding| shown(f.overall.map(|j| j.to_string()));
    same(key::OVERALL, overall(finding), overall(other));
    let from = |f: &Finding| shown(f.visit.as_ref().map(|v| v.from.to_string()));
    same(&format!("{}.{}", key::VISIT, key::FROM), from(finding), from(other));
    let to = |f: &Finding| shown(f.visit.as_ref().map(|v| v.to.to_string()));
    same(&format!("{}.{}", key::VISIT, key::TO), to(finding), to(other));
    let week = |f: &Finding| shown(f.inspection.as_ref().map(|i| i.week_commencing.to_string()));
    same(&format!("{}.{}", key::INSPECTION, key::WEEK_COMMENCING), week(finding), week(other));
    same("the number of areas", finding.areas.len().to_string(), other.areas.len().to_string());
    for (i, (here, there)) in finding.areas.iter().zip(&other.areas).enumerate() {
        let n = i + 1;
        same(
            &format!("area {n}'s {}", key::JUDGEMENT),
            here.judgement.to_string(),
            there.judgement.to_string(),
        );
        same(
            &format!("area {n}'s {}", key::TIMESCALE),
            format!("{:?}", here.timescale),
            format!("{:?}", there.timescale),
        );
    }
    found
}

/// The disagreements between a letter and its translation (from
/// [`mismatches`]), as errors on the `translation` field.
pub fn problems(
    path: &Path,
    text: String,
    translation: &Path,
    mismatches: Vec<String>,
) -> FileProblems {
    let span = SpanIndex::new(&text).find(&[Key::Field(key::TRANSLATION)]);
    let problems = mismatches
        .into_iter()
        .map(|mismatch| {
            Problem::error(Some(key::TRANSLATION.into()), mismatch, span.clone()).with_hint(format!(
                "the two versions of a letter must agree on every fact; correct {} or this file",
                translation.display()
            ))
        })
        .collect();
    FileProblems { path: path.to_path_buf(), text, problems }
}

/// The translation named in the finding file at `path` cannot be used:
/// `reason` (it cannot be read, or has errors of its own) as one error on
/// the `translation` field. The translation's contents are never shown
/// here: it may not be a finding file at all.
pub fn unusable(path: &Path, text: String, reason: String, hint: String) -> FileProblems {
    let span = SpanIndex::new(&text).find(&[Key::Field(key::TRANSLATION)]);
    let problems =
        vec![Problem::error(Some(key::TRANSLATION.into()), reason, span).with_hint(hint)];
    FileProblems { path: path.to_path_buf(), text, problems }
}
