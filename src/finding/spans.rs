//! Where a field was written: the parsed TOML document, kept to turn a
//! field's path into a byte range of the file.

use std::ops::Range;

use crate::model::fields::{Field, Table};

/// One step of a path into the finding file.
#[derive(Debug, Clone, Copy)]
pub(super) enum Key<'a> {
    Field(&'a str),
    Index(usize),
}

/// Where `field` is written (of area `i`, for an area's field).
pub(super) fn path_of(field: &Field, i: usize) -> Vec<Key<'static>> {
    match field.table {
        Table::Top => vec![Key::Field(field.key)],
        Table::Area => vec![Key::Field(field.table.key()), Key::Index(i), Key::Field(field.key)],
        table => vec![Key::Field(table.key()), Key::Field(field.key)],
    }
}

/// `area[3].judgement` style name of a path (areas counted from 1, as in the
/// letter).
pub(super) fn field_name(path: &[Key<'_>]) -> String {
    let mut name = String::new();
    for key in path {
        match key {
            Key::Field(field) => {
                if !name.is_empty() {
                    name.push('.');
                }
                name.push_str(field);
            }
            Key::Index(i) => name.push_str(&format!("[{}]", i + 1)),
        }
    }
    name
}

/// The parsed TOML document, kept to find where a field was written.
pub(super) struct SpanIndex<'a> {
    text: &'a str,
    /// Parsed on the first lookup: a file without problems never needs it.
    root: std::cell::OnceCell<Option<toml::Spanned<toml::de::DeTable<'a>>>>,
}

impl<'a> SpanIndex<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Self { text, root: std::cell::OnceCell::new() }
    }

    /// Maps a byte range inside a string's content to the file, given the
    /// span of the string value (with its quotes). Exact for strings without
    /// escapes; clamped to the value otherwise.
    pub(super) fn inside_string(&self, value: Range<usize>, inner: Range<usize>) -> Range<usize> {
        let raw = self.text.get(value.clone()).unwrap_or_default();
        let mut open = if raw.starts_with("\"\"\"") || raw.starts_with("'''") { 3 } else { 1 };
        if open == 3 {
            open +=
                raw[3..].len() - raw[3..].trim_start_matches(['\r', '\n']).len().min(raw.len() - 3);
        }
        let start = (value.start + open + inner.start).min(value.end);
        let end = (value.start + open + inner.end).min(value.end).max(start);
        start..end
    }

    /// The span of the value at `path`, or of its nearest written parent.
    pub(super) fn find(&self, path: &[Key<'_>]) -> Option<Range<usize>> {
        use toml::de::DeValue;
        let root = self.root.get_or_init(|| toml::de::DeTable::parse(self.text).ok()).as_ref()?;
        let mut table = Some(root.get_ref());
        let mut array = None;
        let mut span = None;
        for key in path {
            let next = match (key, table, array) {
                (Key::Field(name), Some(table), _) => {
                    table.iter().find(|(k, _)| k.get_ref() == name).map(|(_, v)| v)
                }
                (Key::Index(i), _, Some(items)) => {
                    let items: &toml::de::DeArray<'_> = items;
                    items.get(*i)
                }
                _ => None,
            };
            let Some(value) = next else { break };
            span = Some(value.span());
            (table, array) = match value.get_ref() {
                DeValue::Table(t) => (Some(t), None),
                DeValue::Array(a) => (None, Some(a)),
                _ => (None, None),
            };
        }
        span
    }
}
