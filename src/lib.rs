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
mod compare;
pub mod diagnostic;
pub mod docx;
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

/// No cycle among the files of any folder (`super::x` outside tests): each
/// folder's files form layers, so each can be read knowing only those it uses.
#[cfg(test)]
mod no_cycles {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    /// The files and subfolders of `folder` each file uses through `super::`.
    fn uses(folder: &Path) -> BTreeMap<String, BTreeSet<String>> {
        let mut nodes = BTreeMap::new();
        for entry in std::fs::read_dir(folder).unwrap().flatten() {
            let path = entry.path();
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let source = match (path.is_dir(), path.extension().is_some_and(|e| e == "rs")) {
                _ if name == "tests" || name == "mod" => continue,
                (true, _) => path.join("mod.rs"),
                (false, true) => path,
                (false, false) => continue,
            };
            let text = std::fs::read_to_string(source).unwrap_or_default();
            let text = text.split("#[cfg(test)]").next().unwrap_or_default().to_owned();
            nodes.insert(name, text);
        }
        let names: BTreeSet<String> = nodes.keys().cloned().collect();
        let mut edges = BTreeMap::new();
        for (name, text) in &nodes {
            let mut used = BTreeSet::new();
            for after in text.split("super::").skip(1) {
                let end = if after.starts_with('{') { after.find('}') } else { None };
                let part = &after[..end.unwrap_or_else(|| {
                    after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(0)
                })];
                let words = part.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
                used.extend(words.filter(|w| names.contains(*w) && w != name).map(str::to_owned));
            }
            edges.insert(name.clone(), used);
        }
        edges
    }

    /// Whether `to` is reached from `from` by following `edges`.
    fn reaches(edges: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
        let (mut seen, mut next) = (BTreeSet::new(), vec![from.to_owned()]);
        while let Some(node) = next.pop() {
            for used in &edges[&node] {
                if used == to {
                    return true;
                }
                if seen.insert(used.clone()) {
                    next.push(used.clone());
                }
            }
        }
        false
    }

    #[test]
    fn no_folder_has_a_cycle_among_its_files() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut cycles = Vec::new();
        for dir in walkdir::WalkDir::new(&src).into_iter().flatten().filter(|e| e.path().is_dir()) {
            let edges = uses(dir.path());
            let cyclic: Vec<&String> = edges.keys().filter(|n| reaches(&edges, n, n)).collect();
            if !cyclic.is_empty() {
                cycles.push(format!("{}: {cyclic:?}", dir.path().display()));
            }
        }
        assert!(cycles.is_empty(), "files that use each other: {cycles:#?}");
    }
}
