//! A laid-out letter: its pages, to export as PDF and draw as images.

use typst_layout::PagedDocument;
use typst_pdf::PdfStandards;

use super::{LetterError, PreparedLetter, Renderer};
use crate::typeset::{LetterWorld, PageImages, PagePng, TypstError};

/// A letter laid out into pages once, from which the PDF and the page
/// images are both taken.
pub struct Document<'a> {
    world: LetterWorld<'a>,
    pages: PagedDocument,
    standards: &'a PdfStandards,
    /// For typst's errors to be traced back to the finding file.
    renderer: &'a Renderer,
    letter: PreparedLetter,
}

impl<'a> Document<'a> {
    /// Lays out `letter`, whose source `world` holds.
    pub(super) fn new(
        world: LetterWorld<'a>,
        renderer: &'a Renderer,
        letter: &PreparedLetter,
    ) -> Result<Self, LetterError> {
        let pages = world.layout().map_err(|err| renderer.locate(letter, err))?;
        if let Some(err) = world.text_off_page(&pages) {
            return Err(renderer.locate(letter, err));
        }
        Ok(Document {
            world,
            pages,
            standards: &renderer.standards,
            renderer,
            letter: letter.clone(),
        })
    }

    /// The project files typst read for this letter.
    pub fn files_read(&mut self) -> crate::typeset::FilesRead {
        self.world.files_read()
    }

    /// How many pages the letter has.
    pub fn page_count(&self) -> usize {
        self.pages.pages().len()
    }

    /// The laid-out pages, as typst made them.
    pub fn pages(&self) -> &PagedDocument {
        &self.pages
    }

    /// The PDF, conforming to the renderer's standards.
    pub fn pdf(&self) -> Result<Vec<u8>, LetterError> {
        self.world.export(&self.pages, self.standards).map_err(|err| self.located(err))
    }

    /// The PDF and the page images. The PDF is exported while the images are
    /// drawn: after a small edit only one page is drawn again, so one core
    /// would otherwise wait.
    pub fn pdf_and_pages(
        &self,
        images: PageImages,
        earlier: &[PagePng],
    ) -> Result<(Vec<u8>, Vec<PagePng>), LetterError> {
        let (pdf, pages) = std::thread::scope(|scope| {
            let pages = scope.spawn(|| crate::typeset::png_pages(&self.pages, images, earlier));
            let pdf = self.world.export(&self.pages, self.standards);
            (pdf, pages.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        let pages: Result<_, TypstError> = pages;
        Ok((pdf.map_err(|err| self.located(err))?, pages?))
    }

    fn located(&self, err: TypstError) -> LetterError {
        self.renderer.locate(&self.letter, err)
    }
}
