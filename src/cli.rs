//! The command line: argument types and what each subcommand does.
//!
//! Exit codes: 0 success, 1 invalid input (a finding, template or layout the
//! letter cannot be made from), 2 usage errors (reported by clap), 3 anything
//! else (for example an output folder that cannot be written).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};

use crate::diagnostic::display_path;
use crate::project::Project;
use crate::render::{LetterError, Renderer, output_path};

/// Turns inspection findings (TOML + Markdown) into formal letters as PDF.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
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
    },
}

/// Exit code for input the letter cannot be made from.
const EXIT_INVALID: u8 = 1;
/// Exit code for failures that are not the input's fault.
const EXIT_INTERNAL: u8 = 3;

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Render { finding, output, emit_typst } => {
            render(&finding, output.as_deref(), emit_typst)
        }
    }
}

fn render(finding: &Path, output: Option<&Path>, emit_typst: bool) -> ExitCode {
    let renderer = match Project::discover(finding.parent().unwrap_or(Path::new(".")))
        .map_err(|e| e.to_string())
        .and_then(|project| Renderer::new(project).map_err(|e| e.to_string()))
    {
        Ok(renderer) => renderer,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    if emit_typst {
        let source = renderer.load(finding).and_then(|f| Ok(renderer.source(&f)?));
        return match source {
            Ok(source) => {
                print!("{source}");
                ExitCode::SUCCESS
            }
            Err(err) => report(&err),
        };
    }
    let target = output_path(renderer.project(), finding, output);
    match renderer.render_to(finding, &target) {
        Ok(()) => {
            eprintln!("wrote {}", display_path(&target).display());
            ExitCode::SUCCESS
        }
        Err(err) => report(&err),
    }
}

/// Prints a letter's error (with snippets for finding files) and picks the
/// exit code.
fn report(err: &LetterError) -> ExitCode {
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
            ExitCode::from(EXIT_INVALID)
        }
        LetterError::Write { .. } => {
            eprintln!("error: {err}");
            ExitCode::from(EXIT_INTERNAL)
        }
        LetterError::Template(_) => {
            eprintln!("error: {err}");
            ExitCode::from(EXIT_INVALID)
        }
        LetterError::Typst(_) => {
            // typst's report starts every diagnostic with its severity.
            eprintln!("{err}");
            ExitCode::from(EXIT_INVALID)
        }
    }
}
