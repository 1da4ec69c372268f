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
    /// A tracker workbook (or one of its CSV files) named to `import`,
    /// wherever it is.
    Tracker,
    /// A record letterpress keeps in an output folder (who wrote each PDF,
    /// the batch manifest): its own file, so never a link.
    Record,
    /// A PDF letterpress wrote before, read back to compare; never a link.
    OldPdf,
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
            Kind::Tracker | Kind::Record => 64 << 20,
            Kind::OldPdf => 256 << 20,
        }
    }

    /// Whether a link in the file's own name is followed: the output
    /// folder's files are letterpress's own, so a link there can only have
    /// been put to make it read (or later write) something else.
    const fn follows_links(self) -> bool {
        !matches!(self, Kind::Record | Kind::OldPdf)
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Finding => "a finding file",
            Kind::Config => "letterpress.toml",
            Kind::Template => "a template",
            Kind::Asset => "an image or font",
            Kind::WordList => "a word list",
            Kind::Tracker => "a tracker",
            Kind::Record => "a record in an output folder",
            Kind::OldPdf => "a PDF already written",
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
        let (file, opened) = open_regular(path, kind)?;
        let real = std::fs::canonicalize(path).map_err(io)?;
        let outside = || ReadError::Outside { path: shown(), root: self.root.clone() };
        if !real.starts_with(&self.root) || !same_file(&opened, &self.root, &real) {
            return Err(outside());
        }
        read_capped(file, &opened, path, kind)
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

/// The bytes of the regular file at `path`, wherever it is (a tracker the
/// user named, a record in an output folder), no larger than `kind`
/// allows: a named pipe or a device is refused at once, never read, and
/// for letterpress's own files a link is refused too.
pub fn read_file(path: &Path, kind: Kind) -> Result<Vec<u8>, ReadError> {
    let (file, opened) = open_regular(path, kind)?;
    read_capped(file, &opened, path, kind)
}

/// Opens `path` without blocking and checks, on the handle, that it is a
/// regular file.
fn open_regular(path: &Path, kind: Kind) -> Result<(File, std::fs::Metadata), ReadError> {
    let shown = || display_path(path);
    let io = |source| ReadError::Io { path: shown(), source };
    let file = open_without_blocking(path, kind).map_err(|err| {
        if is_a_link_refused(&err) {
            ReadError::NotAFile { path: shown(), what: "a link" }
        } else {
            io(err)
        }
    })?;
    let opened = file.metadata().map_err(io)?;
    if !opened.is_file() {
        return Err(ReadError::NotAFile { path: shown(), what: what_it_is(&opened) });
    }
    Ok((file, opened))
}

/// Reads an opened file, stopping past `kind`'s limit (a file growing
/// while it is read cannot exhaust memory).
fn read_capped(
    file: File,
    opened: &std::fs::Metadata,
    path: &Path,
    kind: Kind,
) -> Result<Vec<u8>, ReadError> {
    let limit = kind.limit();
    if opened.len() > limit {
        return Err(ReadError::TooLarge { path: display_path(path), kind, size: opened.len() });
    }
    let mut bytes = Vec::with_capacity(opened.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| ReadError::Io { path: display_path(path), source })?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { path: display_path(path), kind, size: limit + 1 });
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open_without_blocking(path: &Path, kind: Kind) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // A named pipe would block `open` until something writes to it; a
    // terminal device must not become the process's controlling terminal.
    let links = if kind.follows_links() { 0 } else { libc::O_NOFOLLOW };
    OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | links).open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path, _kind: Kind) -> std::io::Result<File> {
    OpenOptions::new().read(true).open(path)
}

/// Whether `open` failed because the name is a link and links were refused.
fn is_a_link_refused(err: &std::io::Error) -> bool {
    #[cfg(unix)]
    return err.raw_os_error() == Some(libc::ELOOP);
    #[cfg(not(unix))]
    return false;
}

/// Whether the file at `real` (canonical, below `root`) is the `opened`
/// one, found without following any link: each folder below `root` is
/// opened with `O_NOFOLLOW` from the one before, and the last name is
/// looked at without following it. Asking the path again by name
/// (`fs::metadata`) would follow a link swapped in since `canonicalize`,
/// and then an outside file opened through that link would match itself.
#[cfg(unix)]
fn same_file(opened: &std::fs::Metadata, root: &Path, real: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(below) = real.strip_prefix(root) else { return false };
    let Ok(mut folder) = open_folder(None, root) else { return false };
    let mut names = below.components().peekable();
    while let Some(name) = names.next() {
        let std::path::Component::Normal(name) = name else { return false };
        if names.peek().is_some() {
            match open_folder(Some(&folder), Path::new(name)) {
                Ok(next) => folder = next,
                Err(_) => return false,
            }
        } else {
            return status_without_following(&folder, name)
                .is_ok_and(|(dev, ino)| (dev, ino) == (opened.dev(), opened.ino()));
        }
    }
    false
}

#[cfg(unix)]
fn c_name(name: &std::ffi::OsStr) -> std::io::Result<std::ffi::CString> {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::CString::new(name.as_bytes()).map_err(std::io::Error::other)
}

/// Opens the folder `name` (inside `parent` when given) without following
/// a link in its last component.
#[cfg(unix)]
fn open_folder(
    parent: Option<&std::os::fd::OwnedFd>,
    name: &Path,
) -> std::io::Result<std::os::fd::OwnedFd> {
    use std::os::fd::{AsRawFd, FromRawFd};
    #[cfg(target_os = "linux")]
    const ONLY_A_HANDLE: libc::c_int = libc::O_PATH;
    #[cfg(not(target_os = "linux"))]
    const ONLY_A_HANDLE: libc::c_int = libc::O_RDONLY;
    let name = c_name(name.as_os_str())?;
    let at = parent.map_or(libc::AT_FDCWD, AsRawFd::as_raw_fd);
    let flags = ONLY_A_HANDLE | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC;
    // SAFETY: `name` is a NUL-terminated string alive for the call; `at`
    // is an open folder or AT_FDCWD.
    let fd = unsafe { libc::openat(at, name.as_ptr(), flags) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `fd` was just opened and is owned by nothing else.
    Ok(unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) })
}

/// Device and inode of `name` in `folder`, not following a link.
#[cfg(unix)]
fn status_without_following(
    folder: &std::os::fd::OwnedFd,
    name: &std::ffi::OsStr,
) -> std::io::Result<(u64, u64)> {
    use std::os::fd::AsRawFd;
    let name = c_name(name)?;
    let mut stat = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `name` is NUL-terminated, `stat` is large enough and only
    // read after the call succeeded.
    let done = unsafe {
        libc::fstatat(
            folder.as_raw_fd(),
            name.as_ptr(),
            stat.as_mut_ptr(),
            libc::AT_SYMLINK_NOFOLLOW,
        )
    };
    if done != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: fstatat succeeded, so it filled `stat`.
    let stat = unsafe { stat.assume_init() };
    #[allow(clippy::useless_conversion, clippy::unnecessary_cast)]
    Ok((stat.st_dev as u64, stat.st_ino as u64))
}

#[cfg(not(unix))]
fn same_file(_opened: &std::fs::Metadata, _root: &Path, _real: &Path) -> bool {
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
