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
use crate::model::LetterKind;
use crate::render::Renderer;
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
    /// What the renders check, so the list counts the problems a letter's
    /// own page shows.
    checks: Mutex<Checks>,
}

/// What a render checks beyond the finding file itself: the English
/// checks, and what each wording template needs of a letter.
#[derive(Default, PartialEq)]
struct Checks {
    english: Option<English>,
    /// Each template's kind of letter, by name.
    kinds: HashMap<String, LetterKind>,
    /// The template a letter naming none uses.
    default_template: String,
}

impl Summaries {
    /// Counts problems as `renderer` finds them from now on (the project's
    /// templates, word list or `[prose_check]` may have changed: every
    /// summary is then read again).
    pub(super) fn check_as(&self, renderer: &Renderer) {
        let checks = Checks {
            english: renderer.english().cloned(),
            kinds: renderer.templates().all().map(|t| (t.name.clone(), t.kind.clone())).collect(),
            default_template: renderer.project().config.default_template.clone(),
        };
        let mut held = self.checks.lock().unwrap_or_else(|e| e.into_inner());
        if *held != checks {
            *held = checks;
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
        let summary =
            summarise(files, path, &self.checks.lock().unwrap_or_else(|e| e.into_inner()));
        if let Some((len, time)) = stamp {
            known.insert(path.to_path_buf(), (len, time, summary.clone()));
        }
        summary
    }
}

fn summarise(files: &Sandbox, path: &std::path::Path, checks: &Checks) -> Summary {
    let text = match files.read_text(path, Kind::Finding) {
        Ok(text) => text,
        Err(_) => return Summary { errors: 1, ..Summary::default() },
    };
    let english = checks.english.as_ref();
    let text_checks = TextChecks { markdown: &crate::wording::markdown::remarks, english };
    let kind_of = |name: Option<&str>| {
        let name = name.unwrap_or(&checks.default_template);
        checks.kinds.get(name).cloned().unwrap_or_default()
    };
    let (finding, problems) = crate::finding::check(path, text, &text_checks, &kind_of);
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
