//! The project's files as typst sees them: read only from inside the
//! project, parsed once and reused from letter to letter.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use typst::diag::{FileError, FileResult};
use typst::foundations::Bytes;
use typst::syntax::{FileId, VirtualRoot};
use typst_kit::files::{FileLoader, FileStore, FsRoot};

use super::main_id;
use crate::sandbox::{Kind, ReadError, Sandbox};

/// Where a file the project does not have comes from instead: its name
/// relative to the project root → the built-in file's text.
pub type Fallback = fn(&str) -> Option<&'static str>;

/// The project's files as typst read and parsed them, kept between letters.
///
/// Each letter borrows a file store from here and gives it back when done,
/// as typst-cli keeps its files between compiles: the next letter re-reads
/// every file (so an edited layout or image is seen) but reuses the parse of
/// any file whose bytes did not change, and its generated source is
/// reparsed incrementally from the previous letter's. One store per letter
/// in flight, so parallel letters never wait for each other.
pub struct FilePool {
    files: Sandbox,
    fallback: Fallback,
    idle: std::sync::Mutex<Vec<FileStore<ProjectFiles>>>,
    created: std::sync::atomic::AtomicUsize,
    /// Files typst read for letters since [`FilePool::take_read`] was last
    /// called; kept as ids (cheap to copy), turned into paths only when asked.
    read: std::sync::Mutex<Vec<FileId>>,
}

impl FilePool {
    /// An empty pool for the project at `root`; a file the project does not
    /// have is asked of `fallback` (the built-in layout, say).
    pub fn new(files: &Sandbox, fallback: Fallback) -> Self {
        FilePool {
            files: files.clone(),
            fallback,
            idle: std::sync::Mutex::new(Vec::new()),
            created: std::sync::atomic::AtomicUsize::new(0),
            read: std::sync::Mutex::default(),
        }
    }

    /// The project files typst has read (or looked for) for the letters
    /// rendered since the last call: what a watcher must watch besides the
    /// finding files, as typst-cli watches a document's dependencies. Signature
    /// images and any image the layout uses are among them.
    pub fn take_read(&self) -> BTreeSet<PathBuf> {
        let read = std::mem::take(&mut *self.read.lock().unwrap_or_else(|e| e.into_inner()));
        let root = FsRoot::new(self.files.root().to_path_buf());
        read.into_iter()
            .filter(|id| matches!(id.root(), VirtualRoot::Project))
            .filter_map(|id| root.resolve(id.vpath()).ok())
            .collect()
    }

    /// How many file stores the pool has made: one per letter rendered at
    /// the same time, however many letters (a cheap check, in tests, that
    /// parsed files are reused).
    #[cfg(test)]
    pub(crate) fn created(&self) -> usize {
        self.created.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A store serving `source` as the letter, every other file fresh.
    pub(super) fn take(&self, source: Bytes) -> FileStore<ProjectFiles> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut files = idle.unwrap_or_else(|| {
            self.created.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            FileStore::new(ProjectFiles {
                root: FsRoot::new(self.files.root().to_path_buf()),
                files: Some(self.files.clone()),
                fallback: self.fallback,
                main: main_id(),
                main_source: Bytes::new(Vec::new()),
            })
        });
        files.loader_mut().main_source = source;
        files.reset();
        files
    }

    /// The project files (besides the letter itself) that `files` served
    /// since it was taken, each with a digest of the bytes typst was given
    /// (`None`: missing or refused): exactly what one letter was made from.
    pub(super) fn read_by(&self, files: &mut FileStore<ProjectFiles>) -> FilesRead {
        let root = FsRoot::new(self.files.root().to_path_buf());
        let (loader, ids) = files.dependencies();
        let main = loader.main;
        let ids: Vec<FileId> =
            ids.filter(|id| *id != main && matches!(id.root(), VirtualRoot::Project)).collect();
        ids.into_iter()
            .filter_map(|id| {
                let path = root.resolve(id.vpath()).ok()?;
                Some((path, files.file(id).ok().map(|bytes| digest(&bytes))))
            })
            .collect()
    }

    /// The digest of the file at `path` (inside the project) as a letter
    /// rendered now would be given it: the project's own, or the built-in
    /// one it stands in for, or `None`. Compared with [`FilesRead`] to tell
    /// whether a letter's files changed since it was rendered.
    pub fn digest_now(&self, path: &Path) -> Option<u128> {
        let name = path.strip_prefix(self.files.root()).ok()?.to_string_lossy().replace('\\', "/");
        load_project_file(&self.files, self.fallback, path, &name).ok().map(|bytes| digest(&bytes))
    }

    pub(super) fn give_back(&self, mut files: FileStore<ProjectFiles>) {
        {
            let (loader, ids) = files.dependencies();
            let mut read = self.read.lock().unwrap_or_else(|e| e.into_inner());
            for id in ids.filter(|id| *id != loader.main) {
                if !read.contains(&id) {
                    read.push(id);
                }
            }
        }
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).push(files);
    }
}

/// Serves the generated letter and files inside the project, nothing else.
pub(super) struct ProjectFiles {
    root: FsRoot,
    /// `None` serves nothing.
    files: Option<Sandbox>,
    fallback: Fallback,
    pub(super) main: FileId,
    main_source: Bytes,
}

impl ProjectFiles {
    /// A loader serving nothing, to stand in for a store being given back.
    pub(super) fn empty(main: FileId) -> Self {
        ProjectFiles {
            root: FsRoot::new(PathBuf::new()),
            files: None,
            fallback: |_| None,
            main,
            main_source: Bytes::new(Vec::new()),
        }
    }
}

impl FileLoader for ProjectFiles {
    fn load(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main {
            return Ok(self.main_source.clone());
        }
        match id.root() {
            VirtualRoot::Project => {
                // FsRoot stops `..`; the sandbox stops symlinks out, pipes,
                // devices and oversized files, checking the file it opened.
                let path = self.root.resolve(id.vpath())?;
                let files = self.files.as_ref().ok_or(FileError::AccessDenied)?;
                load_project_file(files, self.fallback, &path, id.vpath().get_without_slash())
            }
            VirtualRoot::Package(_) => Err(FileError::Other(Some(
                "packages are not available: a letter can only use files inside its project".into(),
            ))),
        }
    }
}

/// The project file at `path` (named `name` relative to the root): the
/// project's own, else the built-in one of that name.
fn load_project_file(
    files: &Sandbox,
    fallback: Fallback,
    path: &Path,
    name: &str,
) -> FileResult<Bytes> {
    // The layout is typst code, held to a template's size; the rest are
    // images and fonts.
    let kind = if name.ends_with(".typ") { Kind::Template } else { Kind::Asset };
    match files.read(path, kind) {
        Ok(bytes) => match super::pixels::too_many(&bytes) {
            Some(why) => Err(FileError::Other(Some(
                format!("{} {why}", crate::diagnostic::display_path(path).display()).into(),
            ))),
            None => Ok(Bytes::new(bytes)),
        },
        Err(err) if err.is_not_found() => {
            fallback(name).map(Bytes::from_string).ok_or_else(|| FileError::NotFound(path.into()))
        }
        Err(ReadError::Outside { .. }) => Err(FileError::AccessDenied),
        Err(ReadError::NotAFile { what: "a folder", .. }) => Err(FileError::IsDirectory),
        Err(err) => Err(FileError::Other(Some(err.to_string().into()))),
    }
}

/// The project files one letter was made from, with digests of their bytes.
pub type FilesRead = std::collections::BTreeMap<PathBuf, Option<u128>>;

/// A file's contents as a fingerprint (as [`FilesRead`] records them).
pub fn digest(bytes: &[u8]) -> u128 {
    use siphasher::sip128::{Hasher128, SipHasher13};
    use std::hash::Hasher;
    let mut hasher = SipHasher13::new();
    hasher.write(bytes);
    hasher.finish128().as_u128()
}
