//! Each validation rule of the import, on sheets built in memory: every
//! problem names its sheet and cell.

use std::path::Path;

use super::sheet::{Cell, Row, Sheet, Value};
use super::*;

const LETTER_HEADERS: &[&str] = &[
    "letter id",
    "date",
    "recipient name",
    "recipient role",
    "recipient organisation",
    "address line 1",
    "address line 2",
    "postcode",
    "salutation",
    "provider",
    "service area",
    "week commencing",
    "published",
    "visit from",
    "visit to",
    "locations",
    "assessed",
    "met",
    "signatory name",
    "signatory role",
    "overall",
];

const LETTER: &[&str] = &[
    "north-east",
    "2012-02-03",
    "Margaret Ellery",
    "Chief Executive",
    "Cafcass",
    "17 Quayside Lane",
    "Northmoor",
    "NM1 4QT",
    "Dear Ms Ellery",
    "Cafcass",
    "North East service area",
    "2011-03-14",
    "2011-05",
    "2012-01-16",
    "2012-01-18",
    "the Cafcass office in Northmoor",
    "the self-assessment\na sample of 24 case files",
    "The Head of Service\nService Managers",
    "Helen Marchbank",
    "Her Majesty's Inspector",
    "good",
];

const AREA_HEADERS: &[&str] =
    &["letter id", "area", "timescale", "action", "judgement", "reported", "progress"];

const AREA_1: &[&str] = &[
    "north-east",
    "1",
    "within 6 weeks",
    "all referrals are screened within two days",
    "good",
    "referrals were not screened consistently.",
    "Every referral was screened.\n\nThe arrangements include:\n\n- a daily check\n- a named manager",
];

const AREA_2: &[&str] = &[
    "north-east",
    "2",
    "immediately",
    "plans are shared with families",
    "good",
    "plans were not shared.",
    "Plans are now shared.",
];

fn sheet(name: &str, rows: &[Vec<String>]) -> Sheet {
    let rows = rows
        .iter()
        .enumerate()
        .map(|(i, cells)| Row {
            number: i as u32 + 1,
            cells: cells
                .iter()
                .enumerate()
                .filter(|(_, text)| !text.is_empty())
                .map(|(j, text)| Cell { col: j as u32, value: Value::Text(text.clone()) })
                .collect(),
        })
        .collect();
    Sheet { name: name.to_owned(), rows }
}

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| (*s).to_owned()).collect()
}

/// A tracker of one letter with two areas, to break one cell at a time.
struct Tracker {
    letters: Vec<Vec<String>>,
    areas: Vec<Vec<String>>,
}

impl Tracker {
    fn new() -> Tracker {
        Tracker {
            letters: vec![strings(LETTER_HEADERS), strings(LETTER)],
            areas: vec![strings(AREA_HEADERS), strings(AREA_1), strings(AREA_2)],
        }
    }

    fn set_letter(mut self, row: usize, header: &str, text: &str) -> Tracker {
        let col = self.letters[0].iter().position(|h| h == header).unwrap();
        self.letters[row][col] = text.to_owned();
        self
    }

    fn set_area(mut self, row: usize, header: &str, text: &str) -> Tracker {
        let col = self.areas[0].iter().position(|h| h == header).unwrap();
        self.areas[row][col] = text.to_owned();
        self
    }

    fn sheets(&self) -> Vec<Sheet> {
        vec![sheet("Letters", &self.letters), sheet("Areas", &self.areas)]
    }

    /// The built letters, and the problems as the command prints them.
    fn import(&self) -> (Vec<write::Letter>, Vec<String>) {
        import_sheets(&self.sheets())
    }

    /// The error lines.
    fn errors(&self) -> Vec<String> {
        self.import().1.into_iter().filter(|l| !l.contains("warning:")).collect()
    }
}

fn import_sheets(sheets: &[Sheet]) -> (Vec<write::Letter>, Vec<String>) {
    let check = |path: &Path, text: String| {
        {
            let checks = crate::finding::TextChecks { markdown: &|_| Vec::new(), english: None };
            crate::finding::check(path, text, &checks, &|_| crate::model::LetterKind::default())
        }
        .1
    };
    let (letters, problems) = build::letters(sheets, "t.xlsx", Path::new("letters"), &check);
    let problems = TrackerProblems::new(Path::new("t.xlsx"), problems);
    let lines = [problems.lines(Severity::Error), problems.lines(Severity::Warning)].concat();
    (letters, lines)
}

#[track_caller]
fn assert_one(errors: &[String], expected: &str) {
    assert!(
        errors.iter().any(|e| e.contains(expected)),
        "no error containing {expected:?} in {errors:#?}"
    );
}

#[test]
fn a_good_tracker_makes_a_finding_file_a_person_would_write() {
    let (letters, lines) = Tracker::new().import();
    assert!(lines.is_empty(), "{lines:#?}");
    let [letter] = letters.as_slice() else { panic!("{letters:?}") };
    assert_eq!(letter.path, Path::new("letters/north-east.toml"));
    assert_eq!(letter.source, "t.xlsx (Letters row 2; Areas rows 2-3)");
    let body = &letter.body;
    assert!(body.starts_with("date = 2012-02-03\noverall = \"good\"\n\n[recipient]\n"), "{body}");
    assert!(
        body.contains("address = [\"17 Quayside Lane\", \"Northmoor\", \"NM1 4QT\"]\n"),
        "{body}"
    );
    assert!(body.contains("published = \"2011-05\"\n"), "{body}");
    assert!(body.contains("assessed = [\"the self-assessment\", \"a sample of 24 case files\"]"));
    assert!(body.contains(
        "[[area]] # 1\ntimescale = \"within 6 weeks\"\naction = \"all referrals are screened within two days\"\n"
    ));
    assert!(body.contains(
        "progress = \"\"\"\nEvery referral was screened.\n\nThe arrangements include:\n\n- a daily check\n- a named manager\n\"\"\"\n"
    ));
    let finding = crate::finding::parse(Path::new("x.toml"), body.clone()).unwrap();
    assert_eq!(finding.areas.len(), 2);
    assert_eq!(finding.visit.as_ref().unwrap().met, ["The Head of Service", "Service Managers"]);
}

#[test]
fn headers_match_ignoring_case_spaces_underscores_and_dashes_in_any_order() {
    let mut tracker = Tracker::new();
    for (i, header) in ["Letter_ID", "DATE", "Recipient-Name"].iter().enumerate() {
        tracker.letters[0][i] = (*header).to_owned();
    }
    // Columns in another order, sheets in another order.
    for row in &mut tracker.areas {
        row.reverse();
    }
    let sheets: Vec<Sheet> = tracker.sheets().into_iter().rev().collect();
    let (letters, lines) = import_sheets(&sheets);
    assert!(lines.is_empty(), "{lines:#?}");
    assert_eq!(letters.len(), 1);
}

#[test]
fn missing_duplicate_and_unknown_headers() {
    let tracker = Tracker::new().set_letter(0, "visit to", "visit from").set_letter(
        0,
        "locations",
        "locashuns",
    );
    let (_, lines) = tracker.import();
    assert_one(&lines, "t.xlsx: Letters!O1: the column \"visit from\" is there twice (also N1)");
    assert_one(&lines, "t.xlsx: Letters!1:1: the header row has no column \"visit to\"");
    assert_one(&lines, "t.xlsx: Letters!1:1: the header row has no column \"locations\"");
    assert_one(
        &lines,
        "t.xlsx: Letters!P1: warning: unknown column \"locashuns\"; it is not imported; did you mean \"locations\"?",
    );
}

#[test]
fn an_empty_required_cell_is_named_with_its_letter_and_area() {
    let errors = Tracker::new().set_area(2, "progress", "").errors();
    assert_eq!(errors, ["t.xlsx: Areas!G3: progress is empty (letter \"north-east\", area 2)"]);
    let errors = Tracker::new().set_letter(1, "salutation", "").errors();
    assert_eq!(errors, ["t.xlsx: Letters!I2: salutation is empty (letter \"north-east\")"]);
}

#[test]
fn a_formula_error_is_refused() {
    let mut sheets = Tracker::new().sheets();
    sheets[0].rows[1].cells[1].value = Value::Error("#DIV/0!".into());
    let (letters, lines) = import_sheets(&sheets);
    assert!(letters.is_empty());
    assert_eq!(
        lines,
        ["t.xlsx: Letters!B2: date holds the formula error #DIV/0! (letter \"north-east\")"]
    );
}

#[test]
fn dates_must_be_date_cells_or_iso_text() {
    let errors = Tracker::new().set_letter(1, "date", "01/12/2012").errors();
    assert_eq!(
        errors,
        [
            "t.xlsx: Letters!B2: date: \"01/12/2012\" is not an ISO date; write 2012-12-01 (year-month-day), or make it a date cell (letter \"north-east\")"
        ]
    );
    let errors = Tracker::new().set_letter(1, "published", "May 2011").errors();
    assert_one(&errors, "Letters!M2: published: \"May 2011\" is not a month");
}

#[test]
fn judgements_and_timescales_suggest_the_word_meant() {
    let errors = Tracker::new()
        .set_area(1, "judgement", "Goood")
        .set_area(2, "timescale", "3 months")
        .set_letter(1, "overall", "satisfactroy")
        .errors();
    assert_one(
        &errors,
        "Letters!U2: overall: \"satisfactroy\" is not a judgement; did you mean \"satisfactory\"?",
    );
    assert_one(
        &errors,
        "Areas!E2: judgement: \"goood\" is not a judgement; did you mean \"good\"?",
    );
    assert_one(
        &errors,
        "Areas!C3: timescale: \"3 months\" is not a timescale; did you mean \"within 3 months\"?",
    );
}

#[test]
fn a_letter_id_twice_and_areas_of_no_letter() {
    let mut tracker = Tracker::new();
    tracker.letters.push(strings(LETTER));
    let mut stray = strings(AREA_1);
    stray[0] = "north-eats".into();
    tracker.areas.push(stray);
    let errors = tracker.errors();
    assert_one(
        &errors,
        "t.xlsx: Letters!A3: letter id \"north-east\" is also on row 2; each letter has one row",
    );
    assert_one(
        &errors,
        "t.xlsx: Areas!A4: there is no letter \"north-eats\" in Letters; did you mean \"north-east\"?",
    );
}

#[test]
fn a_letter_id_must_be_a_file_name() {
    let errors = Tracker::new().set_letter(1, "letter id", "../North East").errors();
    assert_one(&errors, "Letters!A2: letter id \"../North East\" cannot be a file name");
    assert_one(&errors, "like \"north-east\"");
}

#[test]
fn a_letter_without_areas_and_area_numbers_twice_or_left_out() {
    let mut tracker = Tracker::new();
    tracker.areas.truncate(1);
    assert_eq!(
        tracker.errors(),
        [
            "t.xlsx: Letters!A2: the letter has no areas for improvement (letter \"north-east\"); add at least one [[area]] table"
        ]
    );
    let errors = Tracker::new().set_area(2, "area", "1").errors();
    assert_eq!(
        errors,
        [
            "t.xlsx: Areas!B3: area 1 of letter \"north-east\" is also on row 2; each area has one row"
        ]
    );
    let errors = Tracker::new().set_area(2, "area", "3").errors();
    assert_one(&errors, "Areas!B3: letter \"north-east\" has no area 2");
    let errors = Tracker::new().set_area(2, "area", "two").errors();
    assert_one(&errors, "Areas!B3: area: \"two\" is not an area number");
}

#[test]
fn the_finding_checks_name_the_cell_the_value_came_from() {
    let errors = Tracker::new().set_letter(1, "visit to", "2012-01-10").errors();
    assert_eq!(
        errors,
        [
            "t.xlsx: Letters!O2: the visit ends (2012-01-10) before it starts (2012-01-16) (letter \"north-east\"); check visit.from and visit.to"
        ]
    );
    // The address block: each line is its own cell.
    let errors = Tracker::new().set_letter(1, "postcode", "Nowhere").errors();
    assert_one(&errors, "t.xlsx: Letters!H2: ");
    // A final letter must not keep a TODO.
    let errors = Tracker::new().set_area(1, "progress", "TODO").errors();
    assert_one(&errors, "t.xlsx: Areas!G2: a final letter still has the placeholder TODO");
    let draft = Tracker::new().set_area(1, "progress", "TODO");
    let mut draft = draft;
    draft.letters[0].push("status".into());
    draft.letters[1].push("draft".into());
    assert!(draft.errors().is_empty());
}

#[test]
fn every_problem_is_found_at_once_and_twenty_are_shown() {
    let mut tracker = Tracker::new();
    for i in 0..30 {
        let mut row = strings(LETTER);
        row[0] = format!("letter-{i}");
        row[1] = "31/12/2011".into();
        tracker.letters.push(row);
    }
    let errors = tracker.errors();
    // 30 bad dates (their letters, with no areas, are not read further):
    // 20 shown, then the count.
    assert_eq!(errors.len(), 21, "{errors:#?}");
    assert_eq!(errors[20], "and 10 more");
    assert!(errors[0].starts_with("t.xlsx: Letters!B3: "), "{}", errors[0]);
}

#[test]
fn a_missing_sheet_is_named() {
    let sheets = vec![Tracker::new().sheets().remove(0)];
    let (_, lines) = import_sheets(&sheets);
    assert_eq!(lines, ["t.xlsx: Areas!A1: there is no sheet \"Areas\"; the workbook has Letters"]);
}

#[test]
fn a_letter_of_a_kind_that_needs_no_areas_is_imported_without_them() {
    use crate::model::{LetterKind, Section};
    let mut tracker = Tracker::new();
    tracker.areas.truncate(1);
    let notice = LetterKind { needs: vec![Section::Inspection, Section::Visit], checks: vec![] };
    let check = |path: &Path, text: String| {
        let checks = crate::finding::TextChecks { markdown: &|_| Vec::new(), english: None };
        crate::finding::check(path, text, &checks, &|_| notice.clone()).1
    };
    let (letters, problems) =
        build::letters(&tracker.sheets(), "t.xlsx", Path::new("letters"), &check);
    let errors: Vec<_> = problems.iter().filter(|p| p.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "{problems:?}");
    let [letter] = letters.as_slice() else { panic!("{letters:?}") };
    assert!(!letter.body.contains("[[area]]"), "{}", letter.body);
    // Its `overall` is kept, and named as unused by its template.
    let warned = problems.iter().any(|p| p.message.contains("does not use `overall`"));
    assert!(warned, "{problems:?}");
}
