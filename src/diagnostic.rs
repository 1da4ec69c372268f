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

    /// Writes the problems with a source snippet and carets: the first
    /// [`MAX_SHOWN`], then how many more there are.
    ///
    /// What the user's file holds reaches a terminal here, so control
    /// characters in it (which could retitle the window or rewrite what is
    /// shown) are made visible, long messages are cut, and a line too long
    /// to quote is named by line and column instead of quoted.
    pub fn emit(&self, out: &mut dyn WriteColor) -> std::io::Result<()> {
        let text = visible_controls(&self.text);
        let path = for_terminal(&self.path.display().to_string());
        let file = SimpleFile::new(path.clone(), text.as_str());
        let config = term::Config::default();
        for problem in self.problems.iter().take(MAX_SHOWN) {
            let mut diagnostic = match problem.severity {
                Severity::Error => Diagnostic::error(),
                Severity::Warning => Diagnostic::warning(),
            }
            .with_message(for_terminal(&problem.message));
            let field = problem.field.as_deref().map(for_terminal);
            let span =
                problem.span.as_ref().map(|span| quotable(&text, clamp(span.clone(), text.len())));
            match span {
                Some(Some(span)) => {
                    let label = Label::primary((), span);
                    diagnostic = diagnostic.with_labels(vec![match &field {
                        Some(field) => label.with_message(format!("in `{field}`")),
                        None => label,
                    }]);
                }
                _ => {
                    // No place to quote: still name the file, line and field.
                    let at = match problem.span.as_ref() {
                        Some(span) => {
                            let (line, col) = line_col(&text, span.start);
                            format!("{path}:{line}:{col}")
                        }
                        None => path.clone(),
                    };
                    let place = match &field {
                        Some(field) => format!("in `{field}` of {at}"),
                        None => format!("in {at}"),
                    };
                    diagnostic = diagnostic.with_notes(vec![place]);
                }
            }
            if let Some(hint) = &problem.hint {
                diagnostic.notes.push(format!("hint: {}", for_terminal(hint)));
            }
            term::emit(out, &config, &file, &diagnostic)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
        }
        if let Some(more) = self.problems.len().checked_sub(MAX_SHOWN).filter(|&n| n > 0) {
            writeln!(out, "… and {more} more problem(s) in {path}: fix these first")?;
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
            write!(f, ": {kind}: {}", for_terminal(&problem.message))?;
            if let Some(field) = &problem.field {
                write!(f, " (in `{}`)", for_terminal(field))?;
            }
            if let Some(hint) = &problem.hint {
                write!(f, "; hint: {}", for_terminal(hint))?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for FileProblems {}

/// The most problems shown for one file: past the first few, more only
/// bury them (a file saved with the wrong line ends gives hundreds).
pub const MAX_SHOWN: usize = 20;

/// The longest line quoted in a snippet, in bytes: a paragraph of prose is
/// one line of a finding file; a file with old Mac line ends is one line.
const MAX_QUOTED_LINE: usize = 2_000;

/// The longest message shown, in characters.
const MAX_MESSAGE: usize = 300;

/// `text` for a terminal: control characters written as escapes (`\u{1b}`)
/// and cut after [`MAX_MESSAGE`] characters.
pub fn for_terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_MESSAGE + 8));
    for (count, c) in text.chars().enumerate() {
        if count == MAX_MESSAGE {
            out.push('…');
            break;
        }
        if c.is_control() && c != '\n' {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// A whole message for a terminal: every control character but line ends
/// and tabs written as an escape (`\u{1b}`), nothing cut. Every line the
/// command line prints goes through here (its `tell!`/`show!`), so text
/// from a user's file can never move the cursor, retitle the window or
/// clear the screen, whichever message quotes it.
pub fn for_terminal_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// One value from a user's file (a template name, a pattern, a path) as a
/// message quotes it: every control character escaped, line ends too (a
/// line end in a value could print a line that looks like letterpress's
/// own), and cut after [`MAX_MESSAGE`] characters.
pub fn quoted(text: &str) -> String {
    for_terminal(text).replace('\n', "\\u{a}")
}

/// `text` with every control character but line ends and tabs replaced by
/// `?` (C0 and DEL) or `??` (C1): the same byte length, so spans still fit.
pub fn visible_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' if chars.peek() == Some(&'\n') => out.push(c),
            c if c.is_control() => {
                out.extend(std::iter::repeat_n('?', c.len_utf8()));
            }
            c => out.push(c),
        }
    }
    out
}

/// The part of `span` a snippet can quote: codespan quotes every line a
/// span touches, so a span over many lines (a whole prose field) is cut to
/// its first line; `None` when that line is too long to quote.
fn quotable(text: &str, span: Range<usize>) -> Option<Range<usize>> {
    let start = text.floor_char_boundary(span.start);
    let first_end = text[start..].find('\n').map_or(text.len(), |at| start + at);
    let span = if span.end > first_end + 1 {
        start..text.ceil_char_boundary(first_end.max(start + 1))
    } else {
        // On character boundaries: codespan slices the text at them.
        start..text.ceil_char_boundary(span.end.max(start))
    };
    (line_length(text, span.start) <= MAX_QUOTED_LINE).then_some(span)
}

/// The length in bytes of the line holding `offset`.
fn line_length(text: &str, offset: usize) -> usize {
    let offset = text.floor_char_boundary(offset);
    let start = text[..offset].rfind('\n').map_or(0, |at| at + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |at| offset + at);
    end - start
}

/// Line and column (both 1-based, column in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = text.floor_char_boundary(offset);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The project folder paths are shown relative to, once a project is found.
static PROJECT_ROOT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// Makes [`display_path`] show paths inside `root` relative to it (the first
/// project found wins; a command works in one project).
pub fn show_paths_from(root: &Path) {
    let _ = PROJECT_ROOT.set(root.to_path_buf());
}

/// A path as messages show it: relative to the project folder when it is
/// inside it (as cargo shows paths relative to the workspace, from whatever
/// folder it runs in), else relative to the current folder when below it.
/// For messages only: a shown path is never opened.
pub fn display_path(path: &Path) -> PathBuf {
    let shown = relative_for_display(path);
    match shown.to_str() {
        Some(text) if !text.chars().any(char::is_control) => shown,
        _ => PathBuf::from(quoted(&shown.to_string_lossy())),
    }
}

/// `path` relative to the project or current folder, as [`display_path`]
/// shows it.
fn relative_for_display(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map(|cwd| cwd.join(path)).unwrap_or_else(|_| path.to_path_buf())
    };
    let absolute = normalise(&absolute);
    PROJECT_ROOT
        .get()
        .and_then(|root| absolute.strip_prefix(root).ok())
        .map(Path::to_path_buf)
        .or_else(|| {
            let cwd = std::env::current_dir().ok()?;
            absolute.strip_prefix(&cwd).ok().map(Path::to_path_buf)
        })
        .unwrap_or_else(|| path.to_path_buf())
}

/// `path` without `.` and with `..` applied, lexically (a shown path needs
/// no symlinks resolved).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn clamp(span: Range<usize>, len: usize) -> Range<usize> {
    span.start.min(len)..span.end.min(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emitted(problems: &FileProblems) -> String {
        let mut buffer = codespan_reporting::term::termcolor::Buffer::no_color();
        problems.emit(&mut buffer).unwrap();
        String::from_utf8(buffer.into_inner()).unwrap()
    }

    #[test]
    fn control_characters_never_reach_the_terminal_raw() {
        let text = "\"\u{1b}]0;PWNED\u{7}\" = 1\u{9b}\n".to_owned();
        let problems = FileProblems {
            path: "a.toml".into(),
            problems: vec![Problem::error(None, "unknown key `\u{1b}]0;PWNED\u{7}`", Some(1..10))],
            text,
        };
        let shown = emitted(&problems);
        assert!(!shown.chars().any(|c| c.is_control() && c != '\n'), "{shown:?}");
        assert!(shown.contains("unknown key `\\u{1b}]0;PWNED\\u{7}`"), "{shown}");
        assert!(!problems.to_string().contains('\u{1b}'));
    }

    #[test]
    fn many_problems_and_long_lines_give_a_bounded_report() {
        let line = "x".repeat(MAX_QUOTED_LINE + 1);
        let problems = FileProblems {
            path: "a.toml".into(),
            problems: (0..500)
                .map(|i| Problem::error(None, "m".repeat(10_000), Some(i..i + 1)))
                .collect(),
            text: line,
        };
        let shown = emitted(&problems);
        assert!(shown.len() < 20 * 500, "{} bytes", shown.len());
        assert!(shown.contains("… and 480 more problem(s) in a.toml"), "{shown}");
        assert!(shown.contains("in a.toml:1:1"), "the place is named without quoting: {shown}");
    }

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
