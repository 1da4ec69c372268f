//! Prose converted from Markdown, kept between renders.

use tera::Value;

use super::markdown;
use crate::cache::BoundedCache;
use crate::model::MarkdownOptions;

/// Prose already converted from Markdown, kept between renders.
///
/// In the edit-preview loop a letter is worded again after every save, but
/// an edit touches one field: the others convert exactly as before (the
/// conversion depends on the text, the lead and the project's Markdown
/// options only), so their markup is looked up rather than made again. That
/// takes a third off the wording's time in a warm re-render (BENCHMARKS.md).
/// Bounded: emptied when it holds more than [`ConvertedProse::LIMIT`] bytes
/// of prose, so a batch of distinct letters only passes through it.
pub(super) struct ConvertedProse {
    /// Entries by the hash of their text; the text is compared too,
    /// so a hash collision only costs a conversion.
    by_hash: BoundedCache<u64, ProseEntry>,
    /// How many texts were converted rather than found.
    conversions: usize,
}

impl Default for ConvertedProse {
    fn default() -> Self {
        Self { by_hash: BoundedCache::new(Self::LIMIT), conversions: 0 }
    }
}

struct ProseEntry {
    text: Box<str>,
    markup: Value,
}

impl ConvertedProse {
    pub(super) const LIMIT: usize = 1 << 20;

    /// The typst markup of `text`, converted only if not already.
    pub(super) fn markup(&mut self, text: &str, options: MarkdownOptions) -> Value {
        use std::hash::BuildHasher;
        let hash = foldhash::fast::FixedState::default().hash_one(text);
        let same = |e: &&ProseEntry| *e.text == *text;
        if let Some(entry) = self.by_hash.get(&hash).filter(same) {
            return entry.markup.clone();
        }
        let markup = Value::safe_string(&markdown::to_typst(text, None, options).markup);
        self.conversions += 1;
        let entry = ProseEntry { text: text.into(), markup };
        let markup = entry.markup.clone();
        self.by_hash.insert(hash, entry, text.len());
        markup
    }

    /// How many prose fields have been converted rather than found.
    #[cfg(test)]
    pub(super) fn conversions(&self) -> usize {
        self.conversions
    }

    /// The bytes of prose held now.
    #[cfg(test)]
    pub(super) fn bytes(&self) -> usize {
        self.by_hash.bytes()
    }
}
