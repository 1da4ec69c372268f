//! The project: the folder holding `letterpress.toml`, the sender's
//! letterhead shared by every letter, and the templates.
//!
//! Like cargo with `Cargo.toml`, the project is found by walking up from the
//! finding file to the nearest `letterpress.toml`. Everything typst may read
//! lives under that folder.

use std::path::{Path, PathBuf};

pub mod builtin;
mod letters;
pub mod words;

use crate::diagnostic::{FileProblems, Problem};
use crate::model::Config;
use crate::sandbox::{Kind, Sandbox};

pub use letters::{LettersError, find_findings};
pub use words::{WORDS_FILE, WordsError};

/// File name of the project configuration.
pub const CONFIG_FILE: &str = "letterpress.toml";

/// A located project.
#[derive(Debug, Clone)]
pub struct Project {
    /// The folder holding `letterpress.toml` (absolute).
    pub root: PathBuf,
    /// Its parsed configuration.
    pub config: Config,
    /// The one door to its files.
    pub files: Sandbox,
}

/// The folders every letter of a project is made from besides its own
/// finding file: its wording templates and layout, and its fonts. With
/// `letterpress.toml`, what `watch` follows and `batch` fingerprints for
/// every letter (each letter adds the files typst read for it).
pub const SHARED_FOLDERS: [&str; 2] = ["templates", "fonts"];

/// The folder of the project's JSON Schemas, one per letter kind, that
/// editors check finding files against (`letterpress schema`).
pub const SCHEMAS: &str = "schemas";

/// The schema of finding files that name the template `name`.
pub fn schema_path(root: &Path, name: &str) -> PathBuf {
    root.join(SCHEMAS).join(format!("{name}.schema.json"))
}

/// The first lines of the finding file `file` of the project at `root`
/// when it names the template `name`: `#:schema ../schemas/NAME.schema.json`
/// (relative, so the project can move) and a blank line, which tombi and
/// Even Better TOML read to complete and check the file. Nothing for a file
/// outside the project. The file and its folders need not exist yet.
pub fn schema_directive(root: &Path, file: &Path, name: &str) -> String {
    let Some(depth) = depth_below(root, file) else { return String::new() };
    format!("#:schema {}{SCHEMAS}/{name}.schema.json\n\n", "../".repeat(depth))
}

/// How many folders below `root` the folder of `file` is; `None` outside it.
fn depth_below(root: &Path, file: &Path) -> Option<usize> {
    let mut at = file.parent()?;
    let mut missing = 0;
    let existing = loop {
        let here = if at.as_os_str().is_empty() { Path::new(".") } else { at };
        if let Ok(found) = std::fs::canonicalize(here) {
            break found;
        }
        at.file_name()?;
        missing += 1;
        at = at.parent()?;
    };
    Some(existing.strip_prefix(root).ok()?.components().count() + missing)
}

/// Why no usable project was found.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// No `letterpress.toml` above the starting point.
    #[error(
        "no {CONFIG_FILE} found in {} or any parent folder; create a project with `letterpress init`, or name one with --project DIR",
        .0.display()
    )]
    NotFound(PathBuf),
    /// The starting point does not exist.
    #[error("cannot read {}: {source}", .path.display())]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `letterpress.toml` is malformed.
    #[error("{0}")]
    Config(#[from] Box<FileProblems>),
}

impl Project {
    /// Finds the project containing `start` (a file or folder).
    pub fn discover(start: &Path) -> Result<Project, ProjectError> {
        let start = std::fs::canonicalize(start)
            .map_err(|source| ProjectError::Io { path: start.to_path_buf(), source })?;
        // `exists`, not `is_file`: a letterpress.toml that is a named pipe or
        // a folder is found, and reading it then says what it is.
        let root = start
            .ancestors()
            .find(|dir| dir.join(CONFIG_FILE).exists())
            .ok_or_else(|| ProjectError::NotFound(start.clone()))?
            .to_path_buf();
        Project::with_root(root)
    }

    /// The project whose `letterpress.toml` is directly in `dir`.
    pub fn at(dir: &Path) -> Result<Project, ProjectError> {
        let root = std::fs::canonicalize(dir)
            .map_err(|source| ProjectError::Io { path: dir.to_path_buf(), source })?;
        if !root.join(CONFIG_FILE).exists() {
            return Err(ProjectError::NotFound(root));
        }
        Project::with_root(root)
    }

    fn with_root(root: PathBuf) -> Result<Project, ProjectError> {
        let files = Sandbox::new(&root)
            .map_err(|source| ProjectError::Io { path: root.clone(), source })?;
        crate::diagnostic::show_paths_from(&root);
        let config = load_config(&files, &root.join(CONFIG_FILE))?;
        Ok(Project { root, config, files })
    }

    /// Folder of the wording templates and the layout.
    pub fn templates_dir(&self) -> PathBuf {
        self.root.join("templates")
    }
}

fn load_config(files: &Sandbox, path: &Path) -> Result<Config, Box<FileProblems>> {
    let shown = crate::diagnostic::display_path(path);
    let fail = |text: String, problem| {
        Box::new(FileProblems { path: shown.clone(), text, problems: vec![problem] })
    };
    let text = files
        .read_text(path, Kind::Config)
        .map_err(|err| fail(String::new(), Problem::error(None, err.to_string(), None)))?;
    toml::from_str(&text).map_err(|err| {
        let message = err.message().trim_end_matches('.').replace('\n', " ");
        fail(text.clone(), Problem::error(None, message, err.span()))
    })
}
