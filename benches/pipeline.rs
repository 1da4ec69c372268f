//! Per-stage timings of the letter pipeline, and the typst floor.
//!
//! Run with `cargo bench --bench pipeline`. Each number is the median (and
//! p95) of repeated in-process runs. "distinct" runs evict typst's caches
//! and render a letter the renderer has not seen, as in a batch; "warm" runs
//! render the same letter again, unchanged (a save without an edit, or
//! `serve` rendering every open letter again after a save to another);
//! "after an edit" runs render a new edit of the letter each round, the
//! edit-preview loop.
//!
//! The floor is the same generated typst source compiled and exported by
//! typst alone: a bare `World` that serves the source and the project files,
//! with the same fonts; it is measured exporting with the same PDF options
//! as letterpress (PDF/UA-1, fixed date) and with typst's default options.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use letterpress::model::{Finding, MarkdownOptions};
use letterpress::project::Project;
use letterpress::render::Renderer;
use letterpress::typeset::{FilePool, PageImages, PngCompression, Typesetter};
use letterpress::wording::{Output, Templates, markdown};
use typst::foundations::Datetime;

mod floor;
use floor::FloorWorld;

/// The allocator the letterpress binary uses, so these numbers are the
/// shipped program's (and the floor gets the same one).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The letter's PDF, as `render` makes it: prepared, laid out, exported.
fn pdf(renderer: &Renderer, path: &std::path::Path) -> Vec<u8> {
    let letter = renderer.prepare(path).unwrap();
    renderer.lay_out(&letter).unwrap().pdf().unwrap()
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let demo_path = root.join("letters/cafcass-greater-london.toml");
    let project = Project::discover(&root).expect("demo project");
    let templates =
        Templates::load(&project.files, &project.templates_dir(), project.config.markdown)
            .expect("templates");
    let demo_text = std::fs::read_to_string(&demo_path).expect("demo finding");
    let demo = letterpress::finding::parse(&demo_path, demo_text.clone()).expect("demo parses");
    let typesetter = Typesetter::shared();
    let files = FilePool::new(&project.files, |name| {
        letterpress::project::builtin::template(name).map(|file| file.contents)
    });
    let standards = letterpress::typeset::pdf_standards(&[]).expect("PDF/UA-1");
    let floor = FloorWorld::new(&root);
    let iterations =
        std::env::var("BENCH_ITERATIONS").ok().and_then(|n| n.parse().ok()).unwrap_or(30);

    println!("letterpress pipeline benchmark ({iterations} runs each; ms, median / p95)");
    println!("{:<62} {:>9} {:>9}", "stage", "median", "p95");

    let report = |name: &str, times: Vec<Duration>| {
        let (median, p95) = stats(times);
        println!("{name:<62} {median:>9.3} {p95:>9.3}");
        median
    };

    // The British English checker as `check` builds it: the project's word
    // list and the sender's name. The first text checked loads the
    // dictionary, once per process.
    let words = letterpress::project::words::read(&project.files).expect("words.txt");
    let english = letterpress::finding::english::English::new(
        &project.config.prose_check,
        letterpress::finding::english::Words::new(words.iter().map(String::as_str))
            .with_names([project.config.sender.name.as_str()]),
    )
    .expect("prose_check");
    let checks =
        letterpress::finding::TextChecks { markdown: &markdown::remarks, english: Some(&english) };
    let no_english = letterpress::finding::TextChecks { english: None, ..checks };
    let names = letterpress::finding::english::Words::default();
    let start = Instant::now();
    english.plain("A first sentence.", &names);
    report("first English check in a process (loads the dictionary)", vec![start.elapsed()]);

    // Each stage alone, for the demo and for a 100-area (37-page) letter.
    let synthetic = with_areas(&demo, 100);
    let synthetic_text = toml_with_areas(&demo_text, 100);
    for (label, finding, text) in
        [("demo", &demo, &demo_text), ("100 areas", &synthetic, &synthetic_text)]
    {
        let runs = if finding.areas.len() > 12 { iterations.min(10) } else { iterations };
        report(
            &format!("{label}: parse + validate finding file"),
            time(runs, || {
                letterpress::finding::parse(&demo_path, text.clone()).unwrap();
            }),
        );
        let kind = |_: Option<&str>| letterpress::model::LetterKind::default();
        // (A letter of 100 areas is over the limit: check stops there.)
        for (what, checks) in
            [("with", &checks), ("without", &no_english)].into_iter().filter(|_| label == "demo")
        {
            report(
                &format!("{label}: check finding file {what} English checks"),
                time(runs, || {
                    letterpress::finding::check(&demo_path, text.clone(), checks, &kind);
                }),
            );
        }
        report(
            &format!("{label}: markdown -> typst (all prose fields)"),
            time(runs, || {
                for area in &finding.areas {
                    markdown::to_typst(&area.reported, None, MarkdownOptions::default());
                    markdown::to_typst(&area.progress, None, MarkdownOptions::default());
                }
            }),
        );
        let wording =
            || templates.render("monitoring", finding, &project.config, &Output::FINAL_A4).unwrap();
        // Prose the templates have converted before is looked up, not
        // converted again (as after an edit); a letter never seen before
        // (the first render, a batch) converts every field.
        let unseen: Vec<Finding> = (0..=runs).map(|n| with_prose_suffix(finding, n)).collect();
        let mut unseen = unseen.iter();
        report(
            &format!("{label}: tera wording, prose not seen before"),
            time(runs, || {
                let finding = unseen.next().expect("one letter per run");
                templates
                    .render("monitoring", finding, &project.config, &Output::FINAL_A4)
                    .unwrap();
            }),
        );
        report(
            &format!("{label}: tera wording, prose seen before"),
            time(runs, || {
                wording();
            }),
        );
        let source = wording();
        report(
            &format!("{label}: typst layout, distinct"),
            time(runs, || {
                comemo::evict(0);
                typesetter
                    .world(&files, source.clone(), finding.date, "x".to_owned())
                    .layout()
                    .unwrap();
            }),
        );
        let world = typesetter.world(&files, source.clone(), finding.date, "x".to_owned());
        let document = world.layout().unwrap();
        report(
            &format!("{label}: PDF export (PDF/UA-1)"),
            time(runs, || {
                world.export(&document, &standards).unwrap();
            }),
        );
        for (what, compression) in [
            ("fast (serve)", PngCompression::Fast),
            ("small (render --png)", PngCompression::Small),
        ] {
            let images = PageImages { pixels_per_point: 2.0, compression };
            report(
                &format!("{label}: {} PNG pages at 144 dpi, {what}", document.pages().len()),
                time(runs.min(10), || {
                    letterpress::typeset::png_pages(&document, images, &[]).unwrap();
                }),
            );
        }
    }

    println!();
    // As `batch` and `render` build it, for the distinct rounds, and as
    // `watch` and `serve` do, keeping the letters it prepares, for the rest.
    let renderer = Renderer::new(Project::discover(&root).unwrap()).unwrap();
    let previewer = Renderer::new(Project::discover(&root).unwrap()).unwrap().remembering();
    let source = templates.render("monitoring", &demo, &project.config, &Output::FINAL_A4).unwrap();
    // Versions of the demo with one word changed, each written to a file and
    // worded (with `templates`, not the renderer's) before any timing: a
    // letter the renderer has not seen, for the distinct rounds and the
    // rounds after an edit.
    let edits = tempfile::tempdir().expect("temporary folder");
    let mut versions = (0..).map(|n| {
        let text = one_word_edited(&demo_text, n);
        let path = edits.path().join(format!("edit-{n}.toml"));
        std::fs::write(&path, &text).expect("write the edited letter");
        let finding = letterpress::finding::parse(&path, text).expect("edited letter parses");
        let source =
            templates.render("monitoring", &finding, &project.config, &Output::FINAL_A4).unwrap();
        (path, source)
    });
    let mut take = |n: usize| -> Vec<_> { versions.by_ref().take(n).collect() };
    let ua = typst_pdf::PdfOptions {
        standards: standards.clone(),
        timestamp: Some(typst_pdf::Timestamp::new_utc(Datetime::from_ymd(2010, 12, 1).unwrap())),
        ..Default::default()
    };
    let plain = typst_pdf::PdfOptions::default();
    // Ours and the floors run in turn, one of each per round, so a change in
    // the machine's speed during the run falls on all of them alike. Each
    // distinct round is a letter not seen before (typst's caches evicted,
    // and a file the renderer has not prepared); each run has its own.
    let (distinct, distinct_ua, distinct_plain) =
        (take(iterations + 1), take(iterations + 1), take(iterations + 1));
    let (mut ours_next, mut floor_next, mut plain_next) =
        (distinct.iter(), distinct_ua.iter(), distinct_plain.iter());
    let [ours, floor_ua, floor_plain] = interleaved(
        iterations,
        [
            &mut || {
                comemo::evict(0);
                pdf(&renderer, &ours_next.next().unwrap().0);
            },
            &mut || {
                comemo::evict(0);
                floor.compile(&floor_next.next().unwrap().1, &ua);
            },
            &mut || {
                comemo::evict(0);
                floor.compile(&plain_next.next().unwrap().1, &plain);
            },
        ],
        || {},
    );
    let ours_distinct = report("demo: end to end (file -> PDF bytes), distinct", ours);
    let floor_distinct =
        report("demo: typst floor, distinct (same source and PDF/UA-1 export)", floor_ua);
    let plain_distinct =
        report("demo: typst floor, distinct (same source, default PDF export)", floor_plain);
    // A warm render takes 3 ms, so more rounds cost little and steady the medians.
    let warm_rounds = iterations * 5;
    println!("(warm: {warm_rounds} rounds)");
    let [ours, ours_alone, our_world, floor_ua, floor_plain] = interleaved(
        warm_rounds,
        [
            &mut || {
                pdf(&previewer, &demo_path);
            },
            &mut || {
                previewer.prepare(&demo_path).unwrap();
            },
            &mut || {
                let world = typesetter.world(&files, source.clone(), demo.date, "x".to_owned());
                let d = world.layout().unwrap();
                world.export(&d, &standards).unwrap();
            },
            &mut || {
                floor.compile(&source, &ua);
            },
            &mut || {
                floor.compile(&source, &plain);
            },
        ],
        || {},
    );
    let ours_warm = report("demo: end to end, warm (the same letter, unchanged)", ours);
    report("demo: ours alone (read; prepared before), between typst runs", ours_alone);
    report("demo: our World, warm, typst only (layout + export)", our_world);
    let floor_warm = report("demo: typst floor, warm (PDF/UA-1 export)", floor_ua);
    let plain_warm = report("demo: typst floor, warm (default PDF export)", floor_plain);
    ratios("distinct", ours_distinct, floor_distinct, plain_distinct);
    ratios("warm", ours_warm, floor_warm, plain_warm);

    println!();
    // As in the edit-preview loop: each round renders a new edit of the
    // letter (one word of one area's narrative, different every round), so
    // typst lays out again what the edit touched and we read, parse and word
    // the whole letter again, converting the edited field's Markdown anew;
    // the floors compile such edits' sources. Each run has its own edits
    // (and a warm-up), so no run finds an edit another run has just laid out.
    let edited: [Vec<_>; 4] = std::array::from_fn(|_| take(warm_rounds + 1));
    assert_ne!(edited[0][0].1, edited[0][1].1, "each edit changes the letter");
    let [mut ours_next, mut ours_alone_next, mut floor_next, mut plain_next] =
        edited.each_ref().map(|versions| versions.iter());
    let [ours, ours_alone, floor_ua, floor_plain] = interleaved(
        warm_rounds,
        [
            &mut || {
                pdf(&previewer, &ours_next.next().unwrap().0);
            },
            &mut || {
                previewer.prepare(&ours_alone_next.next().unwrap().0).unwrap();
            },
            &mut || {
                floor.compile(&floor_next.next().unwrap().1, &ua);
            },
            &mut || {
                floor.compile(&plain_next.next().unwrap().1, &plain);
            },
        ],
        // As `watch` does after each render: what no render used lately goes.
        || comemo::evict(10),
    );
    println!("(after an edit: {warm_rounds} rounds, a new edit each)");
    let ours_edit = report("demo: end to end, after an edit", ours);
    report("demo: ours alone (read, parse, wording), after an edit", ours_alone);
    let floor_edit = report("demo: typst floor, after an edit (PDF/UA-1 export)", floor_ua);
    let plain_edit = report("demo: typst floor, after an edit (default PDF export)", floor_plain);
    ratios("after an edit", ours_edit, floor_edit, plain_edit);

    println!();
    println!("scaling with the number of areas (end to end, distinct):");
    for areas in [1, 25, 50, 100] {
        let finding = with_areas(&demo, areas);
        let mut pages = 0;
        let times = time(iterations.min(10), || {
            comemo::evict(0);
            let source = templates
                .render("monitoring", &finding, &project.config, &Output::FINAL_A4)
                .unwrap();
            let world = typesetter.world(&files, source, finding.date, "synthetic".to_owned());
            let document = world.layout().unwrap();
            pages = document.pages().len();
            world.export(&document, &standards).unwrap();
        });
        report(&format!("{areas} areas ({pages} pages)"), times);
    }
}

/// The demo finding file's text with its `[[area]]` tables repeated to `n`.
fn toml_with_areas(demo: &str, n: usize) -> String {
    let first = demo.find("[[area]]").expect("the demo has areas");
    let (head, areas) = demo.split_at(first);
    let tables: Vec<&str> = areas.split("[[area]]").filter(|t| !t.trim().is_empty()).collect();
    let mut text = head.to_owned();
    for table in tables.iter().cycle().take(n) {
        text.push_str("[[area]]");
        text.push_str(table);
    }
    text
}

/// Prints our end-to-end median as a ratio to the floor's, with the same
/// PDF/UA-1 export and with typst's default export.
fn ratios(what: &str, ours: f64, floor_ua: f64, floor_plain: f64) {
    println!(
        "ratio end-to-end / floor, {what}: {:.3} (same PDF/UA-1 export), {:.3} (default PDF export)",
        ours / floor_ua,
        ours / floor_plain
    );
}

/// The demo finding file with one word of its last area's narrative
/// changed, differently for each `n`.
fn one_word_edited(demo: &str, n: usize) -> String {
    let at = demo.rfind("progress = \"\"\"").expect("the demo has a progress narrative");
    let word = demo[at..].find(" the ").expect("the narrative has a \"the\"") + at;
    format!("{} the{n} {}", &demo[..word], &demo[word + " the ".len()..])
}

/// `finding` with `(n)` added to every prose field, so none of it has been
/// converted before.
fn with_prose_suffix(finding: &Finding, n: usize) -> Finding {
    let mut finding = finding.clone();
    for (i, area) in finding.areas.iter_mut().enumerate() {
        area.reported.push_str(&format!(" ({n}.{i})"));
        area.progress.push_str(&format!(" ({n}.{i})"));
    }
    finding
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

/// Like [`time`] for several runs side by side: after a warm-up of each,
/// every round runs each once, starting one further along each round, so
/// every run follows every other equally often (what ran just before
/// changes the allocator's and caches' state, and so the time).
///
/// `between_rounds` runs after each round, untimed.
fn interleaved<const N: usize>(
    rounds: usize,
    mut runs: [&mut dyn FnMut(); N],
    between_rounds: impl Fn(),
) -> [Vec<Duration>; N] {
    for run in runs.iter_mut() {
        run();
    }
    let mut times: [Vec<Duration>; N] = std::array::from_fn(|_| Vec::with_capacity(rounds));
    for round in 0..rounds {
        for k in 0..N {
            let i = (round + k) % N;
            let start = Instant::now();
            runs[i]();
            times[i].push(start.elapsed());
        }
        between_rounds();
    }
    times
}

/// Median and 95th percentile in milliseconds.
fn stats(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p95 = times[((times.len() as f64 * 0.95).ceil() as usize).saturating_sub(1)];
    (ms(times[times.len() / 2]), ms(p95))
}
