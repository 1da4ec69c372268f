//! The empty tracker `letterpress new --tracker` writes: the two sheets
//! with their headers, one fictional example letter whose `TODO` cells are
//! left to fill in, and a short instructions sheet.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::ImportError;
use super::columns::{AREAS, Column, LETTERS};
use crate::finding::PLACEHOLDER;

/// A cell of the example letter.
enum Example {
    Text(&'static str),
    Date(u16, u8, u8),
}

use Example::{Date as D, Text as T};

/// The example letter, by column of [`LETTERS`] (fictional sample data).
const LETTER: &[(&str, Example)] = &[
    ("letter id", T("north-east")),
    ("date", D(2012, 2, 3)),
    ("status", T("final")),
    ("reference", T("EX/NE/2012-02")),
    ("recipient name", T(PLACEHOLDER)),
    ("recipient role", T("Chief Executive")),
    ("recipient organisation", T("Cafcass")),
    ("address line 1", T("Harbour Court")),
    ("address line 2", T("17 Quayside Lane")),
    ("address line 3", T("Northmoor")),
    ("postcode", T("NM1 4QT")),
    ("salutation", T(PLACEHOLDER)),
    ("provider", T("Cafcass")),
    ("service area", T("North East service area (fictional)")),
    ("code", T("N2")),
    ("week commencing", D(2011, 3, 14)),
    ("published", T("2011-05")),
    ("visit from", D(2012, 1, 16)),
    ("visit to", D(2012, 1, 18)),
    ("locations", T("the Cafcass office in Northmoor")),
    ("assessed", T("the self-assessment prepared by the service area\na sample of 24 case files")),
    ("met", T("The Head of Service\nService Managers")),
    ("cc", T("Owen Pettifer, Head of Service (fictional)")),
    ("signatory name", T(PLACEHOLDER)),
    ("signatory role", T("Her Majesty's Inspector")),
    ("overall", T("good")),
];

/// The example letter's areas, by column of [`AREAS`].
const AREA_ROWS: &[&[(&str, &str)]] = &[
    &[
        ("letter id", "north-east"),
        ("area", "1"),
        ("timescale", "within 6 weeks"),
        ("action", "all duty referrals are screened and allocated within two working days"),
        ("judgement", "good"),
        ("reported", "duty referrals were not screened consistently."),
        (
            "progress",
            "Every referral in the sample was screened on the day it arrived.\n\nThe new arrangements include:\n\n- a daily check of the duty log\n- a named manager for each day",
        ),
    ],
    &[
        ("letter id", "north-east"),
        ("area", "2"),
        ("timescale", "within 3 months"),
        ("action", "case plans are shared with children and families"),
        ("judgement", "good"),
        ("reported", "case plans were not routinely shared with children and families."),
        ("progress", PLACEHOLDER),
    ],
];

/// What the instructions sheet says, a line a row.
const INSTRUCTIONS: &[&str] = &[
    "How to fill in this tracker",
    "",
    "Letters: one row per letter. \"letter id\" names its finding file (letters/<letter id>.toml): letters, digits and dashes.",
    "Areas: one row per area for improvement; \"letter id\" says which letter it belongs to and \"area\" its number in the letter (1, 2, 3, …).",
    "Dates are date cells or written as year-month-day (2012-02-03); \"published\" is a month (2011-05).",
    "Judgements: outstanding, good, satisfactory or inadequate. Timescales: immediately, within 3 months, within 6 weeks.",
    "Lists (assessed, met, cc, enclosures): one item per line inside the cell (Alt+Enter in Excel).",
    "Prose (reported, progress): a blank line starts a new paragraph; lines starting with \"- \" are a list.",
    "Fill in every cell that says TODO; a final letter cannot be imported while one is left.",
    "Optional columns may be deleted; the order of columns and sheets does not matter.",
    "Then run: letterpress import tracker.xlsx, review the files in letters/, and run letterpress check letters/.",
];

/// The bytes of an empty tracker workbook (`.xlsx`): headers, the example
/// letter and the instructions. The same bytes every time.
pub fn empty_tracker() -> Result<Vec<u8>, ImportError> {
    build().map_err(|e| ImportError::Workbook(e.to_string()))
}

fn build() -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    // A fixed creation date, so the file is the same on every run.
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let wrap = Format::new().set_text_wrap();

    let letters = workbook.add_worksheet().set_name("Letters")?;
    headers(letters, &LETTERS, &bold)?;
    for (col, column) in LETTERS.iter().enumerate() {
        let Some((_, value)) = LETTER.iter().find(|(h, _)| *h == column.header) else { continue };
        let col = col as u16;
        match value {
            T(text) => letters.write_string_with_format(1, col, *text, &wrap)?,
            D(y, m, d) => letters.write_datetime_with_format(
                1,
                col,
                ExcelDateTime::from_ymd(*y, *m, *d)?,
                &date,
            )?,
        };
    }

    let areas = workbook.add_worksheet().set_name("Areas")?;
    headers(areas, &AREAS, &bold)?;
    for (row, cells) in AREA_ROWS.iter().enumerate() {
        for (col, column) in AREAS.iter().enumerate() {
            let Some((_, text)) = cells.iter().find(|(h, _)| *h == column.header) else { continue };
            let (row, col) = (row as u32 + 1, col as u16);
            match text.parse::<f64>() {
                Ok(number) => areas.write_number(row, col, number)?,
                Err(_) => areas.write_string_with_format(row, col, *text, &wrap)?,
            };
        }
    }
    areas.set_column_width(5, 50)?.set_column_width(6, 60)?;

    let instructions = workbook.add_worksheet().set_name("Instructions")?;
    instructions.set_column_width(0, 120)?;
    for (row, line) in INSTRUCTIONS.iter().enumerate() {
        let format = if row == 0 { &bold } else { &wrap };
        instructions.write_string_with_format(row as u32, 0, *line, format)?;
    }
    workbook.save_to_buffer()
}

/// The header row, bold and frozen, with columns wide enough to read.
fn headers(sheet: &mut Worksheet, layout: &[Column], bold: &Format) -> Result<(), XlsxError> {
    for (col, column) in layout.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, column.header, bold)?;
        sheet.set_column_width(col as u16, (column.header.len() as f64 + 4.0).max(14.0))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_fills_only_columns_of_the_sheets() {
        for (header, _) in LETTER {
            assert!(LETTERS.iter().any(|c| c.header == *header), "{header}");
        }
        for (header, _) in AREA_ROWS.iter().flat_map(|row| row.iter()) {
            assert!(AREAS.iter().any(|c| c.header == *header), "{header}");
        }
    }
}
