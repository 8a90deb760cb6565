//! Per-text lookup structures for alignment: which sentences hold a key, what their stems weigh.
//!
//! Main items: [`SigIndex`] (a text's stems and whole-sentence hashes, indexed once, each in a
//! [`KeyIndex`]), [`StemWeights`] (every sentence's stem weights, weighed once) and [`tally`].

use super::similarity::weight_sum;
use super::SentenceSig;
#[cfg(doc)]
use super::{align_sigs_indexed, align_sigs_inner, align_sigs_weighted, similarity::features_weighted};

/// The sentences of a text holding each content stem and each whole-sentence hash, for
/// [`align_sigs_indexed`]: a text aligned with several others is indexed once.
pub struct SigIndex {
    pub(super) stems: KeyIndex,
    pub(super) exact: KeyIndex,
    /// Number of sentences indexed.
    pub(super) len: usize,
}

impl SigIndex {
    /// The index of `sigs`.
    pub fn new(sigs: &[SentenceSig]) -> SigIndex {
        let exact: Vec<(u64, u32)> = sigs.iter().enumerate().map(|(i, s)| (s.exact, i as u32)).collect();
        SigIndex { stems: KeyIndex::of_stems(sigs), exact: KeyIndex::new(&exact), len: sigs.len() }
    }
}

/// A stem of `b` found in more than `(b.len() / 4).max(COMMON_FLOOR)` of its sentences proposes
/// no pairs in [`align_sigs_inner`].
pub(super) const COMMON_FLOOR: usize = 64;

/// The weights of every sentence's content stems (in [`SentenceSig::stems`] order) and their
/// totals, for [`align_sigs_weighted`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StemWeights {
    /// All weights, sentence after sentence.
    flat: Vec<f32>,
    /// End of each sentence's weights in `flat`.
    ends: Vec<usize>,
    /// Total of each sentence's weights.
    sums: Vec<f32>,
}

impl StemWeights {
    /// The weights of the stems of `sigs`, from `weight` (called once per stem).
    pub fn new(sigs: &[SentenceSig], weight: &dyn Fn(u64) -> f32) -> StemWeights {
        let mut flat = Vec::with_capacity(sigs.iter().map(|s| s.stems.len()).sum());
        let mut ends = Vec::with_capacity(sigs.len());
        let mut sums = Vec::with_capacity(sigs.len());
        for s in sigs {
            let start = flat.len();
            flat.extend(s.stems.iter().map(|&h| weight(h)));
            sums.push(weight_sum(&flat[start..]));
            ends.push(flat.len());
        }
        StemWeights { flat, ends, sums }
    }

    /// Number of sentences weighed.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether no sentence was weighed.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The weights of sentence `k`'s stems and their total; none for a sentence out of range
    /// (the pair is then compared on its bigrams alone, see [`features_weighted`]).
    pub(super) fn sentence(&self, k: usize) -> (&[f32], f32) {
        let start = match k.checked_sub(1) {
            Some(p) => self.ends.get(p).copied().unwrap_or(0),
            None => 0,
        };
        match (self.ends.get(k), self.sums.get(k)) {
            (Some(&end), Some(&sum)) => (self.flat.get(start..end).unwrap_or(&[]), sum),
            _ => (&[], 0.0),
        }
    }
}

/// Which sentences of a text hold each key (content stem, bigram or whole-sentence hash), each
/// key's sentences in the order given (a sentence listed as often as it was given with the key).
/// An open-addressing table over flat arrays, filled by counting (no sorting) instead of a hash
/// map of small vectors: a handful of allocations per text.
pub(crate) struct KeyIndex {
    /// Per slot: 0 when empty, else the key's number plus one.
    slots: Vec<u32>,
    /// The distinct keys, by number.
    keys: Vec<u64>,
    /// Start of each key's sentences in `sentences`, and a last entry for the end.
    starts: Vec<u32>,
    sentences: Vec<u32>,
}

impl KeyIndex {
    /// The index of (key, sentence) pairs; each key's sentences keep the order of `pairs`.
    pub(crate) fn new(pairs: &[(u64, u32)]) -> KeyIndex {
        let size = (2 * pairs.len()).max(8).next_power_of_two();
        let mut ix = KeyIndex { slots: vec![0; size], keys: Vec::new(), starts: Vec::new(), sentences: Vec::new() };
        // Each pair's key number, then the number of pairs per key.
        let mut numbers: Vec<u32> = Vec::with_capacity(pairs.len());
        let mut counts: Vec<u32> = Vec::new();
        for &(k, _) in pairs {
            let slot = ix.slot(k);
            let n = match ix.slots[slot] {
                0 => {
                    ix.keys.push(k);
                    counts.push(0);
                    ix.slots[slot] = ix.keys.len() as u32;
                    ix.keys.len() - 1
                }
                n => n as usize - 1,
            };
            counts[n] += 1;
            numbers.push(n as u32);
        }
        ix.starts.reserve_exact(counts.len() + 1);
        let mut at = 0u32;
        for c in &mut counts {
            ix.starts.push(at);
            at += *c;
            // From here on: where the key's next sentence goes.
            *c = at - *c;
        }
        ix.starts.push(at);
        ix.sentences = vec![0; pairs.len()];
        for (&(_, j), &n) in pairs.iter().zip(&numbers) {
            let next = &mut counts[n as usize];
            ix.sentences[*next as usize] = j;
            *next += 1;
        }
        ix
    }

    /// The slot holding `key`, or the empty one where it would go (linear probing; the table is
    /// at most half full).
    fn slot(&self, key: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut slot = crate::text::mix(key) as usize & mask;
        loop {
            match self.slots[slot] {
                0 => return slot,
                n if self.keys[n as usize - 1] == key => return slot,
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    /// The index of the content stems of `sigs`.
    pub(super) fn of_stems(sigs: &[SentenceSig]) -> KeyIndex {
        let mut pairs = Vec::with_capacity(sigs.iter().map(|s| s.stems.len()).sum());
        for (j, s) in sigs.iter().enumerate() {
            pairs.extend(s.stems.iter().map(|&h| (h, j as u32)));
        }
        KeyIndex::new(&pairs)
    }

    /// The sentences holding `key`.
    pub(crate) fn get(&self, key: u64) -> &[u32] {
        let n = match self.slots[self.slot(key)] {
            0 => return &[],
            n => n as usize - 1,
        };
        match (self.starts.get(n), self.starts.get(n + 1)) {
            (Some(&s), Some(&e)) => self.sentences.get(s as usize..e as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// Adds `times` to the tally of each sentence in `js` (a sentence listed twice counts twice);
/// `touched` receives each sentence whose tally was zero.
pub(crate) fn tally(js: &[u32], times: u32, count: &mut [u32], touched: &mut Vec<u32>) {
    for &j in js {
        if let Some(c) = count.get_mut(j as usize) {
            if *c == 0 {
                touched.push(j);
            }
            *c = c.saturating_add(times);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::weight;
    use super::*;

    #[test]
    fn key_index_lists_sentences_in_order() {
        let ix = KeyIndex::new(&[(3, 1), (7, 0), (7, 2), (7, 2), (9, 4)]);
        assert_eq!(ix.get(7), &[0, 2, 2]);
        assert_eq!(ix.get(3), &[1]);
        assert_eq!(ix.get(9), &[4]);
        assert!(ix.get(5).is_empty());
        assert!(KeyIndex::new(&[]).get(1).is_empty());
        // Many keys, probing past collisions.
        let pairs: Vec<(u64, u32)> = (0..500u32).map(|j| (u64::from(j % 97) << 40, j)).collect();
        let ix = KeyIndex::new(&pairs);
        for k in 0..97u64 {
            let want: Vec<u32> = (0..500u32).filter(|j| u64::from(j % 97) == k).collect();
            assert_eq!(ix.get(k << 40), want.as_slice());
        }
        assert!(ix.get(98 << 40).is_empty());
        let w = StemWeights::new(&[], &weight);
        assert!(w.is_empty() && w.sentence(0).0.is_empty());
    }
}
