//! The tracker's layout, a contract with its users (README, "Importing a
//! tracker spreadsheet"): the two sheets, their columns, and how a header
//! row is matched to them.
//!
//! Headers match ignoring case, spaces, `_` and `-`, as GOV.UK Notify
//! matches a spreadsheet's columns; order does not matter, optional columns
//! may be left out, and a column nobody asked for is a warning with a
//! "did you mean", never silently dropped.

use super::sheet::{Row, Sheet, cell_name};
use super::{Located, Severity};

/// The CSV files of a tracker folder, the `Letters` and `Areas` sheets.
pub(super) const CSV_FILES: [&str; 2] = ["letters.csv", "areas.csv"];

/// One column of a sheet.
#[derive(Debug, Clone, Copy)]
pub(super) struct Column {
    /// Its header as the README and `new --tracker` write it.
    pub header: &'static str,
    /// Whether every row must fill it in.
    pub required: bool,
}

const fn req(header: &'static str) -> Column {
    Column { header, required: true }
}

const fn opt(header: &'static str) -> Column {
    Column { header, required: false }
}

/// The `Letters` sheet: one row per letter.
pub(super) const LETTERS: &[Column] = &[
    req("letter id"),
    req("date"),
    opt("status"),
    opt("template"),
    opt("language"),
    opt("reference"),
    req("recipient name"),
    req("recipient role"),
    req("recipient organisation"),
    req("address line 1"),
    opt("address line 2"),
    opt("address line 3"),
    opt("address line 4"),
    opt("address line 5"),
    opt("address line 6"),
    opt("address line 7"),
    opt("postcode"),
    req("salutation"),
    req("provider"),
    req("service area"),
    opt("code"),
    req("week commencing"),
    req("published"),
    req("visit from"),
    req("visit to"),
    req("locations"),
    req("assessed"),
    req("met"),
    opt("cc"),
    opt("enclosures"),
    req("signatory name"),
    req("signatory role"),
    req("overall"),
];

/// The `Areas` sheet: one row per area for improvement.
pub(super) const AREAS: &[Column] = &[
    req("letter id"),
    req("area"),
    req("timescale"),
    req("action"),
    req("judgement"),
    req("reported"),
    req("progress"),
];

/// A header as compared: lowercase, without spaces, `_` and `-`.
pub(super) fn normalise(header: &str) -> String {
    header
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

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
        let names: Vec<String> = layout.iter().map(|c| normalise(c.header)).collect();
        for cell in &first.cells {
            let place = cell_name(cell.col, first.number);
            let text = super::cells::display(&cell.value);
            let key = normalise(&text);
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
                    if let Some(near) = super::cells::closest(&text, &headers) {
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
    let key = normalise(wanted);
    sheets.iter().find(|s| {
        let name = normalise(&s.name);
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
