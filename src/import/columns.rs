//! The tracker's layout, a contract with its users (README, "Importing a
//! tracker spreadsheet"): the two sheets, their columns, and how a header
//! row is matched to them.
//!
//! Headers match ignoring case, spaces, `_` and `-`, as GOV.UK Notify
//! matches a spreadsheet's columns; order does not matter, optional columns
//! may be left out, and a column nobody asked for is a warning with a
//! "did you mean", never silently dropped.

use std::sync::LazyLock;

use super::cells;
use super::sheet::{Row, Sheet, cell_name};
use super::{Located, Severity};
use crate::model::fields::{self, FIELDS, Need, Table};

/// One column of a sheet.
#[derive(Debug, Clone, Copy)]
pub(super) struct Column {
    /// Its header as the README and `new --tracker` write it.
    pub header: &'static str,
    /// Whether every row must fill it in.
    pub required: bool,
}

/// The address block's columns, in order: each filled one is a line of
/// `recipient.address`, whose own column (`address line 1`) comes first.
pub(super) const ADDRESS: [&str; 8] = [
    "address line 1",
    "address line 2",
    "address line 3",
    "address line 4",
    "address line 5",
    "address line 6",
    "address line 7",
    "postcode",
];

/// The column naming the letter a row belongs to, in both sheets.
pub(super) const LETTER_ID: &str = "letter id";

/// The `Areas` column numbering a letter's areas.
pub(super) const AREA: &str = "area";

/// The `Letters` sheet: one row per letter, a column per field of the
/// finding file outside its areas (`model::fields`), in the file's order;
/// required where every letter needs the field.
pub(super) static LETTERS: LazyLock<Vec<Column>> = LazyLock::new(|| {
    let mut columns = vec![Column { header: LETTER_ID, required: true }];
    for field in FIELDS.iter().filter(|f| f.table != Table::Area) {
        let Some(header) = field.column else { continue };
        let required = field.need != Need::Optional;
        if header == ADDRESS[0] {
            columns.push(Column { header, required });
            columns.extend(ADDRESS[1..].iter().map(|&header| Column { header, required: false }));
        } else {
            columns.push(Column { header, required });
        }
    }
    columns
});

/// The `Areas` sheet: one row per area for improvement, a column per field
/// of an `[[area]]`.
pub(super) static AREAS: LazyLock<Vec<Column>> = LazyLock::new(|| {
    let mut columns =
        vec![Column { header: LETTER_ID, required: true }, Column { header: AREA, required: true }];
    columns
        .extend(fields::of(Table::Area).filter_map(|f| {
            Some(Column { header: f.column?, required: f.need != Need::Optional })
        }));
    columns
});

/// Which column of the sheet holds each of the layout's columns.
#[derive(Debug)]
pub(super) struct Header {
    /// For each column of the layout, in the layout's order, the sheet's
    /// column index, if the sheet has it.
    at: Vec<Option<u32>>,
    layout: &'static [Column],
    /// The header row's number.
    pub row: u32,
}

impl Header {
    /// Reads the sheet's header row (its first non-empty row) against
    /// `layout`, reporting missing, repeated and unknown headers.
    pub(super) fn read(
        sheet: &Sheet,
        layout: &'static [Column],
        problems: &mut Vec<Located>,
    ) -> Header {
        let mut at = vec![None; layout.len()];
        let Some(first) = sheet.rows.first() else {
            problems.push(Located::new(
                Severity::Error,
                &sheet.name,
                "1",
                "the sheet is empty; its first row must hold the column headers",
            ));
            return Header { at, layout, row: 1 };
        };
        let names: Vec<String> = layout.iter().map(|c| cells::normalise(c.header)).collect();
        for cell in &first.cells {
            let place = cell_name(cell.col, first.number);
            let text = cells::display(&cell.value);
            let key = cells::normalise(&text);
            match names.iter().position(|n| *n == key) {
                Some(i) if at[i].is_some() => problems.push(Located::new(
                    Severity::Error,
                    &sheet.name,
                    &place,
                    format!(
                        "the column \"{}\" is there twice (also {})",
                        layout[i].header,
                        cell_name(at[i].unwrap_or(0), first.number)
                    ),
                )),
                Some(i) => at[i] = Some(cell.col),
                None => {
                    let headers: Vec<&str> = layout.iter().map(|c| c.header).collect();
                    let mut message =
                        format!("unknown column \"{}\"; it is not imported", text.trim());
                    if let Some(near) = cells::closest(&text, &headers) {
                        message.push_str(&format!("; did you mean \"{near}\"?"));
                    }
                    problems.push(Located::new(Severity::Warning, &sheet.name, &place, message));
                }
            }
        }
        for (column, found) in layout.iter().zip(&at) {
            if column.required && found.is_none() {
                problems.push(Located::new(
                    Severity::Error,
                    &sheet.name,
                    &format!("{0}:{0}", first.number),
                    format!("the header row has no column \"{}\"", column.header),
                ));
            }
        }
        Header { at, layout, row: first.number }
    }

    /// The sheet column holding `header`, if the sheet has it.
    pub(super) fn column(&self, header: &str) -> Option<u32> {
        let i = self.layout.iter().position(|c| c.header == header)?;
        self.at[i]
    }
}

/// The sheet of the tracker named `wanted` (`Letters`), matched as headers
/// are; CSV files are named after their sheet (`letters.csv`).
pub(super) fn find_sheet<'a>(sheets: &'a [Sheet], wanted: &str) -> Option<&'a Sheet> {
    let key = cells::normalise(wanted);
    sheets.iter().find(|s| {
        let name = cells::normalise(&s.name);
        name == key || name.strip_suffix(".csv") == Some(&key)
    })
}

/// A data row's cell in `header`'s column, if filled in.
pub(super) fn cell<'a>(
    row: &'a Row,
    header: &Header,
    name: &str,
) -> Option<&'a super::sheet::Value> {
    let col = header.column(name)?;
    row.cells.iter().find(|c| c.col == col).map(|c| &c.value)
}
