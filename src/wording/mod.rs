//! The wording: Markdown templates with tera placeholders, and the frame
//! that hands a letter to the layout.
//!
//! A wording template (`templates/NAME.md.tera`) says only what the letter
//! says, in Markdown: headings for subject lines, lists, emphasis and
//! paragraphs. Its own text is Markdown as an office types it, and every
//! `{{ value }}` is escaped for Markdown ([`escape::markdown_pieces`]), so a
//! value prints as written; a prose field goes through the `markdown` filter,
//! which converts it on its own and leaves a [`markdown::prose_slot`] in its
//! place. The template's Markdown then goes through the one Markdown → typst
//! writer ([`markdown`]), and [`frame`] puts around it a call of
//! `layout.typ`'s `letter` with the letterhead, the recipient, the date and
//! reference, the signatory, the enclosures and the copies, as typst
//! strings. Nothing a template holds can run typst code.
//!
//! A template may start with front matter between `+++` lines (TOML):
//! `about` (one line for `letterpress templates`), the PDF's `title`,
//! `subject` and `keywords` (with placeholders), and the letter's kind:
//! `needs` (which of `inspection`, `visit`, `area`, `overall` the finding
//! file must have) and `checks` (`overall-vs-areas`, `visit-dates`).
//!
//! What a template sees: `letter` (the finding file's fields), `sender`
//! (letterpress.toml's `[sender]`), `summary` (`total`, and `parts`: each
//! judgement with its `count`, most common first), `language`, `draft`.
//! Filters:
//! - `markdown`: a prose field, as Markdown.
//! - `words`: a number in words (`12` → `twelve`).
//! - `count(noun="month")`: a number of a noun (`3` → `three months`).
//! - `judgement`: a judgement's word (`good`).
//! - `date(format="%d %B %Y")`, `date_range(to=…)`: dates as a letter writes
//!   them, never broken across lines.
//! - `sentence`: ends a clause with a full stop unless it has one.
//! - `nobreak`: keeps its words on one line (`{% filter nobreak %}Area for
//!   improvement {{ loop.index }}{% endfilter %}`).
//!
//! The number and date filters speak the letter's language, from the locale
//! table in [`locale`]. A letter in a language other than English uses the
//! template `NAME.CODE` (`monitoring.cy`), so each language's sentences are
//! a template a translator can own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tera::{Context, Tera};

use crate::model::{Config, Finding, Language, LetterKind, MarkdownOptions, Summary};
use crate::sandbox::{Kind, Sandbox};
use prose::ConvertedProse;

mod capped;
pub mod escape;
mod filters;
mod frame;
pub use frame::{Labels, address, closing, contacts, labels};
mod front;
pub use front::front_matter_len;
pub mod locale;
pub mod markdown;
mod prose;

/// Suffix of wording templates; autoescaping (for Markdown) applies to these.
pub const TEMPLATE_SUFFIX: &str = crate::project::builtin::WORDING_SUFFIX;

/// Suffix of the wording templates of letterpress before Markdown ones:
/// typst with tera inside. Reported, not read.
const OLD_SUFFIX: &str = ".typ.tera";

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
    /// A template's front matter is not valid.
    #[error("{file}:{line}: front matter: {message}")]
    FrontMatter {
        /// The template, as the project names it.
        file: String,
        /// The line of the file.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A project template in the old form, typst with tera inside.
    #[error(
        "{file} is a wording template in the old form (typst code with tera inside), which letterpress no longer reads; \
         write the wording as {new} instead: plain Markdown with {{{{ placeholders }}}}, no typst. \
         `letterpress templates --eject NAME` copies a built-in one to start from; the README's \"Changing the wording\" shows how"
    )]
    OldForm {
        /// The old file.
        file: String,
        /// The name it should have now.
        new: String,
    },
    /// The finding names a template that does not exist.
    #[error(
        "unknown template `{}`; available: {}",
        crate::diagnostic::quoted(.name),
        .available.join(", ")
    )]
    Unknown {
        /// The name asked for.
        name: String,
        /// The names that exist.
        available: Vec<String>,
    },
    /// The template exists, but not in the letter's language.
    #[error(
        "template `{shown}` has no {} version; add templates/{shown}.{}{TEMPLATE_SUFFIX}",
        .language.name(),
        .language.code(),
        shown = crate::diagnostic::quoted(.name)
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
    /// Words on every page of a copy sent out before the letter is final
    /// ("Draft for factual accuracy check"); such a copy is never signed.
    pub label: Option<&'a str>,
}

impl Output<'_> {
    /// A final letter on A4.
    pub const FINAL_A4: Output<'static> =
        Output { paper: "a4", draft: None, signature: None, primary: true, label: None };
}

/// One wording template, as its front matter describes it.
#[derive(Debug, Clone)]
pub struct TemplateInfo {
    /// The name finding files use (`monitoring`, `monitoring.cy`).
    pub name: String,
    /// The front matter's `about`.
    pub about: String,
    /// Whether the project has its own file (built-in otherwise).
    pub own: bool,
    /// What kind of letter it makes.
    pub kind: LetterKind,
}

/// A template's front matter, ready to render.
struct Parsed {
    info: TemplateInfo,
    /// Whether the front matter gives the PDF's title and subject.
    title: bool,
    subject: bool,
    keywords: usize,
}

/// The parsed templates of a project, built once and shared by all letters.
pub struct Templates {
    tera: Tera,
    /// Folder name the templates are registered under (`templates/`), so
    /// tera's error reports name the file as the user sees it.
    prefix: String,
    /// Every template by name, language versions too.
    parsed: BTreeMap<String, Parsed>,
    options: MarkdownOptions,
    /// Shared with the `markdown` filter, for tests to count conversions.
    #[cfg(test)]
    converted: Arc<Mutex<ConvertedProse>>,
}

impl Templates {
    /// Parses the built-in templates and every `*.md.tera` file under
    /// `dir`; a file with a built-in template's name replaces it. A file in
    /// the old form (`*.typ.tera`) is an error that says what to do.
    pub fn load(
        files: &Sandbox,
        dir: &Path,
        markdown: MarkdownOptions,
    ) -> Result<Templates, TemplateError> {
        let mut tera = Tera::new();
        tera.autoescape_on([TEMPLATE_SUFFIX]);
        tera.set_escape_fn(|text, out| {
            let mut written = Ok(());
            escape::markdown_pieces(text, |piece| {
                if written.is_ok() {
                    written = out.write_all(piece.as_bytes());
                }
            });
            written
        });
        let converted: Arc<Mutex<ConvertedProse>> = Arc::default();
        filters::register(&mut tera, markdown, Arc::clone(&converted));
        let prefix = dir.file_name().map_or(String::new(), |n| format!("{}/", n.to_string_lossy()));
        let mut sources: BTreeMap<String, (String, bool)> = crate::project::builtin::TEMPLATES
            .iter()
            .filter_map(|file| {
                let name = file.path.strip_prefix("templates/")?.strip_suffix(TEMPLATE_SUFFIX)?;
                Some((name.to_owned(), (file.contents.to_owned(), false)))
            })
            .collect();
        if dir.is_dir() {
            for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
                let entry = entry.map_err(|err| TemplateError::Io {
                    dir: dir.to_path_buf(),
                    source: err.into(),
                })?;
                let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
                let file = relative.to_string_lossy().replace('\\', "/");
                // A symlinked template is read (through the sandbox, which
                // refuses one pointing out of the project), never skipped.
                if !(entry.file_type().is_file() || entry.file_type().is_symlink()) {
                    continue;
                }
                if let Some(name) = file.strip_suffix(OLD_SUFFIX) {
                    return Err(TemplateError::OldForm {
                        file: format!("{prefix}{file}"),
                        new: format!("{prefix}{name}{TEMPLATE_SUFFIX}"),
                    });
                }
                let Some(name) = file.strip_suffix(TEMPLATE_SUFFIX) else { continue };
                let text = files.read_text(entry.path(), Kind::Template)?;
                sources.insert(name.to_owned(), (text, true));
            }
        }
        let mut raw: Vec<(String, String)> = Vec::new();
        let mut parsed = BTreeMap::new();
        for (name, (text, own)) in sources {
            let file = format!("{prefix}{name}{TEMPLATE_SUFFIX}");
            let split = front::split(&text).map_err(|line| TemplateError::FrontMatter {
                file: file.clone(),
                line,
                message: "the front matter's `+++` is never closed by another `+++` line".into(),
            })?;
            let front: front::FrontMatter = match &split.front {
                None => front::FrontMatter::default(),
                Some((toml_text, first_line)) => toml::from_str(toml_text).map_err(|err| {
                    let line = err.span().map_or(0, |s| toml_text[..s.start].matches('\n').count());
                    TemplateError::FrontMatter {
                        file: file.clone(),
                        line: first_line + line,
                        message: err.message().to_owned(),
                    }
                })?,
            };
            let mut field = |what: &str, text: &Option<String>| {
                if let Some(text) = text {
                    raw.push((format!("{file} (front matter: {what})"), text.clone()));
                }
                text.is_some()
            };
            let title = field("title", &front.title);
            let subject = field("subject", &front.subject);
            for (i, keyword) in front.keywords.iter().enumerate() {
                raw.push((format!("{file} (front matter: keywords {})", i + 1), keyword.clone()));
            }
            raw.push((file, split.body));
            let info = TemplateInfo {
                name: name.clone(),
                about: front.about.clone().unwrap_or_default(),
                own,
                kind: front.kind(),
            };
            parsed.insert(name, Parsed { info, title, subject, keywords: front.keywords.len() });
        }
        tera.add_raw_templates(raw.iter().map(|(name, text)| (name.as_str(), text.as_str())))
            .map_err(tera_error)?;
        Ok(Templates {
            tera,
            prefix,
            parsed,
            options: markdown,
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

    /// Names of the available wording templates, not counting the
    /// other-language versions (`monitoring.cy`).
    pub fn names(&self) -> Vec<String> {
        self.parsed.keys().filter(|n| !n.contains('.')).cloned().collect()
    }

    /// Every template, language versions too, by name.
    pub fn all(&self) -> impl Iterator<Item = &TemplateInfo> {
        self.parsed.values().map(|p| &p.info)
    }

    /// What kind of letter the template `name` makes; for a name that does
    /// not exist, the monitoring letter's (the finding's `template` field is
    /// reported unknown when the letter is worded).
    pub fn kind(&self, name: &str) -> LetterKind {
        self.parsed.get(name).map(|p| p.info.kind.clone()).unwrap_or_default()
    }

    /// Renders the letter's typst source with the template `name`.
    pub fn render(
        &self,
        name: &str,
        finding: &Finding,
        config: &Config,
        output: &Output<'_>,
    ) -> Result<String, TemplateError> {
        let worded = self.wording(name, finding, config, output)?;
        let slots: Vec<&str> =
            worded.slots.iter().map(|s| s.markup.as_str().unwrap_or_default()).collect();
        let body = markdown::wording_to_typst(&worded.markdown, &slots, self.options);
        let frame = frame::Frame {
            output,
            metadata: worded.metadata,
            date_line: worded.date_line,
            body: &body.markup,
            last_block: body.last_block,
        };
        Ok(frame::source(finding, config, &frame))
    }

    /// What the template `name` says for the letter, before any typst: its
    /// Markdown and the prose in it, its title and the date as printed. The
    /// PDF's typst and the DOCX are both made from this.
    pub fn wording(
        &self,
        name: &str,
        finding: &Finding,
        config: &Config,
        output: &Output<'_>,
    ) -> Result<Wording, TemplateError> {
        if !self.parsed.contains_key(name) || name.contains('.') {
            return Err(TemplateError::Unknown { name: name.to_owned(), available: self.names() });
        }
        let language = finding.language;
        let full = match language {
            Language::English => name.to_owned(),
            other => format!("{name}.{}", other.code()),
        };
        let Some(parsed) = self.parsed.get(&full) else {
            return Err(TemplateError::NoTranslation { name: name.to_owned(), language });
        };
        let file = format!("{}{full}{TEMPLATE_SUFFIX}", self.prefix);
        let mut context = Context::new();
        context.insert("language", language.code());
        context.insert("letter", finding);
        context.insert("sender", &config.sender);
        context.insert("summary", &Summary::of(finding.areas.iter().map(|a| a.judgement)));
        context.insert("primary", &output.primary);
        context.insert("paper", output.paper);
        context.insert("draft", &output.draft);
        context.insert("signature_image", &output.signature);
        let meta = |what: &str| -> Result<String, TemplateError> {
            self.tera
                .render(&format!("{file} (front matter: {what})"), &context)
                .map_err(tera_error)
        };
        let title = if parsed.title { meta("title")? } else { config.sender.name.clone() };
        let subject = if parsed.subject { meta("subject")? } else { title.clone() };
        let keywords = (1..=parsed.keywords)
            .map(|i| meta(&format!("keywords {i}")))
            .collect::<Result<Vec<_>, _>>()?;
        let (wording, slots) =
            filters::with_prose_slots(|| capped::render(&self.tera, &file, &context));
        let markdown = wording.map_err(tera_error)?;
        let date_line = locale::format_date(
            finding.date,
            match language {
                Language::English => "%d %B %Y",
                _ => "%e %B %Y",
            },
            locale::locale(language),
        )
        .unwrap_or_else(|_| finding.date.to_string());
        Ok(Wording {
            markdown,
            slots,
            metadata: frame::Metadata { title, subject, keywords },
            date_line,
        })
    }
}

/// A letter's wording, as [`Templates::wording`] makes it.
pub struct Wording {
    /// The template's Markdown; each prose field is a [`markdown::prose_slot`].
    pub markdown: String,
    slots: Vec<filters::Slot>,
    metadata: frame::Metadata,
    /// The date as the letter prints it.
    pub date_line: String,
}

impl Wording {
    /// The Markdown of each prose field, in the order of its slot.
    pub fn prose(&self) -> impl Iterator<Item = &str> {
        self.slots.iter().map(|s| s.markdown.as_str())
    }

    /// The document's title, as the template's front matter gives it.
    pub fn title(&self) -> &str {
        &self.metadata.title
    }
}

/// Keeps tera's report (message, template line, caret) without its own
/// `error: ` prefix, which the caller adds.
fn tera_error(err: tera::Error) -> TemplateError {
    let report = err.to_string();
    let report = report.strip_prefix("error: ").unwrap_or(&report);
    // A misspelt name as a filter's argument (`date_range(to=v.too)`) is
    // "expected `&str` but got `undefined`" to tera: said in plain words.
    let (first, rest) = report.split_once('\n').unwrap_or((report, ""));
    if first.contains("but got `undefined`") {
        return TemplateError::Tera(format!(
            "a name in this placeholder is not defined: check its spelling (the README lists the fields a template can use)\n{rest}"
        ));
    }
    TemplateError::Tera(report.to_owned())
}

#[cfg(test)]
mod tests;
