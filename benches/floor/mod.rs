//! The typst floor: the same generated source compiled and exported by typst
//! alone, with nothing of ours but the source text and the fonts. Shared by
//! the in-process stage benchmark (`benches/pipeline.rs`) and the cold-process
//! floor (`examples/floor.rs`), so both measure the very same thing.

use std::path::Path;

use typst::diag::FileResult;
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::files::{FileLoader, FileStore, FsRoot};
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;

/// The floor: typst with nothing of ours but the source text and the fonts,
/// files cached as typst-cli does (typst-kit's `FileStore`).
pub struct FloorWorld {
    library: LazyHash<Library>,
    fonts: FontStore,
    files: std::sync::Mutex<FileStore<FloorFiles>>,
    main: FileId,
}

struct FloorFiles {
    root: FsRoot,
    main: FileId,
    source: Bytes,
}

impl FileLoader for FloorFiles {
    fn load(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main { Ok(self.source.clone()) } else { self.root.load(id.vpath()) }
    }
}

impl FloorWorld {
    pub fn new(root: &Path) -> Self {
        let mut fonts = FontStore::new();
        for entry in std::fs::read_dir(root.join("fonts")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "ttf") {
                let data = Bytes::new(std::fs::read(&path).unwrap());
                fonts.extend(Font::iter(data).map(|f| {
                    let info = f.info().clone();
                    (f, info)
                }));
            }
        }
        let main =
            RootedPath::new(VirtualRoot::Project, VirtualPath::new("/floor.typ").unwrap()).intern();
        let files = FileStore::new(FloorFiles {
            root: FsRoot::new(root.to_path_buf()),
            main,
            source: Bytes::from_string(String::new()),
        });
        Self {
            library: LazyHash::new(Library::default()),
            fonts,
            files: std::sync::Mutex::new(files),
            main,
        }
    }

    pub fn compile(&self, text: &str, options: &typst_pdf::PdfOptions) -> Vec<u8> {
        {
            let mut files = self.files.lock().unwrap();
            files.loader_mut().source = Bytes::from_string(text.to_owned());
            files.reset();
        }
        let document = typst::compile::<PagedDocument>(self).output.unwrap();
        typst_pdf::pdf(&document, options).unwrap()
    }
}

impl World for FloorWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }
    fn main(&self) -> FileId {
        self.main
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        self.files.lock().unwrap().source(id)
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.lock().unwrap().file(id)
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }
    fn today(&self, _: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Datetime::from_ymd(2010, 12, 1)
    }
}
