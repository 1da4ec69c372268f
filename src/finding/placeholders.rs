//! The scaffold's placeholder: a final letter must not go out with a `TODO`.

use std::path::Path;

use crate::diagnostic::{FileProblems, Problem};

/// The text the scaffold of `letterpress new` marks unfinished fields with.
pub const PLACEHOLDER: &str = "TODO";

/// Every string in the finding file that still holds the scaffold's
/// placeholder, as errors: a final letter must not go out with a `TODO`.
pub fn placeholders(path: &Path, text: String) -> FileProblems {
    fn walk(
        value: &toml::Spanned<toml::de::DeValue<'_>>,
        name: String,
        problems: &mut Vec<Problem>,
    ) {
        match value.get_ref() {
            toml::de::DeValue::String(s) if s.contains(PLACEHOLDER) => problems.push(
                Problem::error(
                    Some(name),
                    format!("a final letter still has the placeholder {PLACEHOLDER}"),
                    Some(value.span()),
                )
                .with_hint("fill it in, or render as a draft (status = \"draft\" or --draft)"),
            ),
            toml::de::DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, format!("{name}[{}]", i + 1), problems);
                }
            }
            toml::de::DeValue::Table(table) => {
                for (key, item) in table.iter() {
                    let key = key.get_ref();
                    let name =
                        if name.is_empty() { key.to_string() } else { format!("{name}.{key}") };
                    walk(item, name, problems);
                }
            }
            _ => {}
        }
    }
    let mut problems = Vec::new();
    // Parsing again is only worth it when the placeholder can be there,
    // written out or hidden in an escape.
    let may_hold = text.contains(PLACEHOLDER) || text.contains("\\u") || text.contains("\\U");
    if may_hold && let Ok(table) = toml::de::DeTable::parse(&text) {
        for (key, value) in table.get_ref().iter() {
            walk(value, key.get_ref().to_string(), &mut problems);
        }
    }
    problems.sort_by_key(|p| p.span.as_ref().map_or(0, |s| s.start));
    FileProblems { path: path.to_path_buf(), text, problems }
}
