//! A folder's letters at a glance, for the preview's list page: each
//! letter's service area, date, status, language and problems, read from
//! its finding file (not rendered) and kept until the file changes, so
//! listing a folder of many letters costs one read of each changed file.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::SystemTime;

use crate::finding::TextChecks;
use crate::finding::english::English;
use crate::sandbox::{Kind, Sandbox};

/// What the list shows of one letter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Summary {
    /// The service area, when the file could be read.
    pub(super) service_area: String,
    pub(super) date: String,
    pub(super) status: String,
    pub(super) language: String,
    pub(super) errors: usize,
    pub(super) warnings: usize,
}

/// Summaries by finding file, with the size and time of the file read.
#[derive(Default)]
pub(super) struct Summaries {
    known: Mutex<HashMap<PathBuf, (u64, SystemTime, Summary)>>,
    /// The spelling and grammar checks the renders make, so the list counts
    /// the warnings a letter's own page shows.
    english: Mutex<Option<English>>,
}

impl Summaries {
    /// Counts warnings with `english` from now on (the project's word list
    /// or `[prose_check]` may have changed: every summary is read again).
    pub(super) fn check_with(&self, english: Option<&English>) {
        let mut held = self.english.lock().unwrap_or_else(|e| e.into_inner());
        if held.as_ref() != english {
            *held = english.cloned();
            self.known.lock().unwrap_or_else(|e| e.into_inner()).clear();
        }
    }

    /// The summary of the finding file at `path`, read through `files`.
    pub(super) fn of(&self, files: &Sandbox, path: &std::path::Path) -> Summary {
        let stamp = std::fs::metadata(path)
            .ok()
            .map(|m| (m.len(), m.modified().unwrap_or(SystemTime::UNIX_EPOCH)));
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        if let (Some(stamp), Some((len, time, summary))) = (stamp, known.get(path))
            && stamp == (*len, *time)
        {
            return summary.clone();
        }
        let english = self.english.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let summary = summarise(files, path, english.as_ref());
        if let Some((len, time)) = stamp {
            known.insert(path.to_path_buf(), (len, time, summary.clone()));
        }
        summary
    }
}

fn summarise(files: &Sandbox, path: &std::path::Path, english: Option<&English>) -> Summary {
    let text = match files.read_text(path, Kind::Finding) {
        Ok(text) => text,
        Err(_) => return Summary { errors: 1, ..Summary::default() },
    };
    let checks = TextChecks { markdown: &crate::wording::markdown::remarks, english };
    // Read as a monitoring letter: a letter of another kind may show a
    // missing section here that its own page does not.
    let kind_of = |_: Option<&str>| crate::model::LetterKind::default();
    let (finding, problems) = crate::finding::check(path, text, &checks, &kind_of);
    let (errors, warnings) = problems.counts();
    let mut summary = Summary { errors, warnings, ..Summary::default() };
    if let Some(finding) = finding {
        summary.service_area =
            finding.inspection.as_ref().map(|i| i.service_area.clone()).unwrap_or_default();
        summary.date = finding.date.to_string();
        summary.status = format!("{:?}", finding.status).to_lowercase();
        summary.language = finding.language.name().to_owned();
    }
    summary
}
