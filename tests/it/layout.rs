//! Lays out converted Markdown with the real typesetter and reads the text
//! of the pages back, for tests that check what a reader would see.

use std::path::Path;
use std::sync::LazyLock;

use letterpress::model::{Date, MarkdownOptions};
use letterpress::sandbox::Sandbox;
use letterpress::typeset::{FilePool, Typesetter};
use letterpress::wording::markdown;

/// The repository's files, shared by every layout in a test process.
static FILES: LazyLock<FilePool> = LazyLock::new(|| {
    let repository = Sandbox::new(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    FilePool::new(&repository, |_| None)
});

/// Lays out converted Markdown on its own page and returns the page text.
pub fn layout_markdown(markdown: &str) -> Result<String, String> {
    let converted = markdown::to_typst(markdown, None, MarkdownOptions::default());
    let source = format!("#set text(font: \"Liberation Sans\")\n{}", converted.markup);
    let date = Date { year: 2010, month: 12, day: 1 };
    let world = Typesetter::shared().world(&FILES, source, date, "markdown".to_owned());
    let document = world.layout().map_err(|e| e.report)?;
    let mut text = String::new();
    for page in document.pages() {
        frame_text(&page.frame, &mut text);
    }
    Ok(text)
}

/// The text of each page of a laid-out document.
pub fn page_texts(document: &typst_layout::PagedDocument) -> Vec<String> {
    document
        .pages()
        .iter()
        .map(|page| {
            let mut text = String::new();
            frame_text(&page.frame, &mut text);
            text
        })
        .collect()
}

fn frame_text(frame: &typst::layout::Frame, out: &mut String) {
    for (_, item) in frame.items() {
        match item {
            typst::layout::FrameItem::Group(group) => frame_text(&group.frame, out),
            typst::layout::FrameItem::Text(text) => {
                out.push_str(&text.text);
                out.push(' ');
            }
            _ => {}
        }
    }
}
