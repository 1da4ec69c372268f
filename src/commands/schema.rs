//! `letterpress schema`: the JSON Schema of each kind of letter a project
//! makes, written to `schemas/` for editors (README, "Editor support").
//! `init` writes them for the built-in templates, `new` and `import` write
//! any that are missing, so the `#:schema` line they put first in a file
//! always names a schema that exists.

use std::path::{Path, PathBuf};

use crate::model::schema::{MARKER, schema};
use crate::output::OutputError;
use crate::project::schema_path;
use crate::wording::Templates;

/// Which schemas to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Every template's, replacing the ones `letterpress schema` wrote
    /// before (the templates' front matter may have changed).
    All,
    /// Only those not there yet.
    Missing,
}

/// Why a schema was not written.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// A file of that name is not one `letterpress schema` wrote.
    #[error(
        "{} was not written by `letterpress schema`; not replacing it: move it away, then run `letterpress schema` again",
        crate::diagnostic::display_path(.0).display()
    )]
    NotOurs(PathBuf),
    /// It could not be written.
    #[error("{0}")]
    Output(#[from] OutputError),
}

/// Writes the schema of every template finding files can name (a Welsh
/// version's letters are of its English template's kind, so it has none)
/// into the project at `root`; returns the files written, in name order.
pub fn write(
    root: &Path,
    templates: &Templates,
    which: Which,
) -> Result<Vec<PathBuf>, SchemaError> {
    let mut written = Vec::new();
    for info in templates.all().filter(|info| !info.name.contains('.')) {
        let path = schema_path(root, &info.name);
        let mut text = serde_json::to_string_pretty(&schema(&info.kind, &info.name))
            .expect("a JSON value always serializes");
        text.push('\n');
        let old = match std::fs::read_to_string(&path) {
            Ok(_) if which == Which::Missing => continue,
            Ok(old) => Some(old),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
            // Not text: not ours either.
            Err(_) => return Err(SchemaError::NotOurs(path)),
        };
        match old {
            Some(old) if old == text => continue,
            Some(old) if !old.contains(MARKER) => return Err(SchemaError::NotOurs(path)),
            _ => {}
        }
        crate::output::write(&path, text.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}
