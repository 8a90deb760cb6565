//! Candidate votes: per-document sums of feature weights, and the best documents by them.
//!
//! Main item: [`Votes`]. Detection adds the weight of each rare feature of the new article to
//! every document carrying it (thousands of additions per article), then keeps the best
//! [`super::MAX_CANDIDATES`]. Documents are archive sequence numbers below the archive's size,
//! so a dense slot array indexed by document finds a document's running sum without hashing;
//! the array is kept between calls (per thread) and only the slots an article touched are
//! reset, so an article costs its additions, not the archive's size.

use crate::text::FastMap;
use std::cmp::Ordering;

/// Marks a slot whose document has no vote yet.
const EMPTY: u32 = u32::MAX;

/// Most documents numbered through the dense slots (4 bytes each): 64M documents, 256 MB.
/// Larger document numbers (no archive reaches them) are summed in a hash map.
const MAX_DENSE: u64 = 1 << 26;

/// Running vote sums of one article's candidates.
#[derive(Default)]
pub(crate) struct Votes {
    /// For each document below `slots.len()`: its place in `sums`, or [`EMPTY`].
    slots: Vec<u32>,
    /// Documents voted for, in order of their first vote, with their sums.
    sums: Vec<(u64, f32)>,
    /// Places in `sums` of documents beyond the dense slots.
    far: FastMap<u64, u32>,
}

/// The order of candidates: votes descending (by `total_cmp`), then document ascending.
pub(crate) fn by_votes(x: &(u64, f32), y: &(u64, f32)) -> Ordering {
    y.1.total_cmp(&x.1).then(x.0.cmp(&y.0))
}

impl Votes {
    /// Prepares for documents numbered below `n` (more are accepted, only slower).
    pub(crate) fn start(&mut self, n: u64) {
        self.clear();
        let want = usize::try_from(n.min(MAX_DENSE)).unwrap_or(0);
        if self.slots.len() < want {
            self.slots.resize(want, EMPTY);
        }
    }

    /// Adds `w` to the sum of `doc`; a document's sum starts at 0.0 and takes its additions in
    /// the order given.
    #[inline]
    pub(crate) fn add(&mut self, doc: u64, w: f32) {
        let next = self.sums.len() as u32;
        let place = match usize::try_from(doc).ok().and_then(|d| self.slots.get_mut(d)) {
            Some(slot) => {
                if *slot == EMPTY {
                    *slot = next;
                }
                *slot
            }
            None => *self.far.entry(doc).or_insert(next),
        };
        if place == next {
            self.sums.push((doc, 0.0));
        }
        if let Some(s) = self.sums.get_mut(place as usize) {
            s.1 += w;
        }
    }

    /// The best `k` documents with their sums, in [`by_votes`] order; resets the sums.
    pub(crate) fn top(&mut self, k: usize) -> Vec<(u64, f32)> {
        let mut best = std::mem::take(&mut self.sums);
        self.reset_slots(&best);
        if best.len() > k {
            if k == 0 {
                best.clear();
            } else {
                best.select_nth_unstable_by(k - 1, by_votes);
                best.truncate(k);
            }
        }
        best.sort_unstable_by(by_votes);
        best
    }

    fn reset_slots(&mut self, sums: &[(u64, f32)]) {
        for &(doc, _) in sums {
            if let Some(slot) = usize::try_from(doc).ok().and_then(|d| self.slots.get_mut(d)) {
                *slot = EMPTY;
            }
        }
        self.far.clear();
    }

    fn clear(&mut self) {
        let mut sums = std::mem::take(&mut self.sums);
        self.reset_slots(&sums);
        sums.clear();
        self.sums = sums;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What detection did before: a hash map of sums, fully sorted.
    fn reference(adds: &[(u64, f32)], k: usize) -> Vec<(u64, f32)> {
        let mut m: FastMap<u64, f32> = FastMap::default();
        for &(d, w) in adds {
            *m.entry(d).or_insert(0.0) += w;
        }
        let mut v: Vec<(u64, f32)> = m.into_iter().collect();
        v.sort_by(by_votes);
        v.truncate(k);
        v
    }

    fn bits(v: &[(u64, f32)]) -> Vec<(u64, u32)> {
        v.iter().map(|&(d, w)| (d, w.to_bits())).collect()
    }

    #[test]
    fn sums_follow_the_order_of_additions_and_ties_go_to_the_lower_document() {
        let mut v = Votes::default();
        v.start(10);
        for (d, w) in [(3, 1.0), (1, 0.5), (3, 0.25), (7, 1.25), (1, 0.75), (9, 0.1), (u64::MAX, 2.0)] {
            v.add(d, w);
        }
        assert_eq!(v.top(3), vec![(u64::MAX, 2.0), (1, 1.25), (3, 1.25)]);
        v.start(10);
        assert!(v.top(8).is_empty(), "reset between articles");
        v.add(9, 1.0);
        v.add(u64::MAX, 0.5);
        assert_eq!(v.top(0), vec![]);
        v.start(4);
        v.add(9, 1.0);
        assert_eq!(v.top(8), vec![(9, 1.0)], "slots left from the last call are empty");
    }

    proptest! {
        #[test]
        fn the_same_sums_and_top_as_a_hash_map_and_a_full_sort(
            rounds in proptest::collection::vec(
                (proptest::collection::vec((0u64..60, 0u32..6), 0..300), 0usize..12, 0u64..80),
                1..4,
            ),
        ) {
            // One Votes reused over several articles, as in detection; weights of few distinct
            // values make ties common; documents from 50 on may pass the dense slots.
            let mut v = Votes::default();
            for (adds, k, n) in rounds {
                let adds: Vec<(u64, f32)> = adds.iter().map(|&(d, w)| (d, 0.1 + w as f32 * 0.3)).collect();
                v.start(n);
                for &(d, w) in &adds {
                    v.add(d, w);
                }
                prop_assert_eq!(bits(&v.top(k)), bits(&reference(&adds, k)));
            }
        }
    }
}
