//! Writing imported finding files safely: each starts with a comment
//! naming the tracker, its rows and a hash of what import wrote, and a
//! later import replaces a file only while that hash still matches (the
//! file is as imported), unless forced. Files are written atomically.

use std::hash::Hasher;
use std::path::{Path, PathBuf};

use siphasher::sip::SipHasher13;

use super::{ImportError, SchemaLine, TrackerProblems};

/// The comment line holding the hash of the rest of the file.
const HASH_LINE: &str = "# import-hash: ";

/// One letter, built and checked.
#[derive(Debug)]
pub(super) struct Letter {
    /// Where its finding file goes.
    pub path: PathBuf,
    /// The tracker and rows it came from, for the file's first comment.
    pub source: String,
    /// The finding file's TOML.
    pub body: String,
    /// The template it names, if not the project's default: the schema
    /// its first line points at.
    pub template: Option<String>,
}

/// What writing one file does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// There is no such file yet.
    Create,
    /// The file is as a previous import wrote it (or `--force`).
    Replace,
    /// The file already holds exactly this.
    Unchanged,
}

/// One finding file an import writes.
#[derive(Debug, Clone)]
pub struct PlannedFile {
    /// Where.
    pub path: PathBuf,
    /// Its whole text, comment included.
    pub text: String,
    /// The tracker and rows it comes from.
    pub source: String,
    /// What writing it does.
    pub action: Action,
}

/// Everything an import writes, and its warnings.
#[derive(Debug)]
pub struct Plan {
    /// One file per letter, in the tracker's order.
    pub files: Vec<PlannedFile>,
    /// Problems that do not stop the import.
    pub warnings: TrackerProblems,
}

impl Plan {
    /// Writes every file that changes, each atomically.
    pub fn write(&self) -> Result<(), ImportError> {
        for file in self.files.iter().filter(|f| f.action != Action::Unchanged) {
            crate::output::write(&file.path, file.text.as_bytes())?;
        }
        Ok(())
    }
}

/// `2-5, 9`: row numbers as ranges.
pub(super) fn row_ranges(rows: &[u32]) -> String {
    let mut sorted = rows.to_vec();
    sorted.sort_unstable();
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        while i + 1 < sorted.len() && sorted[i + 1] == sorted[i] + 1 {
            i += 1;
        }
        parts.push(if sorted[i] == start {
            start.to_string()
        } else {
            format!("{start}-{}", sorted[i])
        });
        i += 1;
    }
    parts.join(", ")
}

fn hash(body: &str) -> String {
    let mut hasher = SipHasher13::new();
    hasher.write(body.as_bytes());
    format!("{:016x}", hasher.finish())
}

/// The file's text: the line naming its schema (`schema_line`), the
/// comment naming where it came from, then the body. The hash covers the
/// body alone.
fn with_header(letter: &Letter, schema_line: &str) -> String {
    format!(
        "{schema_line}# Imported by `letterpress import` from {}.\n\
         # Change the tracker and import again; once this file is edited, import leaves it alone.\n\
         {HASH_LINE}{}\n\n{}",
        letter.source,
        hash(&letter.body),
        letter.body
    )
}

/// Whether a file import wrote is still as it wrote it; why not, if not.
fn as_imported(text: &str) -> Result<(), String> {
    let Some(at) = text.find(HASH_LINE).filter(|at| text[..*at].lines().count() < 5) else {
        return Err("it was not written by import".into());
    };
    let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n + 1);
    let written = text[at + HASH_LINE.len()..line_end].trim();
    let body = text[line_end..].strip_prefix('\n').unwrap_or(&text[line_end..]);
    if hash(body) == written { Ok(()) } else { Err("it was edited since it was imported".into()) }
}

/// What writing each letter would do; fails, naming them, when any would
/// replace a file that is not as imported (unless `force`).
pub(super) fn plan(
    letters: Vec<Letter>,
    warnings: TrackerProblems,
    schema_line: SchemaLine<'_>,
    force: bool,
) -> Result<Plan, ImportError> {
    let mut files = Vec::new();
    let mut refused = Vec::new();
    for letter in letters {
        let text = with_header(&letter, &schema_line(&letter.path, letter.template.as_deref()));
        // Through the door: a named pipe or device there fails at once.
        let old = crate::sandbox::read_file(&letter.path, crate::sandbox::Kind::Finding)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
        let action = match old {
            Err(err) if err.is_not_found() => Action::Create,
            Err(crate::sandbox::ReadError::NotAFile { what, .. }) => {
                refused.push((shown(&letter.path), format!("it is {what}, not a file")));
                continue;
            }
            Err(err) => {
                refused.push((shown(&letter.path), format!("it cannot be read: {err}")));
                continue;
            }
            Ok(old) if old == text => Action::Unchanged,
            Ok(_) if force => Action::Replace,
            Ok(old) => match as_imported(&old) {
                Ok(()) => Action::Replace,
                Err(why) => {
                    refused.push((shown(&letter.path), why));
                    continue;
                }
            },
        };
        files.push(PlannedFile { path: letter.path, text, source: letter.source, action });
    }
    if !refused.is_empty() {
        return Err(ImportError::Refused(refused));
    }
    Ok(Plan { files, warnings })
}

fn shown(path: &Path) -> PathBuf {
    crate::diagnostic::display_path(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_shown_as_ranges() {
        assert_eq!(row_ranges(&[5, 2, 3, 4, 9, 11, 12]), "2-5, 9, 11-12");
        assert_eq!(row_ranges(&[7]), "7");
    }

    #[test]
    fn a_file_is_as_imported_until_its_body_changes() {
        let letter = Letter {
            path: "x.toml".into(),
            source: "t.xlsx (Letters row 2)".into(),
            body: "a = 1\n".into(),
            template: None,
        };
        let text = with_header(&letter, "#:schema ../schemas/monitoring.schema.json\n\n");
        assert!(text.starts_with("#:schema ../schemas/monitoring.schema.json\n\n# Imported"));
        assert_eq!(as_imported(&text), Ok(()));
        assert!(as_imported(&text.replace("a = 1", "a = 2")).unwrap_err().contains("edited"));
        assert!(as_imported("a = 1\n").unwrap_err().contains("not written by import"));
    }
}
