//! The files built into the binary, so an installed `letterpress` needs
//! nothing from this repository at run time.
//!
//! The wording template and the layout are the defaults of every project: a
//! project overrides one by putting a file of the same name in its own
//! `templates/` folder (as zola themes are overridden). `init` writes the
//! project skeleton from here too.

use crate::model::{Date, Language};

/// A file a project gets unless it has its own.
#[derive(Debug, Clone, Copy)]
pub struct BuiltinFile {
    /// Path relative to the project root, with `/` separators.
    pub path: &'static str,
    /// The file's text.
    pub contents: &'static str,
}

/// A built-in template: its file under `templates/`, embedded.
macro_rules! template {
    ($name:literal) => {
        BuiltinFile {
            path: concat!("templates/", $name),
            contents: include_str!(concat!("../../templates/", $name)),
        }
    };
}

/// The built-in templates, overridable by the project's own files.
pub const TEMPLATES: &[BuiltinFile] = &[
    template!("monitoring.md.tera"),
    template!("monitoring.cy.md.tera"),
    template!("brief.md.tera"),
    template!("layout.typ"),
];

/// A complete, valid finding file: the example letter of a new project.
pub const EXAMPLE_LETTER: &str = include_str!("skeleton/example.toml");

/// A commented finding file with every field, for `letterpress new`: every
/// choice nobody has made yet is `TODO`, so `check` asks for it and a final
/// letter can never go out with a judgement nobody chose.
const SCAFFOLD: &str = include_str!("skeleton/scaffold.toml");

/// What `letterpress new` fills in beyond the placeholders.
#[derive(Debug, Clone, Copy)]
pub struct ScaffoldOptions<'a> {
    /// The letter's date: the day the file is made.
    pub today: Date,
    /// How many `[[area]]` tables to write.
    pub areas: usize,
    /// The wording template to name, if not the project's default.
    pub template: Option<&'a str>,
    /// The language the letter is written in.
    pub language: Language,
}

/// The scaffold of a new finding file.
pub fn scaffold(options: &ScaffoldOptions<'_>) -> String {
    let first_area = SCAFFOLD.find("\n[[area]]").map_or(SCAFFOLD.len(), |i| i + 1);
    let (head, area) = SCAFFOLD.split_at(first_area);
    let mut text = String::with_capacity(SCAFFOLD.len() + area.len() * options.areas);
    for line in head.split_inclusive('\n') {
        // The line's own comment, after the value (or after the commented-out value).
        let comment = line.rfind("  #").map_or("\n", |i| line[i..].trim_start());
        let set = |value: String| format!("{value:<34}{comment}");
        let english = options.language == Language::English;
        match (line.split(" = ").next(), options.template) {
            (Some("date"), _) => text.push_str(&set(format!("date = {}", options.today))),
            (Some("# template"), Some(name)) => {
                text.push_str(&set(format!("template = \"{name}\"")))
            }
            (Some("# language"), _) if !english => {
                text.push_str(&set(format!("language = \"{}\"", options.language.code())));
            }
            _ => text.push_str(line),
        }
    }
    for i in 0..options.areas {
        if i > 0 {
            text.push('\n');
        }
        text.push_str(area);
    }
    text
}

/// What `letterpress init` writes into a new project.
pub const PROJECT_SKELETON: &[BuiltinFile] = &[
    BuiltinFile { path: "letterpress.toml", contents: include_str!("skeleton/letterpress.toml") },
    BuiltinFile { path: "letters/example.toml", contents: EXAMPLE_LETTER },
    BuiltinFile { path: "words.txt", contents: include_str!("skeleton/words.txt") },
    BuiltinFile {
        path: "templates/README.md",
        contents: include_str!("skeleton/templates-README.md"),
    },
];

/// The suffix of wording templates (Markdown with tera placeholders).
pub const WORDING_SUFFIX: &str = ".md.tera";

/// Where the layout is, in a project and built in.
pub const LAYOUT: &str = "templates/layout.typ";

/// Where the wording template a finding file names `name` is.
pub fn wording_path(name: &str) -> String {
    format!("templates/{name}{WORDING_SUFFIX}")
}

/// The built-in template at `path` (relative to the project root).
pub fn template(path: &str) -> Option<&'static BuiltinFile> {
    TEMPLATES.iter().find(|file| file.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scaffold_with(areas: usize, template: Option<&str>, language: Language) -> String {
        let today = Date { year: 2026, month: 12, day: 2 };
        scaffold(&ScaffoldOptions { today, areas, template, language })
    }

    #[test]
    fn the_scaffold_is_dated_today_and_chooses_no_judgement() {
        let text = scaffold_with(1, None, Language::English);
        toml::de::DeTable::parse(&text).unwrap();
        assert!(text.contains("\ndate = 2026-12-02   "), "{text}");
        assert!(text.contains("\noverall = \"TODO\"   "), "{text}");
        assert!(text.contains("judgement = \"TODO\""));
        assert!(text.contains("timescale = \"TODO\""));
        assert!(text.contains("status = \"draft\""));
        for word in ["satisfactory\"", "\"good\"", "\"immediately\""] {
            assert!(!text.contains(&format!("= {word}")), "pre-filled {word}");
        }
        assert!(text.contains("# template = "), "no template named");
        assert!(text.contains("# language = "), "English by default");
    }

    #[test]
    fn areas_template_and_language_are_written_when_asked() {
        let text = scaffold_with(3, Some("brief"), Language::Welsh);
        assert_eq!(text.matches("\n[[area]]").count(), 3);
        assert!(text.contains("\ntemplate = \"brief\"   "), "{text}");
        assert!(text.contains("\nlanguage = \"cy\"   "), "{text}");
        toml::de::DeTable::parse(&text).unwrap();
    }

    #[test]
    fn the_scaffold_has_every_field_of_the_description_and_no_other() {
        use crate::model::fields::{FIELDS, Table};
        // Its optional fields are written commented out: read them too.
        let text: String = SCAFFOLD
            .lines()
            .map(|line| {
                let commented = line.strip_prefix("# ").filter(|rest| {
                    rest.split_once(" = ").is_some_and(|(key, _)| {
                        key.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    })
                });
                format!("{}\n", commented.unwrap_or(line))
            })
            .collect();
        let table: toml::Table = toml::from_str(&text).unwrap();
        let mut written = Vec::new();
        for (key, value) in &table {
            match value {
                toml::Value::Table(fields) => {
                    written.extend(fields.keys().map(|k| format!("{key}.{k}")));
                }
                toml::Value::Array(areas) if key == "area" => {
                    let area = areas[0].as_table().unwrap();
                    written.extend(area.keys().map(|k| format!("{key}.{k}")));
                }
                _ => written.push(key.clone()),
            }
        }
        let mut described: Vec<String> = FIELDS
            .iter()
            .map(|f| match f.table {
                Table::Top => f.key.to_owned(),
                table => format!("{}.{}", table.key(), f.key),
            })
            .collect();
        written.sort();
        described.sort();
        assert_eq!(written, described);
    }
}
