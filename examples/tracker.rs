//! Writes a tracker workbook for `letterpress import` benchmarks: COUNT
//! letters of AREAS areas each, every one the demo letter's content under
//! its own letter id (areas repeated in turn when AREAS is above twelve).
//!
//! Usage: `cargo run --features bench-tools --example tracker -- COUNT AREAS FILE.xlsx`
//!
//! Output is deterministic. The demo letter reproduces an Ofsted letter
//! (Open Government Licence); the ids are invented.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

const LETTER_COLUMNS: &[&str] = &[
    "letter id",
    "date",
    "recipient name",
    "recipient role",
    "recipient organisation",
    "address line 1",
    "address line 2",
    "address line 3",
    "address line 4",
    "salutation",
    "provider",
    "service area",
    "code",
    "week commencing",
    "published",
    "visit from",
    "visit to",
    "locations",
    "assessed",
    "met",
    "cc",
    "signatory name",
    "signatory role",
    "overall",
];

const AREA_COLUMNS: &[&str] =
    &["letter id", "area", "timescale", "action", "judgement", "reported", "progress"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [count, areas, file] = args.as_slice() else {
        return Err("usage: tracker COUNT AREAS FILE.xlsx".into());
    };
    let (count, areas): (usize, usize) = (count.parse()?, areas.parse()?);
    let demo = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("letters/cafcass-greater-london.toml"),
    )?;
    let demo: toml::Table = toml::from_str(&demo)?;
    let bytes = workbook(&demo, count, areas)?;
    std::fs::write(file, bytes)?;
    eprintln!("wrote {file}: {count} letters × {areas} areas");
    Ok(())
}

/// The value at a dotted path of the demo letter.
fn at<'a>(demo: &'a toml::Table, path: &str) -> &'a toml::Value {
    let (first, rest) = path.split_once('.').unwrap_or((path, ""));
    let value = &demo[first];
    if rest.is_empty() { value } else { &value[rest] }
}

fn workbook(demo: &toml::Table, count: usize, areas: usize) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let letters = workbook.add_worksheet().set_name("Letters")?;
    for (col, header) in LETTER_COLUMNS.iter().enumerate() {
        letters.write_string(0, col as u16, *header)?;
    }
    let address: Vec<&str> = at(demo, "recipient.address")
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .collect();
    for n in 0..count {
        let row = n as u32 + 1;
        for (col, header) in LETTER_COLUMNS.iter().enumerate() {
            let col = col as u16;
            let path = match *header {
                "letter id" => {
                    letters.write_string(row, col, format!("letter-{:04}", n + 1))?;
                    continue;
                }
                h if h.starts_with("address line ") => {
                    let i: usize = h["address line ".len()..].parse().unwrap_or(1);
                    letters.write_string(row, col, address.get(i - 1).copied().unwrap_or(""))?;
                    continue;
                }
                "recipient name" | "recipient role" | "recipient organisation" | "salutation" => {
                    format!("recipient.{}", header.trim_start_matches("recipient "))
                }
                "provider" | "service area" | "code" | "week commencing" | "published" => {
                    format!("inspection.{}", header.replace(' ', "_"))
                }
                "visit from" | "visit to" => format!("visit.{}", &header[6..]),
                "locations" | "assessed" | "met" => format!("visit.{header}"),
                "signatory name" | "signatory role" => {
                    format!("signatory.{}", &header["signatory ".len()..])
                }
                other => other.to_owned(),
            };
            match at(demo, &path) {
                toml::Value::Datetime(d) => {
                    let d = d.date.expect("the demo's dates are dates");
                    let day = ExcelDateTime::from_ymd(d.year, d.month, d.day)?;
                    letters.write_datetime_with_format(row, col, day, &date)?;
                }
                toml::Value::Array(items) => {
                    let lines: Vec<&str> = items.iter().filter_map(|v| v.as_str()).collect();
                    letters.write_string(row, col, lines.join("\n"))?;
                }
                value => {
                    letters.write_string(row, col, value.as_str().unwrap_or_default())?;
                }
            };
        }
    }
    let sheet = workbook.add_worksheet().set_name("Areas")?;
    for (col, header) in AREA_COLUMNS.iter().enumerate() {
        sheet.write_string(0, col as u16, *header)?;
    }
    let demo_areas = demo["area"].as_array().map(Vec::as_slice).unwrap_or_default();
    let mut row = 1;
    for n in 0..count {
        for a in 0..areas {
            let area = &demo_areas[a % demo_areas.len()];
            sheet.write_string(row, 0, format!("letter-{:04}", n + 1))?;
            sheet.write_number(row, 1, a as f64 + 1.0)?;
            for (col, key) in AREA_COLUMNS.iter().enumerate().skip(2) {
                let text = area[*key].as_str().unwrap_or_default().trim_end();
                sheet.write_string(row, col as u16, text)?;
            }
            row += 1;
        }
    }
    workbook.save_to_buffer()
}
