//! Letter discovery: the finding files under a folder, as `batch`, `check`,
//! `watch` and `serve` all find them.

use std::path::{Path, PathBuf};

use super::CONFIG_FILE;

/// A folder of letters could not be listed.
#[derive(Debug, thiserror::Error)]
#[error("cannot read {}: {source}", .path.display())]
pub struct LettersError {
    /// What could not be read.
    pub path: PathBuf,
    /// Why.
    pub source: std::io::Error,
}

/// The finding files under `dir`: `*.toml` files, sorted, skipping hidden
/// files and folders and the project's own `letterpress.toml`.
pub fn find_findings(dir: &Path) -> Result<Vec<PathBuf>, LettersError> {
    let mut found = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|err| LettersError {
            path: err.path().unwrap_or(dir).to_path_buf(),
            source: err.into(),
        })?;
        let name = entry.file_name().to_string_lossy();
        // `x.toml.txt` is a finding file Notepad saved: found, so that
        // reading it says to rename it, never skipped in silence.
        let finding = name.ends_with(".toml") || name.ends_with(".toml.txt");
        if entry.file_type().is_file() && finding && name != CONFIG_FILE {
            found.push(entry.into_path());
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_toml_files_but_not_hidden_ones_or_the_config() {
        let dir = tempfile::tempdir().unwrap();
        for file in
            ["b.toml", "a.toml", "sub/c.toml", ".hidden/d.toml", ".e.toml", "f.txt", "g.toml.txt"]
        {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        std::fs::write(dir.path().join(CONFIG_FILE), "").unwrap();
        let found: Vec<_> = find_findings(dir.path())
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(found, ["a.toml", "b.toml", "g.toml.txt", "sub/c.toml"]);
    }
}
