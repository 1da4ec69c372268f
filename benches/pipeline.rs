//! Per-stage timings of the letter pipeline, and the typst floor.
//!
//! Run with `cargo bench --bench pipeline`. Each number is the median (and
//! p95) of repeated in-process runs. "distinct" runs evict typst's caches
//! first, as for a letter never seen before; "warm" runs keep them, as when a
//! letter is re-rendered after a small edit.
//!
//! The floor is the same generated typst source compiled and exported by
//! typst alone: a bare `World` that serves the source and the project files,
//! with the same fonts, and default PDF options.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use letterpress::finding::Finding;
use letterpress::markdown::{self, MarkdownOptions};
use letterpress::project::Project;
use letterpress::render::Renderer;
use letterpress::template::Templates;
use letterpress::world::Typesetter;
use typst::diag::FileResult;
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::files::{FileLoader, FileStore, FsRoot};
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let demo_path = root.join("letters/cafcass-greater-london.toml");
    let project = Project::discover(&root).expect("demo project");
    let templates =
        Templates::load(&project.templates_dir(), project.config.markdown).expect("templates");
    let demo_text = std::fs::read_to_string(&demo_path).expect("demo finding");
    let demo = Finding::parse(&demo_path, demo_text.clone()).expect("demo parses");
    let typesetter = Typesetter::shared();
    let standards = letterpress::world::pdf_standards(&[]).expect("PDF/UA-1");
    let floor = FloorWorld::new(&root);
    let iterations =
        std::env::var("BENCH_ITERATIONS").ok().and_then(|n| n.parse().ok()).unwrap_or(30);

    println!("letterpress pipeline benchmark ({iterations} runs each; ms, median / p95)");
    println!("{:<58} {:>9} {:>9}", "stage", "median", "p95");

    let report = |name: &str, times: Vec<Duration>| {
        let (median, p95) = stats(times);
        println!("{name:<58} {median:>9.3} {p95:>9.3}");
        median
    };

    report(
        "demo: parse + validate finding file",
        time(iterations, || {
            Finding::parse(&demo_path, demo_text.clone()).unwrap();
        }),
    );
    report(
        "demo: markdown -> typst (all prose fields)",
        time(iterations, || {
            for area in &demo.areas {
                markdown::to_typst(&area.reported, None, MarkdownOptions::default());
                markdown::to_typst(&area.progress, None, MarkdownOptions::default());
            }
        }),
    );
    report(
        "demo: tera wording (incl. markdown)",
        time(iterations, || {
            templates
                .render(
                    "monitoring",
                    &demo,
                    &project.config,
                    &letterpress::template::Output::FINAL_A4,
                )
                .unwrap();
        }),
    );
    let source = templates
        .render("monitoring", &demo, &project.config, &letterpress::template::Output::FINAL_A4)
        .unwrap();
    report(
        "demo: typst layout, distinct",
        time(iterations, || {
            comemo::evict(0);
            typesetter.world(&root, source.clone(), demo.date, "demo").layout().unwrap();
        }),
    );
    let world = typesetter.world(&root, source.clone(), demo.date, "demo");
    let document = world.layout().unwrap();
    report(
        "demo: PDF export",
        time(iterations, || {
            world.export(&document, &standards).unwrap();
        }),
    );

    let renderer = Renderer::new(Project::discover(&root).unwrap()).unwrap();
    let ours_distinct = report(
        "demo: end to end (file -> PDF bytes), distinct",
        time(iterations, || {
            comemo::evict(0);
            renderer.pdf(&demo_path).unwrap();
        }),
    );
    let floor_distinct = report(
        "demo: typst floor (same source, bare World), distinct",
        time(iterations, || {
            comemo::evict(0);
            floor.compile(&source);
        }),
    );
    let ours_warm = report(
        "demo: end to end, warm",
        time(iterations, || {
            renderer.pdf(&demo_path).unwrap();
        }),
    );
    let floor_warm = report(
        "demo: typst floor, warm",
        time(iterations, || {
            floor.compile(&source);
        }),
    );
    println!(
        "ratio end-to-end / floor: distinct {:.3}, warm {:.3}",
        ours_distinct / floor_distinct,
        ours_warm / floor_warm
    );

    println!();
    println!("scaling with the number of areas (end to end, distinct):");
    for areas in [1, 25, 50, 100] {
        let finding = with_areas(&demo, areas);
        let mut pages = 0;
        let times = time(iterations.min(10), || {
            comemo::evict(0);
            let source = templates
                .render(
                    "monitoring",
                    &finding,
                    &project.config,
                    &letterpress::template::Output::FINAL_A4,
                )
                .unwrap();
            let world = typesetter.world(&root, source, finding.date, "synthetic");
            let document = world.layout().unwrap();
            pages = document.pages().len();
            world.export(&document, &standards).unwrap();
        });
        report(&format!("{areas} areas ({pages} pages)"), times);
    }
}

/// A letter like the demo with `n` areas (the demo's areas repeated).
fn with_areas(demo: &Finding, n: usize) -> Finding {
    let mut finding = demo.clone();
    finding.areas = demo.areas.iter().cycle().take(n).cloned().collect();
    finding
}

fn time(iterations: usize, mut f: impl FnMut()) -> Vec<Duration> {
    f(); // warm-up: first-use costs (font parsing, page faults) are not per letter
    (0..iterations)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect()
}

/// Median and 95th percentile in milliseconds.
fn stats(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p95 = times[((times.len() as f64 * 0.95).ceil() as usize).saturating_sub(1)];
    (ms(times[times.len() / 2]), ms(p95))
}

/// The floor: typst with nothing of ours but the source text and the fonts,
/// files cached as typst-cli does (typst-kit's `FileStore`).
struct FloorWorld {
    library: LazyHash<Library>,
    fonts: FontStore,
    files: std::sync::Mutex<FileStore<FloorFiles>>,
    main: FileId,
}

struct FloorFiles {
    root: FsRoot,
    main: FileId,
    source: Bytes,
}

impl FileLoader for FloorFiles {
    fn load(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main { Ok(self.source.clone()) } else { self.root.load(id.vpath()) }
    }
}

impl FloorWorld {
    fn new(root: &Path) -> Self {
        let mut fonts = FontStore::new();
        for entry in std::fs::read_dir(root.join("fonts")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "ttf") {
                let data = Bytes::new(std::fs::read(&path).unwrap());
                fonts.extend(Font::iter(data).map(|f| {
                    let info = f.info().clone();
                    (f, info)
                }));
            }
        }
        let main =
            RootedPath::new(VirtualRoot::Project, VirtualPath::new("/floor.typ").unwrap()).intern();
        let files = FileStore::new(FloorFiles {
            root: FsRoot::new(root.to_path_buf()),
            main,
            source: Bytes::from_string(String::new()),
        });
        Self {
            library: LazyHash::new(Library::default()),
            fonts,
            files: std::sync::Mutex::new(files),
            main,
        }
    }

    fn compile(&self, text: &str) -> Vec<u8> {
        {
            let mut files = self.files.lock().unwrap();
            files.loader_mut().source = Bytes::from_string(text.to_owned());
            files.reset();
        }
        let document = typst::compile::<PagedDocument>(self).output.unwrap();
        typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).unwrap()
    }
}

impl World for FloorWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }
    fn main(&self) -> FileId {
        self.main
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        self.files.lock().unwrap().source(id)
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.lock().unwrap().file(id)
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }
    fn today(&self, _: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Datetime::from_ymd(2010, 12, 1)
    }
}
