//! The files built into the binary, so an installed `letterpress` needs
//! nothing from this repository at run time.
//!
//! The wording template and the layout are the defaults of every project: a
//! project overrides one by putting a file of the same name in its own
//! `templates/` folder (as zola themes are overridden). `init` writes the
//! project skeleton from here too.

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

/// A commented finding file with every field, for `letterpress new`.
pub const SCAFFOLD: &str = include_str!("skeleton/scaffold.toml");

/// What `letterpress init` writes into a new project.
pub const PROJECT_SKELETON: &[BuiltinFile] = &[
    BuiltinFile { path: "letterpress.toml", contents: include_str!("skeleton/letterpress.toml") },
    BuiltinFile { path: "letters/example.toml", contents: EXAMPLE_LETTER },
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
