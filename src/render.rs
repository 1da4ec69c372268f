//! One letter end to end: finding file → wording → typst → PDF file.
//!
//! A [`Renderer`] holds what all letters of a project share (the parsed
//! templates, the fonts), so rendering many letters parses each only once.
//! PDFs are written to a temporary file beside the target and renamed into
//! place, so a failed or interrupted render never leaves a partial PDF and an
//! existing PDF is only replaced by a complete one.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostic::{FileProblems, Problem, Severity, display_path};
use crate::finding::{Finding, Status};
use crate::owners::{Owners, SOURCES_FILE};
use crate::project::Project;
use crate::template::{Output, TemplateError, Templates};
use crate::world::{FilePool, PagePng, Typesetter, TypstError};
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
        })
    }

    /// Lays letters out on `paper` and exports them conforming to PDF/UA-1
    /// and the `extra` standards (e.g. PDF/A-2b for archive copies).
    pub fn with_output(mut self, paper: Paper, extra: &[PdfStandard]) -> Result<Self, SetupError> {
        self.paper = paper;
        self.standards = crate::world::pdf_standards(extra).map_err(SetupError::Standards)?;
        self.extra_standards = extra.to_vec();
        Ok(self)
    }

    /// Renders every letter as a draft, whatever its `status`.
    pub fn with_draft(mut self, draft: bool) -> Self {
        self.force_draft = draft;
        self
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

    /// Reads and validates a finding file.
    pub fn load(&self, finding_path: &Path) -> Result<Finding, LetterError> {
        let shown = display_path(finding_path);
        let text =
            crate::finding::read_text(&shown).map_err(|e| LetterError::Finding(Box::new(e)))?;
        self.finding(&shown, text)
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
        let first = self.version_source(finding, true)?;
        let Some(other_path) = finding.translation_path(finding_path) else { return Ok(first) };
        let other = self.load(&other_path)?;
        let mismatches = finding.translation_mismatches(&other);
        if !mismatches.is_empty() {
            let text = crate::finding::read_text(finding_path)
                .map_err(|e| LetterError::Finding(Box::new(e)))?;
            return Err(LetterError::Finding(Box::new(crate::finding::translation_problems(
                finding_path,
                text,
                &display_path(&other_path),
                mismatches,
            ))));
        }
        let second = self.version_source(&other, false)?;
        // Each version is wrapped in a content block so its show and set
        // rules (page numbers, language) end with it.
        Ok(format!("#[\n{first}\n]\n#pagebreak(weak: true)\n#[\n{second}\n]\n"))
    }

    /// One language's letter; `primary` when its title is the PDF's.
    fn version_source(&self, finding: &Finding, primary: bool) -> Result<String, TemplateError> {
        let name = finding.template.as_deref().unwrap_or(&self.project.config.default_template);
        let stamp = self.is_draft(finding).then(crate::wording::now_utc);
        let signature = match stamp {
            Some(_) => None,
            None => {
                self.project.config.signatures.get(&finding.signatory.name).map(|p| format!("/{p}"))
            }
        };
        let output = Output {
            paper: self.paper.typst_name(),
            draft: stamp.as_deref(),
            signature: signature.as_deref(),
            primary,
        };
        self.templates.render(name, finding, &self.project.config, &output)
    }

    /// Produces the PDF bytes of the letter in `finding_path`.
    pub fn pdf(&self, finding_path: &Path) -> Result<Vec<u8>, LetterError> {
        let finding = self.load(finding_path)?;
        Ok(self.pdf_of(finding_path, &finding)?.pdf)
    }

    /// Produces the PDF of an already loaded finding; `finding_path` names it
    /// in diagnostics.
    pub fn pdf_of(&self, finding_path: &Path, finding: &Finding) -> Result<Rendered, LetterError> {
        let (pdf, document) = self.laid_out(finding_path, finding)?;
        Ok(Rendered { pdf, pages: document.pages().len() })
    }

    /// Lays an already loaded finding out once: the PDF and the pages.
    fn laid_out(
        &self,
        finding_path: &Path,
        finding: &Finding,
    ) -> Result<(Vec<u8>, PagedDocument), LetterError> {
        let source = self.source(finding_path, finding)?;
        let name = format!("{} (generated)", display_path(finding_path).display());
        let world = self.typesetter().world(&self.files, source, finding.date, &name);
        let document = world.layout()?;
        let pdf = world.export(&document, &self.standards)?;
        Ok((pdf, document))
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
        pixels_per_point: f64,
        earlier: &[PagePng],
    ) -> Result<(Vec<u8>, Vec<PagePng>), LetterError> {
        let finding = self.load(finding_path)?;
        self.pdf_and_pages_of(finding_path, &finding, pixels_per_point, earlier)
    }

    /// [`Renderer::pdf_and_pages`] of an already loaded finding.
    pub fn pdf_and_pages_of(
        &self,
        finding_path: &Path,
        finding: &Finding,
        pixels_per_point: f64,
        earlier: &[PagePng],
    ) -> Result<(Vec<u8>, Vec<PagePng>), LetterError> {
        let (pdf, document) = self.laid_out(finding_path, finding)?;
        let pages = crate::world::png_pages(&document, pixels_per_point, earlier)
            .map_err(|report| LetterError::Typst(TypstError { report }))?;
        Ok((pdf, pages))
    }

    /// Renders the letter in `finding_path` and writes its PDF to
    /// [`Renderer::output_path`]; returns where, and the page count.
    pub fn render_to(
        &self,
        finding_path: &Path,
        output: Option<&Path>,
    ) -> Result<(PathBuf, usize), LetterError> {
        let finding = self.load(finding_path)?;
        let target = self.output_path(finding_path, &finding, output)?;
        let rendered = self.pdf_of(finding_path, &finding)?;
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
