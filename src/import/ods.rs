//! The used range of each sheet of an `.ods` workbook, found by streaming
//! its `content.xml` before calamine reads it. calamine lays every sheet
//! out as a grid the moment the workbook is opened (it has no lazy reader
//! for `.ods`), and `table:number-rows-repeated` /
//! `table:number-columns-repeated` let a few bytes claim millions of
//! cells: this walk counts the repeats without laying anything out.

use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};

/// The most bytes `content.xml` may unpack to: a tracker of 50,000 letters
/// by 40 columns, at a few hundred bytes of XML a cell, with room to
/// spare. Past it calamine's own row lists would grow without bound.
pub(super) const MAX_CONTENT_BYTES: u64 = 1 << 30;

/// A sheet's name and used range (top, bottom, left, right) → refused or
/// not; given by the caller, so this file uses no sibling (no cycle).
pub(super) type SpanCheck = fn(&str, (u32, u32, u32, u32)) -> Result<(), String>;

/// Refuses the workbook when a sheet's used range is more than `check`
/// allows or its `content.xml` unpacks past [`MAX_CONTENT_BYTES`]. A
/// workbook that is no valid zip or XML passes: calamine then says what is
/// wrong with it.
pub(super) fn check_used_ranges(bytes: &[u8], check: SpanCheck) -> Result<(), String> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else { return Ok(()) };
    let Ok(content) = zip.by_name("content.xml") else { return Ok(()) };
    let mut reader =
        quick_xml::Reader::from_reader(std::io::BufReader::new(content.take(MAX_CONTENT_BYTES)));
    let mut buf = Vec::new();
    let mut walk = Walk::default();
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => break,
            Ok(event) => event,
        };
        match event {
            Event::Start(e) => walk.open(&e, true)?,
            Event::Empty(e) => {
                walk.open(&e, false)?;
                walk.close(e.name().as_ref());
            }
            Event::End(e) => walk.close(e.name().as_ref()),
            _ => {}
        }
        if let Some(used) = walk.used {
            check(&walk.sheet, used)?;
        }
        buf.clear();
    }
    if reader.buffer_position() >= MAX_CONTENT_BYTES {
        return Err(format!(
            "its content.xml unpacks to more than {} MB; a tracker's may unpack to at most {} MB. \
             Delete unused sheets, or save the tracker as .xlsx",
            MAX_CONTENT_BYTES >> 20,
            MAX_CONTENT_BYTES >> 20
        ));
    }
    Ok(())
}

/// Where the walk is in the sheet it is reading.
#[derive(Default)]
struct Walk {
    /// The sheet's name.
    sheet: String,
    /// The first row of the current `table-row` (from 0) and how many rows
    /// it stands for.
    row: u32,
    rows: u32,
    /// The first column of the next cell.
    col: u32,
    /// The last cell opened, when it is still open and has shown no value
    /// yet: its first column and how many columns it stands for.
    open_cell: Option<(u32, u32)>,
    /// Top, bottom, left, right of the non-empty cells so far.
    used: Option<(u32, u32, u32, u32)>,
}

impl Walk {
    fn open(&mut self, e: &BytesStart<'_>, has_children: bool) -> Result<(), String> {
        match e.name().as_ref() {
            "table:table" => {
                *self = Walk::default();
                self.sheet = attribute(e, "table:name").unwrap_or_default();
            }
            "table:table-row" => {
                self.rows = number(e, "table:number-rows-repeated");
                self.col = 0;
            }
            "table:table-cell" | "table:covered-table-cell" => {
                let (first, count) = (self.col, number(e, "table:number-columns-repeated"));
                self.col = self.col.saturating_add(count);
                if attribute(e, "office:value-type").is_some() {
                    self.use_cells(first, count)?;
                } else if has_children {
                    self.open_cell = Some((first, count));
                }
            }
            // Text in a cell without a type: calamine reads it as a string.
            _ => {
                if let Some((first, count)) = self.open_cell.take() {
                    self.use_cells(first, count)?;
                }
            }
        }
        Ok(())
    }

    fn close(&mut self, name: &str) {
        match name {
            "table:table-row" => self.row = self.row.saturating_add(self.rows),
            "table:table-cell" | "table:covered-table-cell" => self.open_cell = None,
            _ => {}
        }
    }

    /// Counts `count` cells from column `first` of the current rows as
    /// used, and refuses the sheet once its used range is too large.
    fn use_cells(&mut self, first: u32, count: u32) -> Result<(), String> {
        let (bottom, right) =
            (self.row.saturating_add(self.rows - 1), first.saturating_add(count - 1));
        let used = match self.used {
            None => (self.row, bottom, first, right),
            Some((top, old_bottom, left, old_right)) => {
                (top, bottom.max(old_bottom), left.min(first), right.max(old_right))
            }
        };
        self.used = Some(used);
        Ok(())
    }
}

/// An attribute's text, if the element has it.
fn attribute(e: &BytesStart<'_>, name: &str) -> Option<String> {
    let attr = e.try_get_attribute(name).ok()??;
    Some(attr.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok()?.into_owned())
}

/// A repeat count (1 when absent or unreadable, as one cell or row).
fn number(e: &BytesStart<'_>, name: &str) -> u32 {
    attribute(e, name).and_then(|n| n.parse().ok()).filter(|&n| n > 0).unwrap_or(1)
}
