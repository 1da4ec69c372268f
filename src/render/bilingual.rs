//! A bilingual letter: the letter and its translation worded as one
//! document, once they agree on every fact.

use std::path::{Path, PathBuf};

use super::{LetterError, Renderer};
use crate::diagnostic::{Severity, display_path};
use crate::finding::translation;
use crate::model::Finding;
use crate::sandbox::Kind;

/// What a letter's source was made from besides its own finding file.
pub(super) struct Worded {
    pub(super) source: String,
    /// The translation's path and text, if the letter has one.
    pub(super) translation: Option<(PathBuf, String)>,
    /// Whether a version is a draft, stamped with the time.
    pub(super) stamped: bool,
}

impl Renderer {
    /// The typst source of a letter, as the wording template produces it,
    /// with what else it was made from; `now` is the stamp of a draft. A
    /// letter with a translation becomes both versions, this one first, each
    /// a complete letter starting on a new page.
    pub(super) fn worded(
        &self,
        finding_path: &Path,
        finding: &Finding,
        now: &str,
    ) -> Result<Worded, LetterError> {
        let first = self.version_source(finding, true, now)?;
        let Some(other_path) = finding.translation_path(finding_path) else {
            return Ok(Worded {
                source: first,
                translation: None,
                stamped: self.is_draft(finding),
            });
        };
        let shown = display_path(&other_path);
        let unusable = |reason: String, hint: String| -> Result<LetterError, LetterError> {
            let text = self.read_finding_text(finding_path)?;
            Ok(LetterError::Finding(Box::new(translation::unusable(
                finding_path,
                text,
                reason,
                hint,
            ))))
        };
        let other_text = match self.project.files.read_text(&other_path, Kind::Finding) {
            Ok(text) => text,
            Err(err) => {
                let hint = "name the translation's finding file, relative to this one, like \
                            `translation = \"letter.cy.toml\"`";
                return Err(unusable(err.to_string(), hint.to_owned())?);
            }
        };
        let other = match self.finding(&shown, other_text.clone()) {
            Ok(other) => other,
            Err(LetterError::Finding(problems)) => {
                let count =
                    problems.problems.iter().filter(|p| p.severity == Severity::Error).count();
                return Err(unusable(
                    format!("the translation {} has {count} error(s)", shown.display()),
                    format!("check it with `letterpress check {}`", shown.display()),
                )?);
            }
            Err(err) => return Err(err),
        };
        let mismatches = translation::mismatches(finding, &other);
        if !mismatches.is_empty() {
            let text = self.read_finding_text(finding_path)?;
            return Err(LetterError::Finding(Box::new(translation::problems(
                finding_path,
                text,
                &shown,
                mismatches,
            ))));
        }
        let second = self.version_source(&other, false, now)?;
        Ok(Worded {
            // Each version is wrapped in a content block so its show and set
            // rules (page numbers, language) end with it.
            source: format!("#[\n{first}\n]\n#pagebreak(weak: true)\n#[\n{second}\n]\n"),
            stamped: self.is_draft(finding) || self.is_draft(&other),
            translation: Some((other_path, other_text)),
        })
    }
}
