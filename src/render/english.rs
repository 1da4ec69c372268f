//! The letter's British English checks beside the rest of the pipeline:
//! the checker built from the project, and the checks run on a second thread
//! while the letter is typeset, so the first, which waits for the
//! dictionary, costs no time (BENCHMARKS.md, "Prose checks").

use std::path::Path;
use std::sync::Arc;

use super::{LetterError, PreparedLetter, Renderer, SetupError};
use crate::diagnostic::Problem;
use crate::finding::english::{English, Words};
use crate::project::Project;

impl Renderer {
    /// [`Renderer::prepare`], leaving the English checks to
    /// [`Renderer::beside_english`].
    pub(super) fn prepare_apart(&self, finding_path: &Path) -> Result<PreparedLetter, LetterError> {
        let text = self.read_finding_text(finding_path)?;
        self.prepare_found(finding_path, text, None, false)
    }

    /// Runs `make` (laying out `letter`, making its PDF) while the letter's
    /// English checks, if [`Renderer::prepare_apart`] left them, run on
    /// another thread, then adds their warnings to the letter's. The first
    /// check in a process waits some 17 ms for the dictionary; typesetting
    /// hides it (BENCHMARKS.md, "Prose checks"). With `deny_warnings`, an
    /// English warning fails the letter before anything is written.
    pub(super) fn beside_english<T>(
        &self,
        letter: &mut PreparedLetter,
        make: impl FnOnce(&PreparedLetter) -> Result<T, LetterError>,
    ) -> Result<T, LetterError> {
        let Some(english) = self.english.as_ref().filter(|_| letter.english_apart) else {
            return make(letter);
        };
        let shown = &*letter;
        let check =
            || crate::finding::english_warnings(&shown.inputs.text, &shown.finding, english);
        // Once the dictionary is read, the checks take half a millisecond:
        // this thread, whose cache of the dictionary's answers is warm, makes
        // them after the letter (a thread per letter would start cold).
        let (made, found) = if crate::finding::english::is_loaded() {
            (make(shown), check())
        } else {
            std::thread::scope(|scope| {
                match std::thread::Builder::new().spawn_scoped(scope, check) {
                    Ok(checking) => {
                        let made = make(shown);
                        let found =
                            checking.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
                        (made, found)
                    }
                    // No thread to spare: one after the other.
                    Err(_) => (make(shown), check()),
                }
            })
        };
        // An error making the letter comes first: it is what stops it.
        let added = self.add_english(letter, found);
        let made = made?;
        added.map(|()| made)
    }

    /// Adds a letter's English warnings to its own; with `deny_warnings`,
    /// any fails it.
    pub(super) fn add_english(
        &self,
        letter: &mut PreparedLetter,
        found: Vec<Problem>,
    ) -> Result<(), LetterError> {
        letter.english_apart = false;
        if found.is_empty() {
            return Ok(());
        }
        let mut warnings = (*letter.warnings).clone();
        warnings.problems.extend(found);
        warnings.problems.sort_by_key(|p| p.span.as_ref().map_or(usize::MAX, |s| s.start));
        letter.warnings = Arc::new(warnings);
        if self.deny_warnings {
            return Err(LetterError::Finding(Box::new((*letter.warnings).clone())));
        }
        Ok(())
    }
}

/// The project's British English checker, with its word list and the
/// sender's names; `None` when `[prose_check]` turns the checks off.
pub(super) fn english_for(project: &Project) -> Result<Option<English>, SetupError> {
    let config = &project.config.prose_check;
    if !config.enabled {
        return Ok(None);
    }
    let words = crate::project::words::read(&project.files)?;
    // The sender's name and address are printed in every letter.
    let sender = &project.config.sender;
    let words = Words::new(words.iter().map(String::as_str))
        .with_names(std::iter::once(&sender.name).chain(&sender.address).map(String::as_str));
    Ok(Some(English::new(config, words)?))
}
