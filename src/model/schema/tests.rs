//! The schema against a JSON Schema validator (boon, as editors read it):
//! every fixture letter letterpress accepts is valid, and the three
//! mistakes an inspector makes are found at their places.

use serde_json::Value as Json;

use super::schema;
use crate::model::LetterKind;

/// A finding file's TOML as JSON, dates as "YYYY-MM-DD" (what `format: date` checks).
fn to_json(value: toml::Value) -> Json {
    match value {
        toml::Value::String(s) => Json::String(s),
        toml::Value::Integer(i) => i.into(),
        toml::Value::Float(f) => f.into(),
        toml::Value::Boolean(b) => b.into(),
        toml::Value::Datetime(d) => Json::String(d.to_string()),
        toml::Value::Array(a) => Json::Array(a.into_iter().map(to_json).collect()),
        toml::Value::Table(t) => {
            Json::Object(t.into_iter().map(|(k, v)| (k, to_json(v))).collect())
        }
    }
}

/// Every mistake the schema finds in `text`: where (a JSON pointer) and what.
fn mistakes(schema: &Json, text: &str) -> Vec<String> {
    fn leaves(e: &boon::ValidationError<'_, '_>, out: &mut Vec<String>) {
        if e.causes.is_empty() {
            out.push(format!("{} {}", e.instance_location, e.kind));
        }
        for cause in &e.causes {
            leaves(cause, out);
        }
    }
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    compiler.add_resource("file:///letter.schema.json", schema.clone()).unwrap();
    let id = compiler.compile("file:///letter.schema.json", &mut schemas).unwrap();
    let instance = to_json(toml::from_str(text).unwrap());
    let mut out = Vec::new();
    if let Err(e) = schemas.validate(&instance, id) {
        leaves(&e, &mut out);
    }
    out
}

fn monitoring() -> Json {
    schema(&LetterKind::default(), "monitoring")
}

#[test]
fn every_fixture_letter_is_valid() {
    let schema = monitoring();
    let letters = crate::test_fixtures::root().join("letters");
    for letter in std::fs::read_dir(letters).unwrap() {
        let path = letter.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(mistakes(&schema, &text), Vec::<String>::new(), "{}", path.display());
    }
}

#[test]
fn an_unknown_key_a_wrong_judgement_and_a_missing_field_are_found() {
    let demo = std::fs::read_to_string(crate::test_fixtures::demo()).unwrap();
    let bad = demo
        .replacen(
            "overall = \"satisfactory\"",
            "overall = \"satisfactory\"\njudgment = \"Good\"",
            1,
        )
        .replacen("judgement = \"good\"", "judgement = \"Excellent\"", 1)
        .replacen("salutation = \"Dear Mr Douglas\"\n", "", 1)
        // Any case is letterpress's: not a mistake.
        .replacen("judgement = \"satisfactory\"", "judgement = \"Good\"", 1)
        .replacen("timescale = \"immediately\"", "timescale = \"Within 6 Months\"", 1);
    let found = mistakes(&monitoring(), &bad);
    let at =
        |place: &str, what: &str| found.iter().any(|m| m.starts_with(place) && m.contains(what));
    assert!(at("", "'judgment' not allowed"), "{found:#?}");
    assert!(at("/recipient", "'salutation'"), "{found:#?}");
    assert!(at("/area/3/judgement", "Excellent"), "{found:#?}");
    assert!(found.iter().all(|m| !m.starts_with("/area/0")), "{found:#?}");
}

#[test]
fn a_letter_kind_without_areas_needs_none() {
    let demo = std::fs::read_to_string(crate::test_fixtures::demo()).unwrap();
    let kind: LetterKind = toml::from_str("needs = []").unwrap();
    let schema = schema(&kind, "brief");
    assert!(schema["required"].as_array().unwrap().iter().all(|k| k != "area"), "{schema}");
    let without_areas = &demo[..demo.find("[[area]]").unwrap()];
    let found = mistakes(&schema, without_areas);
    assert!(found.iter().all(|m| !m.contains("area")), "{found:#?}");
}
