//! The TOML of an imported letter, written as a person writes a finding
//! file (the README's "The finding file"): top-level fields, then one
//! table per section, then one `[[area]]` per area; prose as multi-line
//! strings, short lists on one line. Each value's byte range is kept with
//! the cell it came from, so a problem the finding checks find in the text
//! is named by its cell.

use std::ops::Range;

use toml_writer::{ToTomlValue, TomlStringBuilder};

use crate::model::{Date, YearMonth};

/// Where a value came from: sheet and cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Place {
    /// The sheet's name.
    pub sheet: String,
    /// The cell (`G14`).
    pub cell: String,
}

/// One value of a finding file, as read from its cell.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Item {
    /// A one-line string.
    Line(String),
    /// Markdown prose.
    Prose(String),
    /// A date.
    Date(Date),
    /// A month, written "YYYY-MM".
    Month(YearMonth),
    /// A list of strings, each from its own place.
    List(Vec<(String, Place)>),
}

/// A field: its key, its value and where the value came from.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Field {
    pub key: &'static str,
    pub item: Item,
    pub place: Place,
}

/// Lists whose one-line form is no longer than this stay on one line.
const INLINE_LIST: usize = 90;

/// Finding-file text being written, with the place of every value.
#[derive(Debug, Default)]
pub(super) struct TomlText {
    pub text: String,
    pub places: Vec<(Range<usize>, Place)>,
}

impl TomlText {
    /// Writes `[name]` (or `[[area]] # N`) on a line of its own, after a
    /// blank line.
    pub(super) fn header(&mut self, header: &str) {
        if !self.text.is_empty() {
            self.text.push('\n');
        }
        self.text.push_str(header);
        self.text.push('\n');
    }

    /// Writes `key = value`.
    pub(super) fn field(&mut self, field: &Field) {
        self.text.push_str(field.key);
        self.text.push_str(" = ");
        let start = self.text.len();
        match &field.item {
            Item::Line(text) => self.text.push_str(&string(text)),
            Item::Prose(text) => self.text.push_str(&prose(text)),
            Item::Date(date) => self.text.push_str(&date.to_string()),
            Item::Month(month) => self.text.push_str(&string(&month.to_string())),
            Item::List(items) => self.list(items),
        }
        self.places.push((start..self.text.len(), field.place.clone()));
        self.text.push('\n');
    }

    fn list(&mut self, items: &[(String, Place)]) {
        let written: Vec<String> = items.iter().map(|(text, _)| string(text)).collect();
        let one_line = written.iter().map(|w| w.len() + 2).sum::<usize>() <= INLINE_LIST;
        self.text.push('[');
        for (i, (text, (_, place))) in written.iter().zip(items).enumerate() {
            if one_line {
                if i > 0 {
                    self.text.push_str(", ");
                }
            } else {
                self.text.push_str("\n  ");
            }
            let start = self.text.len();
            self.text.push_str(text);
            self.places.push((start..self.text.len(), place.clone()));
            if !one_line {
                self.text.push(',');
            }
        }
        if !one_line {
            self.text.push('\n');
        }
        self.text.push(']');
    }

    /// The place of the smallest value containing byte `at`.
    pub(super) fn place_at(&self, at: usize) -> Option<&Place> {
        self.places
            .iter()
            .filter(|(range, _)| range.start <= at && at < range.end.max(range.start + 1))
            .min_by_key(|(range, _)| range.len())
            .map(|(_, place)| place)
    }
}

/// A one-line string as plainly as TOML allows: `"…"`, or `'…'` when it
/// holds double quotes or backslashes, escaped only when it must be.
fn string(text: &str) -> String {
    let builder = TomlStringBuilder::new(text);
    builder
        .as_basic_pretty()
        .or_else(|| builder.as_literal())
        .unwrap_or_else(|| builder.as_basic())
        .to_toml_value()
}

/// Prose as a multi-line string, opening and closing on lines of their own,
/// as in the README: the closing line adds the final line break a person's
/// file has.
fn prose(text: &str) -> String {
    let text = format!("{text}\n");
    let builder = TomlStringBuilder::new(&text);
    builder
        .as_ml_basic_pretty()
        .or_else(|| builder.as_ml_literal())
        .unwrap_or_else(|| builder.as_ml_basic())
        .to_toml_value()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place() -> Place {
        Place { sheet: "Letters".into(), cell: "A2".into() }
    }

    #[test]
    fn strings_read_back_as_written() {
        for text in ["plain", "it's \"quoted\"", "back\\slash", "tab\there", "\"\"\" and '''"] {
            let mut toml = TomlText::default();
            for item in [Item::Line(text.into()), Item::Prose(text.into())] {
                toml.field(&Field { key: "v", item, place: place() });
                let table: toml::Table = toml::from_str(&toml.text).unwrap();
                let read = table["v"].as_str().unwrap();
                assert_eq!(read.trim_end_matches('\n'), text, "{}", toml.text);
                toml.text.clear();
            }
        }
    }

    #[test]
    fn prose_is_a_multi_line_string_and_long_lists_one_item_a_line() {
        let mut toml = TomlText::default();
        let prose = Item::Prose("One.\n\n- a\n- b".into());
        toml.field(&Field { key: "progress", item: prose, place: place() });
        assert_eq!(toml.text, "progress = \"\"\"\nOne.\n\n- a\n- b\n\"\"\"\n");
        let long = "x".repeat(60);
        let items = vec![(long.clone(), place()), (long, place())];
        toml.field(&Field { key: "met", item: Item::List(items), place: place() });
        assert!(
            toml.text.ends_with(&format!("met = [\n  \"{0}\",\n  \"{0}\",\n]\n", "x".repeat(60)))
        );
        let at = toml.text.find("xxx").unwrap();
        assert_eq!(toml.place_at(at), Some(&place()));
    }
}
