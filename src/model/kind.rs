//! What kind of letter a wording template makes: which parts of a finding
//! file it needs and which checks apply, as its front matter declares.

use serde::{Deserialize, Serialize};

/// A part of a finding file a wording template may leave out. The date,
/// recipient and signatory are always needed: the layout prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Section {
    /// `[recipient]` (always needed).
    Recipient,
    /// `[signatory]` (always needed).
    Signatory,
    /// `[inspection]`.
    Inspection,
    /// `[visit]`.
    Visit,
    /// The `[[area]]` tables (at least one).
    Area,
    /// `overall`.
    Overall,
}

/// A check across fields a wording template may turn off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// The overall judgement agrees with the areas' most common one.
    OverallVsAreas,
    /// The visit ends after it starts, after the inspection week and by the
    /// letter's date.
    VisitDates,
}

/// The parts of a finding file a letter needs and the checks that apply.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LetterKind {
    /// The sections the wording uses; the others may be left out of the
    /// finding file.
    #[serde(default = "all_sections")]
    pub needs: Vec<Section>,
    /// The checks that apply.
    #[serde(default = "all_checks")]
    pub checks: Vec<Check>,
}

impl Default for LetterKind {
    /// What the monitoring letter needs: everything, every check.
    fn default() -> Self {
        LetterKind { needs: all_sections(), checks: all_checks() }
    }
}

impl LetterKind {
    /// Whether the wording uses `section`.
    pub fn needs(&self, section: Section) -> bool {
        matches!(section, Section::Recipient | Section::Signatory) || self.needs.contains(&section)
    }

    /// Whether `check` applies.
    pub fn checks(&self, check: Check) -> bool {
        self.checks.contains(&check)
    }
}

fn all_sections() -> Vec<Section> {
    vec![
        Section::Recipient,
        Section::Signatory,
        Section::Inspection,
        Section::Visit,
        Section::Area,
        Section::Overall,
    ]
}

fn all_checks() -> Vec<Check> {
    vec![Check::OverallVsAreas, Check::VisitDates]
}
