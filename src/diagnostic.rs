//! Problems found in a user's file, located by line and column.
//!
//! Finding files and the project config are written by hand, so every problem
//! in them is reported against the file it came from, with the field it
//! concerns and a snippet, like rustc and typst do. This module holds that
//! shared shape; the layers that read files produce it.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor::WriteColor};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The letter cannot be produced.
    Error,
    /// The letter can be produced, but probably not as meant.
    Warning,
}

/// One problem at one place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Whether it stops the letter.
    pub severity: Severity,
    /// The dotted path of the field concerned (`area[3].judgement`), if any.
    pub field: Option<String>,
    /// What is wrong, lowercase, without a trailing full stop.
    pub message: String,
    /// Byte range in the file, when known.
    pub span: Option<Range<usize>>,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Problem {
    /// Creates an error about `field` at `span`.
    pub fn error(
        field: Option<String>,
        message: impl Into<String>,
        span: Option<Range<usize>>,
    ) -> Self {
        Self { severity: Severity::Error, field, message: message.into(), span, hint: None }
    }

    /// Creates a warning about `field` at `span`.
    pub fn warning(
        field: Option<String>,
        message: impl Into<String>,
        span: Option<Range<usize>>,
    ) -> Self {
        Self { severity: Severity::Warning, ..Self::error(field, message, span) }
    }

    /// Adds advice on how to fix the problem.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Every problem found in one file, with the file's text to quote from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblems {
    /// The file, as the user named it.
    pub path: PathBuf,
    /// The file's text, for line numbers and snippets.
    pub text: String,
    /// The problems, in file order.
    pub problems: Vec<Problem>,
}

impl FileProblems {
    /// Whether any problem stops the letter.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    /// How many errors and how many warnings there are.
    pub fn counts(&self) -> (usize, usize) {
        let errors = self.problems.iter().filter(|p| p.severity == Severity::Error).count();
        (errors, self.problems.len() - errors)
    }

    /// Line and column (both 1-based) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        line_col(&self.text, offset)
    }

    /// Writes every problem with a source snippet and carets.
    pub fn emit(&self, out: &mut dyn WriteColor) -> std::io::Result<()> {
        let file = SimpleFile::new(self.path.display().to_string(), self.text.as_str());
        let config = term::Config::default();
        for problem in &self.problems {
            let mut diagnostic = match problem.severity {
                Severity::Error => Diagnostic::error(),
                Severity::Warning => Diagnostic::warning(),
            }
            .with_message(&problem.message);
            if let Some(span) = &problem.span {
                let label = Label::primary((), clamp(span.clone(), self.text.len()));
                diagnostic = diagnostic.with_labels(vec![match &problem.field {
                    Some(field) => label.with_message(format!("in `{field}`")),
                    None => label,
                }]);
            } else {
                // No place in the file: still name the file (and field).
                let place = match &problem.field {
                    Some(field) => format!("in `{field}` of {}", self.path.display()),
                    None => format!("in {}", self.path.display()),
                };
                diagnostic = diagnostic.with_notes(vec![place]);
            }
            if let Some(hint) = &problem.hint {
                diagnostic.notes.push(format!("hint: {hint}"));
            }
            term::emit(out, &config, &file, &diagnostic)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
        }
        Ok(())
    }
}

/// One line per problem: `path:line:col: error: message (in `field`)`.
impl fmt::Display for FileProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", self.path.display())?;
            if let Some(span) = &problem.span {
                let (line, col) = self.line_col(span.start);
                write!(f, ":{line}:{col}")?;
            }
            let kind = match problem.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            write!(f, ": {kind}: {}", problem.message)?;
            if let Some(field) = &problem.field {
                write!(f, " (in `{field}`)")?;
            }
            if let Some(hint) = &problem.hint {
                write!(f, "; hint: {hint}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for FileProblems {}

/// Line and column (both 1-based, column in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Shows a path relative to the current directory when it is below it.
pub fn display_path(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}

fn clamp(span: Range<usize>, len: usize) -> Range<usize> {
    span.start.min(len)..span.end.min(len)
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one_in_characters() {
        assert_eq!(line_col("ab\ncé\nx", 0), (1, 1));
        assert_eq!(line_col("ab\ncé\nx", 3), (2, 1));
        assert_eq!(line_col("ab\ncé\nx", 7), (3, 1));
        assert_eq!(line_col("ab\ncé\nx", 100), (3, 2));
    }

    #[test]
    fn display_names_file_line_field_and_hint() {
        let problems = FileProblems {
            path: PathBuf::from("letters/a.toml"),
            text: "x = 1\njudgement = \"grand\"\n".into(),
            problems: vec![
                Problem::error(Some("judgement".into()), "unknown judgement `grand`", Some(18..25))
                    .with_hint("use good"),
            ],
        };
        assert_eq!(
            problems.to_string(),
            "letters/a.toml:2:13: error: unknown judgement `grand` (in `judgement`); hint: use good"
        );
    }
}
