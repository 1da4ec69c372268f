//! The finding file: one letter's findings as TOML, read into the
//! [model](crate::model) and validated.
//!
//! The model is deserialised with serde, so type errors, unknown keys and
//! unknown judgement values come with the exact span toml knows. Checks that
//! span several fields (dates in order, at least one area) run afterwards and
//! look their spans up in the parsed document, so every problem is reported
//! with file, field and line, all in one pass.
//!
//! - `reader`: syntax, then each section on its own, with stand-ins for
//!   fields already reported so the next mistake is found too;
//! - `rules`: the checks across fields, and warnings;
//! - `syntax`: toml's syntax errors in words an inspector knows, each with
//!   the line written as it should be; `dates`: dates as people write them,
//!   for those hints; `encoding`: a file not saved as UTF-8;
//! - `messages`: serde's words made plain, with hints;
//! - `spans`: where a field was written;
//! - `placeholders`, `translation`, `postal`: the scaffold's `TODO`, a
//!   bilingual letter's two versions, the address block;
//! - `english`: British English spelling and grammar of what the inspector
//!   wrote (spellbook and a few grammar rules), warnings located like every
//!   other problem.

mod dates;
mod encoding;
pub mod english;
mod limits;
mod messages;
mod placeholders;
mod postal;
mod reader;
mod rules;
mod spans;
mod syntax;
pub mod translation;

use std::ops::Range;
use std::path::Path;

use crate::diagnostic::{FileProblems, Problem};
use crate::model::{Finding, LetterKind};
use crate::sandbox::{Kind, Sandbox};

pub use limits::{MAX_AREAS, MAX_ENTRIES, MAX_LINE, MAX_PROSE};
pub use placeholders::{PLACEHOLDER, placeholders};
pub use translation::translation_named;

/// A remark on one prose field, located inside the field's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProseRemark {
    /// Byte range in the field's text.
    pub range: Range<usize>,
    /// What was found.
    pub message: String,
    /// What to do about it (a spelling's suggestions).
    pub hint: Option<String>,
    /// The word a spelling remark is about: one the word list could accept.
    pub word: Option<String>,
}

/// Checks one prose field's text; given by a later stage (the Markdown
/// writer knows what a letter cannot show), so this layer needs none of it.
pub type ProseCheck<'a> = &'a dyn Fn(&str) -> Vec<ProseRemark>;

/// What the template a finding file names (`None`: the default) needs of
/// it; given by the wording stage, which reads the templates' front matter.
pub type KindOf<'a> = &'a dyn Fn(Option<&str>) -> LetterKind;
/// The warnings `check` looks for in the text an inspector wrote.
#[derive(Clone, Copy)]
pub struct TextChecks<'a> {
    /// Markdown a letter cannot show, on each prose field.
    pub markdown: ProseCheck<'a>,
    /// British English spelling and grammar, on every field an inspector
    /// writes sentences in (not in a Welsh letter); `None` when turned off.
    pub english: Option<&'a english::English>,
}

/// Reads and validates the finding file at `path`.
pub fn load(files: &Sandbox, path: &Path) -> Result<Finding, FileProblems> {
    parse(path, read_text(files, path)?)
}

/// Parses and validates finding-file text as a monitoring letter; `path`
/// names it in messages. Warnings are dropped; use [`check`] to see them.
pub fn parse(path: &Path, text: String) -> Result<Finding, FileProblems> {
    parse_as(path, text, &|_| LetterKind::default())
}

/// Parses and validates finding-file text as the kind of letter its
/// template makes (see [`parse`]).
pub fn parse_as(path: &Path, text: String, kind_of: KindOf<'_>) -> Result<Finding, FileProblems> {
    match reader::read(path, text, None, kind_of) {
        (Some(finding), problems) if !problems.has_errors() => Ok(finding),
        (_, problems) => Err(problems),
    }
}

/// Parses and validates finding-file text, collecting every problem.
///
/// Syntax errors are all reported (toml recovers after each); then every
/// section and every `[[area]]` is read on its own, so mistakes in several
/// sections are reported in one pass rather than only the first in the file,
/// and in each table every unknown key and every rejected value (serde
/// alone stops at the first); then the cross-field checks and warnings run. The finding is returned
/// when it could be read, even with warnings.
/// `checks` look for warnings in the text an inspector wrote; `kind_of`
/// says what the letter's template needs.
pub fn check(
    path: &Path,
    text: String,
    checks: &TextChecks<'_>,
    kind_of: KindOf<'_>,
) -> (Option<Finding>, FileProblems) {
    reader::read(path, text, Some(checks), kind_of)
}

/// The British English warnings alone of finding-file `text`, already read
/// as `finding` (by [`check`] without them): for a caller that runs them
/// beside other work.
pub fn english_warnings(text: &str, finding: &Finding, english: &english::English) -> Vec<Problem> {
    rules::english_warnings(finding, &spans::SpanIndex::new(text), english)
}

/// Where the field named `name` is written in finding-file `text`, naming
/// fields as problems do (`recipient.address`, `area[2].progress`, areas
/// counted from 1): for a later stage to point at the field an error of its
/// own came from.
pub fn field_span(text: &str, name: &str) -> Option<Range<usize>> {
    let mut keys = Vec::new();
    for part in name.split('.') {
        let (field, index) = match part.split_once('[') {
            Some((field, rest)) => (field, Some(rest.strip_suffix(']')?.parse::<usize>().ok()?)),
            None => (part, None),
        };
        keys.push(spans::Key::Field(field));
        if let Some(index) = index {
            keys.push(spans::Key::Index(index.checked_sub(1)?));
        }
    }
    spans::SpanIndex::new(text).find(&keys)
}

/// The language finding-file text says it is written in, when it says so
/// readably: for a command to say which letters the English checks left
/// alone.
pub fn language_of(text: &str) -> Option<crate::model::Language> {
    let table = toml::de::DeTable::parse(text).ok()?;
    match table.get_ref().get("language")?.get_ref() {
        toml::de::DeValue::String(code) => crate::model::Language::from_code(code),
        _ => None,
    }
}

/// Reads a finding file's text through the project's one door, reporting a
/// missing, unreadable, oversized or outside file (its contents, never read,
/// are not shown), or one not saved as UTF-8, as a problem of that file.
pub fn read_text(files: &Sandbox, path: &Path) -> Result<String, FileProblems> {
    let shown = crate::diagnostic::display_path(path);
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    if let Some(meant) = name.strip_suffix(".txt").filter(|n| n.ends_with(".toml")) {
        let problem = Problem::error(
            None,
            "this file's name ends in .toml.txt (Notepad adds .txt when it saves), so it is not read as a finding file",
            None,
        )
        .with_hint(format!("rename it to {meant}; in Notepad, save as \"All files\" with the name in quotes"));
        return Err(FileProblems { path: shown, text: String::new(), problems: vec![problem] });
    }
    let bytes = files.read(path, Kind::Finding).map_err(|err| FileProblems {
        path: shown.clone(),
        text: String::new(),
        problems: vec![Problem::error(None, err.to_string(), None)],
    })?;
    encoding::decode(&shown, bytes)
}

#[cfg(test)]
mod tests;
