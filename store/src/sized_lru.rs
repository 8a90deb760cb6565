//! [`SizedLru`]: a cache that drops the least recently used entry first once the bytes its
//! entries are said to take pass a budget, and counts its hits and misses.
//!
//! The store keeps decoded pack blocks in one; the archive keeps detection profiles in another.

use std::hash::Hash;

/// Entries with a size each, the least recently used dropped first past the budget.
pub struct SizedLru<K: Hash + Eq, V> {
    lru: lru::LruCache<K, (V, usize)>,
    bytes: usize,
    budget: usize,
    hits: u64,
    misses: u64,
}

impl<K: Hash + Eq, V: Clone> SizedLru<K, V> {
    /// An empty cache holding up to about `budget` bytes.
    pub fn new(budget: usize) -> Self {
        SizedLru { lru: lru::LruCache::unbounded(), bytes: 0, budget, hits: 0, misses: 0 }
    }

    /// The value under `key` when held, now the most recently used; counts a hit or a miss.
    pub fn get(&mut self, key: &K) -> Option<V> {
        let v = self.lru.get(key).map(|(v, _)| v.clone());
        match v {
            Some(_) => self.hits += 1,
            None => self.misses += 1,
        }
        v
    }

    /// Holds `value`, said to take `size` bytes, as the most recently used, then drops the
    /// least recently used until the budget holds (a value bigger than the budget is not kept).
    pub fn insert(&mut self, key: K, value: V, size: usize) {
        if let Some((_, old)) = self.lru.put(key, (value, size)) {
            self.bytes -= old;
        }
        self.bytes += size;
        while self.bytes > self.budget {
            match self.lru.pop_lru() {
                Some((_, (_, s))) => self.bytes -= s,
                None => break,
            }
        }
    }

    /// Drops every entry (the counts stay).
    pub fn clear(&mut self) {
        self.lru.clear();
        self.bytes = 0;
    }

    /// Lookups that found their value, and lookups that did not.
    pub fn hits_and_misses(&self) -> (u64, u64) {
        (self.hits, self.misses)
    }

    /// Entries held, and the bytes they are said to take.
    pub fn held(&self) -> (usize, usize) {
        (self.lru.len(), self.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_entry_goes_first_past_the_budget() {
        let mut cache = SizedLru::new(350);
        for n in 0..3u8 {
            cache.insert(n, n, 100);
        }
        // Using entry 0 makes entry 1 the least recently used; a fourth passes the budget.
        assert_eq!(cache.get(&0), Some(0));
        cache.insert(9, 9, 100);
        assert_eq!(cache.get(&1), None, "the least recently used entry stayed");
        for k in [0, 2, 9] {
            assert_eq!(cache.get(&k), Some(k), "{k} was dropped");
        }
        assert_eq!(cache.held(), (3, 300));
        assert_eq!(cache.hits_and_misses(), (4, 1));
        // Putting a key again replaces its size.
        cache.insert(9, 9, 50);
        assert_eq!(cache.held(), (3, 250));
        // An entry bigger than the whole budget is not kept.
        cache.insert(7, 7, 400);
        assert_eq!(cache.get(&7), None);
        assert_eq!(cache.held(), (0, 0));
    }
}
