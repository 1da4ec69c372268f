//! The one door every file letterpress reads goes through: finding files
//! and their translations, `letterpress.toml`, wording templates, fonts, and
//! whatever typst reads for the layout (signature images, the layout itself).
//!
//! A file is read only if it is a regular file inside the project, and only
//! up to a size limit for its kind. The checks are made on the file as
//! opened, not on its name: the file is opened first (without blocking, so a
//! named pipe cannot hang the tool), then the handle says whether it is a
//! regular file, and the file's real path must be inside the project and be
//! the same file as the handle (device and inode), so swapping a file for a
//! symlink between the check and the read cannot let an outside file in. The
//! contents are then read through a reader that stops past the limit, so a
//! file that grows while it is read cannot exhaust memory either.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::diagnostic::display_path;

/// What a file is for, which sets how large it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A finding file or a translation. The demo letter is 9 KB; at 512 KB
    /// (a letter of some 200 pages) a letter still renders within the
    /// memory bound in BENCHMARKS.md.
    Finding,
    /// `letterpress.toml`.
    Config,
    /// A wording template or the typst layout.
    Template,
    /// A font, a signature image or another file the layout uses.
    Asset,
    /// A project's word list.
    WordList,
}

impl Kind {
    /// The most bytes a file of this kind may hold.
    pub const fn limit(self) -> u64 {
        match self {
            Kind::Finding => 512 << 10,
            Kind::Config => 64 << 10,
            Kind::Template => 256 << 10,
            Kind::Asset => 32 << 20,
            Kind::WordList => 1 << 20,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Finding => "a finding file",
            Kind::Config => "letterpress.toml",
            Kind::Template => "a template",
            Kind::Asset => "an image or font",
            Kind::WordList => "a word list",
        }
    }
}

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file is not inside the project folder.
    #[error(
        "{} is outside the project folder {}: a letter can only use files inside its project",
        .path.display(), .root.display()
    )]
    Outside {
        /// The file as named.
        path: PathBuf,
        /// The project folder.
        root: PathBuf,
    },
    /// A folder, named pipe, device or socket.
    #[error("{} is {what}, not a file", .path.display())]
    NotAFile {
        /// The file as named.
        path: PathBuf,
        /// What it is instead ("a folder", "a named pipe", ...).
        what: &'static str,
    },
    /// Larger than its kind allows.
    #[error(
        "{} is {}, more than the {} letterpress reads for {}",
        .path.display(), Size(*.size), Size(.kind.limit()), .kind.noun()
    )]
    TooLarge {
        /// The file as named.
        path: PathBuf,
        /// What it is for.
        kind: Kind,
        /// Its size, or the limit plus one when it grew while being read.
        size: u64,
    },
    /// Not UTF-8 text where text is needed.
    #[error("{} is not UTF-8 text (line {line}): save it as UTF-8", .path.display())]
    NotText {
        /// The file as named.
        path: PathBuf,
        /// The line holding the first byte that is not UTF-8.
        line: usize,
    },
    /// The file is missing or the system refused to read it.
    #[error("cannot read {}: {source}", .path.display())]
    Io {
        /// The file as named.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl ReadError {
    /// Whether the file does not exist (a caller may then use a built-in one).
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
    }
}

/// A size in words: "512 KB", "3.2 MB".
struct Size(u64);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            n if n < 1 << 10 => write!(f, "{n} bytes"),
            n if n < 1 << 20 => write!(f, "{} KB", n >> 10),
            n => write!(f, "{:.1} MB", n as f64 / f64::from(1 << 20)),
        }
    }
}

/// The project folder as the one place files are read from.
#[derive(Debug, Clone)]
pub struct Sandbox {
    root: PathBuf,
}

impl Sandbox {
    /// The sandbox of the project at `root` (made canonical here, so every
    /// later check compares real paths).
    pub fn new(root: &Path) -> std::io::Result<Sandbox> {
        Ok(Sandbox { root: std::fs::canonicalize(root)? })
    }

    /// The project folder, canonical.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The bytes of the file at `path`, if it is a regular file inside the
    /// project no larger than `kind` allows.
    pub fn read(&self, path: &Path, kind: Kind) -> Result<Vec<u8>, ReadError> {
        let shown = || display_path(path);
        let io = |source| ReadError::Io { path: shown(), source };
        let file = open_without_blocking(path).map_err(io)?;
        let opened = file.metadata().map_err(io)?;
        if !opened.is_file() {
            return Err(ReadError::NotAFile { path: shown(), what: what_it_is(&opened) });
        }
        let real = std::fs::canonicalize(path).map_err(io)?;
        let outside = || ReadError::Outside { path: shown(), root: self.root.clone() };
        if !real.starts_with(&self.root) || !same_file(&opened, &real) {
            return Err(outside());
        }
        let limit = kind.limit();
        if opened.len() > limit {
            return Err(ReadError::TooLarge { path: shown(), kind, size: opened.len() });
        }
        let mut bytes = Vec::with_capacity(opened.len() as usize);
        file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
        if bytes.len() as u64 > limit {
            return Err(ReadError::TooLarge { path: shown(), kind, size: limit + 1 });
        }
        Ok(bytes)
    }

    /// The text of the file at `path`, read as [`Sandbox::read`] does; a
    /// byte-order mark is dropped.
    pub fn read_text(&self, path: &Path, kind: Kind) -> Result<String, ReadError> {
        let bytes = self.read(path, kind)?;
        match String::from_utf8(bytes) {
            Ok(mut text) => {
                if text.starts_with('\u{feff}') {
                    text.drain(..3);
                }
                Ok(text)
            }
            Err(err) => {
                let bad = err.utf8_error().valid_up_to();
                let line = 1 + err.as_bytes()[..bad].iter().filter(|&&b| b == b'\n').count();
                Err(ReadError::NotText { path: display_path(path), line })
            }
        }
    }
}

#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // A named pipe would block `open` until something writes to it; a
    // terminal device must not become the process's controlling terminal.
    OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY).open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().read(true).open(path)
}

#[cfg(unix)]
fn same_file(opened: &std::fs::Metadata, real: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(real).is_ok_and(|m| (m.dev(), m.ino()) == (opened.dev(), opened.ino()))
}

#[cfg(not(unix))]
fn same_file(_opened: &std::fs::Metadata, _real: &Path) -> bool {
    true
}

fn what_it_is(metadata: &std::fs::Metadata) -> &'static str {
    if metadata.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        if kind.is_fifo() {
            return "a named pipe";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
    }
    "not a regular file"
}

#[cfg(test)]
mod tests;
