//! `letterpress diff OLD NEW`: two drafts of a letter compared by its
//! structure (or, with `--rendered`, by the text the letters print), shown
//! in the terminal. Exit 0 when they say the same, 1 when not, 2 on an
//! error, as `diff` does.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::failure::Failure;
use super::project_for;
use crate::compare::prose;
use crate::compare::{AreaChange, Comparison, area_name, compare, redline, tracked};
use crate::model::Finding;
use crate::render::Renderer;

/// `diff`'s exit code on an error: 2, as `diff` and `cmp` give, since 1
/// already means "different".
const EXIT_TROUBLE: u8 = 2;

/// One draft: a file, or a file as a git revision holds it.
struct Version {
    /// As the user named it (`letters/x.toml@HEAD~1`).
    shown: String,
    /// The file (for a revision, where it is in the working tree).
    path: PathBuf,
    text: String,
    /// When it was saved: the file's modification date or the commit's.
    saved: String,
}

/// What `diff` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// The changes, in the terminal.
    Terminal,
    /// A redline PDF (-o FILE.pdf).
    Pdf,
    /// The new letter as a Word document whose changes are tracked (-o FILE.docx).
    Docx,
}

/// `diff`'s own arguments.
pub(super) struct DiffArgs<'a> {
    pub(super) old: &'a str,
    pub(super) new: &'a str,
    /// Compare the letters' printed text instead of their fields.
    pub(super) rendered: bool,
    pub(super) format: DiffFormat,
    /// The file to write a redline or tracked copy to.
    pub(super) output: Option<&'a Path>,
}

/// Runs `diff`, mapping any failure to exit code 2.
pub(super) fn diff(project: Option<&Path>, args: &DiffArgs<'_>) -> ExitCode {
    match run(project, args) {
        Ok(same) => ExitCode::from(u8::from(!same)),
        Err(failure) => {
            failure.report();
            ExitCode::from(EXIT_TROUBLE)
        }
    }
}

/// Whether the two drafts say the same; prints what differs.
fn run(project: Option<&Path>, args: &DiffArgs<'_>) -> Result<bool, Failure> {
    let (old, new) = (read(args.old)?, read(args.new)?);
    let start = new.path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let renderer = Renderer::new(project_for(project, start)?)?;
    let finding = |v: &Version| renderer.finding(Path::new(&v.shown), v.text.clone());
    let (old_finding, new_finding) = (finding(&old)?, finding(&new)?);
    if args.format != DiffFormat::Terminal {
        return write_file(&renderer, args, (&old, &old_finding), (&new, &new_finding));
    }
    let mut out = format!("--- {}\n+++ {}\n", old.shown, new.shown);
    let same = if args.rendered {
        let text = |f: &Finding| -> Result<String, Failure> {
            Ok(renderer.worded_letter(f)?.paragraphs().join("\n\n"))
        };
        let paragraphs = prose::prose(&text(&old_finding)?, &text(&new_finding)?);
        out.push_str(&prose::terminal(&paragraphs));
        paragraphs.iter().all(|p| matches!(p, prose::ParaDiff::Same(_)))
    } else {
        let comparison = compare(&old_finding, &new_finding);
        terminal(&comparison, &mut out);
        comparison.is_empty()
    };
    // Text from the files made safe first; then the markers coloured where
    // they are read in a terminal (and NO_COLOR does not ask otherwise).
    let mut out = crate::diagnostic::for_terminal_lines(&out);
    if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        out = out
            .replace("[-", "\x1b[31m[-")
            .replace("-]", "-]\x1b[0m")
            .replace("{+", "\x1b[32m{+")
            .replace("+}", "+}\x1b[0m");
    }
    super::print_out(format_args!("{out}"));
    Ok(same)
}

/// Writes the redline PDF or the tracked DOCX to `-o`; whether the drafts
/// say the same.
fn write_file(
    renderer: &Renderer,
    args: &DiffArgs<'_>,
    old: (&Version, &Finding),
    new: (&Version, &Finding),
) -> Result<bool, Failure> {
    let extension = match args.format {
        DiffFormat::Docx => "docx",
        _ => "pdf",
    };
    let Some(output) = args.output.filter(|o| o.extension().is_some_and(|e| e == extension)) else {
        return Err(Failure::Refused(format!(
            "name the file to write with -o, ending in .{extension}, like -o changes.{extension}"
        )));
    };
    let comparison = compare(old.1, new.1);
    let bytes = match args.format {
        DiffFormat::Docx => tracked_docx(renderer, old.1, new.1)?,
        _ => {
            let (old_dated, new_dated) = (old.1.date.to_string(), new.1.date.to_string());
            let source = redline::typst(
                &comparison,
                &redline::Draft { name: &old.0.shown, saved: &old.0.saved, dated: &old_dated },
                &redline::Draft { name: &new.0.shown, saved: &new.0.saved, dated: &new_dated },
            );
            redline_pdf(renderer, source, new.1.date)?
        }
    };
    crate::output::write(output, &bytes).map_err(crate::render::LetterError::from)?;
    tell!("wrote {}", output.display());
    Ok(comparison.is_empty())
}

/// The new letter as a Word document, with every difference from the old
/// one a tracked change (author letterpress, dated with the new letter's
/// date): accepting them all gives the new letter, rejecting them the old.
fn tracked_docx(renderer: &Renderer, old: &Finding, new: &Finding) -> Result<Vec<u8>, Failure> {
    use crate::docx::{Block, Document, Letter, Para, Run};
    let (old_letter, new_letter) = (renderer.worded_letter(old)?, renderer.worded_letter(new)?);
    let line = |t: &String| Block::Paragraph(Para::of(vec![Run::plain(t)]));
    // The date line and address are compared as paragraphs before the body,
    // the copy list as paragraphs after the sign-off.
    let before = |l: &Letter| -> Vec<Block> {
        l.dateline.iter().chain(&l.recipient).map(line).chain(l.body.iter().cloned()).collect()
    };
    let copies = |l: &Letter| -> Vec<Block> {
        if l.cc.1.is_empty() {
            Vec::new()
        } else {
            std::iter::once(&l.cc.0).chain(&l.cc.1).map(line).collect()
        }
    };
    let body = tracked::tracked(&before(&old_letter), &before(&new_letter));
    let tail = tracked::tracked(&copies(&old_letter), &copies(&new_letter));
    let date = new.date.to_string();
    let letter = Letter {
        dateline: Vec::new(),
        recipient: Vec::new(),
        cc: (String::new(), Vec::new()),
        body,
        tail,
        ..new_letter
    };
    let document = Document {
        title: "Comparison of two drafts".into(),
        author: new.signatory.name.clone(),
        date: date.clone(),
        reviser: Some(("letterpress".into(), date)),
        letters: vec![letter],
    };
    crate::docx::write(&document)
        .map_err(|err| Failure::Refused(format!("cannot write the Word document: {err}")))
}

/// The redline's typst source laid out and exported as PDF/UA-1, dated
/// with the new draft's date (so the same drafts give the same bytes).
fn redline_pdf(
    renderer: &Renderer,
    source: String,
    date: crate::model::Date,
) -> Result<Vec<u8>, Failure> {
    let world = renderer.typesetter().world(
        renderer.files(),
        source,
        date,
        "comparison (generated)".into(),
    );
    let standards = crate::typeset::pdf_standards(&[]).map_err(crate::render::SetupError::from)?;
    let typst = |err| Failure::Letter(crate::render::LetterError::Typst(err));
    let pages = world.layout().map_err(typst)?;
    world.export(&pages, &standards).map_err(typst)
}

/// The structural comparison as the terminal shows it: one line per
/// change, then each reworded field's changed paragraphs.
fn terminal(comparison: &Comparison, out: &mut String) {
    for (_, line) in comparison.lines() {
        out.push_str(&line);
        out.push('\n');
    }
    for area in &comparison.areas {
        match area {
            AreaChange::Same { .. } => {}
            AreaChange::Changed { old, new, prose, .. } => {
                for (key, paragraphs) in prose {
                    out.push_str(&format!("\n{}, {key}:\n", area_name(*old, *new)));
                    out.push_str(&prose::terminal(paragraphs));
                }
            }
            AreaChange::Added { new, fields } => {
                out.push_str(&format!("\nArea {} (added):\n", new + 1));
                for (key, text) in fields {
                    out.push_str(&format!("{key}: {}\n", prose::inserted(text.trim())));
                }
            }
            AreaChange::Removed { old, fields } => {
                out.push_str(&format!("\nArea {} of the old draft (removed):\n", old + 1));
                for (key, text) in fields {
                    out.push_str(&format!("{key}: {}\n", prose::deleted(text.trim())));
                }
            }
        }
    }
}

/// A draft named on the command line: a file, or `FILE@REVISION` (a file
/// as a git revision of its repository holds it) when no file has that
/// whole name.
fn read(named: &str) -> Result<Version, Failure> {
    let as_file = Path::new(named);
    if as_file.exists() {
        let saved = std::fs::metadata(as_file)
            .and_then(|m| m.modified())
            .map_or_else(|_| "unknown".to_owned(), crate::wording::locale::utc_date);
        return Ok(Version {
            shown: named.to_owned(),
            path: as_file.to_path_buf(),
            text: std::fs::read_to_string(as_file)
                .map_err(|err| Failure::Refused(format!("cannot read {named}: {err}")))?,
            saved,
        });
    }
    let Some((file, revision)) =
        named.rsplit_once('@').filter(|(f, r)| !f.is_empty() && !r.is_empty())
    else {
        return Err(Failure::Refused(format!(
            "{named} does not exist; name a finding file, or a file at a git revision like {named}@HEAD~1"
        )));
    };
    let text = git(file, revision, |name| vec!["show".into(), format!("{revision}:./{name}")])?;
    let saved = git(file, revision, |name| {
        ["log", "-1", "--format=%cs", revision, "--"]
            .map(str::to_owned)
            .into_iter()
            .chain([format!("./{name}")])
            .collect()
    })?;
    Ok(Version {
        shown: named.to_owned(),
        path: PathBuf::from(file),
        text,
        saved: saved.trim().to_owned(),
    })
}

/// What git says about `file` at `revision`, run with the arguments `args`
/// makes of the file's name, in the file's folder: git itself (`git show
/// REV:./NAME` takes a few milliseconds, and gives git's own messages when
/// the revision or the file is not there), as a library (gix) would add
/// over a hundred crates.
fn git(file: &str, revision: &str, args: impl Fn(&str) -> Vec<String>) -> Result<String, Failure> {
    let path = Path::new(file);
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let refused =
        |why: String| Failure::Refused(format!("cannot read {file} at {revision}: {why}"));
    if revision.starts_with('-') {
        return Err(refused("a revision does not start with -".into()));
    }
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(folder)
        .args(args(&name))
        .output()
        .map_err(|err| refused(format!("git could not be run ({err})")))?;
    if !output.status.success() {
        let message = String::from_utf8_lossy(&output.stderr);
        return Err(refused(message.trim().trim_start_matches("fatal: ").to_owned()));
    }
    String::from_utf8(output.stdout).map_err(|_| refused("it is not UTF-8 text".into()))
}
