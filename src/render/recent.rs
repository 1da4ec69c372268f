//! The letters a remembering renderer keeps, to tell that one would come
//! out the same.

use std::path::{Path, PathBuf};

use super::PreparedLetter;
use crate::cache::BoundedCache;
use crate::sandbox::{Kind, Sandbox};

/// Letters prepared lately, by the path of their finding file, each with
/// what it was made from, so [`Renderer::prepare`] can tell that it would
/// come out the same.
///
/// Bounded: emptied when it would hold more than
/// [`RecentLetters::LIMIT`] bytes of text (some twenty letters like the
/// demo), so a long `serve` session over a large folder cannot grow it
/// without end.
pub(super) struct RecentLetters {
    by_path: BoundedCache<PathBuf, Remembered>,
}

impl Default for RecentLetters {
    fn default() -> Self {
        Self { by_path: BoundedCache::new(Self::LIMIT) }
    }
}

pub(super) struct Remembered {
    /// The finding file's text.
    pub(super) text: String,
    /// The translation's path and text, if the letter has one.
    pub(super) translation: Option<(PathBuf, String)>,
    /// The time a draft was stamped with, to the minute.
    pub(super) stamp: Option<String>,
    pub(super) letter: PreparedLetter,
}

impl Remembered {
    fn bytes(&self) -> usize {
        self.text.len()
            + self.translation.as_ref().map_or(0, |(_, text)| text.len())
            + self.letter.source.len()
    }
}

impl RecentLetters {
    pub(super) const LIMIT: usize = 1 << 20;

    /// The letter at `path` as last prepared, if it would come out the same
    /// now that its finding file reads `text` and the time is `now`. A
    /// translation is read again to be compared (under the lock: few letters
    /// have one, and it is small).
    pub(super) fn recall(
        &self,
        files: &Sandbox,
        path: &Path,
        text: &str,
        now: &str,
    ) -> Option<PreparedLetter> {
        let remembered = self.by_path.get(path)?;
        let unchanged = remembered.text == text
            && remembered.translation.as_ref().is_none_or(|(path, text)| {
                files.read_text(path, Kind::Finding).is_ok_and(|now| now == *text)
            })
            && remembered.stamp.as_deref().is_none_or(|stamp| stamp == now);
        unchanged.then(|| remembered.letter.clone())
    }

    pub(super) fn remember(&mut self, path: &Path, remembered: Remembered) {
        let size = remembered.bytes();
        self.by_path.insert(path.to_path_buf(), remembered, size);
    }

    /// The bytes of text held now.
    #[cfg(test)]
    pub(super) fn bytes(&self) -> usize {
        self.by_path.bytes()
    }
}
