//! `letterpress diff OLD NEW`: two drafts of a letter compared by its
//! structure (or, with `--rendered`, by the text the letters print), shown
//! in the terminal. Exit 0 when they say the same, 1 when not, 2 on an
//! error, as `diff` does.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::failure::Failure;
use super::project_for;
use crate::compare::prose::{self, Marks};
use crate::compare::{AreaChange, Comparison, area_name, compare};
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
}

/// `diff`'s own arguments.
pub(super) struct DiffArgs<'a> {
    pub(super) old: &'a str,
    pub(super) new: &'a str,
    /// Compare the letters' printed text instead of their fields.
    pub(super) rendered: bool,
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
    let marks = if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        Marks::Colour
    } else {
        Marks::Plain
    };
    let mut out = format!("--- {}\n+++ {}\n", old.shown, new.shown);
    let same = if args.rendered {
        let text = |f: &Finding| -> Result<String, Failure> {
            Ok(renderer.worded_letter(f)?.paragraphs().join("\n\n"))
        };
        let paragraphs = prose::prose(&text(&old_finding)?, &text(&new_finding)?);
        out.push_str(&prose::terminal(&paragraphs, marks));
        paragraphs.iter().all(|p| matches!(p, prose::ParaDiff::Same(_)))
    } else {
        let comparison = compare(&old_finding, &new_finding);
        terminal(&comparison, marks, &mut out);
        comparison.is_empty()
    };
    // A closed pipe (`| head`) is not an error of the comparison.
    let _ = std::io::stdout().write_all(out.as_bytes());
    Ok(same)
}

/// The structural comparison as the terminal shows it: one line per
/// change, then each reworded field's changed paragraphs.
fn terminal(comparison: &Comparison, marks: Marks, out: &mut String) {
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
                    out.push_str(&prose::terminal(paragraphs, marks));
                }
            }
            AreaChange::Added { new, fields } => {
                out.push_str(&format!("\nArea {} (added):\n", new + 1));
                for (key, text) in fields {
                    out.push_str(&format!("{key}: {}\n", marks.inserted(text.trim())));
                }
            }
            AreaChange::Removed { old, fields } => {
                out.push_str(&format!("\nArea {} of the old draft (removed):\n", old + 1));
                for (key, text) in fields {
                    out.push_str(&format!("{key}: {}\n", marks.deleted(text.trim())));
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
        return Ok(Version {
            shown: named.to_owned(),
            path: as_file.to_path_buf(),
            text: std::fs::read_to_string(as_file)
                .map_err(|err| Failure::Refused(format!("cannot read {named}: {err}")))?,
        });
    }
    let Some((file, revision)) =
        named.rsplit_once('@').filter(|(f, r)| !f.is_empty() && !r.is_empty())
    else {
        return Err(Failure::Refused(format!(
            "{named} does not exist; name a finding file, or a file at a git revision like {named}@HEAD~1"
        )));
    };
    Ok(Version {
        shown: named.to_owned(),
        path: PathBuf::from(file),
        text: git_show(file, revision)?,
    })
}

/// The file `file` as `revision` of its git repository holds it. Run with
/// git itself (`git show REV:./NAME` in the file's folder): a few
/// milliseconds, and git's own messages when the revision or the file is
/// not there; a library (gix) would add over a hundred crates.
fn git_show(file: &str, revision: &str) -> Result<String, Failure> {
    let path = Path::new(file);
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let refused =
        |why: String| Failure::Refused(format!("cannot read {file} at {revision}: {why}"));
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(folder)
        .args(["show", "--end-of-options", &format!("{revision}:./{name}")])
        .output()
        .map_err(|err| refused(format!("git could not be run ({err})")))?;
    if !output.status.success() {
        let message = String::from_utf8_lossy(&output.stderr);
        return Err(refused(message.trim().trim_start_matches("fatal: ").to_owned()));
    }
    String::from_utf8(output.stdout).map_err(|_| refused("it is not UTF-8 text".into()))
}
