//! What a letter is: the finding file's data, the project's settings and the
//! facts derived from them, as plain serde types.
//!
//! Every later stage speaks these types, and this module depends on none of
//! them: nothing here reads a file, so it is the one vocabulary the reader
//! (`finding`), the wording, the typesetter and the commands share.

mod config;
mod date;
pub mod fields;
mod file_name;
mod kind;
mod language;
pub mod schema;
mod summary;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use config::{Config, MarkdownOptions, OutputConfig, ProseCheckConfig, Sender};
pub use date::{Date, YearMonth};
pub use file_name::{FileNameError, FileNamePattern, PLACEHOLDERS as FILE_NAME_PLACEHOLDERS};
pub use kind::{Check, LetterKind, Section};
pub use language::Language;
pub use summary::{Summary, SummaryPart};

/// One post-inspection monitoring letter, as written by the inspector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The date printed on the letter; also the PDF's creation date.
    pub date: Date,
    /// Name of the wording template under `templates/` (without `.md.tera`).
    pub template: Option<String>,
    /// Whether the letter is a draft or final (ready to sign and send).
    pub status: Status,
    /// The language the letter is written in.
    pub language: Language,
    /// The same letter in another language, as a finding file relative to
    /// this one: the PDF then holds this letter and, after it, the other.
    pub translation: Option<String>,
    /// The inspectorate's reference, printed under the date and in the PDF.
    pub reference: Option<String>,
    /// What is enclosed with the letter, one entry each.
    pub enclosures: Vec<String>,
    /// Who the letter goes to.
    pub recipient: Recipient,
    /// The inspection being followed up (left out by letter kinds that do
    /// not need it; see [`LetterKind`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inspection: Option<Inspection>,
    /// The monitoring visit (left out by letter kinds that do not need it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visit: Option<Visit>,
    /// Who signs the letter.
    pub signatory: Signatory,
    /// The inspectorate's judgement of progress over all areas (left out by
    /// letter kinds that do not need it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overall: Option<Judgement>,
    /// Copies to, one entry per line.
    pub cc: Vec<String>,
    /// The areas for improvement, in the order of the inspection report
    /// (none for letter kinds that do not need them).
    #[serde(rename = "area", skip_serializing_if = "Vec::is_empty")]
    pub areas: Vec<Area>,
}

/// Where a letter is in its life.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Being written or reviewed: watermarked, not signed, placeholders allowed.
    Draft,
    /// The copy the provider checks for factual accuracy before the letter
    /// is final: complete (no placeholders, as a final letter), never
    /// signed, "Draft for factual accuracy check" on every page.
    #[serde(rename = "factual-accuracy")]
    FactualAccuracy,
    /// Ready to sign and send: no placeholders may remain.
    #[default]
    Final,
}

/// The addressee.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    /// Full name, e.g. "Anthony Douglas".
    pub name: String,
    /// Job title, e.g. "Chief Executive".
    pub role: String,
    /// Organisation, e.g. "Cafcass".
    pub organisation: String,
    /// Postal address lines, without the name and organisation.
    pub address: Vec<String>,
    /// Greeting line, e.g. "Dear Mr Douglas".
    pub salutation: String,
}

/// The inspection whose recommendations are being monitored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Inspection {
    /// The inspected provider, e.g. "Cafcass".
    pub provider: String,
    /// e.g. "Greater London service area".
    pub service_area: String,
    /// The service area's code, e.g. "S3".
    #[serde(default)]
    pub code: Option<String>,
    /// Monday of the inspection week.
    pub week_commencing: Date,
    /// Month the inspection report was published, "YYYY-MM".
    pub published: YearMonth,
}

/// The monitoring visit.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Visit {
    /// First day of the visit.
    pub from: Date,
    /// Last day of the visit (the same as `from` for one day).
    pub to: Date,
    /// Where inspectors went, completing "at …".
    pub locations: String,
    /// What inspectors assessed, one bullet each.
    pub assessed: Vec<String>,
    /// Whom inspectors met, one bullet each.
    pub met: Vec<String>,
}

/// The person signing the letter.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Signatory {
    /// Full name.
    pub name: String,
    /// Title under the name, e.g. "Her Majesty's Inspector".
    pub role: String,
}

/// One area for improvement and the progress made on it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    /// When the action was due.
    pub timescale: Timescale,
    /// The action, completing "ensure that …" (a final full stop is optional).
    pub action: String,
    /// What the inspection reported (Markdown), completing "… reported that".
    pub reported: String,
    /// The progress judgement.
    pub judgement: Judgement,
    /// The evidence for the judgement (Markdown).
    pub progress: String,
}

/// A progress judgement, best first.
///
/// Read whatever its case ("Good", "GOOD"): the letter words a judgement
/// itself ("Good progress has been made", "… judges that good progress"),
/// so the case it was typed in could never show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Judgement {
    /// Outstanding progress.
    Outstanding,
    /// Good progress.
    Good,
    /// Satisfactory progress.
    Satisfactory,
    /// Inadequate progress.
    Inadequate,
}

impl Judgement {
    /// Every judgement, best first.
    pub const ALL: [Judgement; 4] =
        [Judgement::Outstanding, Judgement::Good, Judgement::Satisfactory, Judgement::Inadequate];

    /// The word used in the letter.
    pub fn as_str(self) -> &'static str {
        match self {
            Judgement::Outstanding => "outstanding",
            Judgement::Good => "good",
            Judgement::Satisfactory => "satisfactory",
            Judgement::Inadequate => "inadequate",
        }
    }
}

impl<'de> Deserialize<'de> for Judgement {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Word;
        impl serde::de::Visitor<'_> for Word {
            type Value = Judgement;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a judgement")
            }
            fn visit_str<E: serde::de::Error>(self, word: &str) -> Result<Judgement, E> {
                const WORDS: &[&str] = &["outstanding", "good", "satisfactory", "inadequate"];
                Judgement::ALL
                    .into_iter()
                    .find(|j| j.as_str().eq_ignore_ascii_case(word))
                    .ok_or_else(|| E::unknown_variant(word, WORDS))
            }
        }
        deserializer.deserialize_str(Word)
    }
}

impl fmt::Display for Judgement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When an action had to be taken: "immediately" or "within N months/weeks".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(try_from = "String", tag = "kind", rename_all = "lowercase")]
pub enum Timescale {
    /// "ensure immediately that …"
    Immediately,
    /// "within three months ensure that …"
    Within {
        /// How many units.
        count: u32,
        /// "months" or "weeks" (singular when count is 1).
        unit: TimeUnit,
    },
}

/// Unit of a [`Timescale`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    /// Weeks.
    Weeks,
    /// Months.
    Months,
}

/// Read whatever its case ("Within 6 Months"): the letter words the
/// timescale itself from the count and the unit.
impl TryFrom<String> for Timescale {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        let expected = || {
            format!(
                "invalid timescale `{text}`, expected \"immediately\" or \"within N months\" (or weeks)"
            )
        };
        let lower = text.to_lowercase();
        let words: Vec<&str> = lower.split_whitespace().collect();
        match words.as_slice() {
            ["immediately"] => Ok(Timescale::Immediately),
            ["within", count, unit] => {
                const WORDS: [&str; 12] = [
                    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                    "eleven", "twelve",
                ];
                if let Some(n) = WORDS.iter().position(|w| w == count) {
                    return Err(format!(
                        "invalid timescale `{text}`: the number is written in figures here; did you mean \"within {} {unit}\"?",
                        n + 1
                    ));
                }
                let count: u32 = count.parse().map_err(|_| expected())?;
                let unit = match *unit {
                    "month" | "months" => TimeUnit::Months,
                    "week" | "weeks" => TimeUnit::Weeks,
                    _ => return Err(expected()),
                };
                if count == 0 {
                    return Err(expected());
                }
                Ok(Timescale::Within { count, unit })
            }
            _ => Err(expected()),
        }
    }
}

impl Finding {
    /// Where the translation of the finding file at `path` is, if it has one:
    /// `translation` is relative to the finding file's folder.
    pub fn translation_path(&self, path: &Path) -> Option<PathBuf> {
        Some(beside(path, self.translation.as_ref()?))
    }
}

/// `name`, relative to the folder of the finding file at `path`.
pub(crate) fn beside(path: &Path, name: &str) -> PathBuf {
    path.parent().unwrap_or(Path::new("")).join(name)
}
