//! The project's settings (`letterpress.toml`): the sender's letterhead and
//! how letters are read, named and checked.

use serde::{Deserialize, Serialize};

use super::FileNamePattern;

/// The sender's details printed in the letterhead and used in the wording.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sender {
    /// Organisation name as used in sentences, e.g. "Ofsted".
    pub name: String,
    /// Postal address lines.
    pub address: Vec<String>,
    /// Telephone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// Textphone number.
    #[serde(default)]
    pub textphone: Option<String>,
    /// Enquiries e-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// Web address.
    #[serde(default)]
    pub web: Option<String>,
}

/// Contents of `letterpress.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The letterhead.
    pub sender: Sender,
    /// Template used when a finding names none.
    #[serde(default = "default_template")]
    pub default_template: String,
    /// How prose fields are read.
    #[serde(default)]
    pub markdown: MarkdownOptions,
    /// Signature images by signatory name, as paths inside the project
    /// (PNG, JPEG or SVG); shown on final letters only.
    #[serde(default)]
    pub signatures: std::collections::BTreeMap<String, String>,
    /// How output files are named and checked.
    #[serde(default)]
    pub output: OutputConfig,
    /// The closing phrase of every letter by language code (`en = "Yours
    /// faithfully"`); by default "Yours sincerely" and "Yn gywir".
    #[serde(default)]
    pub closing: std::collections::BTreeMap<String, String>,
    /// Which British English spelling and grammar checks `check` makes.
    #[serde(default)]
    pub prose_check: ProseCheckConfig,
}

/// The `[prose_check]` table: British English spelling and grammar of the
/// text an inspector wrote, reported as warnings by `check`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProseCheckConfig {
    /// `false` turns every spelling and grammar check off.
    pub enabled: bool,
    /// Checks to turn off, by the name a warning ends with (`spelling`,
    /// `a-an` …).
    pub disable: Vec<String>,
}

impl Default for ProseCheckConfig {
    fn default() -> Self {
        Self { enabled: true, disable: Vec::new() }
    }
}

/// The `[output]` table: how PDFs are named, and how long a letter may be.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OutputConfig {
    /// File name of each PDF in the output folder, e.g.
    /// `{date}-{service_area}.pdf`; by default the finding file's name.
    #[serde(default)]
    pub file_name: FileNamePattern,
    /// A letter with more pages than this is reported with a warning (a
    /// postal letter's envelope and postage allow only so many sheets).
    #[serde(default)]
    pub max_pages: Option<usize>,
}

fn default_template() -> String {
    "monitoring".into()
}

/// Choices that change how Markdown is read (`[markdown]` in
/// `letterpress.toml`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownOptions {
    /// Turn straight quotes into curly ones and `--` into dashes.
    pub smart_punctuation: bool,
}
