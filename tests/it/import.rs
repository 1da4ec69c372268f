//! `letterpress import` and `new --tracker`: trackers built in the test
//! (xlsx with rust_xlsxwriter, .ods written as its zip of XML, CSV with the
//! csv crate) holding the demo letter, imported, rendered and compared with
//! the exemplar; nothing written on an error; edited files kept.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::common::*;

/// One cell of a test tracker.
#[derive(Debug, Clone, PartialEq)]
enum C {
    Text(String),
    Date(u16, u8, u8),
    Number(f64),
}

/// A sheet: name, headers, rows.
struct SheetData {
    name: String,
    headers: Vec<String>,
    rows: Vec<Vec<C>>,
}

/// The demo letter as a tracker's two sheets, read from its finding file.
fn demo_sheets() -> Vec<SheetData> {
    let text = std::fs::read_to_string(demo_finding()).unwrap();
    let demo: toml::Table = toml::from_str(&text).unwrap();
    let at = |path: &str| {
        path.split('.').fold(toml::Value::Table(demo.clone()), |v, key| v[key].clone())
    };
    let text = |v: toml::Value| C::Text(v.as_str().unwrap().trim_end().to_owned());
    let date = |v: toml::Value| {
        let d = v.as_datetime().unwrap().date.unwrap();
        C::Date(d.year, d.month, d.day)
    };
    let list = |v: toml::Value| {
        let items: Vec<&str> = v.as_array().unwrap().iter().map(|i| i.as_str().unwrap()).collect();
        C::Text(items.join("\n"))
    };
    let address = at("recipient.address");
    let address: Vec<C> = address.as_array().unwrap().iter().cloned().map(text).collect();
    let mut letter = vec![
        ("letter id", C::Text("cafcass-greater-london".into())),
        ("date", date(at("date"))),
        ("recipient name", text(at("recipient.name"))),
        ("recipient role", text(at("recipient.role"))),
        ("recipient organisation", text(at("recipient.organisation"))),
        ("salutation", text(at("recipient.salutation"))),
        ("provider", text(at("inspection.provider"))),
        ("service area", text(at("inspection.service_area"))),
        ("code", text(at("inspection.code"))),
        ("week commencing", date(at("inspection.week_commencing"))),
        ("published", text(at("inspection.published"))),
        ("visit from", date(at("visit.from"))),
        ("visit to", date(at("visit.to"))),
        ("locations", text(at("visit.locations"))),
        ("assessed", list(at("visit.assessed"))),
        ("met", list(at("visit.met"))),
        ("cc", list(at("cc"))),
        ("signatory name", text(at("signatory.name"))),
        ("signatory role", text(at("signatory.role"))),
        ("overall", text(at("overall"))),
    ];
    let lines = ["address line 1", "address line 2", "address line 3", "address line 4"];
    letter.extend(lines.into_iter().zip(address));
    let area_headers =
        ["letter id", "area", "timescale", "action", "judgement", "reported", "progress"];
    let areas = demo["area"].as_array().unwrap();
    let area_rows = areas
        .iter()
        .enumerate()
        .map(|(i, area)| {
            let mut row = vec![C::Text("cafcass-greater-london".into()), C::Number(i as f64 + 1.0)];
            row.extend(area_headers[2..].iter().map(|h| text(area[*h].clone())));
            row
        })
        .collect();
    vec![
        SheetData {
            name: "Letters".into(),
            headers: letter.iter().map(|(h, _)| (*h).to_owned()).collect(),
            rows: vec![letter.into_iter().map(|(_, c)| c).collect()],
        },
        SheetData {
            name: "Areas".into(),
            headers: area_headers.map(str::to_owned).to_vec(),
            rows: area_rows,
        },
    ]
}

fn write_xlsx(path: &Path, sheets: &[SheetData]) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut workbook = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for sheet in sheets {
        let ws = workbook.add_worksheet();
        ws.set_name(&sheet.name).unwrap();
        for (c, header) in sheet.headers.iter().enumerate() {
            ws.write_string(0, c as u16, header).unwrap();
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match cell {
                    C::Text(text) if text.is_empty() => continue,
                    C::Text(text) => ws.write_string(r, c, text),
                    C::Number(n) => ws.write_number(r, c, *n),
                    C::Date(y, m, d) => {
                        let day = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                        ws.write_datetime_with_format(r, c, day, &date)
                    }
                }
                .unwrap();
            }
        }
    }
    workbook.save(path).unwrap();
}

/// An OpenDocument spreadsheet as LibreOffice lays one out: a zip holding
/// `mimetype`, the manifest and `content.xml` (one `text:p` per line).
fn write_ods(path: &Path, sheets: &[SheetData]) {
    let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let mut content = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>"#,
    );
    for sheet in sheets {
        content.push_str(&format!(r#"<table:table table:name="{}">"#, sheet.name));
        let header = sheet.headers.iter().map(|h| C::Text(h.clone())).collect();
        for row in std::iter::once(&header).chain(&sheet.rows) {
            content.push_str("<table:table-row>");
            for cell in row {
                content.push_str(&match cell {
                    C::Text(text) if text.is_empty() => "<table:table-cell/>".to_owned(),
                    C::Text(text) => {
                        let lines: String =
                            text.lines().map(|l| format!("<text:p>{}</text:p>", escape(l))).collect();
                        format!(r#"<table:table-cell office:value-type="string">{lines}</table:table-cell>"#)
                    }
                    C::Number(n) => format!(
                        r#"<table:table-cell office:value-type="float" office:value="{n}"><text:p>{n}</text:p></table:table-cell>"#
                    ),
                    C::Date(y, m, d) => format!(
                        r#"<table:table-cell office:value-type="date" office:date-value="{y:04}-{m:02}-{d:02}"><text:p>{d:02}/{m:02}/{y}</text:p></table:table-cell>"#
                    ),
                });
            }
            content.push_str("</table:table-row>");
        }
        content.push_str("</table:table>");
    }
    content.push_str("</office:spreadsheet></office:body></office:document-content>");
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default();
    for (name, bytes, options) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet", stored),
        ("META-INF/manifest.xml", manifest, deflated),
        ("content.xml", content.as_str(), deflated),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(bytes.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

/// `letters.csv` and `areas.csv` in `dir`, dates as ISO text, columns in
/// reverse order (order does not matter).
fn write_csv(dir: &Path, sheets: &[SheetData]) {
    std::fs::create_dir_all(dir).unwrap();
    for sheet in sheets {
        let path = dir.join(format!("{}.csv", sheet.name.to_lowercase()));
        let mut writer = csv::Writer::from_path(path).unwrap();
        let reversed = |row: Vec<String>| row.into_iter().rev().collect::<Vec<_>>();
        writer.write_record(reversed(sheet.headers.clone())).unwrap();
        for row in &sheet.rows {
            let cells = row.iter().map(|cell| match cell {
                C::Text(text) => text.clone(),
                C::Number(n) => n.to_string(),
                C::Date(y, m, d) => format!("{y:04}-{m:02}-{d:02}"),
            });
            writer.write_record(reversed(cells.collect())).unwrap();
        }
        writer.flush().unwrap();
    }
}

/// Runs `letterpress import` in the project with `args`.
fn import(project: &Path, args: &[&str]) -> std::process::Output {
    letterpress().current_dir(project).arg("import").args(args).output().unwrap()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Imports `tracker` into a folder of the project, renders the letter, and
/// checks it against the exemplar and against the hand-written demo.
fn import_and_compare(project: &Path, tracker: &Path) {
    let output = import(project, &[tracker.to_str().unwrap(), "-o", "imported"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let imported = project.join("imported/cafcass-greater-london.toml");
    let text = std::fs::read_to_string(&imported).unwrap();
    // First the editor's pointer to the schema, which import wrote too.
    let header =
        "#:schema ../schemas/monitoring.schema.json\n\n# Imported by `letterpress import` from ";
    assert!(text.starts_with(header), "{text}");
    assert!(project.join("schemas/monitoring.schema.json").is_file());
    // The same letter as the hand-written file, field for field.
    let files = |path: &std::path::Path| {
        letterpress::sandbox::Sandbox::new(path.ancestors().nth(2).unwrap()).unwrap()
    };
    let hand = letterpress::finding::load(&files(&demo_finding()), &demo_finding()).unwrap();
    assert_eq!(letterpress::finding::load(&files(&imported), &imported).unwrap(), hand);
    let (pdf, hand_pdf) = (project.join("imported.pdf"), project.join("hand.pdf"));
    for (finding, target) in [(&imported, &pdf), (&demo_finding(), &hand_pdf)] {
        letterpress().arg("render").arg(finding).arg("-o").arg(target).assert().success();
    }
    let score = similarity(
        &words(&pdf_text(&pdf)),
        &words(&std::fs::read_to_string(repo().join("tests/fixtures/exemplar.txt")).unwrap()),
    );
    assert!(score >= 0.98, "similarity {score:.4} is below 0.98");
    assert_eq!(std::fs::read(&pdf).unwrap(), std::fs::read(&hand_pdf).unwrap());
}

#[test]
fn the_demo_letter_from_an_xlsx_tracker_reproduces_the_exemplar() {
    let project = project_copy();
    let tracker = project.path().join("tracker.xlsx");
    write_xlsx(&tracker, &demo_sheets());
    import_and_compare(project.path(), &tracker);
}

#[test]
fn the_demo_letter_from_an_ods_tracker_reproduces_the_exemplar() {
    let project = project_copy();
    let tracker = project.path().join("tracker.ods");
    // Sheets in the other order: order does not matter.
    write_ods(&tracker, &demo_sheets().into_iter().rev().collect::<Vec<_>>());
    import_and_compare(project.path(), &tracker);
}

#[test]
fn the_demo_letter_from_csv_files_reproduces_the_exemplar() {
    let project = project_copy();
    let tracker = project.path().join("tracker");
    write_csv(&tracker, &demo_sheets());
    import_and_compare(project.path(), &tracker);
}

/// The names of the files in `dir`, sorted.
fn listing(dir: &Path) -> Vec<PathBuf> {
    let mut names: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| PathBuf::from(e.unwrap().file_name())).collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

#[test]
fn nothing_is_written_when_any_row_fails() {
    let project = project_copy();
    let mut sheets = demo_sheets();
    let mut second = sheets[0].rows[0].clone();
    second[0] = C::Text("second".into());
    second[1] = C::Text("01/12/2010".into());
    sheets[0].rows.push(second);
    let tracker = project.path().join("tracker.xlsx");
    write_xlsx(&tracker, &sheets);
    let before = listing(&project.path().join("letters"));
    let output = import(project.path(), &["tracker.xlsx"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains(
            "tracker.xlsx: Letters!B3: date: \"01/12/2010\" is not an ISO date; write 2010-12-01"
        ),
        "{err}"
    );
    // Its row cannot be read, so it is not checked further (for no areas).
    assert!(err.contains("nothing was imported: 1 error"), "{err}");
    // The good letter was not written either.
    assert_eq!(listing(&project.path().join("letters")), before);
}

#[test]
fn an_imported_file_edited_by_hand_is_kept_unless_forced() {
    let project = project_copy();
    let tracker = project.path().join("tracker.xlsx");
    write_xlsx(&tracker, &demo_sheets());
    let output = import(project.path(), &["tracker.xlsx", "-o", "imported", "--dry-run"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("would write imported/cafcass-greater-london.toml (from tracker.xlsx (Letters row 2; Areas rows 2-13))"), "{}", stderr(&output));
    assert!(listing(&project.path().join("imported")).is_empty());

    import(project.path(), &["tracker.xlsx", "-o", "imported"]);
    let file = project.path().join("imported/cafcass-greater-london.toml");
    let again = import(project.path(), &["tracker.xlsx", "-o", "imported"]);
    assert!(stderr(&again).contains("unchanged imported/cafcass-greater-london.toml"));

    // A changed tracker replaces a file that is as imported.
    let mut sheets = demo_sheets();
    sheets[0].rows[0][2] = C::Text("Anthony Douglas CBE".into());
    write_xlsx(&tracker, &sheets);
    let replaced = import(project.path(), &["tracker.xlsx", "-o", "imported"]);
    assert!(stderr(&replaced).contains("replaced imported/"), "{}", stderr(&replaced));

    // Edited by hand: refused and named, nothing written.
    let edited = std::fs::read_to_string(&file).unwrap().replace("Dear Mr Douglas", "Dear Anthony");
    std::fs::write(&file, &edited).unwrap();
    write_xlsx(&tracker, &demo_sheets());
    let refused = import(project.path(), &["tracker.xlsx", "-o", "imported"]);
    assert_eq!(refused.status.code(), Some(1));
    let err = stderr(&refused);
    assert!(
        err.contains("imported/cafcass-greater-london.toml: it was edited since it was imported"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), edited);
    // A hand-written file of the same name is not replaced either.
    let hand = project.path().join("letters");
    let refused = import(project.path(), &["tracker.xlsx", "-o", hand.to_str().unwrap()]);
    assert!(stderr(&refused).contains("it was not written by import"), "{}", stderr(&refused));

    let forced = import(project.path(), &["tracker.xlsx", "-o", "imported", "--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(std::fs::read_to_string(&file).unwrap().contains("Dear Mr Douglas"));
}

/// A named pipe where `import` would write a letter: it fails at once
/// (reading it would wait for a writer forever), saying what is there.
#[cfg(unix)]
#[test]
fn a_named_pipe_where_import_writes_a_letter_fails_at_once() {
    let project = project_copy();
    let tracker = project.path().join("tracker.xlsx");
    write_xlsx(&tracker, &demo_sheets());
    let pipe = project.path().join("imported/cafcass-greater-london.toml");
    std::fs::create_dir_all(pipe.parent().unwrap()).unwrap();
    assert!(std::process::Command::new("mkfifo").arg(&pipe).status().unwrap().success());
    letterpress()
        .current_dir(project.path())
        .args(["import", "tracker.xlsx", "-o", "imported"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "imported/cafcass-greater-london.toml: it is a named pipe, not a file",
        ));
}

/// Copies a workbook, replacing every `TODO` cell by `fill(sheet, cell)`.
fn filled(from: &Path, to: &Path, fill: impl Fn(&str, &str) -> String) {
    use calamine::{Data, Reader};
    let mut workbook = calamine::open_workbook_auto(from).unwrap();
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).unwrap();
        let mut rows: Vec<Vec<C>> = range
            .rows()
            .map(|row| {
                row.iter()
                    .map(|data| match data {
                        Data::DateTime(d) => {
                            let (y, m, day, ..) = d.to_ymd_hms_milli();
                            C::Date(y, m, day)
                        }
                        Data::Float(n) => C::Number(*n),
                        Data::Int(n) => C::Number(*n as f64),
                        other => C::Text(other.to_string()),
                    })
                    .collect()
            })
            .collect();
        let headers: Vec<String> = rows
            .remove(0)
            .into_iter()
            .map(|c| match c {
                C::Text(header) => header,
                other => panic!("header {other:?}"),
            })
            .collect();
        for row in &mut rows {
            for (col, cell) in row.iter_mut().enumerate() {
                if *cell == C::Text("TODO".into()) {
                    *cell = C::Text(fill(&name, &headers[col]));
                }
            }
        }
        sheets.push(SheetData { name, headers, rows });
    }
    write_xlsx(to, &sheets);
}

#[test]
fn new_tracker_imports_into_a_letter_check_passes_once_its_todos_are_filled() {
    let project = project_copy();
    let created = letterpress()
        .current_dir(project.path())
        .args(["new", "--tracker", "tracker.xlsx"])
        .output()
        .unwrap();
    assert!(created.status.success(), "{}", stderr(&created));
    // It refuses to overwrite.
    let again = letterpress()
        .current_dir(project.path())
        .args(["new", "--tracker", "tracker.xlsx"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));

    let output = import(project.path(), &["tracker.xlsx", "-o", "imported"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    for cell in ["Letters!J2", "Letters!U2", "Letters!AF2", "Areas!G3"] {
        assert!(
            err.contains(&format!(
                "tracker.xlsx: {cell}: a final letter still has the placeholder TODO"
            )),
            "{cell}: {err}"
        );
    }

    let tracker = project.path().join("filled.xlsx");
    filled(&project.path().join("tracker.xlsx"), &tracker, |sheet, header| match (sheet, header) {
        ("Letters", "recipient name") => "Margaret Ellery".into(),
        ("Letters", "salutation") => "Dear Ms Ellery".into(),
        ("Letters", "signatory name") => "Helen Marchbank".into(),
        _ => "Plans are now shared with every family.".into(),
    });
    let output = import(project.path(), &["filled.xlsx", "-o", "imported"]);
    assert!(output.status.success(), "{}", stderr(&output));
    letterpress()
        .current_dir(project.path())
        .args(["check", "--deny-warnings", "imported"])
        .assert()
        .success()
        .stderr(predicates::str::contains("checked 1 finding file: 0 errors, 0 warnings"));
}
