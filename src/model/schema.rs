//! The JSON Schema of a letter kind's finding files, from [`super::fields`]:
//! what `letterpress schema` writes and editors (tombi, Even Better TOML)
//! read through a file's first line, `#:schema ../schemas/NAME.schema.json`.
//!
//! Exact for what letterpress accepts: no key it does not know
//! (`additionalProperties: false`), its words as enums, dates as TOML dates
//! (`format: date`, which tombi reads as a TOML local date without quotes).
//! Judgements and timescales are read in any case, so each is an enum (what
//! an editor offers) or a case-insensitive `(?i)` pattern (what it accepts):
//! TOML editors use Rust's regex, which reads `(?i)`. Sizes are in
//! characters where letterpress counts bytes, so the schema never refuses
//! what `check` accepts.

use serde_json::{Map, Value, json};

use super::fields::{FIELDS, Field, Limit, MAX_AREAS, MAX_ENTRIES, MAX_LINE, Need, Shape, Table};
use super::{Judgement, LetterKind};

/// The words that mark a schema as `letterpress schema`'s own, so it
/// replaces only the files it wrote.
pub const MARKER: &str = "Written by `letterpress schema`";

/// The schema of finding files for a template of `kind`, titled `title`.
pub fn schema(kind: &LetterKind, title: &str) -> Value {
    let mut root = table(Table::Top, kind);
    for t in Table::TABLES {
        let mut value = table(t, kind);
        let needed = t.section().is_none_or(|s| kind.needs(s));
        if t == Table::Area {
            value = json!({
                "type": "array",
                "minItems": usize::from(needed),
                "maxItems": MAX_AREAS,
                "items": value,
            });
        }
        value["description"] = t.help().into();
        root["properties"][t.key()] = value;
        if needed {
            root["required"].as_array_mut().expect("an array").push(t.key().into());
        }
    }
    let mut head = Map::new();
    head.insert("$schema".into(), "https://json-schema.org/draft/2020-12/schema".into());
    head.insert(
        "$comment".into(),
        format!("{MARKER}: run it again after changing a template's front matter.").into(),
    );
    head.insert("title".into(), title.into());
    head.insert("description".into(), Table::Top.help().into());
    if let Value::Object(rest) = root {
        head.extend(rest);
    }
    Value::Object(head)
}

/// The object schema of one table.
fn table(t: Table, kind: &LetterKind) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in FIELDS.iter().filter(|f| f.table == t) {
        let mut value = shape(field);
        value["description"] = field.help.into();
        properties.insert(field.key.into(), value);
        let needed = match field.need {
            Need::Always => true,
            Need::Optional => false,
            Need::Kind(section) => kind.needs(section),
        };
        if needed {
            required.push(field.key);
        }
    }
    json!({
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
        "required": required,
    })
}

/// A case-insensitive choice: the words offered, any case accepted.
fn words(offered: &[&str], pattern: &str) -> Value {
    json!({ "anyOf": [ { "enum": offered }, { "type": "string", "pattern": pattern } ] })
}

/// The schema of one field's value.
fn shape(field: &Field) -> Value {
    let mut value = match field.shape {
        Shape::Date => json!({ "type": "string", "format": "date" }),
        Shape::Month => json!({ "type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$" }),
        Shape::Line | Shape::Prose => json!({ "type": "string" }),
        Shape::List => json!({
            "type": "array",
            "items": { "type": "string", "maxLength": MAX_LINE },
        }),
        Shape::Judgement => {
            let all: Vec<&str> = Judgement::ALL.iter().map(|j| j.as_str()).collect();
            words(&all, &format!("(?i)^({})$", all.join("|")))
        }
        Shape::Timescale => words(
            &["immediately", "within 3 months", "within 6 months", "within 6 weeks"],
            r"(?i)^\s*(immediately|within\s+0*[1-9][0-9]*\s+(months?|weeks?))\s*$",
        ),
        Shape::Status => {
            json!({ "enum": ["draft", "factual-accuracy", "final"], "default": "final" })
        }
        Shape::Language => json!({ "enum": ["en", "cy"], "default": "en" }),
    };
    if field.filled && matches!(field.shape, Shape::List) {
        value["minItems"] = 1.into();
    } else if field.filled {
        value["pattern"] = r"\S".into();
    }
    if field.distinct {
        value["items"]["pattern"] = r"\S".into();
    }
    match field.limit {
        Limit::Entries => value["maxItems"] = MAX_ENTRIES.into(),
        Limit::Bytes(n) => value["maxLength"] = n.into(),
        Limit::None | Limit::Text => {}
    }
    value
}

#[cfg(test)]
mod tests;
