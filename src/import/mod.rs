//! `letterpress import`: an office's tracker spreadsheet (one row per
//! letter, one row per area for improvement) made into finding files.
//!
//! The tracker is read into rows of cells that keep their place
//! (`sheet`), its header rows are matched to the layout (`columns`), each
//! cell is read as what its column holds (`cells`), and each letter is
//! written as the TOML a person writes (`build`). Every built letter then
//! goes through the finding file's own checks, given by the caller, and a
//! problem found there is named by the cell it came from. Nothing is
//! written while any problem is an error; files are written atomically,
//! and a file edited since it was imported is never replaced unless forced
//! (`write`). `workbook` writes the empty tracker of `new --tracker`.
//!
//! Every problem names the workbook, the sheet and the cell:
//! `tracker.xlsx: Areas!G14: progress is empty (letter "north-east", area 2)`.

mod build;
mod cells;
mod columns;
mod ods;
mod sheet;
mod text;
mod workbook;
mod write;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::diagnostic::FileProblems;
use crate::output::OutputError;

pub use workbook::empty_tracker;
pub use write::{Action, Plan};

/// The most problems printed; the rest are counted.
const SHOWN: usize = 20;

/// Checks one built letter as a finding file (`path` is where it will be
/// written; `text` its TOML): given by a later stage, which knows the
/// project's templates.
pub type LetterCheck<'a> = &'a dyn Fn(&Path, String) -> FileProblems;

/// The lines a finding file at a path, naming a template (the project's
/// default if `None`), starts with to name its schema: `#:schema …` and a
/// blank line (`project::schema_directive`).
pub type SchemaLine<'a> = &'a dyn Fn(&Path, Option<&str>) -> String;

/// Why a tracker was not imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The tracker could not be read at all.
    #[error("cannot read the tracker {}: {reason}", .path.display())]
    Open {
        /// The workbook or folder.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// Rows or cells are wrong; nothing was written.
    #[error("{0}")]
    Invalid(TrackerProblems),
    /// Files that would be replaced were changed since they were imported
    /// (or never were); nothing was written.
    #[error("{}", refused_message(.0))]
    Refused(Vec<(PathBuf, String)>),
    /// A finding file could not be written.
    #[error("{0}")]
    Write(#[from] OutputError),
    /// The empty tracker could not be made.
    #[error("cannot make the tracker workbook: {0}")]
    Workbook(String),
}

fn refused_message(files: &[(PathBuf, String)]) -> String {
    let mut message = String::from("not importing: these files would be replaced but");
    for (path, why) in files {
        message.push_str(&format!("\n  {}: {why}", path.display()));
    }
    message.push_str(
        "\nnothing was written; move your edits into the tracker, or import with --force to replace them",
    );
    message
}

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Nothing can be imported until it is fixed.
    Error,
    /// Imported, but probably not as meant.
    Warning,
}

/// One problem at one place of the tracker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// Whether it stops the import.
    pub severity: Severity,
    /// The sheet (`Letters`) or CSV file (`letters.csv`).
    pub sheet: String,
    /// The cell (`G14`), or a row (`3:3`).
    pub cell: String,
    /// What is wrong and what to write instead.
    pub message: String,
}

impl Located {
    fn new(severity: Severity, sheet: &str, cell: &str, message: impl Into<String>) -> Located {
        Located {
            severity,
            sheet: sheet.to_owned(),
            cell: cell.to_owned(),
            message: message.into(),
        }
    }

    /// Row, then column, for sorting: `G14` → (14, 7), `3:3` → (3, 0).
    fn position(&self) -> (u32, u32) {
        let letters = self.cell.bytes().take_while(u8::is_ascii_uppercase);
        let col = letters.fold(0, |n, b| n * 26 + u32::from(b - b'A' + 1));
        let digits: String = self.cell.chars().skip_while(char::is_ascii_uppercase).collect();
        let row = digits.split(':').next().and_then(|r| r.parse().ok()).unwrap_or(0);
        (row, col)
    }
}

/// Every problem found in one tracker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackerProblems {
    /// The workbook (or folder), as named in messages.
    pub workbook: String,
    /// Errors first, then warnings, each in sheet order, row by row.
    pub problems: Vec<Located>,
}

impl TrackerProblems {
    fn new(tracker: &Path, mut problems: Vec<Located>) -> TrackerProblems {
        let sheet_rank = |sheet: &str| {
            let key = cells::normalise(sheet);
            u8::from(!key.starts_with("letters"))
        };
        problems.sort_by_key(|p| (p.severity, sheet_rank(&p.sheet), p.position()));
        problems.dedup();
        let workbook = crate::diagnostic::display_path(tracker).display().to_string();
        TrackerProblems { workbook, problems }
    }

    /// Whether any problem stops the import.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    /// How many problems of `severity` there are.
    pub fn count(&self, severity: Severity) -> usize {
        self.problems.iter().filter(|p| p.severity == severity).count()
    }

    /// The problems of one severity as lines, at most 20, then how many more.
    pub fn lines(&self, severity: Severity) -> Vec<String> {
        let all: Vec<&Located> = self.problems.iter().filter(|p| p.severity == severity).collect();
        let kind = match severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        let mut lines: Vec<String> = all
            .iter()
            .take(SHOWN)
            .map(|p| format!("{}: {}!{}: {kind}{}", self.workbook, p.sheet, p.cell, p.message))
            .collect();
        if all.len() > SHOWN {
            lines.push(format!("and {} more", all.len() - SHOWN));
        }
        lines
    }
}

impl fmt::Display for TrackerProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines = [self.lines(Severity::Error), self.lines(Severity::Warning)].concat();
        f.write_str(&lines.join("\n"))
    }
}

impl std::error::Error for TrackerProblems {}

/// Reads the tracker at `tracker` (a workbook, or a folder of CSV files)
/// and plans the finding files it makes in `dir`: every cell checked, every
/// letter checked with `check`, and what writing each file would do.
/// `force` lets files edited since their import be replaced; each file
/// starts with its `schema_line`.
pub fn plan(
    tracker: &Path,
    dir: &Path,
    check: LetterCheck<'_>,
    schema_line: SchemaLine<'_>,
    force: bool,
) -> Result<Plan, ImportError> {
    let sheets = sheet::read(tracker)?;
    let source = tracker
        .file_name()
        .map_or_else(|| tracker.display().to_string(), |name| name.to_string_lossy().into_owned());
    let (letters, problems) = build::letters(&sheets, &source, dir, check);
    let problems = TrackerProblems::new(tracker, problems);
    if problems.has_errors() {
        return Err(ImportError::Invalid(problems));
    }
    write::plan(letters, problems, schema_line, force)
}

#[cfg(test)]
mod tests;
