//! Text that runs off the page: a run of characters with nowhere to break
//! the line (`[[[[…`, a long web address) is set past the right edge, and
//! typst says nothing; the rest of the paragraph is then lost to a reader.

use typst::layout::{Abs, Frame, FrameItem, Point, Transform};
use typst::syntax::Span;
use typst_layout::PagedDocument;

/// How far past the page's edge text may reach before it counts: rounding
/// and an italic letter's overhang.
const SLACK_PT: f64 = 1.0;

/// Where, in typst's sources, the first text running off a page was
/// written; `None` when every line fits.
pub fn overflowing_text(document: &PagedDocument) -> Option<Span> {
    document
        .pages()
        .iter()
        .find_map(|page| off_page(&page.frame, Point::zero(), page.frame.width()))
}

fn off_page(frame: &Frame, origin: Point, page_width: Abs) -> Option<Span> {
    for (position, item) in frame.items() {
        let at = origin + *position;
        match item {
            // A group only moved (not turned or scaled, as a watermark is).
            FrameItem::Group(group)
                if group.transform
                    == Transform::translate(group.transform.tx, group.transform.ty) =>
            {
                let moved = at + Point::new(group.transform.tx, group.transform.ty);
                if let Some(span) = off_page(&group.frame, moved, page_width) {
                    return Some(span);
                }
            }
            FrameItem::Text(text) if at.x + text.width() > page_width + Abs::pt(SLACK_PT) => {
                let span = text.glyphs.iter().map(|glyph| glyph.span.0).find(|s| !s.is_detached());
                return Some(span.unwrap_or_else(Span::detached));
            }
            _ => {}
        }
    }
    None
}
