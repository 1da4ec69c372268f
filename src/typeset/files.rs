//! The project's files as typst sees them: read only from inside the
//! project, parsed once and reused from letter to letter.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use typst::diag::{FileError, FileResult};
use typst::foundations::Bytes;
use typst::syntax::{FileId, VirtualRoot};
use typst_kit::files::{FileLoader, FileStore, FsRoot};

use super::main_id;

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
    root: PathBuf,
    fallback: Fallback,
    canonical_root: PathBuf,
    idle: std::sync::Mutex<Vec<FileStore<ProjectFiles>>>,
    created: std::sync::atomic::AtomicUsize,
    /// Files typst read for letters since [`FilePool::take_read`] was last
    /// called; kept as ids (cheap to copy), turned into paths only when asked.
    read: std::sync::Mutex<Vec<FileId>>,
}

impl FilePool {
    /// An empty pool for the project at `root`; a file the project does not
    /// have is asked of `fallback` (the built-in layout, say).
    pub fn new(root: &Path, fallback: Fallback) -> Self {
        FilePool {
            root: root.to_path_buf(),
            fallback,
            canonical_root: std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
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
        let root = FsRoot::new(self.root.clone());
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
                root: FsRoot::new(self.root.clone()),
                canonical_root: self.canonical_root.clone(),
                fallback: self.fallback,
                main: main_id(),
                main_source: Bytes::new(Vec::new()),
            })
        });
        files.loader_mut().main_source = source;
        files.reset();
        files
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
    canonical_root: PathBuf,
    fallback: Fallback,
    pub(super) main: FileId,
    main_source: Bytes,
}

impl ProjectFiles {
    /// A loader serving nothing, to stand in for a store being given back.
    pub(super) fn empty(main: FileId) -> Self {
        ProjectFiles {
            root: FsRoot::new(PathBuf::new()),
            canonical_root: PathBuf::new(),
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
                let path = self.root.resolve(id.vpath())?;
                // FsRoot stops `..`, but not a symlink pointing outside. One
                // lookup answers both questions: is the file there, and where
                // does it really live (this runs for every file on every render).
                match std::fs::canonicalize(&path) {
                    Ok(real) if !real.starts_with(&self.canonical_root) => {
                        return Err(FileError::AccessDenied);
                    }
                    // The project's own file wins; otherwise the built-in one.
                    Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                        let name = id.vpath().get_without_slash();
                        if let Some(contents) = (self.fallback)(name) {
                            return Ok(Bytes::from_string(contents));
                        }
                    }
                    _ => {}
                }
                self.root.load(id.vpath())
            }
            VirtualRoot::Package(_) => Err(FileError::Other(Some(
                "packages are not available: a letter can only use files inside its project".into(),
            ))),
        }
    }
}
