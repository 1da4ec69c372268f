//! The commands that read letters: `render`, `watch`, `serve`, `batch` and
//! `check`, and what each prints.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::{ProgressBar, ProgressStyle};

use super::failure::{EXIT_INTERRUPTED, EXIT_INVALID, Failure, emit_problems, report_letter_error};
use super::{OutputArgs, project_for};
use crate::commands::batch::{self, BatchOptions, LetterResult, Outcome};
use crate::commands::{serve, watch};
use crate::diagnostic::{FileProblems, Problem, display_path};
use crate::output::{Format, OwnerRecords, Place};
use crate::render::{Renderer, Written};
use crate::typeset::{PageImages, PngCompression};

/// The page images of `render --png`: 2 pixels per point is 144 dpi, sharp
/// on screens and in a README; they are kept as files, so compressed small.
const PAGE_IMAGES: PageImages =
    PageImages { pixels_per_point: 2.0, compression: PngCompression::Small };

/// The renderer for the project named or containing `start`, with the
/// paper and PDF standards asked for.
fn renderer_with(
    project: Option<&Path>,
    start: &Path,
    output: &OutputArgs,
    format: Format,
) -> Result<Renderer, Failure> {
    Ok(Renderer::new(project_for(project, start)?)?
        .with_output(output.paper.into(), &output.pdf_standards)?
        .with_draft(output.draft)
        .with_format(format)
        .denying_warnings(output.deny_warnings))
}

/// The format asked for: `--format`, else the extension of the file `-o`
/// names, else PDF. A file named for the other format is refused rather
/// than written with the wrong contents.
fn format_for(output: Option<&Path>, args: &OutputArgs) -> Result<Format, Failure> {
    let named = output.and_then(Format::of_file);
    match (args.format.map(Format::from), named) {
        (Some(asked), Some(named)) if asked != named => Err(Failure::Refused(format!(
            "--format {} writes a .{} file, but -o names {}: name it with .{} or leave out --format",
            asked.extension(),
            asked.extension(),
            output.unwrap_or(Path::new("")).display(),
            asked.extension()
        ))),
        (asked, named) => Ok(asked.or(named).unwrap_or_default()),
    }
}

/// Writes one letter as every command that writes one does, then saves the
/// record of who wrote it.
fn render_one(
    renderer: &Renderer,
    finding: &Path,
    output: Option<&Path>,
    images: Option<PageImages>,
) -> Result<Written, Failure> {
    let owners = OwnerRecords::default();
    let written =
        crate::render::guarded(|| renderer.render(finding, Place::Given(output), images, &owners));
    // Whatever was written is recorded, even when a later file failed.
    owners.save().map_err(crate::render::LetterError::from)?;
    Ok(written?)
}

pub(super) fn render(
    project: Option<&Path>,
    finding: &Path,
    output: Option<&Path>,
    emit_typst: bool,
    png: bool,
    output_args: &OutputArgs,
) -> Result<ExitCode, Failure> {
    let start = finding.parent().unwrap_or(Path::new("."));
    let format = format_for(output, output_args)?;
    if png && format == Format::Docx {
        return Err(Failure::Refused(
            "--png makes page images of the PDF; leave it out for a DOCX".into(),
        ));
    }
    let renderer = renderer_with(project, start, output_args, format)?;
    if emit_typst {
        super::print_out(format_args!("{}", renderer.prepare(finding)?.source));
        return Ok(ExitCode::SUCCESS);
    }
    let written = render_one(&renderer, finding, output, png.then_some(PAGE_IMAGES))?;
    show_warnings(&renderer, &written);
    tell!("wrote {}", display_path(&written.pdf).display());
    for image in &written.images {
        tell!("wrote {}", display_path(image).display());
    }
    Ok(ExitCode::SUCCESS)
}

/// A written letter's warnings, with their place in the finding file, and
/// the page-count warning.
fn show_warnings(renderer: &Renderer, written: &Written) {
    if !written.warnings.problems.is_empty() {
        emit_problems(&written.warnings);
    }
    if let Some(warning) = renderer.page_warning(written.pages) {
        tell!("warning: {}: {warning}", written.warnings.path.display());
    }
}

pub(super) fn watch(
    project: Option<&Path>,
    finding: &Path,
    output: Option<&Path>,
) -> Result<ExitCode, Failure> {
    let start = finding.parent().unwrap_or(Path::new(".")).to_path_buf();
    let find = || project_for(project, &start);
    find()?;
    tell!("watching {} (Ctrl-C to stop)", finding.display());
    let mut on_update = |update: watch::Update<'_>| match update {
        watch::Update::Render { renderer, seen } => {
            match render_one(renderer, finding, output, None) {
                Ok(written) => {
                    tell!(
                        "rendered {} in {} ms",
                        display_path(&written.pdf).display(),
                        seen.elapsed().as_millis()
                    );
                    show_warnings(renderer, &written);
                }
                Err(failure) => {
                    failure.report();
                    tell!("waiting for a fix; the previous PDF is kept");
                }
            }
        }
        watch::Update::Broken(message) => {
            tell!("error: {message}");
            tell!("waiting for a fix");
        }
    };
    watch::Watch::default().run(find, finding, &mut on_update)?;
    Ok(ExitCode::SUCCESS)
}

pub(super) fn serve(
    project: Option<&Path>,
    target: &Path,
    port: Option<u16>,
    open: bool,
) -> Result<ExitCode, Failure> {
    let start = if target.is_dir() { target } else { target.parent().unwrap_or(Path::new(".")) };
    let start = start.to_path_buf();
    let find = || project_for(project, &start);
    let on_ready = |addr: std::net::SocketAddr| {
        let url = format!("http://{addr}/");
        tell!("serving a preview of {} on {url} (Ctrl-C to stop)", target.display());
        if open {
            // Best effort: a missing opener only means opening the URL by hand.
            let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
        }
    };
    let mut on_render = |letter: &str, result: Result<&str, &str>| match result {
        Ok(warnings) => {
            if !warnings.is_empty() {
                tell!("{}", warnings.trim_end());
            }
            tell!("rendered {letter}");
        }
        Err(text) => tell!("{}", text.trim_end()),
    };
    serve::serve(find, target, port, on_ready, &mut on_render)?;
    Ok(ExitCode::SUCCESS)
}

/// `batch`'s own arguments.
pub(super) struct BatchArgs<'a> {
    pub(super) output: Option<&'a Path>,
    pub(super) jobs: Option<usize>,
    pub(super) force: bool,
    pub(super) quiet: bool,
}

pub(super) fn batch(
    project: Option<&Path>,
    dir: Option<&Path>,
    args: &BatchArgs<'_>,
    output_args: &OutputArgs,
) -> Result<ExitCode, Failure> {
    let renderer = renderer_with(
        project,
        dir.unwrap_or(Path::new(".")),
        output_args,
        format_for(None, output_args)?,
    )?;
    let letters = renderer.project().root.join("letters");
    let dir = dir.unwrap_or(&letters);
    static CANCEL: AtomicBool = AtomicBool::new(false);
    // Letters in flight finish and are written whole; the rest are skipped.
    let _ = ctrlc::set_handler(|| CANCEL.store(true, Ordering::Relaxed));
    let options = BatchOptions {
        output: args.output.map_or_else(|| renderer.project().root.join("out"), Path::to_path_buf),
        force: args.force,
        jobs: args.jobs,
    };
    let quiet = args.quiet;
    let total = crate::project::find_findings(dir).map(|f| f.len()).unwrap_or(0);
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
            (None, Some(line)) => tell!("{line}"),
            (None, None) => {}
        }
    };
    let result = batch::run(&renderer, dir, &options, &CANCEL, &on_done);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let report = result?;
    report_failures(&report.letters);
    let mut warned = 0;
    for letter in &report.letters {
        if let Some(warnings) = &letter.warnings {
            emit_problems(warnings);
        }
        if let Some(warning) = &letter.warning {
            tell!("warning: {}: {warning}", display_path(&letter.finding).display());
        }
        warned += usize::from(letter.warnings.is_some() || letter.warning.is_some());
    }
    // What to act on goes to stdout, last: the counts, then each failed
    // letter on a line of its own.
    let (rendered, unchanged, failed, not_started) = report.counts();
    show!(
        "{rendered} rendered, {unchanged} unchanged, {failed} failed{}, {warned} with warnings in {:.2}s",
        if not_started > 0 {
            format!(", {not_started} not started (interrupted)")
        } else {
            String::new()
        },
        report.elapsed.as_secs_f64()
    );
    for letter in &report.letters {
        if matches!(letter.outcome, Outcome::Failed(_)) {
            show!("failed: {}", display_path(&letter.finding).display());
            if letter.pdf.is_file() {
                show!(
                    "  stale: {} is from an earlier run and no longer matches this letter",
                    display_path(&letter.pdf).display()
                );
            }
        }
    }
    if rendered + unchanged + failed == 0 && not_started == 0 {
        tell!("note: no finding files (*.toml) under {}", dir.display());
    }
    Ok(if not_started > 0 {
        ExitCode::from(EXIT_INTERRUPTED)
    } else if failed > 0 {
        ExitCode::from(EXIT_INVALID)
    } else {
        ExitCode::SUCCESS
    })
}

/// Each failed letter's errors; an error that is not a letter's own (a
/// template's, say) and that several letters share is shown once.
fn report_failures(letters: &[LetterResult]) {
    let mut shared: Vec<(String, &crate::render::LetterError, usize)> = Vec::new();
    for letter in letters {
        let Outcome::Failed(err) = &letter.outcome else { continue };
        if matches!(err, crate::render::LetterError::Finding(_)) {
            tell!();
            report_letter_error(err);
            continue;
        }
        let text = err.to_string();
        match shared.iter_mut().find(|(seen, _, _)| *seen == text) {
            Some((_, _, count)) => *count += 1,
            None => shared.push((text, err, 1)),
        }
    }
    for (_, err, count) in shared {
        tell!();
        report_letter_error(err);
        if count > 1 {
            tell!("(the same error for {count} letters)");
        }
    }
}

pub(super) fn check(
    project: Option<&Path>,
    paths: &[PathBuf],
    deny_warnings: bool,
) -> Result<ExitCode, Failure> {
    let mut files = Vec::new();
    let letters;
    let paths = if paths.is_empty() {
        letters = [project_for(project, Path::new("."))?.root.join("letters")];
        &letters[..]
    } else {
        paths
    };
    for path in paths {
        if path.is_dir() {
            files.extend(crate::project::find_findings(path)?);
        } else {
            files.push(path.clone());
        }
    }
    let mut renderers: Vec<(PathBuf, Result<Renderer, Failure>)> = Vec::new();
    let (mut errors, mut warnings) = (0, 0);
    // Letters in another language, which the English checks left alone.
    let mut unchecked_english = 0;
    for file in &files {
        let dir = file.parent().unwrap_or(Path::new(".")).to_path_buf();
        let index = match renderers.iter().position(|(d, _)| *d == dir) {
            Some(index) => index,
            None => {
                let renderer = project_for(project, &dir)
                    .map_err(Failure::from)
                    .and_then(|p| Ok(Renderer::new(p)?));
                // The project's wording templates, once per project.
                if let Ok(renderer) = &renderer
                    && !renderers
                        .iter()
                        .flat_map(|(_, r)| r)
                        .any(|r| r.project().root == renderer.project().root)
                {
                    for problems in renderer.template_remarks() {
                        warnings += problems.counts().1;
                        emit_problems(&problems);
                    }
                }
                renderers.push((dir.clone(), renderer));
                renderers.len() - 1
            }
        };
        let problems =
            match &renderers[index].1 {
                Ok(renderer) => {
                    // A letter that makes letterpress panic is one failed letter.
                    let problems = crate::render::guarded(|| Ok(renderer.check(file)))
                        .unwrap_or_else(|err| FileProblems {
                            path: display_path(file),
                            text: String::new(),
                            problems: vec![Problem::error(None, err.to_string(), None)],
                        });
                    let welsh = crate::finding::language_of(&problems.text)
                        .is_some_and(|l| l != crate::model::Language::English);
                    unchecked_english += usize::from(welsh && renderer.english().is_some());
                    problems
                }
                Err(failure) => {
                    failure.report();
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
    if unchecked_english > 0 {
        tell!(
            "note: spelling and grammar are checked in English only: {unchecked_english} letter{} in Welsh {} not checked for them",
            if unchecked_english == 1 { "" } else { "s" },
            if unchecked_english == 1 { "was" } else { "were" },
        );
    }
    tell!(
        "checked {} finding file{}: {errors} error{}, {warnings} warning{}",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
    );
    Ok(if errors > 0 || (deny_warnings && warnings > 0) {
        ExitCode::from(EXIT_INVALID)
    } else {
        ExitCode::SUCCESS
    })
}
