//! Output file names from a pattern such as `{date}-{service_area}.pdf`.
//!
//! An office files letters by date and service area, not by whatever the
//! finding file happened to be called. Every value is slugified (ASCII,
//! lower case, `-` between words), so a name is safe on every file system
//! and can never climb out of the output folder; `{stem}`, the finding
//! file's own name, is kept as it is.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Finding;

/// The placeholders a pattern may use: the finding file's name without
/// `.toml`, the letter's date (2010-12-01), finding fields, and the
/// language code.
pub const PLACEHOLDERS: &[&str] =
    &["stem", "date", "service_area", "provider", "code", "reference", "language"];

/// Why a file name pattern is refused, or cannot name a letter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileNameError {
    /// The pattern itself is wrong (`letterpress.toml` is refused).
    #[error("{0}")]
    Pattern(String),
    /// The pattern names a value this letter does not have.
    #[error("{0}")]
    Letter(String),
}

/// A checked output file-name pattern.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(try_from = "String", into = "String")]
pub struct FileNamePattern(String);

impl Default for FileNamePattern {
    /// The finding file's own name: `letters/x.toml` → `x.pdf`.
    fn default() -> Self {
        FileNamePattern("{stem}.pdf".into())
    }
}

impl From<FileNamePattern> for String {
    fn from(pattern: FileNamePattern) -> String {
        pattern.0
    }
}

impl TryFrom<String> for FileNamePattern {
    type Error = FileNameError;

    /// Accepts a relative `.pdf` path whose `{…}` placeholders are all known.
    fn try_from(pattern: String) -> Result<Self, FileNameError> {
        let shown = crate::diagnostic::quoted(&pattern);
        if pattern.chars().any(char::is_control) {
            return Err(FileNameError::Pattern(format!(
                "file name pattern `{shown}` holds a control character (an escape, tab or line end); \
                 a file name cannot"
            )));
        }
        if !pattern.ends_with(".pdf") {
            return Err(FileNameError::Pattern(format!(
                "file name pattern `{shown}` must end in .pdf"
            )));
        }
        let path = Path::new(&pattern);
        if path.is_absolute()
            || path.components().any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(FileNameError::Pattern(format!(
                "file name pattern `{shown}` must be a plain relative path, without `..`"
            )));
        }
        for piece in pieces(&pattern) {
            if let Piece::Placeholder(name) = piece.map_err(FileNameError::Pattern)?
                && !PLACEHOLDERS.contains(&name)
            {
                let known: Vec<String> = PLACEHOLDERS.iter().map(|n| format!("{{{n}}}")).collect();
                return Err(FileNameError::Pattern(format!(
                    "unknown placeholder `{{{}}}` in file name pattern; use {}",
                    crate::diagnostic::quoted(name),
                    known.join(", ")
                )));
            }
        }
        Ok(FileNamePattern(pattern))
    }
}

impl FileNamePattern {
    /// The file name of the letter in `finding_path`, relative to the output
    /// folder. Fails when the pattern names an optional field the letter
    /// does not have.
    pub fn expand(&self, finding_path: &Path, finding: &Finding) -> Result<PathBuf, FileNameError> {
        let mut name = String::with_capacity(self.0.len() + 32);
        for piece in pieces(&self.0) {
            match piece.map_err(FileNameError::Pattern)? {
                Piece::Text(text) => name.push_str(text),
                Piece::Placeholder(placeholder) => {
                    let value = value(placeholder, finding_path, finding).ok_or_else(|| {
                        FileNameError::Letter(format!(
                            "the file name pattern uses {{{placeholder}}}, but the letter has no {placeholder}"
                        ))
                    })?;
                    // The stem is a file name already; slugifying it would
                    // rename every existing `x.y.toml` → `x.y.pdf` output.
                    let slug = if placeholder == "stem" { value } else { slug::slugify(value) };
                    if slug.is_empty() {
                        return Err(FileNameError::Letter(format!(
                            "{{{placeholder}}} gives an empty file name part"
                        )));
                    }
                    name.push_str(&slug);
                }
            }
        }
        if name.chars().any(char::is_control) {
            return Err(FileNameError::Letter(format!(
                "the PDF's name `{}` would hold a control character (an escape, tab or line end); \
                 rename the finding file",
                crate::diagnostic::quoted(&name)
            )));
        }
        Ok(PathBuf::from(name))
    }
}

fn value(placeholder: &str, finding_path: &Path, finding: &Finding) -> Option<String> {
    let inspection = finding.inspection.as_ref();
    match placeholder {
        "stem" => Some(finding_path.file_stem()?.to_string_lossy().into_owned()),
        "date" => Some(finding.date.to_string()),
        "service_area" => inspection.map(|i| i.service_area.clone()),
        "provider" => inspection.map(|i| i.provider.clone()),
        "code" => inspection?.code.clone(),
        "reference" => finding.reference.clone(),
        "language" => Some(finding.language.code().to_owned()),
        _ => None,
    }
}

enum Piece<'a> {
    Text(&'a str),
    Placeholder(&'a str),
}

/// Splits a pattern into literal text and `{placeholder}`s.
fn pieces(pattern: &str) -> impl Iterator<Item = Result<Piece<'_>, String>> {
    let mut rest = pattern;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let Some(open) = rest.find(['{', '}']) else {
            return Some(Ok(Piece::Text(std::mem::take(&mut rest))));
        };
        if open > 0 {
            let (text, tail) = rest.split_at(open);
            rest = tail;
            return Some(Ok(Piece::Text(text)));
        }
        let close = rest.find('}').filter(|_| rest.starts_with('{'));
        let Some(close) = close else {
            rest = "";
            return Some(Err(format!("unbalanced `{{` or `}}` in file name pattern `{pattern}`")));
        };
        let name = &rest[1..close];
        rest = &rest[close + 1..];
        Some(Ok(Piece::Placeholder(name)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Finding {
        crate::finding::load(&crate::test_fixtures::files(), &crate::test_fixtures::demo()).unwrap()
    }

    fn pattern(text: &str) -> Result<FileNamePattern, String> {
        FileNamePattern::try_from(text.to_owned()).map_err(|e| e.to_string())
    }

    #[test]
    fn values_are_slugified() {
        let name = pattern("{date}-{service_area}.pdf")
            .unwrap()
            .expand(Path::new("letters/x.toml"), &demo())
            .unwrap();
        assert_eq!(name, Path::new("2010-12-01-greater-london-service-area.pdf"));
        let mut welsh = demo();
        welsh.inspection.as_mut().unwrap().service_area = "Ardal wasanaeth Môn / Gwynedd".into();
        let name = pattern("{language}/{service_area}.pdf")
            .unwrap()
            .expand(Path::new("x.toml"), &welsh)
            .unwrap();
        assert_eq!(name, Path::new("en/ardal-wasanaeth-mon-gwynedd.pdf"));
    }

    #[test]
    fn the_default_is_the_finding_file_name() {
        let name = FileNamePattern::default().expand(Path::new("a/b/x.y.toml"), &demo()).unwrap();
        assert_eq!(name, Path::new("x.y.pdf"));
    }

    #[test]
    fn bad_patterns_are_refused_with_a_reason() {
        assert!(pattern("{date}").unwrap_err().contains("must end in .pdf"));
        assert!(pattern("../{date}.pdf").unwrap_err().contains("without `..`"));
        assert!(pattern("/tmp/{date}.pdf").unwrap_err().contains("without `..`"));
        assert!(pattern("{dat}.pdf").unwrap_err().contains("unknown placeholder `{dat}`"));
        assert!(pattern("{date.pdf").unwrap_err().contains("unbalanced"));
        assert!(pattern("date}.pdf").unwrap_err().contains("unbalanced"));
    }

    #[test]
    fn a_missing_optional_value_is_an_error() {
        let err = pattern("{reference}.pdf")
            .unwrap()
            .expand(Path::new("x.toml"), &demo())
            .unwrap_err()
            .to_string();
        assert!(err.contains("has no reference"), "{err}");
    }
}
