//! Sentence-pair similarity: the figures compared for two sentences and the model over them.
//!
//! Main items: [`similarity`], [`features`] and [`PairFeatures`] (made a calibrated similarity
//! by [`PairFeatures::sim`] with [`COEF`]), and the name matching by edit distance they use.

use super::SentenceSig;

/// The figures compared for one pair of sentences.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PairFeatures {
    /// Weighted Dice of content stems (names matched by edit distance count too).
    pub wdice: f32,
    /// Unweighted Dice of content stems.
    pub dice: f32,
    /// Dice of word bigrams.
    pub overlap: f32,
    /// Share of numbers found on one side only (0 when a side has none).
    pub num_mismatch: f32,
    /// Shorter over longer sentence length, in words.
    pub len_ratio: f32,
}

/// Logistic model coefficients: intercept, wdice, dice, overlap, num_mismatch, len_ratio.
/// Fitted by `examples/detect_calibrate.rs` on MSRP train (see that file).
pub const COEF: [f32; 6] = [-2.122, 3.763, 0.0, 1.004, -0.444, 0.0];

impl PairFeatures {
    /// The calibrated similarity in [0, 1].
    pub fn sim(&self) -> f32 {
        let z = COEF[0]
            + COEF[1] * self.wdice
            + COEF[2] * self.dice
            + COEF[3] * self.overlap
            + COEF[4] * self.num_mismatch
            + COEF[5] * self.len_ratio;
        let s = 1.0 / (1.0 + (-z).exp());
        if s.is_finite() {
            s
        } else {
            0.0
        }
    }
}

/// Size of the intersection of two sorted, deduplicated slices.
///
/// Branch-free steps (the comparisons are unpredictable): each one advances the side holding
/// the smaller value, or both when they are equal.
fn intersect_count(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        n += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    n
}

/// Levenshtein distance of two short strings (their first 64 characters), or `None` when above
/// `max`. Works on the stack: it runs for name pairs on the alignment's hot path.
fn edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    const CAP: usize = 64;
    let mut ca = ['\0'; CAP];
    let mut cb = ['\0'; CAP];
    let la = a.chars().take(CAP).zip(ca.iter_mut()).map(|(c, slot)| *slot = c).count();
    let lb = b.chars().take(CAP).zip(cb.iter_mut()).map(|(c, slot)| *slot = c).count();
    let (a, b) = (&ca[..la], &cb[..lb]);
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut prev = [0usize; CAP + 1];
    let mut cur = [0usize; CAP + 1];
    for (j, p) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *p = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            row_min = row_min.min(cur[j]);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

/// True when two names are spellings of one another (transliteration, a typo).
#[cfg(test)]
fn names_match(a: &str, b: &str) -> bool {
    let la = a.chars().count();
    la >= 5 && a.chars().next().is_some_and(|first| names_match_from(a, first, la, b))
}

/// [`names_match`] with `a`'s first character and its length in characters (at least 5) given:
/// a name compared with many others is measured once. The first characters are compared before
/// `b` is measured (most pairs differ there).
fn names_match_from(a: &str, first: char, la: usize, b: &str) -> bool {
    if !b.starts_with(first) {
        return false;
    }
    let lb = b.chars().count();
    if la < 5 || lb < 5 {
        return false;
    }
    let max = if la.max(lb) >= 8 { 2 } else { 1 };
    edit_distance(a, b, max).is_some()
}

/// Computes the compared figures for two sentences; `weight` gives each content stem's weight.
pub fn features(a: &SentenceSig, b: &SentenceSig, weight: &dyn Fn(u64) -> f32) -> PairFeatures {
    let wa: Vec<f32> = a.stems.iter().map(|&h| weight(h)).collect();
    let wb: Vec<f32> = b.stems.iter().map(|&h| weight(h)).collect();
    features_weighted(a, &wa, weight_sum(&wa), b, &wb, weight_sum(&wb))
}

/// The total of a sentence's stem weights, as [`features_weighted`] takes it.
pub(super) fn weight_sum(w: &[f32]) -> f32 {
    w.iter().sum()
}

/// Like [`features`], with the weights of `a.stems` and `b.stems` given in the same order and
/// their totals ([`weight_sum`]).
pub(super) fn features_weighted(a: &SentenceSig, wa_: &[f32], wa: f32, b: &SentenceSig, wb_: &[f32], wb: f32) -> PairFeatures {
    if a.stems.is_empty() || b.stems.is_empty() || wa_.len() != a.stems.len() || wb_.len() != b.stems.len() {
        let overlap = dice_count(intersect_count(&a.grams, &b.grams), a.grams.len(), b.grams.len());
        return PairFeatures { overlap, ..Default::default() };
    }
    let mut shared_w = 0.0f32;
    let mut shared = 0usize;
    let (mut i, mut j) = (0, 0);
    let mut matched_a = Marks::new(a.stems.len());
    let mut matched_b = Marks::new(b.stems.len());
    while i < a.stems.len() && j < b.stems.len() {
        let (x, y) = (a.stems[i], b.stems[j]);
        if x == y {
            shared_w += 0.5 * (wa_[i] + wb_[j]);
            shared += 1;
            matched_a.set(i);
            matched_b.set(j);
        }
        // Branch-free advance: the side with the smaller stem, both on a match.
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    // Names spelled differently (transliteration): match unmatched capitalised words.
    let mut fuzzy_w = 0.0f32;
    if shared < a.stems.len() && shared < b.stems.len() && !a.names.is_empty() && !b.names.is_empty() {
        for (ha, na) in &a.names {
            let Ok(ia) = a.stems.binary_search(ha) else { continue };
            if matched_a.get(ia) {
                continue;
            }
            // Names shorter than 5 characters match none (see names_match).
            let la = na.chars().count();
            let Some(first) = na.chars().next().filter(|_| la >= 5) else { continue };
            for (hb, nb) in &b.names {
                // A name of another first character never matches: no stem lookup for it.
                if !nb.starts_with(first) {
                    continue;
                }
                let Ok(ib) = b.stems.binary_search(hb) else { continue };
                if !matched_b.get(ib) && names_match_from(na, first, la, nb) {
                    matched_b.set(ib);
                    fuzzy_w += 0.5 * (wa_[ia] + wb_[ib]);
                    break;
                }
            }
        }
    }
    let shared_fuzzy = shared_w + 0.9 * fuzzy_w;
    let wdice = if wa + wb > 0.0 { (2.0 * shared_fuzzy / (wa + wb)).min(1.0) } else { 0.0 };
    let dice = dice_count(shared, a.stems.len(), b.stems.len());
    let overlap = dice_count(intersect_count(&a.grams, &b.grams), a.grams.len(), b.grams.len());
    let (na, nb) = (a.numbers.len(), b.numbers.len());
    let num_mismatch = if na > 0 && nb > 0 {
        let common = intersect_count(&a.numbers, &b.numbers);
        ((na + nb - 2 * common) as f32 / (na + nb) as f32).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (la, lb) = (a.words.max(1) as f32, b.words.max(1) as f32);
    let len_ratio = la.min(lb) / la.max(lb);
    PairFeatures { wdice, dice, overlap, num_mismatch, len_ratio }
}

/// A set of indexes below a bound: bits in a word for short sentences (no allocation on the
/// alignment's hot path), a vector for long ones.
pub(super) enum Marks {
    Word(u128),
    Vec(Vec<bool>),
}

impl Marks {
    pub(super) fn new(n: usize) -> Marks {
        if n <= 128 {
            Marks::Word(0)
        } else {
            Marks::Vec(vec![false; n])
        }
    }
    pub(super) fn set(&mut self, i: usize) {
        match self {
            Marks::Word(w) => *w |= 1 << i,
            Marks::Vec(v) => v[i] = true,
        }
    }
    pub(super) fn get(&self, i: usize) -> bool {
        match self {
            Marks::Word(w) => *w >> i & 1 == 1,
            Marks::Vec(v) => v[i],
        }
    }
}

/// Dice coefficient from an intersection size and two set sizes.
pub(super) fn dice_count(common: usize, na: usize, nb: usize) -> f32 {
    if na + nb == 0 {
        0.0
    } else {
        2.0 * common as f32 / (na + nb) as f32
    }
}

/// The calibrated similarity of two sentences and their word-bigram overlap.
pub fn similarity(a: &SentenceSig, b: &SentenceSig, weight: &dyn Fn(u64) -> f32) -> (f32, f32) {
    if a.exact == b.exact && a.words > 0 {
        return (1.0, 1.0);
    }
    let f = features(a, b, weight);
    (f.sim(), f.overlap)
}

#[cfg(test)]
mod tests {
    use super::super::reference;
    use super::super::tests::{sig, weight};
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names() {
        assert!(names_match("kupiansk", "kupyansk"));
        assert!(names_match("zelensky", "zelenskyy"));
        assert!(!names_match("paris", "parma"));
        assert_eq!(edit_distance("kitten", "sitting", 3), Some(3));
        assert_eq!(edit_distance("kitten", "sitting", 2), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn pair_features_match_the_reference(a in sig(), b in sig()) {
            let (wa, wb): (Vec<f32>, Vec<f32>) = (a.stems.iter().map(|&h| weight(h)).collect(), b.stems.iter().map(|&h| weight(h)).collect());
            prop_assert_eq!(features(&a, &b, &weight), reference::features_weighted(&a, &wa, &b, &wb));
            prop_assert_eq!(intersect_count(&a.grams, &b.grams), reference::intersect_count(&a.grams, &b.grams));
        }

        #[test]
        fn edit_distance_matches_the_reference(x in "[a-c]{0,70}", y in "[a-c]{0,70}", max in 0usize..4) {
            prop_assert_eq!(edit_distance(&x, &y, max), reference::edit_distance(&x, &y, max));
        }
    }
}
