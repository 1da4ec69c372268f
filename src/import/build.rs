//! Letters from rows: each `Letters` row and its `Areas` rows read cell by
//! cell, joined by `letter id`, written as a finding file and checked as
//! one, every problem named by its cell.

use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

use super::cells;
use super::columns::{self, ADDRESS, AREA, AREAS, Header, LETTER_ID, LETTERS};
use super::sheet::{Row, Sheet, Value, cell_name};
use super::text::{Field, Item, Place, TomlText};
use super::write::Letter;
use super::{LetterCheck, Located, Severity};
use crate::diagnostic::Severity as FileSeverity;
use crate::model::fields::{self, FIELDS, Shape, Table, key};

/// A `Letters` column read into a field: column, table, key, shape.
type LetterField = (&'static str, Option<&'static str>, &'static str, Shape);

/// The `Letters` columns a field is read from, in the order the finding
/// file writes them: its column, its table (`None` at the top), its key and
/// its shape. The address lines and the postcode are one field,
/// `recipient.address`, read from the column of its first line on.
static LETTER_FIELDS: LazyLock<Vec<LetterField>> = LazyLock::new(|| {
    FIELDS
        .iter()
        .filter(|f| f.table != Table::Area)
        .filter_map(|f| {
            let table = (f.table != Table::Top).then(|| f.table.key());
            Some((f.column?, table, f.key, f.shape))
        })
        .collect()
});

/// The `Areas` columns an `[[area]]` is written from, in order.
static AREA_FIELDS: LazyLock<Vec<(&str, &str, Shape)>> = LazyLock::new(|| {
    fields::of(Table::Area).filter_map(|f| Some((f.column?, f.key, f.shape))).collect()
});

/// The longest letter id (a file name).
const MAX_ID: usize = 80;

/// Reads one data row's cells, collecting a problem for each bad one.
struct RowReader<'a> {
    sheet: &'a str,
    header: &'a Header,
    layout: &'static [columns::Column],
    row: &'a Row,
    /// ` (letter "x", area 2)`, added to every message.
    context: String,
    problems: &'a mut Vec<Located>,
    ok: bool,
}

impl<'a> RowReader<'a> {
    fn place(&self, name: &str) -> Place {
        let cell = match self.header.column(name) {
            Some(col) => cell_name(col, self.row.number),
            None => format!("{0}:{0}", self.row.number),
        };
        Place { sheet: self.sheet.to_owned(), cell }
    }

    fn fail(&mut self, name: &str, message: String) {
        let place = self.place(name);
        self.problems.push(Located::new(
            Severity::Error,
            &place.sheet,
            &place.cell,
            format!("{message}{}", self.context),
        ));
        self.ok = false;
    }

    /// The filled-in cell of column `name`; an empty required cell, or a
    /// formula error, is reported.
    fn get(&mut self, name: &str) -> Option<&'a Value> {
        let required = self.layout.iter().any(|c| c.header == name && c.required);
        let (row, header) = (self.row, self.header);
        match columns::cell(row, header, name) {
            Some(Value::Error(err)) => {
                let err = err.clone();
                self.fail(name, format!("{name} holds the formula error {err}"));
                None
            }
            None if required && self.header.column(name).is_some() => {
                self.fail(name, format!("{name} is empty"));
                None
            }
            value => value,
        }
    }

    /// The value of column `name` read as `shape`, or `None` (reported
    /// when wrong).
    fn item(&mut self, name: &str, shape: Shape) -> Option<Item> {
        let value = self.get(name)?.clone();
        let read = match shape {
            Shape::Line => cells::line(&value).map(Item::Line).map_err(|e| format!("{name} {e}")),
            // A word from a fixed set: compared lowercase.
            Shape::Status | Shape::Language => cells::line(&value)
                .map(|word| Item::Line(word.to_lowercase()))
                .map_err(|e| format!("{name} {e}")),
            Shape::Prose => Ok(Item::Prose(cells::prose(&value))),
            Shape::Date => cells::date(&value).map(Item::Date).map_err(|e| prefixed(name, e)),
            Shape::Month => cells::month(&value).map(Item::Month).map_err(|e| prefixed(name, e)),
            Shape::Judgement => cells::judgement(&value)
                .map(|j| Item::Line(j.as_str().to_owned()))
                .map_err(|e| prefixed(name, e)),
            Shape::Timescale => {
                cells::timescale(&value).map(|(_, t)| Item::Line(t)).map_err(|e| prefixed(name, e))
            }
            Shape::List => {
                let place = self.place(name);
                let items = cells::lines(&value).into_iter().map(|l| (l, place.clone())).collect();
                Ok(Item::List(items))
            }
        };
        read.map_err(|message| self.fail(name, message)).ok()
    }

    fn field(&mut self, name: &str, key: &'static str, shape: Shape) -> Option<Field> {
        let item = self.item(name, shape)?;
        Some(Field { key, item, place: self.place(name) })
    }

    /// The address lines and the postcode, each filled one a line.
    fn address(&mut self) -> Option<Field> {
        let mut lines = Vec::new();
        for name in ADDRESS {
            if let Some(Item::Line(line)) = self.item(name, Shape::Line) {
                lines.push((line, self.place(name)));
            }
        }
        let place = self.place(ADDRESS[0]);
        (!lines.is_empty()).then_some(Field { key: key::ADDRESS, item: Item::List(lines), place })
    }
}

/// `name` before a message about a value that starts with it quoted.
fn prefixed(name: &str, message: String) -> String {
    format!("{name}: {message}")
}

/// A `Letters` row, read.
struct LetterRow {
    id: String,
    row: u32,
    id_place: Place,
    /// `(table, field)` in the finding file's order; `None` when a cell
    /// was wrong.
    fields: Option<Vec<(Option<&'static str>, Field)>>,
    draft: bool,
}

/// An `Areas` row, read.
struct AreaRow {
    number: u32,
    row: u32,
    number_place: Place,
    fields: Option<Vec<Field>>,
}

/// Whether `id` can be a file name everywhere: letters, digits, `-`, `_`
/// and `.`, not starting with a dot or a dash.
fn id_problem(id: &str) -> Option<String> {
    let fine = !id.is_empty()
        && id.len() <= MAX_ID
        && !id.starts_with(['.', '-'])
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    (!fine).then(|| {
        format!(
            "letter id \"{id}\" cannot be a file name; use letters, digits and dashes (at most {MAX_ID}), like \"{}\"",
            slug::slugify(id)
        )
    })
}

fn read_letter_row(
    sheet: &Sheet,
    header: &Header,
    row: &Row,
    problems: &mut Vec<Located>,
) -> LetterRow {
    let mut r = RowReader {
        sheet: &sheet.name,
        header,
        layout: &LETTERS,
        row,
        context: String::new(),
        problems,
        ok: true,
    };
    let id = r.get(LETTER_ID).map(cells::display).map(|s| s.trim().to_owned());
    let id_place = r.place(LETTER_ID);
    if let Some(problem) = id.as_deref().and_then(id_problem) {
        r.fail(LETTER_ID, problem);
    }
    let id = id.unwrap_or_default();
    if !id.is_empty() {
        r.context = format!(" (letter \"{id}\")");
    }
    let mut fields = Vec::new();
    for &(name, table, key, shape) in LETTER_FIELDS.iter() {
        let field = if name == ADDRESS[0] { r.address() } else { r.field(name, key, shape) };
        fields.extend(field.map(|f| (table, f)));
    }
    let status = fields::find("", key::STATUS).and_then(|f| f.column).unwrap_or(key::STATUS);
    let draft = columns::cell(row, header, status)
        .is_some_and(|v| cells::display(v).trim().eq_ignore_ascii_case("draft"));
    let ok = r.ok;
    LetterRow { id, row: row.number, id_place, fields: ok.then_some(fields), draft }
}

fn read_area_row(
    sheet: &Sheet,
    header: &Header,
    row: &Row,
    problems: &mut Vec<Located>,
) -> (String, AreaRow) {
    let mut r = RowReader {
        sheet: &sheet.name,
        header,
        layout: &AREAS,
        row,
        context: String::new(),
        problems,
        ok: true,
    };
    let id = r.get(LETTER_ID).map(cells::display).map(|s| s.trim().to_owned()).unwrap_or_default();
    let number = r.get(AREA).cloned().map(|v| cells::area_number(&v));
    let number = match number {
        Some(Ok(n)) => n,
        Some(Err(message)) => {
            r.fail(AREA, format!("{AREA}: {message}"));
            0
        }
        None => 0,
    };
    r.context = match (id.is_empty(), number) {
        (true, _) => String::new(),
        (false, 0) => format!(" (letter \"{id}\")"),
        (false, n) => format!(" (letter \"{id}\", area {n})"),
    };
    let fields: Vec<Field> =
        AREA_FIELDS.iter().filter_map(|&(name, key, shape)| r.field(name, key, shape)).collect();
    let ok = r.ok;
    let number_place = r.place(AREA);
    (id, AreaRow { number, row: row.number, number_place, fields: ok.then_some(fields) })
}

/// Every letter the tracker's sheets make, and every problem found.
pub(super) fn letters(
    sheets: &[Sheet],
    source: &str,
    dir: &Path,
    check: LetterCheck<'_>,
) -> (Vec<Letter>, Vec<Located>) {
    let mut problems = Vec::new();
    let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
    let csv = sheets.iter().any(|s| s.name.ends_with(".csv"));
    let mut find = |wanted: &str| {
        let found = columns::find_sheet(sheets, wanted);
        if found.is_none() {
            let what =
                if csv { format!("{}.csv", wanted.to_lowercase()) } else { wanted.to_owned() };
            problems.push(Located::new(
                Severity::Error,
                &what,
                "A1",
                format!("there is no sheet \"{what}\"; the workbook has {}", names.join(", ")),
            ));
        }
        found
    };
    let (Some(letters_sheet), Some(areas_sheet)) = (find("Letters"), find("Areas")) else {
        return (Vec::new(), problems);
    };
    let letters_header = Header::read(letters_sheet, &LETTERS, &mut problems);
    let areas_header = Header::read(areas_sheet, &AREAS, &mut problems);
    let data = |sheet: &'_ Sheet, header: &Header| -> Vec<Row> {
        sheet.rows.iter().filter(|r| r.number > header.row).cloned().collect()
    };

    let mut rows: Vec<LetterRow> = Vec::new();
    let mut seen: HashMap<String, u32> = HashMap::new();
    for row in data(letters_sheet, &letters_header) {
        let letter = read_letter_row(letters_sheet, &letters_header, &row, &mut problems);
        if !letter.id.is_empty() {
            if let Some(first) = seen.get(&letter.id.to_lowercase()) {
                problems.push(Located::new(
                    Severity::Error,
                    &letter.id_place.sheet,
                    &letter.id_place.cell,
                    format!(
                        "letter id \"{}\" is also on row {first}; each letter has one row",
                        letter.id
                    ),
                ));
                continue;
            }
            seen.insert(letter.id.to_lowercase(), letter.row);
        }
        rows.push(letter);
    }

    let ids: Vec<&str> = rows.iter().map(|l| l.id.as_str()).filter(|id| !id.is_empty()).collect();
    let mut areas: HashMap<String, Vec<AreaRow>> = HashMap::new();
    for row in data(areas_sheet, &areas_header) {
        let (id, area) = read_area_row(areas_sheet, &areas_header, &row, &mut problems);
        if id.is_empty() {
            continue;
        }
        if !seen.contains_key(&id.to_lowercase()) {
            let place = Place {
                sheet: areas_sheet.name.clone(),
                cell: areas_header
                    .column(LETTER_ID)
                    .map_or_else(|| format!("{0}:{0}", row.number), |c| cell_name(c, row.number)),
            };
            let mut message = format!("there is no letter \"{id}\" in {}", letters_sheet.name);
            if let Some(near) = cells::closest(&id, &ids) {
                message.push_str(&format!("; did you mean \"{near}\"?"));
            }
            problems.push(Located::new(Severity::Error, &place.sheet, &place.cell, message));
            continue;
        }
        areas.entry(id.to_lowercase()).or_default().push(area);
    }

    let mut built = Vec::new();
    for letter in rows.into_iter().filter(|l| !l.id.is_empty()) {
        let mut its_areas = areas.remove(&letter.id.to_lowercase()).unwrap_or_default();
        its_areas.sort_by_key(|a| (a.number, a.row));
        let numbered = area_numbers(&letter, &its_areas, &mut problems);
        let (Some(fields), true) = (&letter.fields, numbered) else { continue };
        let Some(area_fields) =
            its_areas.iter().map(|a| a.fields.clone()).collect::<Option<Vec<Vec<Field>>>>()
        else {
            continue;
        };
        let mut toml = TomlText::default();
        write_letter(&mut toml, fields, &area_fields);
        let path = dir.join(format!("{}.toml", letter.id));
        let rows_of = |numbers: Vec<u32>| super::write::row_ranges(&numbers);
        let source = format!(
            "{source} ({} row {}; {} rows {})",
            letters_sheet.name,
            letter.row,
            areas_sheet.name,
            rows_of(its_areas.iter().map(|a| a.row).collect())
        );
        problems.extend(checked(&toml, &letter, &path, check));
        let template = fields.iter().find_map(|(table, field)| match (table, &field.item) {
            (None, Item::Line(name)) if field.key == key::TEMPLATE => Some(name.clone()),
            _ => None,
        });
        built.push(Letter { path, source, body: toml.text, template });
    }
    (built, problems)
}

/// Whether a letter's areas are numbered 1, 2, 3, … once each; reports
/// a number twice and a number left out. A letter without areas is left to
/// the finding check: its template may need none.
fn area_numbers(letter: &LetterRow, areas: &[AreaRow], problems: &mut Vec<Located>) -> bool {
    let id = &letter.id;
    // A letter without areas is one of a kind that needs none, or the
    // finding check says its template needs them.
    if areas.is_empty() {
        return true;
    }
    let mut ok = true;
    for (i, area) in areas.iter().enumerate().filter(|(_, a)| a.number > 0) {
        let place = &area.number_place;
        let message = if i > 0 && areas[i - 1].number == area.number {
            format!(
                "area {} of letter \"{id}\" is also on row {}; each area has one row",
                area.number,
                areas[i - 1].row
            )
        } else if area.number as usize != i + 1 && areas[..i].iter().all(|a| a.number > 0) {
            format!(
                "letter \"{id}\" has no area {}; number its areas 1, 2, 3, … as the letter does",
                i + 1
            )
        } else {
            continue;
        };
        problems.push(Located::new(Severity::Error, &place.sheet, &place.cell, message));
        ok = false;
        break;
    }
    ok && areas.iter().all(|a| a.number > 0)
}

/// Writes a letter's fields, then its areas, as a finding file.
fn write_letter(
    toml: &mut TomlText,
    fields: &[(Option<&'static str>, Field)],
    areas: &[Vec<Field>],
) {
    let mut table = None;
    for (section, field) in fields {
        if *section != table {
            table = *section;
            toml.header(&format!("[{}]", section.unwrap_or_default()));
        }
        toml.field(field);
    }
    for (i, area) in areas.iter().enumerate() {
        toml.header(&format!("[[area]] # {}", i + 1));
        for field in area {
            toml.field(field);
        }
    }
}

/// The letter's problems as a finding file (`check`, and the placeholder
/// a final letter must not have), each named by the cell it came from.
fn checked(
    toml: &TomlText,
    letter: &LetterRow,
    path: &Path,
    check: LetterCheck<'_>,
) -> Vec<Located> {
    let mut found = check(path, toml.text.clone()).problems;
    if !letter.draft {
        found.extend(crate::finding::placeholders(path, toml.text.clone()).problems);
    }
    found
        .into_iter()
        .map(|problem| {
            let place = problem
                .span
                .as_ref()
                .and_then(|span| toml.place_at(span.start))
                .unwrap_or(&letter.id_place);
            let severity = match problem.severity {
                FileSeverity::Error => Severity::Error,
                FileSeverity::Warning => Severity::Warning,
            };
            let mut message = format!("{} (letter \"{}\")", problem.message, letter.id);
            if let Some(hint) = &problem.hint {
                message.push_str(&format!("; {hint}"));
            }
            Located::new(severity, &place.sheet, &place.cell, message)
        })
        .collect()
}
