//! letterpress turns an inspector's structured findings into a formal,
//! signed-off letter as a PDF.
//!
//! Data flows one way through the stages (ARCHITECTURE.md draws it):
//! [`model`] (what a letter is) → [`finding`] (the TOML file read into the
//! model and validated) → [`wording`] (tera templates and Markdown → typst
//! source) → [`typeset`] (typst in-process: layout, PDF, page images) →
//! `output` (naming and writing files whole) → `import` (a tracker
//! spreadsheet made into finding files) → [`render`] (the pipeline,
//! composed once) → `commands` (batch, watch, serve) → [`cli`]. [`project`]
//! (discovery, config, built-in files, letter discovery) serves them all;
//! [`diagnostic`] (located problems) is a leaf every stage reports through,
//! and [`sandbox`] the one door every file is read through.

mod cache;
pub mod cli;
mod commands;
pub mod diagnostic;
pub mod finding;
mod import;
pub mod model;
mod output;
pub mod project;
pub mod render;
pub mod sandbox;
pub mod typeset;
pub mod wording;

/// The fixture project the unit tests read (`tests/fixtures/project`), so
/// no test depends on what `letters/` holds.
#[cfg(test)]
mod test_fixtures {
    use std::path::PathBuf;

    /// The fixture project's root.
    pub(crate) fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project")
    }

    /// The one door to the fixture project's files.
    pub(crate) fn files() -> crate::sandbox::Sandbox {
        crate::sandbox::Sandbox::new(&root()).unwrap()
    }

    /// The demo letter, as the fixture project holds it.
    pub(crate) fn demo() -> PathBuf {
        root().join("letters/cafcass-greater-london.toml")
    }
}
