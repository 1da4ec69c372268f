//! A cache bounded by the size of what it holds.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;

/// A map that empties itself when what it holds would pass `limit` bytes
/// (each entry's size is the caller's estimate): a long `serve` session or
/// a batch of distinct letters only passes through it, and what repeats
/// (the letter being edited, its unchanged prose) is found again at once.
/// Emptying all at once instead of evicting one by one keeps it simple and
/// costs little: entries are cheap to make again.
pub(crate) struct BoundedCache<K, V> {
    entries: HashMap<K, (V, usize)>,
    bytes: usize,
    limit: usize,
}

impl<K: Hash + Eq, V> BoundedCache<K, V> {
    /// An empty cache holding at most `limit` bytes.
    pub(crate) fn new(limit: usize) -> Self {
        Self { entries: HashMap::new(), bytes: 0, limit }
    }

    /// The entry for `key`, if kept.
    pub(crate) fn get<Q: Hash + Eq + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.entries.get(key).map(|(value, _)| value)
    }

    /// Keeps `value` of `size` bytes for `key`, replacing any earlier one;
    /// empties the cache first if it would grow past its limit.
    pub(crate) fn insert(&mut self, key: K, value: V, size: usize) {
        if self.bytes + size > self.limit {
            self.entries.clear();
            self.bytes = 0;
        }
        self.bytes += size;
        if let Some((_, earlier)) = self.entries.insert(key, (value, size)) {
            self.bytes -= earlier;
        }
    }

    /// The bytes held now.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_within_its_limit_and_keeps_the_newest() {
        let mut cache = BoundedCache::new(100);
        for n in 0..20 {
            cache.insert(n, n, 30);
            assert!(cache.bytes() <= 100);
            assert_eq!(cache.get(&n), Some(&n), "the newest entry is kept");
        }
        cache.insert(19, 0, 10);
        assert_eq!(cache.get(&19), Some(&0));
        assert!(cache.bytes() <= 100);
    }

    #[test]
    fn replacing_an_entry_counts_its_size_once() {
        let mut cache = BoundedCache::new(100);
        cache.insert("a", 1, 40);
        cache.insert("a", 2, 50);
        assert_eq!(cache.bytes(), 50);
        assert_eq!(cache.get(&"a"), Some(&2));
    }
}
