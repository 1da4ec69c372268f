//! Reading a tracker into rows of cells that keep their place in the sheet,
//! so every later problem can name `Sheet!B7`: an `.xlsx`, `.xlsm` or `.ods`
//! workbook through calamine, or a folder holding `letters.csv` and
//! `areas.csv`.

use std::path::Path;

use calamine::{Data, Reader};

use super::ImportError;
use crate::model::Date;

/// The CSV files of a tracker folder, the `Letters` and `Areas` sheets.
pub(super) const CSV_FILES: [&str; 2] = ["letters.csv", "areas.csv"];

/// A `YYYY-MM-DD` date that exists.
pub(super) fn parse_iso_date(text: &str) -> Option<Date> {
    let shaped = text.len() == 10
        && text
            .bytes()
            .enumerate()
            .all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shaped {
        return None;
    }
    let parsed: toml::value::Datetime = text.parse().ok()?;
    Date::try_from(parsed).ok()
}

/// A tracker file's bytes, as calamine reads them.
type Bytes = std::io::Cursor<Vec<u8>>;

/// The most rows a sheet may have.
pub(super) const MAX_ROWS: usize = 50_000;
/// The most characters a cell may hold.
pub(super) const MAX_CELL_CHARS: usize = 100_000;

/// What a cell holds, as the spreadsheet typed it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    /// Text (every CSV cell is text).
    Text(String),
    /// A number without a date format.
    Number(f64),
    /// TRUE or FALSE.
    Bool(bool),
    /// A date cell; `timed` when it also holds a time of day.
    Date { date: Date, timed: bool },
    /// A formula that failed: `#DIV/0!`, `#REF!`, …
    Error(String),
}

/// One non-empty cell.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Cell {
    /// Column, counted from 0 (A).
    pub col: u32,
    /// What it holds.
    pub value: Value,
}

/// One row with at least one non-empty cell.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Row {
    /// Row number as the sheet shows it, from 1.
    pub number: u32,
    /// Its non-empty cells, left to right.
    pub cells: Vec<Cell>,
}

/// One sheet (or CSV file): its name and its non-empty rows, top to bottom.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Sheet {
    /// As the workbook names it (`Letters`), or the CSV file's name.
    pub name: String,
    /// Non-empty rows; the first is the header row.
    pub rows: Vec<Row>,
}

/// The name of a cell as a spreadsheet shows it: column letters, then the
/// row number (`A1`, `AB12`).
pub(super) fn cell_name(col: u32, row: u32) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{row}", String::from_utf8_lossy(&letters))
}

/// Reads every sheet of the tracker at `path`: a workbook file, or a folder
/// holding the two CSV files.
pub(super) fn read(path: &Path) -> Result<Vec<Sheet>, ImportError> {
    let failed = |reason: String| ImportError::Open { path: path.to_path_buf(), reason };
    if path.is_dir() {
        let mut sheets = Vec::new();
        for name in CSV_FILES {
            let file = path.join(name);
            if !file.is_file() {
                return Err(failed(format!(
                    "the folder has no {name}; a tracker folder holds {}",
                    CSV_FILES.join(" and ")
                )));
            }
            sheets.push(read_csv(&file, name)?);
        }
        return Ok(sheets);
    }
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if !matches!(extension.as_deref(), Some("xlsx" | "xlsm" | "ods")) {
        return Err(failed(
            "a tracker is an .xlsx, .xlsm or .ods workbook, or a folder holding letters.csv and areas.csv".into(),
        ));
    }
    let bytes = read_tracker_file(path)?;
    let mut sheets = Vec::new();
    if extension.as_deref() == Some("ods") {
        super::ods::check_used_ranges(&bytes, check_span).map_err(failed)?;
        let bytes = std::io::Cursor::new(bytes);
        let mut workbook: calamine::Ods<Bytes> = calamine::open_workbook_from_rs(bytes)
            .map_err(|e: calamine::OdsError| failed(e.to_string()))?;
        for name in workbook.sheet_names() {
            let range = workbook.worksheet_range(&name).map_err(|e| failed(e.to_string()))?;
            sheets.push(sheet_of_range(name, &range).map_err(failed)?);
        }
        return Ok(sheets);
    }
    let mut workbook: calamine::Xlsx<Bytes> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
            .map_err(|e: calamine::XlsxError| failed(e.to_string()))?;
    for name in Reader::sheet_names(&workbook) {
        let cells = used_cells(&mut workbook, &name).map_err(|e| failed(e.to_string()))?;
        let range = bounded_range(&name, cells).map_err(failed)?;
        sheets.push(sheet_of_range(name, &range).map_err(failed)?);
    }
    Ok(sheets)
}

/// The most cells a sheet's used range may span (rows × columns, from its
/// top-left to its bottom-right non-empty cell): a tracker of 50,000
/// letters by 40 columns. calamine lays a sheet out as a grid, so a single
/// cell at XFD1048576 in a 2 KB file would otherwise ask for 512 GB.
pub(super) const MAX_USED_CELLS: u64 = 2_000_000;

/// The non-empty cells of a sheet, read one by one from its XML (as many
/// as the file holds, never a grid).
fn used_cells<RS: std::io::Read + std::io::Seek>(
    workbook: &mut calamine::Xlsx<RS>,
    name: &str,
) -> Result<Vec<calamine::Cell<Data>>, calamine::XlsxError> {
    let mut reader = match workbook.worksheet_cells_reader(name) {
        Ok(reader) => reader,
        // A chart sheet holds no cells.
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(Vec::new()),
        Err(err) => return Err(err),
    };
    let mut cells = Vec::new();
    while let Some(cell) = reader.next_cell()? {
        if !matches!(cell.get_value(), calamine::DataRef::Empty) {
            let (row, col) = cell.get_position();
            cells.push(calamine::Cell::new((row, col), Data::from(cell.get_value().clone())));
        }
    }
    Ok(cells)
}

/// The sheet as a grid, once its used range is known to be small enough.
fn bounded_range(
    name: &str,
    cells: Vec<calamine::Cell<Data>>,
) -> Result<calamine::Range<Data>, String> {
    let rows = cells.iter().map(|c| c.get_position().0);
    let cols = cells.iter().map(|c| c.get_position().1);
    if let (Some(top), Some(bottom), Some(left), Some(right)) =
        (rows.clone().min(), rows.max(), cols.clone().min(), cols.max())
    {
        check_span(name, (top, bottom, left, right))?;
    }
    Ok(calamine::Range::from_sparse(cells))
}

/// Refuses a sheet whose used range, (top, bottom, left, right) counted
/// from 0, spans more than [`MAX_USED_CELLS`] cells.
pub(super) fn check_span(
    name: &str,
    (top, bottom, left, right): (u32, u32, u32, u32),
) -> Result<(), String> {
    let (height, width) = (u64::from(bottom - top) + 1, u64::from(right - left) + 1);
    if height * width > MAX_USED_CELLS {
        return Err(format!(
            "sheet {} uses cells from {} to {}: {height} rows × {width} columns, {} cells; \
             a tracker sheet may span at most {MAX_USED_CELLS} cells. Delete what is in {} \
             (and any other far-off cell)",
            crate::diagnostic::quoted(name),
            cell_name(left, top.saturating_add(1)),
            cell_name(right, bottom.saturating_add(1)),
            height * width,
            cell_name(right, bottom.saturating_add(1)),
        ));
    }
    Ok(())
}

/// The bytes of a tracker file: a regular file (a named pipe or a device
/// is refused at once), no larger than a tracker may be (64 MB: a tracker
/// of thousands of letters is a few megabytes).
fn read_tracker_file(path: &Path) -> Result<Vec<u8>, ImportError> {
    crate::sandbox::read_file(path, crate::sandbox::Kind::Tracker)
        .map_err(|err| ImportError::Open { path: path.to_path_buf(), reason: err.to_string() })
}

fn sheet_of_range(name: String, range: &calamine::Range<Data>) -> Result<Sheet, String> {
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut rows = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let number = top + i as u32 + 1;
        let cells: Vec<Cell> = row
            .iter()
            .enumerate()
            .filter_map(|(j, data)| {
                value_of(data).map(|value| Cell { col: left + j as u32, value })
            })
            .collect();
        if !cells.is_empty() {
            rows.push(Row { number, cells });
        }
    }
    bounded(Sheet { name, rows })
}

/// The value of a calamine cell; `None` when it is empty.
fn value_of(data: &Data) -> Option<Value> {
    Some(match data {
        Data::Empty => return None,
        Data::String(text) if text.trim().is_empty() => return None,
        Data::String(text) => Value::Text(text.clone()),
        Data::Int(n) => Value::Number(*n as f64),
        Data::Float(n) => Value::Number(*n),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(when) if when.is_datetime() => {
            let (year, month, day, hour, minute, second, milli) = when.to_ymd_hms_milli();
            let date = Date { year: i32::from(year), month, day };
            Value::Date { date, timed: (hour, minute, second, milli) != (0, 0, 0, 0) }
        }
        // A duration (`[hh]:mm`) is no date; as a number it is refused
        // wherever a date or text is expected.
        Data::DateTime(when) => Value::Number(when.as_f64()),
        Data::DateTimeIso(text) => match iso_date(text) {
            Some((date, timed)) => Value::Date { date, timed },
            None => Value::Text(text.clone()),
        },
        Data::DurationIso(text) => Value::Text(text.clone()),
        Data::Error(err) => Value::Error(err.to_string()),
    })
}

/// An ISO date, or date and time (`2010-12-01T00:00:00`), as an `.ods`
/// date cell holds it.
fn iso_date(text: &str) -> Option<(Date, bool)> {
    let (day, time) = text.split_once('T').unwrap_or((text, ""));
    let date = parse_iso_date(day)?;
    let timed = !time.trim_start_matches(['0', ':', '.']).trim_start_matches('Z').is_empty();
    Some((date, timed))
}

/// Reads one CSV file as a sheet named after the file; every cell is text.
fn read_csv(path: &Path, name: &str) -> Result<Sheet, ImportError> {
    let failed = |reason: String| ImportError::Open { path: path.to_path_buf(), reason };
    let bytes = read_tracker_file(path)?;
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes.as_slice());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|err| match err.kind() {
            csv::ErrorKind::Utf8 { .. } => failed(format!(
                "{err}; save it as \"CSV UTF-8\" (Excel) or with the UTF-8 character set"
            )),
            _ => failed(err.to_string()),
        })?;
        // A record may span lines (a quoted cell with line breaks), but a
        // spreadsheet opening the file shows it as one row: count records.
        let number = i as u32 + 1;
        let cells: Vec<Cell> = record
            .iter()
            .enumerate()
            .filter(|(_, text)| !text.trim().is_empty())
            .map(|(j, text)| Cell { col: j as u32, value: Value::Text(text.to_owned()) })
            .collect();
        if !cells.is_empty() {
            rows.push(Row { number, cells });
        }
    }
    bounded(Sheet { name: name.to_owned(), rows }).map_err(failed)
}

/// Refuses a sheet over the row or cell limits.
fn bounded(sheet: Sheet) -> Result<Sheet, String> {
    if sheet.rows.len() > MAX_ROWS {
        return Err(format!(
            "sheet {} has {} rows; a tracker sheet may have at most {MAX_ROWS}",
            sheet.name,
            sheet.rows.len()
        ));
    }
    for row in &sheet.rows {
        for cell in &row.cells {
            if let Value::Text(text) = &cell.value
                && text.chars().count() > MAX_CELL_CHARS
            {
                return Err(format!(
                    "{}!{} holds more than {MAX_CELL_CHARS} characters",
                    sheet.name,
                    cell_name(cell.col, row.number)
                ));
            }
        }
    }
    Ok(sheet)
}
