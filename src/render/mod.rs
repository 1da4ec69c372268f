//! One letter end to end: finding file → wording → typst → PDF file.
//!
//! A [`Renderer`] holds what all letters of a project share (the parsed
//! templates, the fonts), so rendering many letters parses each only once;
//! one that renders the same letters again and again (`watch`, `serve`) also
//! keeps each letter as last worded (`recent`), so an unchanged one is not
//! worded again. There is one way to render a letter: [`Renderer::prepare`]
//! reads, validates and words it; [`Renderer::lay_out`] turns it into a
//! [`Document`] to take the PDF and page images from; [`Renderer::render`]
//! does both and writes the files, for every command that writes one.

mod bilingual;
mod check;
mod document;
mod docx;
mod english;
mod guard;
mod locate;
mod recent;
mod signatures;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use codespan_reporting::term::termcolor::WriteColor;
use typst_pdf::{PdfStandard, PdfStandards};

use crate::diagnostic::{FileProblems, display_path};
use crate::finding::TextChecks;
use crate::finding::english::English;
use crate::model::{Finding, Status};
use crate::output::{Destination, Format, OutputError, OwnerRecords, Place};
use crate::project::Project;
use crate::typeset::{FilePool, PageImages, StandardsError, Typesetter, TypstError};
use crate::wording::{Output, TemplateError, Templates};
use recent::{RecentLetters, Remembered};

pub use document::Document;
pub use guard::guarded;

/// Why one letter could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    /// The finding file is missing or invalid.
    #[error("{0}")]
    Finding(#[from] Box<FileProblems>),
    /// The wording template failed.
    #[error("{0}")]
    Template(#[from] TemplateError),
    /// typst could not lay out the letter.
    #[error("{0}")]
    Typst(#[from] TypstError),
    /// The PDF could not be named or written.
    #[error("{0}")]
    Output(#[from] OutputError),
    /// letterpress itself failed (it panicked) while making the letter.
    #[error(
        "letterpress failed inside while making this letter (a bug, not a mistake in the file): {0}; please report it with the finding file and the command"
    )]
    Internal(String),
}

impl LetterError {
    /// Writes the error as a person reads it: a finding file's problems with
    /// snippets, typst's report as it is, anything else as one `error:` line.
    /// The one way every command shows a letter's error.
    pub fn emit(&self, out: &mut dyn WriteColor) -> std::io::Result<()> {
        match self {
            LetterError::Finding(problems) => problems.emit(out),
            // typst's report starts every diagnostic with its severity.
            LetterError::Typst(_) => {
                writeln!(out, "{}", crate::diagnostic::visible_controls(&self.to_string()))
            }
            LetterError::Template(_) | LetterError::Output(_) | LetterError::Internal(_) => {
                writeln!(out, "error: {self}")
            }
        }
    }
}

/// Why a project's renderer could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// A template does not parse.
    #[error("{0}")]
    Templates(#[from] TemplateError),
    /// A signature image in `letterpress.toml` is not usable.
    #[error(
        "signature image for {} in letterpress.toml: {reason}",
        crate::diagnostic::quoted(.name)
    )]
    Signature {
        /// The signatory.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// The PDF standards asked for cannot be combined.
    #[error("{0}")]
    Standards(#[from] StandardsError),
    /// The project's word list cannot be read.
    #[error("{0}")]
    Words(#[from] crate::project::WordsError),
    /// `letterpress.toml` names a prose check rule that does not exist.
    #[error("{0}")]
    ProseRule(#[from] crate::finding::english::UnknownRule),
    /// The project's fonts folder could not be read.
    #[error("cannot read the fonts in {}: {source}", .dir.display())]
    Fonts {
        /// The folder.
        dir: PathBuf,
        /// Why.
        source: crate::sandbox::ReadError,
    },
}

/// The fonts a project renders with.
enum Fonts {
    /// Only the embedded fonts: the process-wide instance.
    Embedded(&'static Typesetter),
    /// The embedded fonts and the project's own.
    Project(Box<Typesetter>),
}

/// Paper sizes a letter can be laid out on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Paper {
    /// ISO A4, 210 × 297 mm.
    #[default]
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

impl Paper {
    /// typst's name for the paper size.
    pub fn typst_name(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::Letter => "us-letter",
        }
    }
}

/// Renders the letters of one project.
pub struct Renderer {
    project: Project,
    files: FilePool,
    templates: Templates,
    fonts: Fonts,
    paper: Paper,
    extra_standards: Vec<PdfStandard>,
    standards: PdfStandards,
    force_draft: bool,
    /// PDF, or an editable DOCX copy.
    format: Format,
    /// Whether a letter with warnings fails.
    deny_warnings: bool,
    /// The British English checker, unless `[prose_check]` turns it off.
    english: Option<English>,
    /// Letters prepared lately, when the renderer keeps them.
    recent: Option<Mutex<RecentLetters>>,
}

/// A letter read, validated and worded: what typst lays out.
#[derive(Clone)]
pub struct PreparedLetter {
    /// The finding file, as it was named.
    pub path: PathBuf,
    /// The finding file's contents.
    pub finding: Arc<Finding>,
    /// The typst source the wording template made of it (and of its
    /// translation, if it has one).
    pub source: Arc<str>,
    /// The text it was made from.
    pub inputs: Inputs,
    /// The finding file's warnings (its text, for snippets, included).
    pub warnings: Arc<FileProblems>,
    /// Whether the English checks are still to run ([`Renderer::beside_english`]).
    english_apart: bool,
}

/// The text a letter was made from, as read once for this render: what a
/// batch fingerprints, so the fingerprint it records is of exactly what the
/// PDF shows even when the file is edited during the run.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The finding file's text.
    pub text: Arc<str>,
    /// The translation's text, for a bilingual letter.
    pub translation: Option<Arc<str>>,
}

/// The files [`Renderer::render`] wrote.
#[derive(Debug)]
pub struct Written {
    /// The PDF (or the DOCX, when that is the format).
    pub pdf: PathBuf,
    /// The page images, if asked for.
    pub images: Vec<PathBuf>,
    /// How many pages the letter has.
    pub pages: usize,
    /// The text it was made from.
    pub inputs: Inputs,
    /// The project files typst read for it (layout, images, ...), with
    /// digests of what it was given.
    pub files_read: crate::typeset::FilesRead,
    /// The PDF's bytes as written.
    pub bytes: Vec<u8>,
    /// The finding file's warnings.
    pub warnings: Arc<FileProblems>,
}

impl Renderer {
    /// Parses the project's templates and reads its extra fonts, if any.
    pub fn new(project: Project) -> Result<Renderer, SetupError> {
        let templates =
            Templates::load(&project.files, &project.templates_dir(), project.config.markdown)?;
        let dir = project.root.join("fonts");
        let fonts = match Typesetter::with_fonts_from(&project.files, &dir) {
            Ok(Some(own)) => Fonts::Project(Box::new(own)),
            Ok(None) => Fonts::Embedded(Typesetter::shared()),
            Err(source) => return Err(SetupError::Fonts { dir, source }),
        };
        signatures::check(&project)?;
        let english = english::english_for(&project)?;
        let standards = crate::typeset::pdf_standards(&[])?;
        let fallback = |name: &str| crate::project::builtin::template(name).map(|f| f.contents);
        Ok(Renderer {
            files: FilePool::new(&project.files, fallback),
            project,
            templates,
            fonts,
            paper: Paper::default(),
            extra_standards: Vec::new(),
            standards,
            force_draft: false,
            format: Format::Pdf,
            deny_warnings: false,
            english,
            recent: None,
        })
    }

    /// Lays letters out on `paper` and exports them conforming to PDF/UA-1
    /// and the `extra` standards (e.g. PDF/A-2b for archive copies).
    pub fn with_output(mut self, paper: Paper, extra: &[PdfStandard]) -> Result<Self, SetupError> {
        self.paper = paper;
        self.standards = crate::typeset::pdf_standards(extra)?;
        self.extra_standards = extra.to_vec();
        self.forget_letters();
        Ok(self)
    }

    /// Renders every letter as a draft, whatever its `status`.
    pub fn with_draft(mut self, draft: bool) -> Self {
        self.force_draft = draft;
        self.forget_letters();
        self
    }

    /// Writes letters as `format` (the PDF, or an editable DOCX copy).
    pub fn with_format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// What letters are written as.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Fails a letter that has warnings, as `--deny-warnings` asks.
    pub fn denying_warnings(mut self, deny: bool) -> Self {
        self.deny_warnings = deny;
        self.forget_letters();
        self
    }

    /// Keeps the letters it prepares, so that one prepared again unchanged
    /// is not parsed and worded again (see [`Renderer::prepare`]): for a
    /// renderer that renders the same letters again and again, as `watch`
    /// and `serve` do. A batch or a single render prepares each letter once
    /// and would only pay for keeping them.
    pub fn remembering(mut self) -> Self {
        self.recent = Some(Mutex::default());
        self
    }

    /// Letters worded with other settings are not what they would be now.
    fn forget_letters(&mut self) {
        if self.recent.is_some() {
            self.recent = Some(Mutex::default());
        }
    }

    /// The output settings, as text for fingerprints: a letter rendered
    /// with other settings is a different PDF.
    pub fn settings_key(&self) -> String {
        format!(
            "{:?} {:?} {} {} {:?}",
            self.paper, self.extra_standards, self.force_draft, self.deny_warnings, self.format
        )
    }

    /// The warnings looked for in the text an inspector wrote: Markdown a
    /// letter cannot show, and British English spelling and grammar.
    pub fn text_checks(&self) -> TextChecks<'_> {
        TextChecks { markdown: &crate::wording::markdown::remarks, english: self.english.as_ref() }
    }

    /// The project's British English checker, unless `[prose_check]` turns
    /// it off.
    pub fn english(&self) -> Option<&English> {
        self.english.as_ref()
    }

    /// The typesetter (fonts and typst library) letters are compiled with.
    pub fn typesetter(&self) -> &Typesetter {
        match &self.fonts {
            Fonts::Embedded(shared) => shared,
            Fonts::Project(own) => own,
        }
    }

    /// The project's files as typst parsed them, reused from letter to letter.
    pub fn files(&self) -> &FilePool {
        &self.files
    }

    /// The project the renderer serves.
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// Reads, validates and words the letter in `finding_path`.
    ///
    /// A [remembering](Renderer::remembering) renderer does not word a
    /// letter again while its finding file, and its translation if it has
    /// one, read as they did when it was last prepared: its source depends
    /// only on those texts, on what the renderer holds fixed (templates,
    /// config, output settings) and, in a draft, on the minute its stamp
    /// shows, which is compared too. That is a common case in the
    /// edit-preview loop: `serve` renders every open letter again after a
    /// save to any of them, and a save without an edit is still a change.
    pub fn prepare(&self, finding_path: &Path) -> Result<PreparedLetter, LetterError> {
        let text = self.read_finding_text(finding_path)?;
        self.prepare_text(finding_path, text)
    }

    /// [`Renderer::prepare`] for finding-file text already read (or not yet
    /// written: `finding_path` is where it is, or will be).
    pub fn prepare_text(
        &self,
        finding_path: &Path,
        text: String,
    ) -> Result<PreparedLetter, LetterError> {
        let mut letter = self.prepare_found(finding_path, text, None, true)?;
        // A letter remembered by `render` (watch) without them.
        if let Some(english) = self.english.as_ref().filter(|_| letter.english_apart) {
            let found =
                crate::finding::english_warnings(&letter.inputs.text, &letter.finding, english);
            self.add_english(&mut letter, found)?;
        }
        Ok(letter)
    }

    /// [`Renderer::prepare_text`], given what [`crate::finding::check`]
    /// already found in `text` (so `check` reads it once), or `None`; the
    /// English checks left to [`Renderer::beside_english`] unless `english`.
    fn prepare_found(
        &self,
        finding_path: &Path,
        text: String,
        mut found: Option<Found>,
        english: bool,
    ) -> Result<PreparedLetter, LetterError> {
        let shown = display_path(finding_path);
        let now = crate::wording::locale::now_utc();
        let prepared = |(finding, warnings): (Finding, FileProblems),
                        worded: &bilingual::Worded,
                        text: &str| PreparedLetter {
            path: finding_path.to_path_buf(),
            finding: Arc::new(finding),
            source: worded.source.as_str().into(),
            inputs: Inputs {
                text: text.into(),
                translation: worded.translation.as_ref().map(|(_, text)| text.as_str().into()),
            },
            warnings: Arc::new(warnings),
            english_apart: !english && self.english.is_some(),
        };
        let Some(recent) = &self.recent else {
            let checked = self.checked(&shown, text.clone(), found.take(), english)?;
            let worded = self.worded(finding_path, &checked.0, &now)?;
            return Ok(prepared(checked, &worded, &text));
        };
        // The map is consistent after any panic: entries are inserted whole.
        let lock = || recent.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(letter) = lock().recall(&self.project.files, finding_path, &text, &now) {
            return Ok(letter);
        }
        let checked = self.checked(&shown, text.clone(), found.take(), english)?;
        let worded = self.worded(finding_path, &checked.0, &now)?;
        let letter = prepared(checked, &worded, &text);
        lock().remember(
            finding_path,
            Remembered {
                text,
                translation: worded.translation,
                stamp: worded.stamped.then_some(now),
                letter: letter.clone(),
            },
        );
        Ok(letter)
    }

    /// Validates finding-file text; a letter that will be rendered final
    /// must also have no placeholder left.
    pub fn finding(&self, path: &Path, text: String) -> Result<Finding, LetterError> {
        self.checked_finding(path, text).map(|(finding, _)| finding)
    }

    /// Validates finding-file text as [`Renderer::finding`] does, and also
    /// returns its warnings (every command shows them). With
    /// `deny_warnings`, a warning fails the letter too.
    pub fn checked_finding(
        &self,
        path: &Path,
        text: String,
    ) -> Result<(Finding, FileProblems), LetterError> {
        self.checked(path, text, None, true)
    }

    /// [`Renderer::checked_finding`], given what the finding check already
    /// found, or `None`.
    fn checked(
        &self,
        path: &Path,
        text: String,
        found: Option<Found>,
        english: bool,
    ) -> Result<(Finding, FileProblems), LetterError> {
        let (finding, problems) = found.unwrap_or_else(|| self.find(path, text.clone(), english));
        let finding = match finding {
            Some(finding) if !problems.has_errors() => finding,
            _ => return Err(LetterError::Finding(Box::new(problems))),
        };
        if !self.is_draft(&finding) {
            let left = crate::finding::placeholders(path, text);
            if left.has_errors() {
                return Err(LetterError::Finding(Box::new(left)));
            }
        }
        if self.deny_warnings && !problems.problems.is_empty() {
            return Err(LetterError::Finding(Box::new(problems)));
        }
        Ok((finding, problems))
    }

    /// Every problem of finding-file text, warnings included; the English
    /// checks' only if `english`.
    fn find(&self, path: &Path, text: String, english: bool) -> Found {
        guard::test_trigger(&text);
        let kind_of = |name: Option<&str>| self.kind_of(name);
        let checks =
            TextChecks { english: self.english.as_ref().filter(|_| english), ..self.text_checks() };
        crate::finding::check(path, text, &checks, &kind_of)
    }

    /// What the template a finding file names (or the default) needs of it.
    fn kind_of(&self, name: Option<&str>) -> crate::model::LetterKind {
        self.templates.kind(name.unwrap_or(&self.project.config.default_template))
    }

    /// The project's wording templates.
    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    fn is_draft(&self, finding: &Finding) -> bool {
        self.force_draft || finding.status == Status::Draft
    }

    /// One language's letter; `primary` when its title is the PDF's.
    fn version_source(
        &self,
        finding: &Finding,
        primary: bool,
        now: &str,
    ) -> Result<String, TemplateError> {
        let name = self.template_name(finding);
        self.with_version_output(finding, primary, now, |output| {
            self.templates.render(name, finding, &self.project.config, output)
        })
    }

    /// The wording template a finding file names, or the project's default.
    fn template_name<'f>(&'f self, finding: &'f Finding) -> &'f str {
        finding.template.as_deref().unwrap_or(&self.project.config.default_template)
    }

    /// Calls `then` with how one language's letter is output: paper, draft
    /// stamp, label, signature.
    fn with_version_output<T>(
        &self,
        finding: &Finding,
        primary: bool,
        now: &str,
        then: impl FnOnce(&Output<'_>) -> T,
    ) -> T {
        let stamp = self.is_draft(finding).then_some(now);
        let label = (finding.status == Status::FactualAccuracy && stamp.is_none())
            .then(|| crate::wording::labels(finding.language).factual_accuracy);
        let signature = match (stamp, label) {
            (None, None) => {
                self.project.config.signatures.get(&finding.signatory.name).map(|p| format!("/{p}"))
            }
            _ => None,
        };
        let output = Output {
            paper: self.paper.typst_name(),
            draft: stamp,
            signature: signature.as_deref(),
            primary,
            label,
        };
        then(&output)
    }

    /// Lays a prepared letter out into pages, to take its PDF and page
    /// images from.
    pub fn lay_out<'a>(&'a self, letter: &PreparedLetter) -> Result<Document<'a>, LetterError> {
        let name = format!("{} (generated)", display_path(&letter.path).display());
        let world =
            self.typesetter().world(&self.files, letter.source.clone(), letter.finding.date, name);
        Document::new(world, self, letter)
    }

    /// A warning when a letter of `pages` pages is longer than the project's
    /// `[output] max_pages`.
    pub fn page_warning(&self, pages: usize) -> Option<String> {
        let max = self.project.config.output.max_pages?;
        (pages > max).then(|| {
            format!(
                "the letter has {pages} pages, more than the {max} set by max_pages in {}",
                crate::project::CONFIG_FILE
            )
        })
    }

    /// Where the PDF (or DOCX) of a letter goes (see `Destination::of`).
    pub fn destination(
        &self,
        finding_path: &Path,
        finding: &Finding,
        place: Place<'_>,
    ) -> Result<Destination, OutputError> {
        let root = &self.project.root;
        let config = &self.project.config.output;
        Destination::of(config, root, finding_path, finding, place, self.format)
    }

    /// The one way a letter becomes files: prepares the letter in
    /// `finding_path`, names its PDF in `place` (see `Destination::of`),
    /// lays it out and writes the PDF, recording its owner in `owners`; with
    /// `images`, also every page as `NAME-N.png` beside it.
    pub fn render(
        &self,
        finding_path: &Path,
        place: Place<'_>,
        images: Option<PageImages>,
        owners: &OwnerRecords,
    ) -> Result<Written, LetterError> {
        if self.format == Format::Docx {
            return self.render_docx(finding_path, place, owners);
        }
        let mut letter = self.prepare_apart(finding_path)?;
        let destination = self.destination(finding_path, &letter.finding, place)?;
        let (mut document, pdf, pages) = self.beside_english(&mut letter, |letter| {
            let document = self.lay_out(letter)?;
            let (pdf, pages) = match images {
                Some(images) => {
                    let (pdf, pages) = document.pdf_and_pages(images, &[])?;
                    (pdf, Some(pages))
                }
                None => (document.pdf()?, None),
            };
            Ok((document, pdf, pages))
        })?;
        crate::output::write_pdf(&destination, finding_path, &pdf, owners)?;
        let stem = destination.path.with_extension("");
        let mut written = Vec::new();
        for (i, page) in pages.iter().flatten().enumerate() {
            let path = PathBuf::from(format!("{}-{}.png", stem.display(), i + 1));
            crate::output::write(&path, &page.png)?;
            written.push(path);
        }
        Ok(Written {
            pdf: destination.path,
            images: written,
            pages: document.page_count(),
            files_read: document.files_read(),
            inputs: letter.inputs,
            bytes: pdf,
            warnings: letter.warnings,
        })
    }
}

/// Reads a finding file's text, a failure reported as a problem of the file.
impl Renderer {
    fn read_finding_text(&self, path: &Path) -> Result<String, LetterError> {
        crate::finding::read_text(&self.project.files, path)
            .map_err(|e| LetterError::Finding(Box::new(e)))
    }
}

/// What [`crate::finding::check`] found: the finding, if it could be read,
/// and every problem.
type Found = (Option<Finding>, FileProblems);

#[cfg(test)]
mod tests;
