//! Why a command failed, how that is shown, and the exit code it gives.

use std::io::IsTerminal;
use std::path::PathBuf;

use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};

use crate::commands::batch::BatchError;
use crate::commands::schema::SchemaError;
use crate::commands::serve::ServeError;
use crate::commands::watch::WatchError;
use crate::diagnostic::FileProblems;
use crate::import::ImportError;
use crate::output::OutputError;
use crate::project::{LettersError, ProjectError, WordsError};
use crate::render::{LetterError, SetupError};
use crate::sandbox::ReadError;

/// Exit code for input the letter cannot be made from.
pub(super) const EXIT_INVALID: u8 = 1;
/// Exit code for failures that are not the input's fault.
pub(super) const EXIT_INTERNAL: u8 = 3;
/// Exit code after Ctrl-C, as shells report a SIGINT death.
pub(super) const EXIT_INTERRUPTED: u8 = 130;

/// Why a command stopped.
#[derive(Debug, thiserror::Error)]
pub(super) enum Failure {
    /// No usable project.
    #[error("{0}")]
    Project(#[from] ProjectError),
    /// The project's templates, fonts or settings are unusable.
    #[error("{0}")]
    Setup(#[from] SetupError),
    /// A letter could not be made.
    #[error("{0}")]
    Letter(#[from] LetterError),
    /// A folder of letters could not be listed.
    #[error("{0}")]
    Letters(#[from] LettersError),
    /// A batch could not run.
    #[error("{0}")]
    Batch(#[from] BatchError),
    /// Watching stopped.
    #[error("{0}")]
    Watch(#[from] WatchError),
    /// The preview stopped.
    #[error("{0}")]
    Serve(#[from] ServeError),
    /// A new file could not be created.
    #[error("{0}")]
    Create(#[from] CreateError),
    /// A tracker could not be imported.
    #[error("{0}")]
    Import(#[from] ImportError),
    /// The project's word list could not be read or added to.
    #[error("{0}")]
    Words(#[from] WordsError),
    /// A schema could not be written.
    #[error("{0}")]
    Schema(#[from] SchemaError),
    /// The command was refused, with the reason.
    #[error("{0}")]
    Refused(String),
}

/// Why a new file (a project, a letter, an ejected template) was not created.
#[derive(Debug, thiserror::Error)]
pub(super) enum CreateError {
    /// The file is there already; it is never replaced.
    #[error("{} already exists; not overwriting it", .0.display())]
    Exists(PathBuf),
    /// It could not be written.
    #[error("{0}")]
    Output(#[from] OutputError),
}

impl Failure {
    /// The exit code: 1 for what the user can fix in their files or
    /// arguments, 3 for a write that failed or a watcher that broke.
    pub(super) fn exit_code(&self) -> u8 {
        let write =
            |err: &OutputError| matches!(err, OutputError::Write { .. } | OutputError::Busy { .. });
        let invalid = match self {
            Failure::Project(_)
            | Failure::Setup(_)
            | Failure::Letters(_)
            | Failure::Refused(_)
            | Failure::Create(CreateError::Exists(_))
            | Failure::Schema(SchemaError::NotOurs(_)) => true,
            Failure::Letter(LetterError::Output(err)) | Failure::Batch(BatchError::Output(err)) => {
                !write(err)
            }
            Failure::Letter(_)
            | Failure::Batch(
                BatchError::Letters(_) | BatchError::Read(_) | BatchError::Folder { .. },
            ) => true,
            Failure::Watch(WatchError::Project(_)) => true,
            Failure::Import(err) => {
                !matches!(err, ImportError::Write(e) if write(e))
                    && !matches!(err, ImportError::Workbook(_))
            }
            Failure::Words(err) => {
                !matches!(err, WordsError::Write { .. } | WordsError::Read(ReadError::Io { .. }))
            }
            Failure::Batch(BatchError::Threads { .. })
            | Failure::Watch(_)
            | Failure::Serve(_)
            | Failure::Create(CreateError::Output(_))
            | Failure::Schema(SchemaError::Output(_)) => false,
        };
        if invalid { EXIT_INVALID } else { EXIT_INTERNAL }
    }

    /// Prints the failure on stderr.
    pub(super) fn report(&self) {
        match self {
            Failure::Letter(err) => report_letter_error(err),
            Failure::Import(ImportError::Invalid(problems)) => {
                tell!("{problems}");
                let errors = problems.count(crate::import::Severity::Error);
                tell!(
                    "error: nothing was imported: {errors} error{} in {}",
                    if errors == 1 { "" } else { "s" },
                    problems.workbook
                );
            }
            other => tell!("error: {other}"),
        }
    }
}

/// A terminal on stderr gets colour; a pipe or a file does not.
fn stderr() -> StandardStream {
    let choice =
        if std::io::stderr().is_terminal() { ColorChoice::Auto } else { ColorChoice::Never };
    StandardStream::stderr(choice)
}

/// Prints a file's problems with snippets.
pub(super) fn emit_problems(problems: &FileProblems) {
    if problems.emit(&mut stderr()).is_err() {
        tell!("{problems}");
    }
}

/// Prints a letter's error (see [`LetterError::emit`]).
pub(super) fn report_letter_error(err: &LetterError) {
    if err.emit(&mut stderr()).is_err() {
        tell!("error: {err}");
    }
}
