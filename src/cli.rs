//! The command line: argument types and what each subcommand does.
//!
//! Exit codes: 0 success, 1 invalid input (a finding, template or layout the
//! letter cannot be made from), 2 usage errors (reported by clap), 3 anything
//! else (for example an output folder that cannot be written), 130 a batch
//! interrupted with Ctrl-C.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};

use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::{ProgressBar, ProgressStyle};

use crate::batch::{self, BatchOptions, LetterResult, Outcome};
use crate::builtin;
use crate::diagnostic::{FileProblems, display_path};
use crate::project::Project;
use crate::render::{LetterError, Paper, Renderer};
use crate::watch;
use crate::world::{PageImages, PngCompression};
use typst_pdf::PdfStandard;

/// Turns inspection findings (TOML + Markdown) into formal letters as PDF.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// The project folder (holding letterpress.toml); by default the nearest
    /// one above the files named.
    #[arg(long, global = true, value_name = "DIR")]
    pub project: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// How letters are laid out and exported.
#[derive(Debug, Clone, clap::Args)]
pub struct OutputArgs {
    /// Paper size.
    #[arg(long, value_enum, default_value_t = Paper::A4)]
    pub paper: Paper,
    /// Also conform to this PDF standard (repeatable), e.g. a-2b, a-3b or a-4
    /// for archive copies; PDF/UA-1 always applies.
    #[arg(long = "pdf-standard", value_name = "STANDARD", value_parser = parse_pdf_standard)]
    pub pdf_standards: Vec<PdfStandard>,
    /// Render as a draft whatever the finding's status: DRAFT watermark, a
    /// "not for circulation" line with the render time, no signature.
    #[arg(long)]
    pub draft: bool,
}

fn parse_pdf_standard(text: &str) -> Result<PdfStandard, String> {
    use serde::Deserialize;
    use serde::de::IntoDeserializer;
    let deserializer: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
        text.into_deserializer();
    PdfStandard::deserialize(deserializer).map_err(|_| {
        format!("unknown PDF standard `{text}`; use a PDF version (1.7, 2.0) or a-1b … a-4f, ua-1")
    })
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render one finding file to a PDF letter.
    ///
    /// Example: letterpress render letters/cafcass-greater-london.toml -o out/
    Render {
        /// The finding file (TOML).
        finding: PathBuf,
        /// Output folder, or a file name ending in .pdf (default: out/ in the project).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Print the generated typst source to stdout instead of writing a PDF.
        #[arg(long)]
        emit_typst: bool,
        /// Also write every page as a PNG image next to the PDF (NAME-1.png …).
        #[arg(long)]
        png: bool,
        #[command(flatten)]
        output_args: OutputArgs,
    },
    /// Re-render a letter whenever its finding file, templates, config, fonts or
    /// any file its layout read (a signature image) change.
    ///
    /// Example: letterpress watch letters/cafcass-greater-london.toml -o out/
    Watch {
        /// The finding file (TOML).
        finding: PathBuf,
        /// Output folder, or a file name ending in .pdf (default: out/ in the project).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Preview a letter in the browser, updated in place on every change.
    ///
    /// Given a folder, lists its letters to pick one. Serves on 127.0.0.1 only.
    /// Example: letterpress serve letters/cafcass-greater-london.toml --open
    Serve {
        /// The finding file (TOML), or a folder of them.
        finding: PathBuf,
        /// Port to listen on (default: a free one).
        #[arg(long)]
        port: Option<u16>,
        /// Open the page in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Check finding files without rendering them: every problem, with its line.
    ///
    /// Exit code 0 when clean, 1 when any file has errors (or warnings, with
    /// --deny-warnings).
    ///
    /// Example: letterpress check letters/
    Check {
        /// Finding files or folders of them (default: letters).
        #[arg(default_value = "letters")]
        paths: Vec<PathBuf>,
        /// Treat warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Create a project: letterpress.toml, an example letter and templates/.
    ///
    /// Refuses to overwrite existing files.
    ///
    /// Example: letterpress init my-office && cd my-office && letterpress render letters/example.toml
    Init {
        /// Folder to create the project in.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// List the templates, or copy a built-in one into templates/ to edit it.
    ///
    /// Example: letterpress templates --eject monitoring.typ.tera
    Templates {
        /// Copy this built-in template into the project's templates/ folder.
        #[arg(long, value_name = "NAME")]
        eject: Option<String>,
    },
    /// Print a shell completion script.
    ///
    /// Example: letterpress completions bash > ~/.local/share/bash-completion/completions/letterpress
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Create a new finding file with every field, commented, to fill in.
    ///
    /// Refuses to overwrite an existing file.
    ///
    /// Example: letterpress new letters/north-east.toml
    New {
        /// Where to create it.
        path: PathBuf,
    },
    /// Render every finding file under a folder, in parallel.
    ///
    /// Unchanged letters (same finding, templates, config and fonts) are skipped.
    ///
    /// Example: letterpress batch letters/ -o out/ --jobs 2
    Batch {
        /// Folder of finding files, searched recursively.
        #[arg(default_value = "letters")]
        dir: PathBuf,
        /// Output folder; PDFs mirror the input tree (default: out/ in the project).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Letters rendered at once (default: one per core).
        #[arg(short, long)]
        jobs: Option<usize>,
        /// Render every letter, even unchanged ones.
        #[arg(long)]
        force: bool,
        /// Print only failures and the summary.
        #[arg(short, long)]
        quiet: bool,
        #[command(flatten)]
        output_args: OutputArgs,
    },
}

/// The page images of `render --png`: 2 pixels per point is 144 dpi, sharp
/// on screens and in a README; they are kept as files, so compressed small.
const PAGE_IMAGES: PageImages =
    PageImages { pixels_per_point: 2.0, compression: PngCompression::Small };

/// Exit code for input the letter cannot be made from.
const EXIT_INVALID: u8 = 1;
/// Exit code for failures that are not the input's fault.
const EXIT_INTERNAL: u8 = 3;
/// Exit code after Ctrl-C, as shells report a SIGINT death.
const EXIT_INTERRUPTED: u8 = 130;

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let project = cli.project.as_deref();
    match cli.command {
        Command::Init { dir } => init(&dir),
        Command::Templates { eject } => templates(project, eject.as_deref()),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "letterpress", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Render { finding, output, emit_typst, png, output_args } => {
            render(project, &finding, output.as_deref(), emit_typst, png, &output_args)
        }
        Command::Watch { finding, output } => watch(project, &finding, output.as_deref()),
        Command::Serve { finding, port, open } => serve(project, &finding, port, open),
        Command::Check { paths, deny_warnings } => check(project, &paths, deny_warnings),
        Command::New { path } => new_finding(&path),
        Command::Batch { dir, output, jobs, force, quiet, output_args } => {
            batch(project, &dir, output.as_deref(), jobs, force, quiet, &output_args)
        }
    }
}

/// The project named with --project, or the one containing `start`.
fn project_for(project: Option<&Path>, start: &Path) -> Result<Project, String> {
    let start = if start.as_os_str().is_empty() { Path::new(".") } else { start };
    match project {
        Some(dir) => Project::at(dir),
        None => Project::discover(start),
    }
    .map_err(|e| e.to_string())
}

/// The renderer for the project named or containing `start`, or why not.
fn renderer_for(project: Option<&Path>, start: &Path) -> Result<Renderer, String> {
    Renderer::new(project_for(project, start)?).map_err(|e| e.to_string())
}

/// Like [`renderer_for`], with the paper and PDF standards asked for.
fn renderer_with(
    project: Option<&Path>,
    start: &Path,
    output: &OutputArgs,
) -> Result<Renderer, String> {
    Ok(renderer_for(project, start)?
        .with_output(output.paper, &output.pdf_standards)
        .map_err(|e| e.to_string())?
        .with_draft(output.draft))
}

fn init(dir: &Path) -> ExitCode {
    let existing: Vec<String> = builtin::PROJECT_SKELETON
        .iter()
        .map(|file| dir.join(file.path))
        .filter(|path| path.exists())
        .map(|path| path.display().to_string())
        .collect();
    if !existing.is_empty() {
        eprintln!("error: not overwriting existing files: {}", existing.join(", "));
        return ExitCode::from(EXIT_INVALID);
    }
    for file in builtin::PROJECT_SKELETON {
        if let Err(err) = create_new(&dir.join(file.path), file.contents) {
            eprintln!("error: {err}");
            return ExitCode::from(EXIT_INTERNAL);
        }
    }
    eprintln!(
        "created a letterpress project in {}\nnext: edit letterpress.toml, then run `letterpress render letters/example.toml`",
        dir.display()
    );
    ExitCode::SUCCESS
}

fn templates(project: Option<&Path>, eject: Option<&str>) -> ExitCode {
    let project = match project_for(project, Path::new(".")) {
        Ok(project) => project,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    let Some(name) = eject else {
        for file in builtin::TEMPLATES {
            let own = project.root.join(file.path).is_file();
            println!(
                "{}\t{}",
                file.path,
                if own { "project (overrides built-in)" } else { "built-in" }
            );
        }
        return ExitCode::SUCCESS;
    };
    let Some(file) = builtin::template(&format!("templates/{name}")) else {
        let names: Vec<&str> =
            builtin::TEMPLATES.iter().filter_map(|f| f.path.strip_prefix("templates/")).collect();
        eprintln!("error: no built-in template `{name}`; built-in: {}", names.join(", "));
        return ExitCode::from(EXIT_INVALID);
    };
    let target = project.root.join(file.path);
    match create_new(&target, file.contents) {
        Ok(()) => {
            eprintln!("copied {name} to {}; edit it there", display_path(&target).display());
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(EXIT_INVALID)
        }
    }
}

/// Writes a new file, creating its folder; never replaces an existing file,
/// even one that appears between a check and the write.
fn create_new(path: &Path, contents: &str) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(path);
    match file.and_then(|mut f| std::io::Write::write_all(&mut f, contents.as_bytes())) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(format!("{} already exists; not overwriting it", path.display()))
        }
        Err(err) => Err(format!("cannot write {}: {err}", path.display())),
    }
}

fn render(
    project: Option<&Path>,
    finding: &Path,
    output: Option<&Path>,
    emit_typst: bool,
    png: bool,
    output_args: &OutputArgs,
) -> ExitCode {
    let start = finding.parent().unwrap_or(Path::new("."));
    let renderer = match renderer_with(project, start, output_args) {
        Ok(renderer) => renderer,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    if emit_typst {
        return match renderer.prepare(finding) {
            Ok(letter) => {
                print!("{}", letter.source);
                ExitCode::SUCCESS
            }
            Err(err) => report(&err),
        };
    }
    let letter = match renderer.prepare(finding) {
        Ok(letter) => letter,
        Err(err) => return report(&err),
    };
    let target = match renderer.output_path(finding, &letter.finding, output) {
        Ok(target) => target,
        Err(err) => return report(&err),
    };
    let outputs = if png {
        renderer.pdf_and_pages_of(finding, &letter, PAGE_IMAGES, &[]).map(|(pdf, pages)| {
            let count = pages.len();
            (pdf, count, pages)
        })
    } else {
        renderer.pdf_of(finding, &letter).map(|rendered| (rendered.pdf, rendered.pages, Vec::new()))
    };
    let (pdf, page_count, pages) = match outputs {
        Ok(outputs) => outputs,
        Err(err) => return report(&err),
    };
    let stem = target.with_extension("");
    let images = pages.iter().enumerate().map(|(i, page)| {
        (PathBuf::from(format!("{}-{}.png", stem.display(), i + 1)), &page.png[..])
    });
    if let Err(err) = renderer.write_pdf(finding, output, &target, &pdf) {
        return report(&err);
    }
    eprintln!("wrote {}", display_path(&target).display());
    for (path, bytes) in images {
        if let Err(err) = crate::render::write_output(&path, bytes) {
            return report(&err);
        }
        eprintln!("wrote {}", display_path(&path).display());
    }
    if let Some(warning) = renderer.page_warning(page_count) {
        eprintln!("warning: {}: {warning}", display_path(finding).display());
    }
    ExitCode::SUCCESS
}

fn watch(project: Option<&Path>, finding: &Path, output: Option<&Path>) -> ExitCode {
    let start = finding.parent().unwrap_or(Path::new(".")).to_path_buf();
    let find = || project_for(project, &start);
    if let Err(message) = find() {
        eprintln!("error: {message}");
        return ExitCode::from(EXIT_INVALID);
    }
    eprintln!("watching {} (Ctrl-C to stop)", finding.display());
    let mut on_update = |update: watch::Update<'_>| match update {
        watch::Update::Render { renderer, seen } => match renderer.render_to(finding, output) {
            Ok((target, pages)) => {
                eprintln!(
                    "rendered {} in {} ms",
                    display_path(&target).display(),
                    seen.elapsed().as_millis()
                );
                if let Some(warning) = renderer.page_warning(pages) {
                    eprintln!("warning: {}: {warning}", display_path(finding).display());
                }
            }
            Err(err) => {
                report_letter_error(&err);
                eprintln!("waiting for a fix; the previous PDF is kept");
            }
        },
        watch::Update::Broken(message) => {
            eprintln!("error: {message}");
            eprintln!("waiting for a fix");
        }
    };
    match watch::Watch::default().run(find, finding, &mut on_update) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(EXIT_INTERNAL)
        }
    }
}

fn serve(project: Option<&Path>, target: &Path, port: Option<u16>, open: bool) -> ExitCode {
    let start = if target.is_dir() { target } else { target.parent().unwrap_or(Path::new(".")) };
    let start = start.to_path_buf();
    let find = || project_for(project, &start);
    let on_ready = |addr: std::net::SocketAddr| {
        let url = format!("http://{addr}/");
        eprintln!("serving a preview of {} on {url} (Ctrl-C to stop)", target.display());
        if open {
            // Best effort: a missing opener only means opening the URL by hand.
            let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
        }
    };
    let mut on_render = |letter: &str, result: Result<(), &str>| match result {
        Ok(()) => eprintln!("rendered {letter}"),
        Err(text) => eprintln!("{}", text.trim_end()),
    };
    match crate::serve::serve(find, target, port, on_ready, &mut on_render) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(EXIT_INTERNAL)
        }
    }
}

fn batch(
    project: Option<&Path>,
    dir: &Path,
    output: Option<&Path>,
    jobs: Option<usize>,
    force: bool,
    quiet: bool,
    output_args: &OutputArgs,
) -> ExitCode {
    let renderer = match renderer_with(project, dir, output_args) {
        Ok(renderer) => renderer,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    static CANCEL: AtomicBool = AtomicBool::new(false);
    // Letters in flight finish and are written whole; the rest are skipped.
    let _ = ctrlc::set_handler(|| CANCEL.store(true, Ordering::Relaxed));
    let options = BatchOptions {
        output: output.map_or_else(|| renderer.project().root.join("out"), Path::to_path_buf),
        force,
        jobs,
    };
    let total = batch::find_findings(dir).map(|f| f.len()).unwrap_or(0);
    let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(total as u64);
        if let Ok(style) =
            ProgressStyle::with_template("{bar:40} {pos}/{len} letters {elapsed} {wide_msg}")
        {
            bar.set_style(style);
        }
        bar
    });
    let on_done = |letter: &LetterResult| {
        let shown = display_path(&letter.finding);
        let line = match &letter.outcome {
            Outcome::Rendered if !quiet => Some(format!("rendered {}", shown.display())),
            Outcome::Unchanged if !quiet => Some(format!("unchanged {}", shown.display())),
            Outcome::Failed(_) => Some(format!("FAILED {}", shown.display())),
            _ => None,
        };
        match (&bar, line) {
            (Some(bar), Some(line)) => {
                bar.set_message(line);
                bar.inc(1);
            }
            (Some(bar), None) => bar.inc(1),
            (None, Some(line)) => eprintln!("{line}"),
            (None, None) => {}
        }
    };
    let result = batch::run(&renderer, dir, &options, &CANCEL, &on_done);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let report = match result {
        Ok(report) => report,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    for letter in &report.letters {
        if let Outcome::Failed(err) = &letter.outcome {
            eprintln!();
            report_letter_error(err);
        }
    }
    for letter in &report.letters {
        if let Some(warning) = &letter.warning {
            eprintln!("warning: {}: {warning}", display_path(&letter.finding).display());
        }
    }
    let (rendered, unchanged, failed, not_started) = report.counts();
    eprintln!(
        "\n{rendered} rendered, {unchanged} unchanged, {failed} failed{} in {:.2}s",
        if not_started > 0 {
            format!(", {not_started} not started (interrupted)")
        } else {
            String::new()
        },
        report.elapsed.as_secs_f64()
    );
    if rendered + unchanged + failed == 0 && not_started == 0 {
        eprintln!("note: no finding files (*.toml) under {}", dir.display());
    }
    if not_started > 0 {
        ExitCode::from(EXIT_INTERRUPTED)
    } else if failed > 0 {
        ExitCode::from(EXIT_INVALID)
    } else {
        ExitCode::SUCCESS
    }
}

fn check(project: Option<&Path>, paths: &[PathBuf], deny_warnings: bool) -> ExitCode {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            match batch::find_findings(path) {
                Ok(found) => files.extend(found),
                Err(err) => {
                    eprintln!("error: {err}");
                    return ExitCode::from(EXIT_INVALID);
                }
            }
        } else {
            files.push(path.clone());
        }
    }
    let mut renderers: Vec<(PathBuf, Result<Renderer, String>)> = Vec::new();
    let (mut errors, mut warnings) = (0, 0);
    for file in &files {
        let dir = file.parent().unwrap_or(Path::new(".")).to_path_buf();
        let index = match renderers.iter().position(|(d, _)| *d == dir) {
            Some(index) => index,
            None => {
                renderers.push((dir.clone(), renderer_for(project, &dir)));
                renderers.len() - 1
            }
        };
        let problems = match &renderers[index].1 {
            Ok(renderer) => renderer.check(file),
            Err(message) => {
                eprintln!("error: {message}");
                errors += 1;
                continue;
            }
        };
        let (file_errors, file_warnings) = problems.counts();
        errors += file_errors;
        warnings += file_warnings;
        if !problems.problems.is_empty() {
            emit_problems(&problems);
        }
    }
    eprintln!(
        "checked {} finding file{}: {errors} error{}, {warnings} warning{}",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
    );
    if errors > 0 || (deny_warnings && warnings > 0) {
        ExitCode::from(EXIT_INVALID)
    } else {
        ExitCode::SUCCESS
    }
}

/// A commented finding file with every field, for `letterpress new`.
const SCAFFOLD: &str = include_str!("scaffold.toml");

fn new_finding(path: &Path) -> ExitCode {
    match create_new(path, SCAFFOLD) {
        Ok(()) => {
            eprintln!(
                "created {}; fill in the TODOs, then run: letterpress check {0}",
                path.display()
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_INVALID)
        }
    }
}

/// Prints a file's problems with snippets (colour only on a terminal).
fn emit_problems(problems: &FileProblems) {
    let choice =
        if std::io::stderr().is_terminal() { ColorChoice::Auto } else { ColorChoice::Never };
    let mut stderr = StandardStream::stderr(choice);
    if problems.emit(&mut stderr).is_err() {
        eprintln!("{problems}");
    }
}

/// Prints a letter's error (with snippets for finding files) and picks the
/// exit code.
fn report(err: &LetterError) -> ExitCode {
    report_letter_error(err);
    match err {
        LetterError::Write { .. } => ExitCode::from(EXIT_INTERNAL),
        _ => ExitCode::from(EXIT_INVALID),
    }
}

/// Prints a letter's error: finding-file problems with snippets, typst's
/// report as it is, everything else as one `error:` line.
fn report_letter_error(err: &LetterError) {
    match err {
        LetterError::Finding(problems) => {
            let choice = if std::io::stderr().is_terminal() {
                ColorChoice::Auto
            } else {
                ColorChoice::Never
            };
            let mut stderr = StandardStream::stderr(choice);
            if problems.emit(&mut stderr).is_err() {
                eprintln!("{problems}");
            }
        }
        // typst's report starts every diagnostic with its severity.
        LetterError::Typst(_) => eprintln!("{err}"),
        LetterError::Write { .. } | LetterError::Template(_) | LetterError::FileName { .. } => {
            eprintln!("error: {err}")
        }
    }
}
