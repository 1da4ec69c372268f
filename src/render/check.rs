//! `check`: every problem of a letter, found by doing all that rendering it
//! would do (read, validate, word, typeset, export to the letter's PDF
//! standards, name its PDF) in memory, and writing nothing. What `render`
//! would refuse, `check` reports, with the same message and place.

use std::path::Path;

use super::{Inputs, LetterError, PreparedLetter, Renderer};
use crate::diagnostic::{FileProblems, Problem, display_path};
use crate::output::Place;
use crate::wording::TemplateError;

impl Renderer {
    /// Every problem of the finding file at `finding_path`: its own errors
    /// and warnings, then whatever would stop its render.
    pub fn check(&self, finding_path: &Path) -> FileProblems {
        match crate::finding::read_text(&self.project.files, finding_path) {
            Ok(text) => self.check_text(finding_path, text),
            Err(problems) => problems,
        }
    }

    /// [`Renderer::check`] for finding-file text not (yet) in a file:
    /// `finding_path` is where it is, or will be, written.
    pub fn check_text(&self, finding_path: &Path, text: String) -> FileProblems {
        let shown = display_path(finding_path);
        let prose = |text: &str| crate::wording::markdown::remarks(text);
        let kind_of = |name: Option<&str>| self.kind_of(name);
        let (finding, mut problems) = crate::finding::check(&shown, text.clone(), &prose, &kind_of);
        if finding.is_none() || problems.has_errors() {
            return problems;
        }
        let rendered = self.prepare_text(finding_path, text).and_then(|letter| {
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
        // Letters are checked one after another and share little: without
        // this, typst's caches held 900 MB after 200 letters.
        comemo::evict(2);
        problems
    }

    /// Words and lays out the built-in example letter with every wording
    /// template of the project (each language version in its language), so
    /// a broken placeholder or a field a template does not have is found
    /// before any letter uses it. Each template's name, with its error.
    pub fn check_templates(&self) -> Vec<(String, Result<(), LetterError>)> {
        let example = Path::new("letters/example.toml");
        let text = crate::project::builtin::EXAMPLE_LETTER.to_owned();
        let infos: Vec<_> = self.templates.all().cloned().collect();
        infos
            .into_iter()
            .map(|info| {
                let result = (|| {
                    let mut finding =
                        crate::finding::parse(example, text.clone()).map_err(Box::new)?;
                    let (base, code) = info.name.split_once('.').unwrap_or((&info.name, "en"));
                    finding.language = crate::model::Language::from_code(code).unwrap_or_default();
                    finding.template = Some(base.to_owned());
                    let source = self.version_source(&finding, true, "2000-01-01 00:00")?;
                    let letter = PreparedLetter {
                        path: example.to_path_buf(),
                        finding: std::sync::Arc::new(finding),
                        source: source.into(),
                        inputs: Inputs { text: text.as_str().into(), translation: None },
                        warnings: std::sync::Arc::new(FileProblems {
                            path: example.to_path_buf(),
                            text: String::new(),
                            problems: Vec::new(),
                        }),
                    };
                    self.lay_out(&letter).map(drop)
                })();
                (info.name, result)
            })
            .collect()
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
