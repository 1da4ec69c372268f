//! One letter end to end: finding file → wording → typst → PDF file.
//!
//! A [`Renderer`] holds what all letters of a project share (the parsed
//! templates, the fonts), so rendering many letters parses each only once;
//! one that renders the same letters again and again (`watch`, `serve`) also
//! keeps each letter as last worded, so an unchanged one is not worded again.
//! PDFs are written to a temporary file beside the target and renamed into
//! place, so a failed or interrupted render never leaves a partial PDF and an
//! existing PDF is only replaced by a complete one.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::diagnostic::{FileProblems, Problem, Severity, display_path};
use crate::finding::{Finding, Status};
use crate::owners::{Owners, SOURCES_FILE};
use crate::project::Project;
use crate::template::{Output, TemplateError, Templates};
use crate::world::{FilePool, LetterWorld, PageImages, PagePng, Typesetter, TypstError};
use typst_layout::PagedDocument;
use typst_pdf::{PdfStandard, PdfStandards};

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
    /// The output file name pattern cannot name this letter.
    #[error("cannot name the PDF of {}: {message}", .finding.display())]
    FileName {
        /// The finding file.
        finding: PathBuf,
        /// Why.
        message: String,
    },
    /// The PDF could not be written.
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        /// The PDF's path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Why a project's renderer could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// A template does not parse.
    #[error("{0}")]
    Templates(#[from] TemplateError),
    /// A signature image in `letterpress.toml` is not usable.
    #[error("signature image for {name} in letterpress.toml: {reason}")]
    Signature {
        /// The signatory.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// The PDF standards asked for cannot be combined.
    #[error("invalid PDF standards: {0}")]
    Standards(String),
    /// The project's fonts folder could not be read.
    #[error("cannot read the fonts in {}: {source}", .dir.display())]
    Fonts {
        /// The folder.
        dir: PathBuf,
        /// Why.
        source: std::io::Error,
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
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
    /// Letters prepared lately, when the renderer keeps them.
    recent: Option<Mutex<RecentLetters>>,
}

/// A letter read, validated and worded: what typst lays out.
#[derive(Clone)]
pub struct PreparedLetter {
    /// The finding file.
    pub finding: Arc<Finding>,
    /// The typst source the wording template made of it (and of its
    /// translation, if it has one).
    pub source: Arc<str>,
}

impl Renderer {
    /// Parses the project's templates and reads its extra fonts, if any.
    pub fn new(project: Project) -> Result<Renderer, SetupError> {
        let templates = Templates::load(&project.templates_dir(), project.config.markdown)?;
        let dir = project.root.join("fonts");
        let fonts = match Typesetter::with_fonts_from(&dir) {
            Ok(Some(own)) => Fonts::Project(Box::new(own)),
            Ok(None) => Fonts::Embedded(Typesetter::shared()),
            Err(source) => return Err(SetupError::Fonts { dir, source }),
        };
        check_signatures(&project)?;
        let standards = crate::world::pdf_standards(&[]).map_err(SetupError::Standards)?;
        Ok(Renderer {
            files: FilePool::new(&project.root),
            project,
            templates,
            fonts,
            paper: Paper::default(),
            extra_standards: Vec::new(),
            standards,
            force_draft: false,
            recent: None,
        })
    }

    /// Lays letters out on `paper` and exports them conforming to PDF/UA-1
    /// and the `extra` standards (e.g. PDF/A-2b for archive copies).
    pub fn with_output(mut self, paper: Paper, extra: &[PdfStandard]) -> Result<Self, SetupError> {
        self.paper = paper;
        self.standards = crate::world::pdf_standards(extra).map_err(SetupError::Standards)?;
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
        format!("{:?} {:?} {}", self.paper, self.extra_standards, self.force_draft)
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

    /// The parsed templates.
    pub fn templates(&self) -> &Templates {
        &self.templates
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
    /// shows, which is compared too. That is a common case in the edit-preview loop: `serve`
    /// renders every open letter again after a save to any of them, and a
    /// save without an edit is still a change.
    pub fn prepare(&self, finding_path: &Path) -> Result<PreparedLetter, LetterError> {
        let shown = display_path(finding_path);
        let text = read_finding_text(&shown)?;
        let now = crate::wording::now_utc();
        let Some(recent) = &self.recent else {
            let finding = self.finding(&shown, text)?;
            let source = self.worded(finding_path, &finding, &now)?.source;
            return Ok(PreparedLetter { finding: Arc::new(finding), source: source.into() });
        };
        // The map is consistent after any panic: entries are inserted whole.
        let lock = || recent.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(letter) = lock().recall(finding_path, &text, &now) {
            return Ok(letter);
        }
        let finding = self.finding(&shown, text.clone())?;
        let worded = self.worded(finding_path, &finding, &now)?;
        let letter = PreparedLetter { finding: Arc::new(finding), source: worded.source.into() };
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
        let finding =
            Finding::parse(path, text.clone()).map_err(|e| LetterError::Finding(Box::new(e)))?;
        if !self.is_draft(&finding) {
            let left = crate::finding::placeholders(path, text);
            if left.has_errors() {
                return Err(LetterError::Finding(Box::new(left)));
            }
        }
        Ok(finding)
    }

    fn is_draft(&self, finding: &Finding) -> bool {
        self.force_draft || finding.status == Status::Draft
    }

    /// Every problem of a finding file without rendering it: the file's own
    /// errors and warnings, then whether its wording template exists and
    /// renders, and whether its translation agrees with it.
    pub fn check(&self, finding_path: &Path) -> FileProblems {
        let shown = display_path(finding_path);
        let text = match crate::finding::read_text(&shown) {
            Ok(text) => text,
            Err(problems) => return problems,
        };
        let (finding, mut problems) = crate::finding::check(&shown, text);
        let Some(finding) = finding else { return problems };
        // Where a top-level key is written, for problems that belong to it.
        let key_span = |text: &str, key: &str| {
            text.find(&format!("\n{key}")).map(|at| at + 1..at + 1 + key.len())
        };
        let problem = match self.source(&shown, &finding) {
            Ok(_) => return problems,
            Err(LetterError::Finding(other)) if other.path == shown => {
                problems.problems.extend(other.problems);
                return problems;
            }
            Err(LetterError::Finding(other)) => {
                let count = other.problems.iter().filter(|p| p.severity == Severity::Error).count();
                Problem::error(
                    Some("translation".to_owned()),
                    format!("the translation {} has {count} error(s)", other.path.display()),
                    key_span(&problems.text, "translation"),
                )
                .with_hint(format!("check it with `letterpress check {}`", other.path.display()))
            }
            Err(err) => {
                let field = match &err {
                    LetterError::Template(
                        TemplateError::Unknown { .. } | TemplateError::NoTranslation { .. },
                    ) => Some("template".to_owned()),
                    _ => None,
                };
                let span = field.as_ref().and_then(|_| key_span(&problems.text, "template"));
                Problem::error(field, err.to_string(), span)
            }
        };
        problems.problems.push(problem);
        problems
    }

    /// The typst source of a letter, as the wording template produces it.
    /// A letter with a translation becomes both versions, this one first,
    /// each a complete letter starting on a new page.
    pub fn source(&self, finding_path: &Path, finding: &Finding) -> Result<String, LetterError> {
        Ok(self.worded(finding_path, finding, &crate::wording::now_utc())?.source)
    }

    /// [`Renderer::source`], with what else it was made from; `now` is the
    /// stamp of a draft.
    fn worded(
        &self,
        finding_path: &Path,
        finding: &Finding,
        now: &str,
    ) -> Result<Worded, LetterError> {
        let first = self.version_source(finding, true, now)?;
        let Some(other_path) = finding.translation_path(finding_path) else {
            return Ok(Worded {
                source: first,
                translation: None,
                stamped: self.is_draft(finding),
            });
        };
        let shown = display_path(&other_path);
        let other_text = read_finding_text(&shown)?;
        let other = self.finding(&shown, other_text.clone())?;
        let mismatches = finding.translation_mismatches(&other);
        if !mismatches.is_empty() {
            let text = read_finding_text(finding_path)?;
            return Err(LetterError::Finding(Box::new(crate::finding::translation_problems(
                finding_path,
                text,
                &shown,
                mismatches,
            ))));
        }
        let second = self.version_source(&other, false, now)?;
        Ok(Worded {
            // Each version is wrapped in a content block so its show and set
            // rules (page numbers, language) end with it.
            source: format!("#[\n{first}\n]\n#pagebreak(weak: true)\n#[\n{second}\n]\n"),
            stamped: self.is_draft(finding) || self.is_draft(&other),
            translation: Some((shown, other_text)),
        })
    }

    /// One language's letter; `primary` when its title is the PDF's.
    fn version_source(
        &self,
        finding: &Finding,
        primary: bool,
        now: &str,
    ) -> Result<String, TemplateError> {
        let name = finding.template.as_deref().unwrap_or(&self.project.config.default_template);
        let stamp = self.is_draft(finding).then_some(now);
        let signature = match stamp {
            Some(_) => None,
            None => {
                self.project.config.signatures.get(&finding.signatory.name).map(|p| format!("/{p}"))
            }
        };
        let output = Output {
            paper: self.paper.typst_name(),
            draft: stamp,
            signature: signature.as_deref(),
            primary,
        };
        self.templates.render(name, finding, &self.project.config, &output)
    }

    /// Produces the PDF bytes of the letter in `finding_path`.
    pub fn pdf(&self, finding_path: &Path) -> Result<Vec<u8>, LetterError> {
        let letter = self.prepare(finding_path)?;
        Ok(self.pdf_of(finding_path, &letter)?.pdf)
    }

    /// Produces the PDF of a prepared letter; `finding_path` names it in
    /// diagnostics.
    pub fn pdf_of(
        &self,
        finding_path: &Path,
        letter: &PreparedLetter,
    ) -> Result<Rendered, LetterError> {
        self.laid_out(finding_path, letter, |world, document| {
            let pdf = world.export(&document, &self.standards)?;
            Ok(Rendered { pdf, pages: document.pages().len() })
        })
    }

    /// Lays a prepared letter out once and hands its world (to export from)
    /// and pages to `then`.
    fn laid_out<T>(
        &self,
        finding_path: &Path,
        letter: &PreparedLetter,
        then: impl FnOnce(&LetterWorld<'_>, PagedDocument) -> Result<T, LetterError>,
    ) -> Result<T, LetterError> {
        let name = format!("{} (generated)", display_path(finding_path).display());
        let world =
            self.typesetter().world(&self.files, letter.source.clone(), letter.finding.date, &name);
        let document = world.layout()?;
        then(&world, document)
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

    /// Where the PDF of a letter goes: `output` itself when it ends in
    /// `.pdf`, otherwise the project's file name pattern inside `output`
    /// (default: the project's `out/` folder).
    pub fn output_path(
        &self,
        finding_path: &Path,
        finding: &Finding,
        output: Option<&Path>,
    ) -> Result<PathBuf, LetterError> {
        if let Some(file) = output.filter(|o| is_pdf_file(o)) {
            return Ok(file.to_path_buf());
        }
        let name = self.project.config.output.file_name.expand(finding_path, finding).map_err(
            |message| LetterError::FileName { finding: display_path(finding_path), message },
        )?;
        Ok(output.map_or_else(|| self.project.root.join("out"), Path::to_path_buf).join(name))
    }

    /// The PDF and the pages as PNG images, from one layout of the letter;
    /// pages that look as one of `earlier` are taken from there.
    pub fn pdf_and_pages(
        &self,
        finding_path: &Path,
        images: PageImages,
        earlier: &[PagePng],
    ) -> Result<(Vec<u8>, Vec<PagePng>), LetterError> {
        let letter = self.prepare(finding_path)?;
        self.pdf_and_pages_of(finding_path, &letter, images, earlier)
    }

    /// [`Renderer::pdf_and_pages`] of a prepared letter. The PDF is exported
    /// while the page images are drawn: after a small edit only one page is
    /// drawn again, so one core would otherwise wait.
    pub fn pdf_and_pages_of(
        &self,
        finding_path: &Path,
        letter: &PreparedLetter,
        images: PageImages,
        earlier: &[PagePng],
    ) -> Result<(Vec<u8>, Vec<PagePng>), LetterError> {
        self.laid_out(finding_path, letter, |world, document| {
            let (pdf, pages) = std::thread::scope(|scope| {
                let pages = scope.spawn(|| crate::world::png_pages(&document, images, earlier));
                let pdf = world.export(&document, &self.standards);
                (pdf, pages.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            });
            let pdf = pdf?;
            Ok((pdf, pages.map_err(|report| LetterError::Typst(TypstError { report }))?))
        })
    }

    /// Renders the letter in `finding_path` and writes its PDF to
    /// [`Renderer::output_path`]; returns where, and the page count.
    pub fn render_to(
        &self,
        finding_path: &Path,
        output: Option<&Path>,
    ) -> Result<(PathBuf, usize), LetterError> {
        let letter = self.prepare(finding_path)?;
        let target = self.output_path(finding_path, &letter.finding, output)?;
        let rendered = self.pdf_of(finding_path, &letter)?;
        self.write_pdf(finding_path, output, &target, &rendered.pdf)?;
        Ok((target, rendered.pages))
    }

    /// Writes a letter's PDF to `target` (from [`Renderer::output_path`]).
    /// A name the file name pattern made must not replace a PDF another
    /// finding file wrote; `output` named explicitly as a `.pdf` file is the
    /// user's own choice.
    pub fn write_pdf(
        &self,
        finding_path: &Path,
        output: Option<&Path>,
        target: &Path,
        pdf: &[u8],
    ) -> Result<(), LetterError> {
        if output.is_some_and(is_pdf_file) {
            return write_output(target, pdf);
        }
        let mut owners = Owners::load(target.parent().unwrap_or(Path::new(".")));
        owners.check(target, finding_path).map_err(|message| LetterError::FileName {
            finding: display_path(finding_path),
            message,
        })?;
        write_output(target, pdf)?;
        owners.set(target, finding_path);
        owners.save().map_err(|source| LetterError::Write {
            path: target.with_file_name(SOURCES_FILE),
            source,
        })
    }
}

/// Whether an `-o` argument names the PDF file itself rather than a folder.
fn is_pdf_file(output: &Path) -> bool {
    output.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
}

/// A letter's PDF.
#[derive(Debug)]
pub struct Rendered {
    /// The PDF bytes.
    pub pdf: Vec<u8>,
    /// How many pages it has.
    pub pages: usize,
}

/// Reads a finding file's text, a failure reported as a problem of the file.
fn read_finding_text(path: &Path) -> Result<String, LetterError> {
    crate::finding::read_text(path).map_err(|e| LetterError::Finding(Box::new(e)))
}

/// What a letter's source was made from besides its own finding file.
struct Worded {
    source: String,
    /// The translation's path and text, if the letter has one.
    translation: Option<(PathBuf, String)>,
    /// Whether a version is a draft, stamped with the time.
    stamped: bool,
}

/// Letters prepared lately, by the path of their finding file, each with
/// what it was made from, so [`Renderer::prepare`] can tell that it would
/// come out the same.
///
/// Bounded like the templates' prose cache: emptied when it holds more than
/// [`RecentLetters::LIMIT`] bytes of text (some twenty letters like the
/// demo), so a long `serve` session over a large folder cannot grow it
/// without end.
#[derive(Default)]
struct RecentLetters {
    by_path: HashMap<PathBuf, Remembered>,
    bytes: usize,
}

struct Remembered {
    /// The finding file's text.
    text: String,
    /// The translation's path and text, if the letter has one.
    translation: Option<(PathBuf, String)>,
    /// The time a draft was stamped with, to the minute.
    stamp: Option<String>,
    letter: PreparedLetter,
}

impl Remembered {
    fn bytes(&self) -> usize {
        self.text.len()
            + self.translation.as_ref().map_or(0, |(_, text)| text.len())
            + self.letter.source.len()
    }
}

impl RecentLetters {
    const LIMIT: usize = 1 << 20;

    /// The letter at `path` as last prepared, if it would come out the same
    /// now that its finding file reads `text` and the time is `now`. A
    /// translation is read again to be compared (under the lock: few letters
    /// have one, and it is small).
    fn recall(&self, path: &Path, text: &str, now: &str) -> Option<PreparedLetter> {
        let remembered = self.by_path.get(path)?;
        let unchanged = remembered.text == text
            && remembered.translation.as_ref().is_none_or(|(path, text)| {
                std::fs::read_to_string(path).is_ok_and(|now| now == *text)
            })
            && remembered.stamp.as_deref().is_none_or(|stamp| stamp == now);
        unchanged.then(|| remembered.letter.clone())
    }

    fn remember(&mut self, path: &Path, remembered: Remembered) {
        let size = remembered.bytes();
        if self.bytes + size > Self::LIMIT {
            self.by_path.clear();
            self.bytes = 0;
        }
        self.bytes += size;
        if let Some(earlier) = self.by_path.insert(path.to_path_buf(), remembered) {
            self.bytes -= earlier.bytes();
        }
    }
}

/// Checks that every configured signature image is an image file inside the
/// project, so a missing one is reported before any letter is rendered.
fn check_signatures(project: &Project) -> Result<(), SetupError> {
    for (name, path) in &project.config.signatures {
        let fail = |reason: String| SetupError::Signature { name: name.clone(), reason };
        let relative = Path::new(path);
        if relative.is_absolute()
            || relative.components().any(|c| c == std::path::Component::ParentDir)
        {
            return Err(fail(format!(
                "`{path}` must be a path inside the project, like signatures/name.png"
            )));
        }
        let is_image = relative.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            ["png", "jpg", "jpeg", "svg"].contains(&e.to_ascii_lowercase().as_str())
        });
        if !is_image {
            return Err(fail(format!("`{path}` is not a PNG, JPEG or SVG file")));
        }
        if !project.root.join(relative).is_file() {
            return Err(fail(format!("`{path}` does not exist in {}", project.root.display())));
        }
    }
    Ok(())
}

/// Writes an output file (PDF or page image) atomically, naming it in the error.
pub fn write_output(output: &Path, pdf: &[u8]) -> Result<(), LetterError> {
    write_atomically(output, pdf)
        .map_err(|source| LetterError::Write { path: output.to_path_buf(), source })
}

/// Writes `bytes` to `path` through a temporary file in the same folder.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".letterpress-").suffix(".tmp");
    // tempfile creates private (0600) files; a letter is an ordinary document.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut temp = builder.tempfile_in(dir)?;
    temp.write_all(bytes)?;
    // No fsync: the rename already guarantees that readers and interrupted
    // runs see either the old PDF or the whole new one; an fsync per letter
    // would cost more than typst's layout and only guards against power loss.
    temp.persist(path).map_err(|err| err.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn renderer() -> Renderer {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        Renderer::new(Project::discover(root).unwrap()).unwrap().remembering()
    }

    /// The bilingual sample (the Welsh letter and its English translation),
    /// copied to a folder of its own so the test can edit it.
    fn bilingual_copy() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let letters = Path::new(env!("CARGO_MANIFEST_DIR")).join("letters");
        for name in ["sample-northmoor.cy.toml", "sample-northmoor.toml"] {
            std::fs::copy(letters.join(name), dir.path().join(name)).unwrap();
        }
        let welsh = dir.path().join("sample-northmoor.cy.toml");
        let english = dir.path().join("sample-northmoor.toml");
        (dir, welsh, english)
    }

    fn edit(path: &Path, from: &str, to: &str) {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains(from), "{} has no {from:?}", path.display());
        std::fs::write(path, text.replace(from, to)).unwrap();
    }

    #[test]
    fn an_unchanged_letter_is_worded_once_and_any_edit_is_seen() {
        let (_dir, welsh, english) = bilingual_copy();
        let renderer = renderer();
        let first = renderer.prepare(&welsh).unwrap();
        let again = renderer.prepare(&welsh).unwrap();
        assert!(Arc::ptr_eq(&first.source, &again.source), "an unchanged letter was worded again");

        edit(&english, "Dear Ms Ellery", "Dear Mrs Ellery");
        let translation_edited = renderer.prepare(&welsh).unwrap();
        assert!(translation_edited.source.contains("Dear Mrs Ellery"));
        assert!(!first.source.contains("Dear Mrs Ellery"));

        edit(&welsh, "Annwyl", "Annwyl iawn");
        let letter_edited = renderer.prepare(&welsh).unwrap();
        assert!(letter_edited.source.contains("Annwyl iawn"));
        assert!(!translation_edited.source.contains("Annwyl iawn"));

        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let once = Renderer::new(Project::discover(root).unwrap()).unwrap();
        let (first, again) = (once.prepare(&welsh).unwrap(), once.prepare(&welsh).unwrap());
        assert!(!Arc::ptr_eq(&first.source, &again.source), "only a remembering renderer keeps");
        assert_eq!(first.source, again.source);

        let renderer = renderer.with_output(Paper::Letter, &[]).unwrap();
        assert!(renderer.prepare(&welsh).unwrap().source.contains("us-letter"));
        let draft = renderer.with_draft(true).prepare(&welsh).unwrap();
        assert_ne!(draft.source, letter_edited.source, "--draft must stamp the letter");
    }

    #[test]
    fn a_draft_stamped_in_another_minute_is_worded_again() {
        let (_dir, welsh, _) = bilingual_copy();
        let letter = renderer().prepare(&welsh).unwrap();
        let text = std::fs::read_to_string(&welsh).unwrap();
        let remembered = |stamp: Option<&str>| Remembered {
            text: text.clone(),
            translation: None,
            stamp: stamp.map(str::to_owned),
            letter: letter.clone(),
        };
        let mut recent = RecentLetters::default();
        let now = "2011-03-14 09:31 UTC";
        recent.remember(&welsh, remembered(None));
        assert!(recent.recall(&welsh, &text, now).is_some());
        assert!(recent.recall(&welsh, "another text", now).is_none());
        recent.remember(&welsh, remembered(Some(now)));
        assert!(recent.recall(&welsh, &text, now).is_some(), "the same minute's stamp is kept");
        recent.remember(&welsh, remembered(Some("2011-03-14 09:30 UTC")));
        assert!(recent.recall(&welsh, &text, now).is_none(), "a stale draft stamp was reused");
    }

    #[test]
    fn recent_letters_stay_within_their_limit() {
        let (_dir, welsh, _) = bilingual_copy();
        let letter = renderer().prepare(&welsh).unwrap();
        let text = "x".repeat(RecentLetters::LIMIT / 5);
        let mut recent = RecentLetters::default();
        for n in 0..20 {
            let path = PathBuf::from(format!("letter-{n}.toml"));
            let remembered = Remembered {
                text: text.clone(),
                translation: None,
                stamp: None,
                letter: letter.clone(),
            };
            recent.remember(&path, remembered);
            assert!(recent.bytes <= RecentLetters::LIMIT);
            assert_eq!(recent.bytes, recent.by_path.values().map(Remembered::bytes).sum::<usize>());
            assert!(recent.recall(&path, &text, "now").is_some(), "the newest letter is kept");
        }
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("sub/letter.pdf");
        write_atomically(&target, b"first").unwrap();
        write_atomically(&target, b"second").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"second");
        let entries: Vec<_> = std::fs::read_dir(dir.path().join("sub")).unwrap().collect();
        assert_eq!(entries.len(), 1);
    }
}
