//! The batch manifest: a fingerprint of each PDF's inputs, so a letter
//! whose inputs are unchanged is not rendered again.

use std::collections::BTreeMap;
use std::path::Path;

use super::OutputError;

/// Name of the fingerprint manifest inside the output folder.
pub const MANIFEST_FILE: &str = ".letterpress-manifest.toml";

/// Fingerprints of the PDFs in an output folder, keyed by relative path.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    letters: BTreeMap<String, String>,
}

impl Manifest {
    /// Reads the manifest; a missing or unreadable one means "render all".
    pub fn load(path: &Path) -> Manifest {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|text| toml::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// The fingerprint recorded for `key`.
    pub fn get(&self, key: &str) -> Option<u128> {
        u128::from_str_radix(self.letters.get(key)?, 16).ok()
    }

    /// Records `fingerprint` for `key`.
    pub fn insert(&mut self, key: String, fingerprint: u128) {
        self.letters.insert(key, format!("{fingerprint:032x}"));
    }

    /// Writes the manifest to `path`.
    pub fn save(&self, path: &Path) -> Result<(), OutputError> {
        let text = toml::to_string(self).unwrap_or_default();
        super::write(path, text.as_bytes())
    }
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
    fn manifest_round_trips_fingerprints() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MANIFEST_FILE);
        let mut manifest = Manifest::default();
        manifest.insert("a/b.pdf".into(), u128::MAX - 7);
        manifest.save(&path).unwrap();
        assert_eq!(Manifest::load(&path).get("a/b.pdf"), Some(u128::MAX - 7));
        assert_eq!(Manifest::load(&dir.path().join("missing")).get("a/b.pdf"), None);
    }
}
