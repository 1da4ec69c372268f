//! The typst world: fonts, files and the date a letter is compiled with, and
//! the compile itself (typst source → PDF bytes).
//!
//! Fonts and typst's standard library are built once per process in a
//! [`Typesetter`] and shared by every letter; each letter gets a cheap
//! [`LetterWorld`] holding its generated source. File access is confined to
//! the project folder: package imports are refused, and paths that leave the
//! project (also through symlinks) are denied, so nothing a letter contains
//! can read other files or reach the network.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use typst::diag::{FileError, FileResult, SourceDiagnostic, Warned};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::diagnostics::{DiagnosticFormat, DiagnosticWorld};
use typst_kit::files::{FileLoader, FileStore, FsRoot};
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::finding::Date;

/// The fonts shipped in `fonts/`, embedded so every machine renders alike.
pub(crate) static EMBEDDED_FONTS: [&[u8]; 5] = [
    include_bytes!("../fonts/LiberationSans-Regular.ttf"),
    include_bytes!("../fonts/LiberationSans-Bold.ttf"),
    include_bytes!("../fonts/LiberationSans-Italic.ttf"),
    include_bytes!("../fonts/LiberationSans-BoldItalic.ttf"),
    include_bytes!("../fonts/LiberationMono-Regular.ttf"),
];

/// Where the generated letter source lives in the project's virtual file
/// system; relative paths in a template resolve from the project root.
const MAIN_PATH: &str = "/letter.typ";

/// Count behind [`Typesetter::built`].
static BUILT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// What typst needs that does not change between letters.
pub struct Typesetter {
    library: LazyHash<Library>,
    fonts: FontStore,
}

impl Typesetter {
    /// Builds the font book from the embedded fonts.
    pub fn new() -> Self {
        BUILT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut fonts = FontStore::new();
        for data in EMBEDDED_FONTS {
            fonts.extend(Font::iter(Bytes::new(data)).map(|font| {
                let info = font.info().clone();
                (font, info)
            }));
        }
        Self { library: LazyHash::new(Library::default()), fonts }
    }

    /// The embedded fonts plus the `.ttf`/`.otf` files in `dir` (a project's
    /// `fonts/`), skipping faces the embedded fonts already provide. Returns
    /// `None` when `dir` adds nothing, so the shared instance can be used.
    pub fn with_fonts_from(dir: &Path) -> std::io::Result<Option<Self>> {
        let mut paths: Vec<PathBuf> = match std::fs::read_dir(dir) {
            Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(err),
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
            let data = std::fs::read(&path)?;
            // A copy of a built-in font (as in this repository's own fonts/)
            // adds nothing; comparing bytes is cheaper than parsing.
            if EMBEDDED_FONTS.contains(&data.as_slice()) {
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

    /// How many typesetters (font books) this process has built: a cheap
    /// check, in tests, that fonts are parsed once however many letters.
    pub fn built() -> usize {
        BUILT.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The process-wide instance: fonts are parsed once, however many letters.
    pub fn shared() -> &'static Typesetter {
        static SHARED: LazyLock<Typesetter> = LazyLock::new(Typesetter::new);
        &SHARED
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
        source_name: &'a str,
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
pub fn pdf_standards(extra: &[PdfStandard]) -> Result<PdfStandards, String> {
    let mut list = vec![PdfStandard::Ua_1];
    list.extend(extra.iter().copied().filter(|s| *s != PdfStandard::Ua_1));
    PdfStandards::new(&list).map_err(|err| err.message().to_string())
}

/// A page as a PNG image, with the key of what it shows.
#[derive(Clone)]
pub struct PagePng {
    /// The hash of the laid-out page: pages with equal keys look the same.
    pub key: u128,
    /// The image.
    pub png: Arc<[u8]>,
}

/// How page images are made: their resolution and how hard they are
/// compressed.
#[derive(Clone, Copy, Debug)]
pub struct PageImages {
    /// Pixels per typst point: 2.0 is 144 dpi.
    pub pixels_per_point: f64,
    /// Time against size.
    pub compression: PngCompression,
}

/// How hard page images are compressed. Compressing is most of the cost of
/// a page image: rasterising a page of the demo takes 1–2.5 ms, compressing
/// it as tiny-skia does (zlib level 6, every row filtered adaptively,
/// RGBA) 14–27 ms (BENCHMARKS.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PngCompression {
    /// For images shown once and replaced, as in the live preview: fdeflate
    /// with the "up" filter, 2.4–3.3 ms a page; a grey page's image is
    /// smaller than tiny-skia's, a coloured one's about twice as large.
    Fast,
    /// For images kept as files: zlib level 6, unfiltered (which compresses
    /// black text on white better than the filters), 5.5–11 ms a page; a
    /// grey page's image is about half the size of tiny-skia's, a coloured
    /// one's about the same.
    Small,
}

/// Renders every page as a PNG, on all cores. A page whose key is among
/// `earlier` (renders of an older version of the letter) is taken from
/// there: after a small edit only the pages that changed are rasterised
/// again, which is most of the cost of a live preview's render.
pub fn png_pages(
    document: &PagedDocument,
    images: PageImages,
    earlier: &[PagePng],
) -> Result<Vec<PagePng>, String> {
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(images.pixels_per_point),
        render_bleed: false,
    };
    let render = |page: &typst_layout::Page| -> Result<PagePng, String> {
        let key = typst::utils::hash128(page);
        if let Some(done) = earlier.iter().find(|done| done.key == key) {
            return Ok(done.clone());
        }
        let pixmap = typst_render::render(page, &options);
        let png = encode_opaque(pixmap.data(), pixmap.width(), pixmap.height(), images.compression)
            .unwrap_or_else(|| pixmap.encode_png())
            .map_err(|e| e.to_string())?;
        Ok(PagePng { key, png: png.into() })
    };
    let pages = document.pages();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = pages.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = pages
            .chunks(chunk)
            .map(|chunk| scope.spawn(|| chunk.iter().map(render).collect::<Vec<_>>()))
            .collect();
        let mut out = Vec::with_capacity(pages.len());
        for worker in workers {
            let done = worker.join().map_err(|_| "a page failed to render".to_owned())?;
            for page in done {
                out.push(page?);
            }
        }
        Ok(out)
    })
}

/// Encodes an opaque image given as RGBA bytes losslessly, in as few
/// channels as it needs: grey when every pixel is grey, as on most pages of
/// a letter, else RGB. `None` when some pixel is not opaque, to be encoded
/// with its alpha channel.
fn encode_opaque(
    rgba: &[u8],
    width: u32,
    height: u32,
    compression: PngCompression,
) -> Option<Result<Vec<u8>, png::EncodingError>> {
    let pixels = rgba.chunks_exact(4);
    if pixels.clone().any(|p| p[3] != u8::MAX) {
        return None;
    }
    let (color, samples): (_, Vec<u8>) = if pixels.clone().all(|p| p[0] == p[1] && p[1] == p[2]) {
        (png::ColorType::Grayscale, pixels.map(|p| p[0]).collect())
    } else {
        (png::ColorType::Rgb, pixels.flat_map(|p| [p[0], p[1], p[2]]).collect())
    };
    let (level, filter) = match compression {
        PngCompression::Fast => (png::Compression::Fast, png::Filter::Up),
        PngCompression::Small => (png::Compression::Balanced, png::Filter::NoFilter),
    };
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, width, height);
    encoder.set_color(color);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(level);
    encoder.set_filter(filter);
    let written = encoder.write_header().and_then(|mut writer| writer.write_image_data(&samples));
    Some(written.map(|()| png))
}

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
}

/// The project's files as typst read and parsed them, kept between letters.
///
/// Each letter borrows a file store from here and gives it back when done,
/// as typst-cli keeps its files between compiles: the next letter re-reads
/// every file (so an edited layout or image is seen) but reuses the parse of
/// any file whose bytes did not change, and its generated source is
/// reparsed incrementally from the previous letter's. One store per letter
/// in flight, so parallel letters never wait for each other.
pub struct FilePool {
    root: PathBuf,
    canonical_root: PathBuf,
    idle: std::sync::Mutex<Vec<FileStore<ProjectFiles>>>,
    created: std::sync::atomic::AtomicUsize,
    /// Files typst read for letters since [`FilePool::take_read`] was last
    /// called; kept as ids (cheap to copy), turned into paths only when asked.
    read: std::sync::Mutex<Vec<FileId>>,
}

impl FilePool {
    /// An empty pool for the project at `root`.
    pub fn new(root: &Path) -> Self {
        FilePool {
            root: root.to_path_buf(),
            canonical_root: std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
            idle: std::sync::Mutex::new(Vec::new()),
            created: std::sync::atomic::AtomicUsize::new(0),
            read: std::sync::Mutex::default(),
        }
    }

    /// The project files typst has read (or looked for) for the letters
    /// rendered since the last call: what a watcher must watch besides the
    /// finding files, as typst-cli watches a document's dependencies. Signature
    /// images and any image the layout uses are among them.
    pub fn take_read(&self) -> BTreeSet<PathBuf> {
        let read = std::mem::take(&mut *self.read.lock().unwrap_or_else(|e| e.into_inner()));
        let root = FsRoot::new(self.root.clone());
        read.into_iter()
            .filter(|id| matches!(id.root(), VirtualRoot::Project))
            .filter_map(|id| root.resolve(id.vpath()).ok())
            .collect()
    }

    /// How many file stores the pool has made: one per letter rendered at
    /// the same time, however many letters (a cheap check, in tests, that
    /// parsed files are reused).
    pub fn created(&self) -> usize {
        self.created.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A store serving `source` as the letter, every other file fresh.
    fn take(&self, source: Bytes) -> FileStore<ProjectFiles> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut files = idle.unwrap_or_else(|| {
            self.created.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            FileStore::new(ProjectFiles {
                root: FsRoot::new(self.root.clone()),
                canonical_root: self.canonical_root.clone(),
                main: main_id(),
                main_source: Bytes::new(Vec::new()),
            })
        });
        files.loader_mut().main_source = source;
        files.reset();
        files
    }

    fn give_back(&self, mut files: FileStore<ProjectFiles>) {
        {
            let (loader, ids) = files.dependencies();
            let mut read = self.read.lock().unwrap_or_else(|e| e.into_inner());
            for id in ids.filter(|id| *id != loader.main) {
                if !read.contains(&id) {
                    read.push(id);
                }
            }
        }
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).push(files);
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
    source_name: &'a str,
}

impl Drop for LetterWorld<'_> {
    /// Returns the file store, parsed files and all, for the next letter.
    fn drop(&mut self) {
        let placeholder = FileStore::new(ProjectFiles {
            root: FsRoot::new(PathBuf::new()),
            canonical_root: PathBuf::new(),
            main: self.main,
            main_source: Bytes::new(Vec::new()),
        });
        self.pool.give_back(std::mem::replace(&mut self.files, placeholder));
    }
}

impl<'a> LetterWorld<'a> {
    fn new(
        typesetter: &'a Typesetter,
        pool: &'a FilePool,
        source: Bytes,
        date: Date,
        source_name: &'a str,
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
        TypstError { report }
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
            self.source_name.to_owned()
        } else {
            id.vpath().get_without_slash().to_string()
        }
    }
}

/// Serves the generated letter and files inside the project, nothing else.
struct ProjectFiles {
    root: FsRoot,
    canonical_root: PathBuf,
    main: FileId,
    main_source: Bytes,
}

impl FileLoader for ProjectFiles {
    fn load(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main {
            return Ok(self.main_source.clone());
        }
        match id.root() {
            VirtualRoot::Project => {
                let path = self.root.resolve(id.vpath())?;
                // FsRoot stops `..`, but not a symlink pointing outside. One
                // lookup answers both questions: is the file there, and where
                // does it really live (this runs for every file on every render).
                match std::fs::canonicalize(&path) {
                    Ok(real) if !real.starts_with(&self.canonical_root) => {
                        return Err(FileError::AccessDenied);
                    }
                    // The project's own file wins; otherwise the built-in one.
                    Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                        let name = id.vpath().get_without_slash();
                        if let Some(file) = crate::builtin::template(name) {
                            return Ok(Bytes::from_string(file.contents));
                        }
                    }
                    _ => {}
                }
                self.root.load(id.vpath())
            }
            VirtualRoot::Package(_) => Err(FileError::Other(Some(
                "packages are not available: a letter can only use files inside its project".into(),
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pixels of a PNG as RGBA bytes, and the colour type it was stored in.
    fn decoded(png: &[u8]) -> (png::ColorType, Vec<u8>) {
        let mut reader = png::Decoder::new(std::io::Cursor::new(png)).read_info().unwrap();
        let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut buffer).unwrap();
        let samples = &buffer[..frame.buffer_size()];
        let rgba = match frame.color_type {
            png::ColorType::Grayscale => samples.iter().flat_map(|&g| [g, g, g, 255]).collect(),
            png::ColorType::Rgb => {
                samples.chunks(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect()
            }
            png::ColorType::Rgba => samples.to_vec(),
            other => panic!("unexpected colour type {other:?}"),
        };
        (frame.color_type, rgba)
    }

    #[test]
    fn opaque_images_are_encoded_losslessly_in_as_few_channels_as_they_need() {
        let grey = [0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 7, 7, 7, 255];
        let mut coloured = grey;
        coloured[4] = 200;
        for compression in [PngCompression::Fast, PngCompression::Small] {
            let png = encode_opaque(&grey, 2, 2, compression).unwrap().unwrap();
            assert_eq!(decoded(&png), (png::ColorType::Grayscale, grey.to_vec()));
            let png = encode_opaque(&coloured, 2, 2, compression).unwrap().unwrap();
            assert_eq!(decoded(&png), (png::ColorType::Rgb, coloured.to_vec()));
        }
        let mut translucent = grey;
        translucent[7] = 254;
        assert!(encode_opaque(&translucent, 2, 2, PngCompression::Fast).is_none());
    }

    #[test]
    fn every_page_of_the_demo_comes_back_pixel_for_pixel() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let renderer =
            crate::render::Renderer::new(crate::project::Project::discover(root).unwrap()).unwrap();
        let letter = renderer.prepare(&root.join("letters/cafcass-greater-london.toml")).unwrap();
        let world = renderer.typesetter().world(
            renderer.files(),
            letter.source.clone(),
            letter.finding.date,
            "demo",
        );
        let document = world.layout().unwrap();
        let options = typst_render::RenderOptions {
            pixel_per_pt: typst::utils::Scalar::new(1.0),
            render_bleed: false,
        };
        let mut colour_types = Vec::new();
        for page in document.pages() {
            let pixmap = typst_render::render(page, &options);
            let png =
                encode_opaque(pixmap.data(), pixmap.width(), pixmap.height(), PngCompression::Fast)
                    .expect("a page of a letter is opaque")
                    .unwrap();
            let (colour_type, rgba) = decoded(&png);
            assert!(rgba == pixmap.data(), "a page changed in its PNG");
            colour_types.push(colour_type);
        }
        // The letterhead is in colour; the pages after it are black on white.
        assert_eq!(colour_types[0], png::ColorType::Rgb);
        assert!(colour_types[1..].iter().all(|&c| c == png::ColorType::Grayscale));
    }
}
