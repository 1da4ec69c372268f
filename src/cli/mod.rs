//! The command line: arguments, what each subcommand prints, and exit codes.
//!
//! Exit codes (`Failure::exit_code`, the one place that picks them): 0
//! success, 1 invalid input (a finding, template or layout the letter cannot
//! be made from; a file that would be overwritten), 2 usage errors (reported
//! by clap), 3 anything else (for example an output folder that cannot be
//! written), 130 a batch interrupted with Ctrl-C.

/// `eprintln!` for everything the command line says on stderr: the text
/// goes through [`crate::diagnostic::for_terminal_lines`], the one place
/// user-supplied text is made safe for a terminal, so an escape sequence in
/// a file name, template name or value can never reach it raw.
macro_rules! tell {
    () => { eprintln!() };
    ($($arg:tt)*) => { eprintln!("{}", $crate::diagnostic::for_terminal_lines(&format!($($arg)*))) };
}

/// `println!` made safe the same way as [`tell!`], for stdout, through
/// [`print_out`]: a reader that has gone ends the command quietly.
macro_rules! show {
    ($($arg:tt)*) => {
        $crate::cli::print_out(format_args!(
            "{}\n",
            $crate::diagnostic::for_terminal_lines(&format!($($arg)*))
        ))
    };
}

mod diff;
mod failure;
mod import;
mod letters;
mod project;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use typst_pdf::PdfStandard;

use crate::model::Language;
use crate::output::Format;
use crate::render::Paper;

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
    #[arg(long, value_enum, default_value_t = PaperArg::A4)]
    pub paper: PaperArg,
    /// Also conform to this PDF standard (repeatable), e.g. a-2b, a-3b or a-4
    /// for archive copies; PDF/UA-1 always applies.
    #[arg(long = "pdf-standard", value_name = "STANDARD", value_parser = parse_pdf_standard)]
    pub pdf_standards: Vec<PdfStandard>,
    /// Render as a draft whatever the finding's status: DRAFT watermark, a
    /// "not for circulation" line with the render time, no signature.
    #[arg(long)]
    pub draft: bool,
    /// Fail a letter that has warnings (as `check --deny-warnings` does).
    #[arg(long)]
    pub deny_warnings: bool,
    /// Write the letter as a PDF, or as an editable Word document (docx),
    /// e.g. the copy a provider checks for factual accuracy (default: pdf,
    /// or docx for `-o NAME.docx`).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<FormatArg>,
}

/// What a letter is written as, as the command line names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// The letter to send, PDF/UA.
    Pdf,
    /// An editable Word document.
    Docx,
}

impl From<FormatArg> for Format {
    fn from(format: FormatArg) -> Format {
        match format {
            FormatArg::Pdf => Format::Pdf,
            FormatArg::Docx => Format::Docx,
        }
    }
}

fn parse_language(text: &str) -> Result<Language, String> {
    Language::from_code(text).ok_or_else(|| {
        let codes: Vec<&str> = Language::ALL.iter().map(|l| l.code()).collect();
        format!("unknown language `{text}`; use {}", codes.join(" or "))
    })
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

/// Paper sizes, as the command line names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PaperArg {
    /// ISO A4, 210 × 297 mm.
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

impl From<PaperArg> for Paper {
    fn from(paper: PaperArg) -> Paper {
        match paper {
            PaperArg::A4 => Paper::A4,
            PaperArg::Letter => Paper::Letter,
        }
    }
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
        /// Output folder, or a file name ending in .pdf or .docx (default:
        /// out/ in the project).
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
        /// Finding files or folders of them (default: the project's letters/,
        /// from any folder inside the project).
        paths: Vec<PathBuf>,
        /// Treat warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
        /// Add a word to the project's word list (words.txt) before checking,
        /// so the spelling check accepts it (repeatable): a name, a term.
        #[arg(long = "add-word", value_name = "WORD")]
        add_words: Vec<String>,
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
    /// Write the JSON Schema of each kind of letter (each template) to
    /// schemas/, for editors that complete and check finding files.
    ///
    /// `init` writes them, and `new` and `import` write any that are
    /// missing; run this again after changing a template's front matter.
    /// Replaces only schemas it wrote. Example: letterpress schema
    Schema,
    /// List the templates, check them, or copy a built-in one into
    /// templates/ to edit it.
    ///
    /// Example: letterpress templates --eject monitoring
    Templates {
        /// Copy this built-in template into the project's templates/ folder:
        /// the name finding files use (monitoring, monitoring.cy, brief) or
        /// layout.
        #[arg(long, value_name = "NAME", conflicts_with = "check")]
        eject: Option<String>,
        /// Word and lay out an example letter with every template of the
        /// project, reporting each problem at its template line.
        #[arg(long)]
        check: bool,
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
    /// Dated today, with TODO for every judgement, timescale and visit date,
    /// so `check` asks for each. Refuses to overwrite an existing file or to
    /// write outside the project.
    ///
    /// Example: letterpress new letters/north-east --areas 3
    ///
    /// With --tracker, writes an empty tracker workbook for `import` instead:
    /// the Letters and Areas sheets with their headers, an example letter and
    /// instructions.
    ///
    /// Example: letterpress new --tracker tracker.xlsx
    New {
        /// Where to create it, inside the project; `.toml` is added if missing.
        #[arg(required_unless_present = "tracker")]
        path: Option<PathBuf>,
        /// How many areas for improvement to write a table for.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=50))]
        areas: u16,
        /// The wording template the letter names (templates/NAME.md.tera).
        #[arg(long, value_name = "NAME")]
        template: Option<String>,
        /// The language the letter is written in: en or cy.
        #[arg(long, value_name = "CODE", value_parser = parse_language)]
        language: Option<Language>,
        /// Create an empty tracker workbook (.xlsx) here instead.
        #[arg(long, value_name = "FILE", conflicts_with = "path")]
        tracker: Option<PathBuf>,
    },
    /// Import a tracker spreadsheet: one finding file per letter.
    ///
    /// The tracker is an .xlsx, .xlsm or .ods workbook with the sheets Letters
    /// and Areas, or a folder holding letters.csv and areas.csv (README,
    /// "Importing a tracker spreadsheet"). Every row is checked first, as
    /// `check` checks a finding file; nothing is written while any has an
    /// error. A file edited since it was imported is not replaced.
    ///
    /// Example: letterpress import tracker.xlsx --dry-run
    Import {
        /// The workbook, or a folder holding letters.csv and areas.csv.
        tracker: PathBuf,
        /// Folder to write the finding files to (default: letters/ in the project).
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// List what would be written, and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Replace files even if they were edited since they were imported.
        #[arg(long)]
        force: bool,
    },
    /// Compare two drafts of a letter: facts before and after, areas,
    /// judgements and the summary, then the reworded paragraphs word by word.
    ///
    /// Exit code 0 when they say the same, 1 when they differ, 2 on an error.
    /// A draft is a finding file, or a file at a git revision (FILE@REV).
    ///
    /// Example: letterpress diff letters/x.toml@HEAD~1 letters/x.toml
    Diff {
        /// The earlier draft.
        old: String,
        /// The later draft.
        new: String,
        /// Compare the text the letters print (to see what a template edit
        /// changed) instead of their fields.
        #[arg(long)]
        rendered: bool,
        /// What to write: the changes in the terminal, a redline PDF, or the
        /// new letter as a Word document with the changes tracked.
        #[arg(long, value_enum, default_value_t = diff::DiffFormat::Terminal)]
        format: diff::DiffFormat,
        /// The file to write a redline PDF or tracked DOCX to.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Render every finding file under a folder, in parallel.
    ///
    /// Unchanged letters (same finding, templates, config, fonts and every
    /// file the layout read, and the PDF as it was written) are skipped.
    ///
    /// Example: letterpress batch letters/ -o out/ --jobs 2
    Batch {
        /// Folder of finding files, searched recursively (default: the
        /// project's letters/, from any folder inside the project).
        dir: Option<PathBuf>,
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

/// Writes `text` to standard output. A reader that has closed it
/// (`letterpress templates | head -1`) has all it wanted: the command ends
/// quietly with success, as ripgrep does, where `println!` would panic.
fn print_out(text: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let Err(err) = std::io::stdout().lock().write_fmt(text) else { return };
    if err.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("error: cannot write to standard output: {err}");
    std::process::exit(failure::EXIT_INTERNAL.into());
}

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let project = cli.project.as_deref();
    let result = match cli.command {
        Command::Init { dir } => project::init(&dir),
        Command::Schema => project::schema(project),
        Command::Templates { eject, check } => match eject {
            Some(name) => project::eject(project, &name),
            None if check => project::check_templates(project),
            None => project::templates(project),
        },
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            // Whole, then printed: clap_complete panics on a closed pipe.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "letterpress", &mut script);
            print_out(format_args!("{}", String::from_utf8_lossy(&script)));
            Ok(ExitCode::SUCCESS)
        }
        Command::New { path, areas, template, language, tracker } => match (path, tracker) {
            (_, Some(tracker)) => project::new_tracker(&tracker),
            (Some(path), None) => {
                let options = project::NewArgs {
                    areas: usize::from(areas),
                    template: template.as_deref(),
                    language: language.unwrap_or_default(),
                };
                project::new_finding(project, &path, &options)
            }
            // clap asks for one of the two first.
            (None, None) => Err(failure::Failure::Refused("name the file to create".into())),
        },
        Command::Import { tracker, output, dry_run, force } => {
            let options = import::ImportArgs { output: output.as_deref(), dry_run, force };
            import::import(project, &tracker, &options)
        }
        Command::Render { finding, output, emit_typst, png, output_args } => {
            letters::render(project, &finding, output.as_deref(), emit_typst, png, &output_args)
        }
        Command::Watch { finding, output } => letters::watch(project, &finding, output.as_deref()),
        Command::Serve { finding, port, open } => letters::serve(project, &finding, port, open),
        Command::Check { paths, deny_warnings, add_words } => {
            project::add_words(project, &paths, &add_words)
                .and_then(|()| letters::check(project, &paths, deny_warnings))
        }
        Command::Diff { old, new, rendered, format, output } => {
            let args = diff::DiffArgs {
                old: &old,
                new: &new,
                rendered,
                format,
                output: output.as_deref(),
            };
            return diff::diff(project, &args);
        }
        Command::Batch { dir, output, jobs, force, quiet, output_args } => {
            let options = letters::BatchArgs { output: output.as_deref(), jobs, force, quiet };
            letters::batch(project, dir.as_deref(), &options, &output_args)
        }
    };
    result.unwrap_or_else(|failure| {
        failure.report();
        ExitCode::from(failure.exit_code())
    })
}

/// The project named with --project, or the one containing `start`.
fn project_for(
    project: Option<&Path>,
    start: &Path,
) -> Result<crate::project::Project, crate::project::ProjectError> {
    let start = if start.as_os_str().is_empty() { Path::new(".") } else { start };
    match project {
        Some(dir) => crate::project::Project::at(dir),
        None => crate::project::Project::discover(start),
    }
}
