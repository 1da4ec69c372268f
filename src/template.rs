//! The wording: tera templates that turn a finding into typst source.
//!
//! Templates live in the project's `templates/` folder as `NAME.typ.tera`.
//! Autoescaping is on for them with the typst markup escaper, so a plain
//! `{{ letter.recipient.name }}` can never produce typst code; Markdown prose
//! goes through the `markdown` filter, whose output is marked safe because it
//! is produced by [`crate::markdown`] and escaped there.
//!
//! Filters the templates can use:
//! - `markdown(lead="…")`: Markdown → typst markup, optional plain-text lead.
//! - `words`: a number in words (`12` → `twelve`).
//! - `count(noun="month")`: a number of a noun (`3` → `three months`).
//! - `judgement`: a judgement's word (`good`).
//! - `date(format="%d %B %Y")`, `date_range(to=…)`: dates as a letter writes them.
//!
//! The last four speak the letter's language (the context's `language`),
//! from the locale table in [`crate::wording`]. A letter in a language other
//! than English uses the template `NAME.CODE` (`monitoring.cy`), so each
//! language's sentences are a template a translator can own.
//! - `sentence`: ends a clause with a full stop unless it has one.
//! - `typst_str`: a typst string literal, for code such as `author: …`.
//! - `typst_date`: a typst `datetime(…)` value, for document metadata.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tera::{Context, Kwargs, State, Tera, TeraResult, Value};

use crate::escape;
use crate::finding::{Date, Finding};
use crate::markdown::{self, MarkdownOptions};
use crate::project::Config;
use crate::wording::{self, Language, Locale, Noun, Summary};

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
    /// Shared with the `markdown` filter.
    converted: Arc<Mutex<ConvertedProse>>,
}

impl Templates {
    /// Parses the built-in templates and every `*.typ.tera` file under
    /// `dir`; a file with a built-in template's name replaces it.
    pub fn load(dir: &Path, markdown: MarkdownOptions) -> Result<Templates, TemplateError> {
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
        let converted = Arc::default();
        register_filters(&mut tera, markdown, Arc::clone(&converted));
        let prefix = dir.file_name().map_or(String::new(), |n| format!("{}/", n.to_string_lossy()));
        let mut sources: std::collections::BTreeMap<String, String> = crate::builtin::TEMPLATES
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
                if entry.file_type().is_file() && name.ends_with(TEMPLATE_SUFFIX) {
                    let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
                    let name = relative.to_string_lossy().replace('\\', "/");
                    let text = std::fs::read_to_string(entry.path()).map_err(|source| {
                        TemplateError::Io { dir: entry.path().to_path_buf(), source }
                    })?;
                    sources.insert(format!("{prefix}{name}"), text);
                }
            }
        }
        tera.add_raw_templates(sources.iter().map(|(name, text)| (name.as_str(), text.as_str())))
            .map_err(tera_error)?;
        Ok(Templates { tera, prefix, converted })
    }

    /// How many prose fields have been converted from Markdown, not taken
    /// from earlier renders (a cheap check, in tests, that an unchanged
    /// field is not converted again).
    pub fn markdown_conversions(&self) -> usize {
        self.converted.lock().unwrap_or_else(|e| e.into_inner()).conversions
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

fn register_filters(
    tera: &mut Tera,
    options: MarkdownOptions,
    converted: Arc<Mutex<ConvertedProse>>,
) {
    tera.register_filter("markdown", move |text: &str, kwargs: Kwargs, _: &State| {
        let lead: Option<&str> = kwargs.get("lead")?;
        let mut converted = converted.lock().unwrap_or_else(|e| e.into_inner());
        TeraResult::Ok(converted.markup(text, lead, options))
    });
    tera.register_filter("typst_str", |text: &str, _: Kwargs, _: &State| {
        Value::safe_string(&escape::string(text))
    });
    tera.register_filter("words", |n: u64, _: Kwargs, state: &State| {
        TeraResult::Ok(locale(state)?.number_words(n))
    });
    tera.register_filter("count", |n: u64, kwargs: Kwargs, state: &State| {
        let name: &str = kwargs.must_get("noun")?;
        let noun = Noun::from_name(name).ok_or_else(|| {
            tera::Error::message(format!("unknown noun `{name}`; use area, week or month"))
        })?;
        TeraResult::Ok(locale(state)?.count(n, noun))
    });
    tera.register_filter("judgement", |text: &str, _: Kwargs, state: &State| {
        let judgement = crate::finding::Judgement::ALL
            .into_iter()
            .find(|j| j.as_str() == text)
            .ok_or_else(|| tera::Error::message(format!("`{text}` is not a judgement")))?;
        TeraResult::Ok(locale(state)?.judgement(judgement))
    });
    tera.register_filter("date", |text: &str, kwargs: Kwargs, state: &State| {
        let format: &str = kwargs.get("format")?.unwrap_or("%e %B %Y");
        wording::format_date(iso_date(text)?, format, locale(state)?).map_err(tera::Error::message)
    });
    tera.register_filter("date_range", |text: &str, kwargs: Kwargs, state: &State| {
        let to: &str = kwargs.must_get("to")?;
        TeraResult::Ok(wording::format_date_range(iso_date(text)?, iso_date(to)?, locale(state)?))
    });
    tera.register_filter("typst_date", |text: &str, _: Kwargs, _: &State| {
        let d = iso_date(text)?;
        TeraResult::Ok(Value::safe_string(&format!(
            "datetime(year: {}, month: {}, day: {})",
            d.year, d.month, d.day
        )))
    });
    tera.register_filter("sentence", |text: &str, _: Kwargs, _: &State| {
        let text = text.trim_end();
        if text.ends_with(['.', '!', '?']) { text.to_owned() } else { format!("{text}.") }
    });
}

/// Prose already converted from Markdown, kept between renders.
///
/// In the edit-preview loop a letter is worded again after every save, but
/// an edit touches one field: the others convert exactly as before (the
/// conversion depends on the text, the lead and the project's Markdown
/// options only), so their markup is looked up rather than made again. That
/// takes a third off the wording's time in a warm re-render (BENCHMARKS.md).
/// Bounded: emptied when it holds more than [`ConvertedProse::LIMIT`] bytes
/// of prose, so a batch of distinct letters only passes through it.
#[derive(Default)]
struct ConvertedProse {
    /// Entries by the hash of their text and lead; equal hashes are told
    /// apart by comparing the texts.
    by_hash: std::collections::HashMap<u64, Vec<ProseEntry>>,
    bytes: usize,
    conversions: usize,
}

struct ProseEntry {
    text: Box<str>,
    lead: Option<Box<str>>,
    markup: Value,
}

impl ConvertedProse {
    const LIMIT: usize = 1 << 20;

    /// The typst markup of `text` with `lead`, converted only if not already.
    fn markup(&mut self, text: &str, lead: Option<&str>, options: MarkdownOptions) -> Value {
        use std::hash::BuildHasher;
        let hash = foldhash::fast::FixedState::default().hash_one((text, lead));
        let same = |e: &&ProseEntry| *e.text == *text && e.lead.as_deref() == lead;
        if let Some(entry) = self.by_hash.get(&hash).and_then(|list| list.iter().find(same)) {
            return entry.markup.clone();
        }
        let markup = Value::safe_string(&markdown::to_typst(text, lead, options).markup);
        self.conversions += 1;
        let size = text.len() + lead.map_or(0, str::len);
        if self.bytes + size > Self::LIMIT {
            self.by_hash.clear();
            self.bytes = 0;
        }
        self.bytes += size;
        let entry = ProseEntry { text: text.into(), lead: lead.map(Into::into), markup };
        let markup = entry.markup.clone();
        self.by_hash.entry(hash).or_default().push(entry);
        markup
    }
}

/// The locale of the letter being rendered (English when the context has no
/// `language`, as in a template rendered on its own).
fn locale(state: &State) -> TeraResult<&'static Locale> {
    // As a `Value`: a short string is held inline, so this allocates nothing.
    let code: Option<Value> = state.get("language")?;
    match code.as_ref().map(|code| code.as_str().unwrap_or_default()) {
        None => Ok(Language::English.locale()),
        Some(code) => Language::from_code(code)
            .map(Language::locale)
            .ok_or_else(|| tera::Error::message(format!("unknown language `{code}`"))),
    }
}

/// Keeps tera's report (message, template line, caret) without its own
/// `error: ` prefix, which the caller adds.
fn tera_error(err: tera::Error) -> TemplateError {
    let report = err.to_string();
    TemplateError::Tera(report.strip_prefix("error: ").unwrap_or(&report).to_owned())
}

fn iso_date(text: &str) -> TeraResult<Date> {
    wording::parse_iso_date(text)
        .ok_or_else(|| tera::Error::message(format!("`{text}` is not a date like 2010-12-01")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Judgement::{self, *};
    use crate::project::Project;

    fn render_with(judgements: &[Judgement]) -> String {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let project = Project::discover(root).unwrap();
        let templates = Templates::load(&project.templates_dir(), project.config.markdown).unwrap();
        let mut finding = Finding::load(&root.join("letters/cafcass-greater-london.toml")).unwrap();
        let template_area = finding.areas[0].clone();
        finding.areas = judgements
            .iter()
            .map(|j| crate::finding::Area { judgement: *j, ..template_area.clone() })
            .collect();
        let source =
            templates.render("monitoring", &finding, &project.config, &Output::FINAL_A4).unwrap();
        source.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn unchanged_prose_is_not_converted_again() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let project = Project::discover(root).unwrap();
        let templates = Templates::load(&project.templates_dir(), project.config.markdown).unwrap();
        let mut finding = Finding::load(&root.join("letters/cafcass-greater-london.toml")).unwrap();
        let render = |finding: &Finding| {
            templates.render("monitoring", finding, &project.config, &Output::FINAL_A4).unwrap()
        };
        let first = render(&finding);
        let converted = templates.markdown_conversions();
        assert_eq!(converted, 2 * finding.areas.len(), "each area's two prose fields");
        assert_eq!(render(&finding), first);
        assert_eq!(templates.markdown_conversions(), converted);
        finding.areas[3].progress.push_str(" An *edit*.");
        let edited = render(&finding);
        assert_eq!(templates.markdown_conversions(), converted + 1);
        assert!(edited.contains("An #emph[edit];") && !first.contains("#emph[edit]"));
    }

    #[test]
    fn converted_prose_is_told_apart_by_its_lead_and_stays_bounded() {
        let mut converted = ConvertedProse::default();
        let plain = converted.markup("ok", None, MarkdownOptions::default());
        let led = converted.markup("ok", Some("It is "), MarkdownOptions::default());
        assert_ne!(plain.as_str(), led.as_str());
        assert_eq!(converted.conversions, 2);
        let long = "x".repeat(ConvertedProse::LIMIT / 3);
        for n in 0..5 {
            converted.markup(&format!("{n}{long}"), None, MarkdownOptions::default());
            assert!(converted.bytes <= ConvertedProse::LIMIT);
        }
        assert_eq!(converted.conversions, 7);
    }

    #[test]
    fn summary_of_the_exemplar() {
        let mut js = vec![Satisfactory; 8];
        js.extend([Inadequate, Good, Inadequate, Good]);
        let source = render_with(&js);
        assert!(source.contains(
            "judges that satisfactory progress has been made in eight of the twelve areas for \
             improvement, good progress in two and inadequate progress in two."
        ));
        assert!(source.contains("identified twelve areas for improvement."));
    }

    #[test]
    fn summary_of_a_single_area() {
        let source = render_with(&[Good]);
        assert!(source.contains("good progress has been made in the one area for improvement."));
        assert!(source.contains("identified one area for improvement."));
    }

    #[test]
    fn summary_when_all_areas_share_a_judgement() {
        assert!(
            render_with(&[Satisfactory; 3]).contains(
                "satisfactory progress has been made in all three areas for improvement."
            )
        );
        assert!(
            render_with(&[Good; 2])
                .contains("good progress has been made in both areas for improvement.")
        );
    }

    #[test]
    fn summary_of_a_tie_puts_the_better_judgement_first() {
        let source = render_with(&[Inadequate, Good, Good, Inadequate]);
        assert!(source.contains(
            "good progress has been made in two of the four areas for improvement and \
             inadequate progress in two."
        ));
    }

    #[test]
    fn summary_of_two_judgements() {
        let source = render_with(&[Outstanding, Satisfactory, Satisfactory]);
        assert!(source.contains(
            "satisfactory progress has been made in two of the three areas for improvement and \
             outstanding progress in one."
        ));
    }

    #[test]
    fn unknown_template_lists_the_available_ones() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let project = Project::discover(root).unwrap();
        let templates = Templates::load(&project.templates_dir(), project.config.markdown).unwrap();
        let finding = Finding::load(&root.join("letters/cafcass-greater-london.toml")).unwrap();
        let err = templates
            .render("nope", &finding, &project.config, &Output::FINAL_A4)
            .unwrap_err()
            .to_string();
        assert_eq!(err, "unknown template `nope`; available: brief, monitoring");
    }
}
