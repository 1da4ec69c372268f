//! `check`: every problem of a letter, without writing anything.

use std::path::Path;

use super::{LetterError, Renderer};
use crate::diagnostic::{FileProblems, Problem, Severity, display_path};
use crate::wording::TemplateError;

impl Renderer {
    /// Every problem of a finding file without rendering it: the file's own
    /// errors and warnings, then whether its wording template exists and
    /// renders, and whether its translation agrees with it.
    pub fn check(&self, finding_path: &Path) -> FileProblems {
        match crate::finding::read_text(&display_path(finding_path)) {
            Ok(text) => self.check_text(finding_path, text),
            Err(problems) => problems,
        }
    }

    /// [`Renderer::check`] for finding-file text not (yet) in a file:
    /// `finding_path` is where it is, or will be, written.
    pub fn check_text(&self, finding_path: &Path, text: String) -> FileProblems {
        let shown = display_path(finding_path);
        let prose = |text: &str| crate::wording::markdown::remarks(text);
        let (finding, mut problems) = crate::finding::check(&shown, text, &prose);
        let Some(finding) = finding else { return problems };
        // Where a top-level key is written, for problems that belong to it.
        let key_span = |text: &str, key: &str| {
            text.find(&format!("\n{key}")).map(|at| at + 1..at + 1 + key.len())
        };
        let problem = match self.worded(&shown, &finding, &crate::wording::locale::now_utc()) {
            Ok(_) => return problems,
            Err(LetterError::Finding(other)) if other.path == shown => {
                problems.problems.extend(other.problems);
                return problems;
            }
            Err(LetterError::Finding(other)) => {
                let count = other.problems.iter().filter(|p| p.severity == Severity::Error).count();
                Problem::error(
                    Some("translation".to_owned()),
                    format!("the translation {} has {count} error(s)", other.path.display()),
                    key_span(&problems.text, "translation"),
                )
                .with_hint(format!("check it with `letterpress check {}`", other.path.display()))
            }
            Err(err) => {
                let field = match &err {
                    LetterError::Template(
                        TemplateError::Unknown { .. } | TemplateError::NoTranslation { .. },
                    ) => Some("template".to_owned()),
                    _ => None,
                };
                let span = field.as_ref().and_then(|_| key_span(&problems.text, "template"));
                Problem::error(field, err.to_string(), span)
            }
        };
        problems.problems.push(problem);
        problems
    }
}
