//! The wording: tera templates that turn a finding into typst source.
//!
//! Templates live in the project's `templates/` folder as `NAME.typ.tera`.
//! Autoescaping is on for them with the typst markup escaper, so a plain
//! `{{ letter.recipient.name }}` can never produce typst code; Markdown prose
//! goes through the `markdown` filter, whose output is marked safe because it
//! is produced by [`markdown`] and escaped there.
//!
//! Filters the templates can use:
//! - `markdown(lead="…")`: Markdown → typst markup, optional plain-text lead.
//! - `words`: a number in words (`12` → `twelve`).
//! - `count(noun="month")`: a number of a noun (`3` → `three months`).
//! - `judgement`: a judgement's word (`good`).
//! - `date(format="%d %B %Y")`, `date_range(to=…)`: dates as a letter writes them.
//!
//! The last four speak the letter's language (the context's `language`),
//! from the locale table in [`locale`]. A letter in a language other
//! than English uses the template `NAME.CODE` (`monitoring.cy`), so each
//! language's sentences are a template a translator can own.
//! - `sentence`: ends a clause with a full stop unless it has one.
//! - `typst_str`: a typst string literal, for code such as `author: …`.
//! - `typst_date`: a typst `datetime(…)` value, for document metadata.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tera::{Context, Tera};

use crate::model::{Config, Finding, Language, MarkdownOptions, Summary};
use crate::sandbox::{Kind, Sandbox};
use prose::ConvertedProse;

pub mod escape;
mod filters;
pub mod locale;
pub mod markdown;
mod prose;

/// Suffix of wording templates; autoescaping applies to these.
pub const TEMPLATE_SUFFIX: &str = ".typ.tera";

/// Why the wording could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The templates folder could not be read.
    #[error("cannot read templates in {}: {source}", .dir.display())]
    Io {
        /// The folder.
        dir: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A template file is outside the project, not a file, or too large.
    #[error("{0}")]
    Read(#[from] crate::sandbox::ReadError),
    /// A template has a syntax error, or failed while rendering; the report
    /// quotes the template line.
    #[error("{0}")]
    Tera(String),
    /// The finding names a template that does not exist.
    #[error("unknown template `{name}`; available: {}", .available.join(", "))]
    Unknown {
        /// The name asked for.
        name: String,
        /// The names that exist.
        available: Vec<String>,
    },
    /// The template exists, but not in the letter's language.
    #[error(
        "template `{name}` has no {} version; add templates/{name}.{}{TEMPLATE_SUFFIX}",
        .language.name(),
        .language.code()
    )]
    NoTranslation {
        /// The template's name.
        name: String,
        /// The letter's language.
        language: Language,
    },
}

/// How this rendering differs from the finding's own settings.
#[derive(Debug, Clone, Copy)]
pub struct Output<'a> {
    /// typst's paper name (`a4`, `us-letter`).
    pub paper: &'a str,
    /// For a draft, when it was rendered (shown on it); `None` for a final
    /// letter, which shows no clock time and so stays reproducible.
    pub draft: Option<&'a str>,
    /// The signature image (a project path) for a final letter, if any.
    pub signature: Option<&'a str>,
    /// Whether this letter's title and description are the PDF's: false for
    /// the second language of a bilingual letter.
    pub primary: bool,
}

impl Output<'_> {
    /// A final letter on A4.
    pub const FINAL_A4: Output<'static> =
        Output { paper: "a4", draft: None, signature: None, primary: true };
}

/// The parsed templates of a project, built once and shared by all letters.
pub struct Templates {
    tera: Tera,
    /// Folder name the templates are registered under (`templates/`), so
    /// tera's error reports name the file as the user sees it.
    prefix: String,
    /// Shared with the `markdown` filter, for tests to count conversions.
    #[cfg(test)]
    converted: Arc<Mutex<ConvertedProse>>,
}

impl Templates {
    /// Parses the built-in templates and every `*.typ.tera` file under
    /// `dir`; a file with a built-in template's name replaces it.
    pub fn load(
        files: &Sandbox,
        dir: &Path,
        markdown: MarkdownOptions,
    ) -> Result<Templates, TemplateError> {
        let mut tera = Tera::new();
        tera.autoescape_on([TEMPLATE_SUFFIX]);
        tera.set_escape_fn(|text, out| {
            let mut written = Ok(());
            escape::markup_pieces(text, |piece| {
                if written.is_ok() {
                    written = out.write_all(piece.as_bytes());
                }
            });
            written
        });
        let converted: Arc<Mutex<ConvertedProse>> = Arc::default();
        filters::register(&mut tera, markdown, Arc::clone(&converted));
        let prefix = dir.file_name().map_or(String::new(), |n| format!("{}/", n.to_string_lossy()));
        let mut sources: std::collections::BTreeMap<String, String> =
            crate::project::builtin::TEMPLATES
                .iter()
                .filter_map(|file| {
                    let name = file.path.strip_prefix("templates/")?;
                    name.ends_with(TEMPLATE_SUFFIX)
                        .then(|| (format!("{prefix}{name}"), file.contents.to_owned()))
                })
                .collect();
        if dir.is_dir() {
            for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
                let entry = entry.map_err(|err| TemplateError::Io {
                    dir: dir.to_path_buf(),
                    source: err.into(),
                })?;
                let name = entry.file_name().to_string_lossy();
                // A symlinked template is read (through the sandbox, which
                // refuses one pointing out of the project), never skipped.
                let kind = entry.file_type();
                if (kind.is_file() || kind.is_symlink()) && name.ends_with(TEMPLATE_SUFFIX) {
                    let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
                    let name = relative.to_string_lossy().replace('\\', "/");
                    let text = files.read_text(entry.path(), Kind::Template)?;
                    sources.insert(format!("{prefix}{name}"), text);
                }
            }
        }
        tera.add_raw_templates(sources.iter().map(|(name, text)| (name.as_str(), text.as_str())))
            .map_err(tera_error)?;
        Ok(Templates {
            tera,
            prefix,
            #[cfg(test)]
            converted,
        })
    }

    /// How many prose fields have been converted from Markdown, not taken
    /// from earlier renders.
    #[cfg(test)]
    fn markdown_conversions(&self) -> usize {
        self.converted.lock().unwrap_or_else(|e| e.into_inner()).conversions()
    }

    /// Names of the available wording templates (without the suffix), not
    /// counting the other-language versions (`monitoring.cy`).
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .tera
            .get_template_names()
            .filter_map(|n| n.strip_prefix(&self.prefix)?.strip_suffix(TEMPLATE_SUFFIX))
            .filter(|n| !n.contains('.'))
            .map(str::to_owned)
            .collect();
        names.sort();
        names
    }

    /// Renders the letter's typst source with the template `name`.
    pub fn render(
        &self,
        name: &str,
        finding: &Finding,
        config: &Config,
        output: &Output<'_>,
    ) -> Result<String, TemplateError> {
        let base = format!("{}{name}{TEMPLATE_SUFFIX}", self.prefix);
        if !self.tera.contains_template(&base) {
            return Err(TemplateError::Unknown { name: name.to_owned(), available: self.names() });
        }
        let language = finding.language;
        let full = match language {
            Language::English => base,
            other => format!("{}{name}.{}{TEMPLATE_SUFFIX}", self.prefix, other.code()),
        };
        if !self.tera.contains_template(&full) {
            return Err(TemplateError::NoTranslation { name: name.to_owned(), language });
        }
        let mut context = Context::new();
        context.insert("language", language.code());
        context.insert("primary", &output.primary);
        context.insert("letter", finding);
        context.insert("sender", &config.sender);
        context.insert("summary", &Summary::of(finding.areas.iter().map(|a| a.judgement)));
        context.insert("paper", output.paper);
        context.insert("draft", &output.draft);
        context.insert("signature_image", &output.signature);
        self.tera.render(&full, &context).map_err(tera_error)
    }
}

/// Keeps tera's report (message, template line, caret) without its own
/// `error: ` prefix, which the caller adds.
fn tera_error(err: tera::Error) -> TemplateError {
    let report = err.to_string();
    TemplateError::Tera(report.strip_prefix("error: ").unwrap_or(&report).to_owned())
}

#[cfg(test)]
mod tests;
