//! The typst world: fonts, files and the date a letter is compiled with, and
//! the compile itself (typst source → PDF bytes).
//!
//! Fonts and typst's standard library are built once per process in a
//! [`Typesetter`] and shared by every letter; each letter gets a cheap
//! [`LetterWorld`] holding its generated source. File access is confined to
//! the project folder: package imports are refused, and paths that leave the
//! project (also through symlinks) are denied, so nothing a letter contains
//! can read other files or reach the network.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use typst::diag::{FileResult, SourceDiagnostic, Warned};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::diagnostics::{DiagnosticFormat, DiagnosticWorld};
use typst_kit::files::FileStore;
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::model::Date;
use crate::sandbox::{Kind, ReadError, Sandbox};

mod files;
mod fonts;
mod overflow;
pub mod pixels;
mod png;

use files::ProjectFiles;
pub use files::{Fallback, FilePool, FilesRead, digest};
pub(crate) use fonts::EMBEDDED_FONTS;
#[cfg(test)]
pub(crate) use png::decoded;
pub use png::{PageImages, PagePng, PngCompression, png_pages};

/// Where the generated letter source lives in the project's virtual file
/// system; relative paths in a template resolve from the project root.
const MAIN_PATH: &str = "/letter.typ";

/// What typst needs that does not change between letters.
pub struct Typesetter {
    library: LazyHash<Library>,
    fonts: FontStore,
}

impl Typesetter {
    /// Builds the font book from the embedded fonts.
    pub fn new() -> Self {
        let mut fonts = FontStore::new();
        for data in fonts::EMBEDDED_FONTS {
            fonts.extend(Font::iter(Bytes::new(data)).map(|font| {
                let info = font.info().clone();
                (font, info)
            }));
        }
        Self { library: LazyHash::new(Library::default()), fonts }
    }

    /// The process-wide instance: fonts are parsed once, however many letters.
    pub fn shared() -> &'static Typesetter {
        static SHARED: LazyLock<Typesetter> = LazyLock::new(Typesetter::new);
        &SHARED
    }

    /// The embedded fonts plus the `.ttf`/`.otf` files in `dir` (a project's
    /// `fonts/`), skipping faces the embedded fonts already provide. Returns
    /// `None` when `dir` adds nothing, so the shared instance can be used.
    pub fn with_fonts_from(files: &Sandbox, dir: &Path) -> Result<Option<Self>, ReadError> {
        let mut paths: Vec<PathBuf> = match std::fs::read_dir(dir) {
            Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(ReadError::Io { path: dir.to_path_buf(), source }),
        };
        paths.sort();
        let embedded = Self::shared().fonts.book();
        let mut extra = Vec::new();
        for path in paths {
            let is_font = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("ttf") || e.eq_ignore_ascii_case("otf"));
            if !is_font {
                continue;
            }
            let data = files.read(&path, Kind::Asset)?;
            // A copy of a built-in font (as in this repository's own fonts/)
            // adds nothing; comparing bytes is cheaper than parsing.
            if fonts::EMBEDDED_FONTS.contains(&data.as_slice()) {
                continue;
            }
            for font in Font::iter(Bytes::new(data)) {
                let info = font.info().clone();
                let known = embedded
                    .select_family(&info.family.to_lowercase())
                    .any(|i| embedded.info(i).is_some_and(|known| known.variant == info.variant));
                if !known {
                    extra.push((font, info));
                }
            }
        }
        if extra.is_empty() {
            return Ok(None);
        }
        let mut typesetter = Self::new();
        typesetter.fonts.extend(extra);
        Ok(Some(typesetter))
    }

    /// A world for one letter, to lay out and export in separate steps.
    ///
    /// `files` are the project's files (the only ones typst may read), `date` the letter
    /// date, used as "today" and as the PDF's creation date so the same input
    /// always gives the same bytes; `source_name` names the generated source
    /// in diagnostics.
    pub fn world<'a>(
        &'a self,
        files: &'a FilePool,
        source: impl AsRef<str> + Send + Sync + 'static,
        date: Date,
        source_name: String,
    ) -> LetterWorld<'a> {
        LetterWorld::new(self, files, Bytes::from_string(source), date, source_name)
    }
}

/// PDF settings: the letter date as creation date, so output is reproducible.
fn pdf_options(date: Date, standards: &PdfStandards) -> PdfOptions {
    PdfOptions {
        ident: Smart::Auto,
        creator: Smart::Custom(Some(format!("letterpress {}", env!("CARGO_PKG_VERSION")))),
        timestamp: Some(Timestamp::new_utc(letter_datetime(date))),
        standards: standards.clone(),
        ..PdfOptions::default()
    }
}

/// The PDF standards a letter conforms to: always PDF/UA-1 (accessible),
/// plus any archival standard asked for (PDF/A-2b, 3b, 4 …). typst enforces
/// them at export and rejects combinations that cannot hold together.
pub fn pdf_standards(extra: &[PdfStandard]) -> Result<PdfStandards, StandardsError> {
    let mut list = vec![PdfStandard::Ua_1];
    list.extend(extra.iter().copied().filter(|s| *s != PdfStandard::Ua_1));
    PdfStandards::new(&list).map_err(|err| StandardsError(err.message().to_string()))
}

/// PDF standards that cannot be combined, in typst's words.
#[derive(Debug, thiserror::Error)]
#[error("invalid PDF standards: {0}")]
pub struct StandardsError(String);

/// The letter date as a typst date. The finding file was validated, so the
/// date exists; the fallback only keeps this total.
fn letter_datetime(date: Date) -> Datetime {
    Datetime::from_ymd(date.year, date.month, date.day)
        .or_else(|| Datetime::from_ymd(1970, 1, 1))
        .expect("1970-01-01 is a valid date")
}

impl Default for Typesetter {
    fn default() -> Self {
        Self::new()
    }
}

/// typst rejected a letter; the diagnostics are rendered with their source.
#[derive(Debug, thiserror::Error)]
#[error("{report}")]
pub struct TypstError {
    /// The diagnostics, formatted with file, line and snippet.
    pub report: String,
    /// The first error's message and hints, without typst's formatting.
    pub message: String,
    /// Where the first error is in the letter's generated source, if there:
    /// for the caller to trace it back to the field it came from.
    pub in_source: Option<std::ops::Range<usize>>,
}

impl TypstError {
    /// An error of our own about typst's output, at no place in a source.
    pub(crate) fn plain(message: String) -> Self {
        TypstError { report: format!("error: {message}"), message, in_source: None }
    }
}

/// One letter's view of the world: the shared fonts and library, the
/// letter's generated source and the project's files.
pub struct LetterWorld<'a> {
    typesetter: &'a Typesetter,
    pool: &'a FilePool,
    files: FileStore<ProjectFiles>,
    main: FileId,
    today: Datetime,
    date: Date,
    source_name: String,
}

impl Drop for LetterWorld<'_> {
    /// Returns the file store, parsed files and all, for the next letter.
    fn drop(&mut self) {
        let placeholder = FileStore::new(ProjectFiles::empty(self.main));
        self.pool.give_back(std::mem::replace(&mut self.files, placeholder));
    }
}

impl<'a> LetterWorld<'a> {
    fn new(
        typesetter: &'a Typesetter,
        pool: &'a FilePool,
        source: Bytes,
        date: Date,
        source_name: String,
    ) -> Self {
        let files = pool.take(source);
        Self {
            typesetter,
            pool,
            files,
            main: main_id(),
            today: letter_datetime(date),
            source_name,
            date,
        }
    }

    /// Lays the letter out into pages.
    ///
    /// A font the layout names but no font file provides is an error, not
    /// typst's warning and silent fallback: a letter must look as designed.
    /// The project files this letter's compile read (layout, images, ...),
    /// for a batch to fingerprint exactly what the letter was made from.
    pub fn files_read(&mut self) -> FilesRead {
        self.pool.read_by(&mut self.files)
    }

    pub fn layout(&self) -> Result<PagedDocument, TypstError> {
        let Warned { output, warnings } = typst::compile::<PagedDocument>(self);
        let document = output.map_err(|errors| self.error(&errors, &warnings))?;
        let missing: Vec<SourceDiagnostic> = warnings
            .into_iter()
            .filter(|w| w.message.starts_with("unknown font family"))
            .map(|mut w| {
                w.severity = typst::diag::Severity::Error;
                w.hint("add the font file to the project's fonts/ folder");
                w
            })
            .collect();
        if missing.is_empty() { Ok(document) } else { Err(self.error(&missing, &[])) }
    }

    /// An error at the first text in `document` that runs off its page (a
    /// letter's check after layout; typst itself says nothing).
    pub fn text_off_page(&self, document: &PagedDocument) -> Option<TypstError> {
        let span = overflow::overflowing_text(document)?;
        let off_page = SourceDiagnostic::error(
            span,
            "this text runs off the right edge of the page: it has no space or hyphen to break the line at",
        )
        .with_hint("break it with spaces (a long web address can go on a line of its own)");
        Some(self.error(&[off_page], &[]))
    }

    /// Exports laid-out pages as PDF.
    pub fn export(
        &self,
        document: &PagedDocument,
        standards: &PdfStandards,
    ) -> Result<Vec<u8>, TypstError> {
        typst_pdf::pdf(document, &pdf_options(self.date, standards))
            .map_err(|errors| self.error(&errors, &[]))
    }

    /// Formats diagnostics with snippets into a [`TypstError`].
    fn error(&self, errors: &[SourceDiagnostic], warnings: &[SourceDiagnostic]) -> TypstError {
        let mut buffer = codespan_reporting::term::termcolor::Buffer::no_color();
        let report = match typst_kit::diagnostics::emit(
            &mut buffer,
            self,
            errors.iter().chain(warnings),
            DiagnosticFormat::Human,
        ) {
            Ok(()) => String::from_utf8_lossy(buffer.as_slice()).trim_end().to_owned(),
            Err(_) => errors
                .iter()
                .map(|e| format!("error: {}", e.message))
                .collect::<Vec<_>>()
                .join("\n"),
        };
        let first = errors.first();
        let message = first.map_or_else(String::new, |error| {
            let mut message = error.message.to_string();
            for hint in &error.hints {
                message.push_str(&format!("\nhint: {}", hint.v));
            }
            message
        });
        let in_source = first
            .filter(|error| error.span.id() == Some(self.main))
            .and_then(|error| typst::WorldExt::range(self, error.span));
        TypstError { report, message, in_source }
    }
}

fn main_id() -> FileId {
    let vpath = VirtualPath::new(MAIN_PATH).expect("MAIN_PATH is a valid virtual path");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl World for LetterWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.typesetter.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.typesetter.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.files.source(id)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.file(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.typesetter.fonts.font(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

impl DiagnosticWorld for LetterWorld<'_> {
    fn name(&self, id: FileId) -> String {
        if id == self.main {
            self.source_name.clone()
        } else {
            id.vpath().get_without_slash().to_string()
        }
    }
}
