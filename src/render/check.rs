//! `check`: every problem of a letter, found by doing all that rendering it
//! would do (read, validate, word, typeset, export to the letter's PDF
//! standards, name its PDF) in memory, and writing nothing. What `render`
//! would refuse, `check` reports, with the same message and place.

use std::path::Path;

use super::{LetterError, Renderer};
use crate::diagnostic::{FileProblems, Problem, display_path};
use crate::output::Place;
use crate::wording::TemplateError;

impl Renderer {
    /// Every problem of the finding file at `finding_path`: its own errors
    /// and warnings, then whatever would stop its render.
    pub fn check(&self, finding_path: &Path) -> FileProblems {
        let shown = display_path(finding_path);
        let text = match crate::finding::read_text(&self.project.files, finding_path) {
            Ok(text) => text,
            Err(problems) => return problems,
        };
        let prose = |text: &str| crate::wording::markdown::remarks(text);
        let (finding, mut problems) = crate::finding::check(&shown, text, &prose);
        if finding.is_none() || problems.has_errors() {
            return problems;
        }
        let rendered = self.prepare(finding_path).and_then(|letter| {
            self.destination(finding_path, &letter.finding, Place::Given(None))?;
            let document = self.lay_out(&letter)?;
            document.pdf()?;
            Ok(document.page_count())
        });
        match rendered {
            Ok(pages) => {
                if let Some(warning) = self.page_warning(pages) {
                    problems.problems.push(Problem::warning(None, warning, None));
                }
            }
            // The file's own problems (placeholders in a final letter, a
            // typesetting error traced back to a field): its warnings are
            // already listed.
            Err(LetterError::Finding(other)) => {
                let new = other.problems.into_iter().filter(|p| !problems.problems.contains(p));
                let new: Vec<Problem> = new.collect();
                problems.problems.extend(new);
            }
            Err(err) => problems.problems.push(problem_of(&problems.text, err)),
        }
        problems
    }
}

/// An error that is not the finding file's own, as a problem of it.
fn problem_of(text: &str, err: LetterError) -> Problem {
    // Where a top-level key is written, for problems that belong to it.
    let key_span = |key: &str| text.find(&format!("\n{key}")).map(|at| at + 1..at + 1 + key.len());
    let field = match &err {
        LetterError::Template(
            TemplateError::Unknown { .. } | TemplateError::NoTranslation { .. },
        ) => Some("template".to_owned()),
        _ => None,
    };
    let span = field.as_ref().and_then(|_| key_span("template"));
    match err {
        LetterError::Typst(typst) => Problem::error(None, first_line(&typst.message), None)
            .with_hint(format!("typst reported:\n{}", typst.report)),
        other => Problem::error(field, other.to_string(), span),
    }
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or_default().to_owned()
}
