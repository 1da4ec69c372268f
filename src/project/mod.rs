//! The project: the folder holding `letterpress.toml`, the sender's
//! letterhead shared by every letter, and the templates.
//!
//! Like cargo with `Cargo.toml`, the project is found by walking up from the
//! finding file to the nearest `letterpress.toml`. Everything typst may read
//! lives under that folder.

use std::path::{Path, PathBuf};

pub mod builtin;
mod letters;

use crate::diagnostic::{FileProblems, Problem};
use crate::model::Config;

pub use letters::{LettersError, find_findings};

/// File name of the project configuration.
pub const CONFIG_FILE: &str = "letterpress.toml";

/// A located project.
#[derive(Debug, Clone)]
pub struct Project {
    /// The folder holding `letterpress.toml` (absolute).
    pub root: PathBuf,
    /// Its parsed configuration.
    pub config: Config,
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
        let root = start
            .ancestors()
            .find(|dir| dir.join(CONFIG_FILE).is_file())
            .ok_or_else(|| ProjectError::NotFound(start.clone()))?
            .to_path_buf();
        let config = load_config(&root.join(CONFIG_FILE))?;
        Ok(Project { root, config })
    }

    /// The project whose `letterpress.toml` is directly in `dir`.
    pub fn at(dir: &Path) -> Result<Project, ProjectError> {
        let root = std::fs::canonicalize(dir)
            .map_err(|source| ProjectError::Io { path: dir.to_path_buf(), source })?;
        if !root.join(CONFIG_FILE).is_file() {
            return Err(ProjectError::NotFound(root));
        }
        let config = load_config(&root.join(CONFIG_FILE))?;
        Ok(Project { root, config })
    }

    /// Folder of the wording templates and the layout.
    pub fn templates_dir(&self) -> PathBuf {
        self.root.join("templates")
    }
}

fn load_config(path: &Path) -> Result<Config, Box<FileProblems>> {
    let shown = crate::diagnostic::display_path(path);
    let fail = |text: String, problem| {
        Box::new(FileProblems { path: shown.clone(), text, problems: vec![problem] })
    };
    let text = std::fs::read_to_string(path).map_err(|err| {
        fail(String::new(), Problem::error(None, format!("cannot read: {err}"), None))
    })?;
    toml::from_str(&text).map_err(|err| {
        let message = err.message().trim_end_matches('.').replace('\n', " ");
        fail(text.clone(), Problem::error(None, message, err.span()))
    })
}
