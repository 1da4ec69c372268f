//! The batch manifest: for each PDF, a fingerprint of everything it was
//! made from, the project files typst read for it, and a digest of the PDF
//! as written, so a letter is rendered again exactly when one of those
//! changed, its PDF was edited or replaced, or it is gone.

use std::collections::BTreeMap;
use std::path::Path;

use super::OutputError;
use crate::sandbox::{Kind, ReadError};

/// Name of the fingerprint manifest inside the output folder.
pub const MANIFEST_FILE: &str = ".letterpress-manifest.toml";

/// What one PDF was made from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    /// Fingerprint of the letter's inputs: the finding file and translation
    /// as rendered, what every letter shares, and `files` as typst read them.
    pub inputs: String,
    /// Digest of the PDF's bytes as written.
    pub pdf: String,
    /// The project files typst read for the letter, relative to the project
    /// root with `/` separators.
    #[serde(default)]
    pub files: Vec<String>,
}

/// The entries of the PDFs in an output folder, keyed by relative path.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    letters: BTreeMap<String, Entry>,
}

impl Manifest {
    /// Reads the manifest; a missing, unreadable or older one means
    /// "render all". One that is a named pipe, a device, a link or too
    /// large is refused: something other than letterpress put it there.
    pub fn load(path: &Path) -> Result<Manifest, ReadError> {
        match crate::sandbox::read_file(path, Kind::Record) {
            Ok(bytes) => Ok(toml::from_str(&String::from_utf8_lossy(&bytes)).unwrap_or_default()),
            Err(err @ (ReadError::NotAFile { .. } | ReadError::TooLarge { .. })) => Err(err),
            Err(_) => Ok(Manifest::default()),
        }
    }

    /// The entry recorded for `key`.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.letters.get(key)
    }

    /// Records `entry` for `key`.
    pub fn insert(&mut self, key: String, entry: Entry) {
        self.letters.insert(key, entry);
    }

    /// Forgets `key` (its letter failed: its old PDF no longer matches it).
    pub fn remove(&mut self, key: &str) {
        self.letters.remove(key);
    }

    /// Keeps only the entries whose key `keep` accepts.
    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        self.letters.retain(|key, _| keep(key));
    }

    /// Writes the manifest to `path`, whole or not at all.
    pub fn save(&self, path: &Path) -> Result<(), OutputError> {
        let text = toml::to_string(self).unwrap_or_default();
        super::write(path, text.as_bytes())
    }
}

/// A fingerprint as the manifest writes it.
pub fn hex(fingerprint: u128) -> String {
    format!("{fingerprint:032x}")
}

/// A PDF's path relative to the output folder as the manifest keys it, with
/// `/` separators on every system.
pub fn key(relative: &Path) -> String {
    relative.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_round_trips_entries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MANIFEST_FILE);
        let mut manifest = Manifest::default();
        let entry = Entry {
            inputs: hex(u128::MAX - 7),
            pdf: hex(3),
            files: vec!["signatures/a.png".into()],
        };
        manifest.insert("a/b.pdf".into(), entry.clone());
        manifest.save(&path).unwrap();
        assert_eq!(Manifest::load(&path).unwrap().get("a/b.pdf"), Some(&entry));
        assert_eq!(Manifest::load(&dir.path().join("missing")).unwrap().get("a/b.pdf"), None);
    }

    #[test]
    fn a_manifest_of_an_older_form_means_render_all() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MANIFEST_FILE);
        std::fs::write(&path, "[letters]\n\"a.pdf\" = \"00ff\"\n").unwrap();
        assert_eq!(Manifest::load(&path).unwrap().get("a.pdf"), None);
    }
}
