//! Output files: where a letter's PDF goes, whose it is, and writing it
//! whole or not at all.
//!
//! Files are written to a temporary file beside the target and renamed into
//! place, so a failed or interrupted render never leaves a partial PDF and
//! an existing one is only replaced by a complete one.

pub mod manifest;
mod owners;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::diagnostic::display_path;
use crate::model::{FileNameError, Finding, OutputConfig};
use owners::Owners;

pub use owners::SOURCES_FILE;

/// Why a letter's output could not be named or written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The file name pattern cannot name this letter.
    #[error("cannot name the PDF of {}: {source}", .finding.display())]
    Name {
        /// The finding file.
        finding: PathBuf,
        /// Why.
        source: FileNameError,
    },
    /// The PDF's name is another letter's.
    #[error("cannot name the PDF of {}: {message}", .finding.display())]
    Taken {
        /// The finding file.
        finding: PathBuf,
        /// Whose it is, and what to do.
        message: String,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Another batch is writing to the same output folder.
    #[error(
        "another batch is writing to {}; wait for it to finish (or stop it), then run this one again",
        .dir.display()
    )]
    Busy {
        /// The output folder.
        dir: PathBuf,
    },
}

/// What a letter is written as.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// The letter to send: PDF/UA.
    #[default]
    Pdf,
    /// An editable copy (Word's WordprocessingML), e.g. for the provider's
    /// factual-accuracy check.
    Docx,
}

impl Format {
    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
        }
    }

    /// The format a file name asks for by its extension, if any.
    pub fn of_file(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        [Format::Pdf, Format::Docx].into_iter().find(|f| f.extension() == extension)
    }
}

/// Name of the lock file a batch holds in its output folder.
pub const LOCK_FILE: &str = ".letterpress-lock";

/// An output folder held by one batch: a second batch into the same folder
/// (from any folder, any process) is refused at once rather than mixing its
/// letters and owner records with the first's. The operating system drops
/// the lock when the process ends, however it ends.
#[derive(Debug)]
pub struct OutputLock {
    _file: std::fs::File,
}

impl OutputLock {
    /// Creates `dir` if needed and locks it; also proves, before any letter
    /// is typeset, that the folder can be written.
    pub fn take(dir: &Path) -> Result<OutputLock, OutputError> {
        let write_error = |path: &Path| {
            let path = path.to_path_buf();
            move |source| OutputError::Write { path, source }
        };
        std::fs::create_dir_all(dir).map_err(write_error(dir))?;
        let path = dir.join(LOCK_FILE);
        let file = open_lock_file(&path).map_err(write_error(&path))?;
        match file.try_lock() {
            Ok(()) => Ok(OutputLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => {
                Err(OutputError::Busy { dir: crate::diagnostic::display_path(dir) })
            }
            Err(std::fs::TryLockError::Error(source)) => Err(OutputError::Write { path, source }),
        }
    }
}

/// Opens (creating) the lock file without blocking on a named pipe and
/// without following a link, and checks it is a regular file: something
/// else at its name must fail the batch at once, not hang it.
fn open_lock_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut options,
        libc::O_NONBLOCK | libc::O_NOFOLLOW | libc::O_NOCTTY,
    );
    let file = options.open(path).map_err(|err| {
        #[cfg(unix)]
        if matches!(err.raw_os_error(), Some(libc::ELOOP | libc::ENXIO)) {
            return std::io::Error::other(
                "it is a link or a named pipe, not letterpress's lock file; delete it",
            );
        }
        err
    })?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other(
            "it is not a regular file (a named pipe or a device?), not letterpress's lock file; delete it",
        ));
    }
    Ok(file)
}

/// Where one letter's PDF goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// The PDF's path.
    pub path: PathBuf,
    /// Named by the user as a `.pdf` file: their own choice, so no record of
    /// who wrote it is checked or kept.
    explicit: bool,
}

/// Where a command was told to put PDFs.
#[derive(Debug, Clone, Copy)]
pub enum Place<'a> {
    /// As `-o` was given: a file name ending in `.pdf`, or a folder; by
    /// default the project's `out/`.
    Given(Option<&'a Path>),
    /// This folder, whatever its name (a batch's mirror of its input tree).
    Folder(&'a Path),
    /// This PDF, named from the letter beforehand (a batch names every
    /// letter before it renders any, to refuse two letters one name), so
    /// an edit made since cannot move it; its owner is recorded.
    Named(&'a Path),
}

impl Destination {
    /// Where the PDF of the letter in `finding_path` goes: the file `place`
    /// names, or the project's file name pattern inside the folder it names
    /// (by default `out/` under the project `root`).
    pub fn of(
        config: &OutputConfig,
        root: &Path,
        finding_path: &Path,
        finding: &Finding,
        place: Place<'_>,
        format: Format,
    ) -> Result<Destination, OutputError> {
        let output = match place {
            Place::Given(Some(file)) if Format::of_file(file).is_some() => {
                return Ok(Destination { path: file.to_path_buf(), explicit: true });
            }
            Place::Named(pdf) => {
                return Ok(Destination { path: pdf.to_path_buf(), explicit: false });
            }
            Place::Given(output) => output,
            Place::Folder(folder) => Some(folder),
        };
        let name = config
            .file_name
            .expand(finding_path, finding)
            .map_err(|source| OutputError::Name { finding: display_path(finding_path), source })?;
        let folder = output.map_or_else(|| root.join("out"), Path::to_path_buf);
        let path = folder.join(name).with_extension(format.extension());
        Ok(Destination { path, explicit: false })
    }
}

/// The records of which finding file wrote each PDF, for every output
/// folder a command writes to; kept in memory while letters are written
/// (from any thread) and saved once at the end.
#[derive(Default)]
pub struct OwnerRecords {
    folders: Mutex<BTreeMap<PathBuf, Owners>>,
}

impl OwnerRecords {
    /// Fails, naming both, when `pdf` was written from a finding file other
    /// than `finding` and still exists: two letters must never overwrite
    /// each other.
    pub fn check(&self, pdf: &Path, finding: &Path) -> Result<(), OutputError> {
        self.with(pdf, |owners| owners.check(pdf, finding))
            .map_err(|message| OutputError::Taken { finding: display_path(finding), message })
    }

    /// Records that `finding` wrote `pdf`.
    pub fn record(&self, pdf: &Path, finding: &Path) {
        self.with(pdf, |owners| owners.set(pdf, finding));
    }

    /// Writes every changed record back.
    pub fn save(&self) -> Result<(), OutputError> {
        let folders = self.folders.lock().unwrap_or_else(|e| e.into_inner());
        for (folder, owners) in folders.iter() {
            owners
                .save()
                .map_err(|source| OutputError::Write { path: folder.join(SOURCES_FILE), source })?;
        }
        Ok(())
    }

    fn with<T>(&self, pdf: &Path, then: impl FnOnce(&mut Owners) -> T) -> T {
        let folder = pdf.parent().unwrap_or(Path::new(".")).to_path_buf();
        // Each record is changed whole under the lock, so it is never torn.
        let mut folders = self.folders.lock().unwrap_or_else(|e| e.into_inner());
        then(folders.entry(folder.clone()).or_insert_with(|| Owners::load(&folder)))
    }
}

/// Writes a letter's PDF to `destination`: a name the file name pattern
/// made must not replace a PDF another finding file wrote.
pub fn write_pdf(
    destination: &Destination,
    finding: &Path,
    pdf: &[u8],
    owners: &OwnerRecords,
) -> Result<(), OutputError> {
    if destination.explicit {
        return write(&destination.path, pdf);
    }
    owners.check(&destination.path, finding)?;
    write(&destination.path, pdf)?;
    owners.record(&destination.path, finding);
    Ok(())
}

/// Writes an output file (PDF, page image, record) atomically, naming it in
/// the error.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    write_atomically(path, bytes)
        .map_err(|source| OutputError::Write { path: path.to_path_buf(), source })
}

/// Writes `bytes` to `path` through a temporary file in the same folder.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|err| match std::fs::metadata(dir) {
        // `-o` naming a file or a device (/dev/full) without `.pdf`: the
        // system's "File exists" would not say which or why.
        Ok(found) if !found.is_dir() => std::io::Error::other(format!(
            "{} is a file or a device, not a folder; -o names a folder, or a file ending in .pdf",
            crate::diagnostic::display_path(dir).display()
        )),
        _ => err,
    })?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".letterpress-").suffix(".tmp");
    // tempfile creates private (0600) files; a letter is an ordinary document.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut temp = builder.tempfile_in(dir)?;
    temp.write_all(bytes)?;
    // No fsync: the rename already guarantees that readers and interrupted
    // runs see either the old PDF or the whole new one; an fsync per letter
    // would cost more than typst's layout and only guards against power loss.
    temp.persist(path).map_err(|err| err.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("sub/letter.pdf");
        write_atomically(&target, b"first").unwrap();
        write_atomically(&target, b"second").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"second");
        let entries: Vec<_> = std::fs::read_dir(dir.path().join("sub")).unwrap().collect();
        assert_eq!(entries.len(), 1);
    }

    #[test]
    fn a_pdf_another_letter_wrote_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let [a, b] = ["a.toml", "b.toml"].map(|name| dir.path().join(name));
        for finding in [&a, &b] {
            std::fs::write(finding, "").unwrap();
        }
        let destination = Destination { path: dir.path().join("out/x.pdf"), explicit: false };
        let owners = OwnerRecords::default();
        write_pdf(&destination, &a, b"%PDF-a", &owners).unwrap();
        owners.save().unwrap();
        let owners = OwnerRecords::default();
        let err = write_pdf(&destination, &b, b"%PDF-b", &owners).unwrap_err().to_string();
        assert!(err.contains("x.pdf is the PDF of") && err.contains("a.toml"), "{err}");
        assert_eq!(std::fs::read(&destination.path).unwrap(), b"%PDF-a");
        // A file the user named is theirs to replace.
        let named = Destination { explicit: true, ..destination.clone() };
        write_pdf(&named, &b, b"%PDF-b", &owners).unwrap();
        assert_eq!(std::fs::read(&destination.path).unwrap(), b"%PDF-b");
    }
}
