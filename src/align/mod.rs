//! Sentence alignment between two texts: one to one, order-free; the diff engine's base.
//!
//! Main items: [`align_texts`] (two normalised texts), [`align`] (two sentence lists),
//! [`align_sigs`] (the core, on precomputed [`SentenceSig`]s with caller-given word weights),
//! [`Alignment`], [`AlignedPair`], [`similarity`] and [`order_preservation`].
//!
//! Sentence similarity combines, through a logistic model calibrated on human-labelled
//! paraphrase pairs (MSRP train), the rarity-weighted overlap of content-word stems (robust to
//! inflection and rewording), name matching by edit distance (transliteration: Kupiansk and
//! Kupyansk), word-bigram overlap (shared phrasing), numbers that disagree and length ratio.

mod sig;

pub use sig::{sentence_sigs, stem_hash, SentenceSig, TAG_GRAM, TAG_SENTENCE, TAG_STEM};

use serde::{Deserialize, Serialize};
use crate::text::IdMap;
use std::collections::HashMap;

/// Two aligned sentences, by index into each side's sentence list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AlignedPair {
    /// Sentence index on side a.
    pub a: u32,
    /// Sentence index on side b.
    pub b: u32,
    /// Similarity in [0, 1]: the calibrated chance that the two say the same thing.
    pub sim: f32,
    /// Share of word bigrams the two sentences have in common (Dice, in [0, 1]); 1 for
    /// word-for-word copies.
    #[serde(default)]
    pub overlap: f32,
    /// The sentences are (nearly) word for word the same (`overlap` at least
    /// [`VERBATIM_OVERLAP`]).
    #[serde(default)]
    pub verbatim: bool,
}

/// The one-to-one alignment of two sentence lists.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Alignment {
    /// Aligned pairs, sorted by `a`.
    pub pairs: Vec<AlignedPair>,
}

impl Alignment {
    /// True when pair `k` is (nearly) word for word the same on both sides.
    pub fn is_verbatim(&self, k: usize) -> bool {
        self.pairs.get(k).is_some_and(|p| p.verbatim)
    }

    /// Share of aligned pairs that keep their relative order (see [`order_preservation`]).
    pub fn order(&self) -> f32 {
        order_preservation(&self.pairs)
    }
}

/// Word-bigram overlap from which a pair counts as verbatim.
pub const VERBATIM_OVERLAP: f32 = 0.8;

/// Default lowest similarity for two sentences to be aligned.
pub const MIN_SIM: f32 = 0.6;

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
fn intersect_count(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Levenshtein distance of two short strings, or `None` when above `max`.
fn edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().take(64).collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
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
fn names_match(a: &str, b: &str) -> bool {
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la < 5 || lb < 5 || a.chars().next() != b.chars().next() {
        return false;
    }
    let max = if la.max(lb) >= 8 { 2 } else { 1 };
    edit_distance(a, b, max).is_some()
}

/// Computes the compared figures for two sentences; `weight` gives each content stem's weight.
pub fn features(a: &SentenceSig, b: &SentenceSig, weight: &dyn Fn(u64) -> f32) -> PairFeatures {
    let wa: Vec<f32> = a.stems.iter().map(|&h| weight(h)).collect();
    let wb: Vec<f32> = b.stems.iter().map(|&h| weight(h)).collect();
    features_weighted(a, &wa, b, &wb)
}

/// Like [`features`], with the weights of `a.stems` and `b.stems` given in the same order.
fn features_weighted(a: &SentenceSig, wa_: &[f32], b: &SentenceSig, wb_: &[f32]) -> PairFeatures {
    if a.stems.is_empty() || b.stems.is_empty() || wa_.len() != a.stems.len() || wb_.len() != b.stems.len() {
        let overlap = dice_count(intersect_count(&a.grams, &b.grams), a.grams.len(), b.grams.len());
        return PairFeatures { overlap, ..Default::default() };
    }
    let wa: f32 = wa_.iter().sum();
    let wb: f32 = wb_.iter().sum();
    let mut shared_w = 0.0f32;
    let mut shared = 0usize;
    let (mut i, mut j) = (0, 0);
    let mut matched_a = Marks::new(a.stems.len());
    let mut matched_b = Marks::new(b.stems.len());
    while i < a.stems.len() && j < b.stems.len() {
        match a.stems[i].cmp(&b.stems[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared_w += 0.5 * (wa_[i] + wb_[j]);
                shared += 1;
                matched_a.set(i);
                matched_b.set(j);
                i += 1;
                j += 1;
            }
        }
    }
    // Names spelled differently (transliteration): match unmatched capitalised words.
    let mut fuzzy_w = 0.0f32;
    if shared < a.stems.len() && shared < b.stems.len() && !a.names.is_empty() && !b.names.is_empty() {
        for (ha, na) in &a.names {
            let Ok(ia) = a.stems.binary_search(ha) else { continue };
            if matched_a.get(ia) {
                continue;
            }
            for (hb, nb) in &b.names {
                let Ok(ib) = b.stems.binary_search(hb) else { continue };
                if !matched_b.get(ib) && names_match(na, nb) {
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
enum Marks {
    Word(u128),
    Vec(Vec<bool>),
}

impl Marks {
    fn new(n: usize) -> Marks {
        if n <= 128 {
            Marks::Word(0)
        } else {
            Marks::Vec(vec![false; n])
        }
    }
    fn set(&mut self, i: usize) {
        match self {
            Marks::Word(w) => *w |= 1 << i,
            Marks::Vec(v) => v[i] = true,
        }
    }
    fn get(&self, i: usize) -> bool {
        match self {
            Marks::Word(w) => *w >> i & 1 == 1,
            Marks::Vec(v) => v[i],
        }
    }
}

/// Dice coefficient from an intersection size and two set sizes.
fn dice_count(common: usize, na: usize, nb: usize) -> f32 {
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

/// Aligns two lists of sentence signatures one to one, order-free: every pair sharing a content
/// stem is scored, then pairs are taken greedily from the most similar down (ties: nearest to
/// the diagonal), keeping those with similarity at least `min_sim`. `weight` is called once per
/// stem of each sentence that has a pair to score.
pub fn align_sigs(
    a: &[SentenceSig],
    b: &[SentenceSig],
    weight: &dyn Fn(u64) -> f32,
    min_sim: f32,
) -> Alignment {
    align_sigs_inner(a, b, weight, min_sim, None)
}

/// Lowest similarity of a pair that [`align_sigs_filled`] admits in a gap between aligned pairs.
pub const GAP_SIM: f32 = 0.45;

/// Like [`align_sigs`], then fills gaps: a pair of similarity at least [`GAP_SIM`] (below
/// `min_sim`) between two unaligned sentences is added when it keeps the order of the aligned
/// pairs around it: the nearest aligned pairs before and after it on side a lie before and after
/// it on side b, and there is such a pair on both sides or one within two sentences. A paraphrase
/// that stands where the surrounding sentences say it should is evidence enough for the diff.
/// Detection does not use it: on the labelled case sets it made 1-4 independent reports of the
/// same events per set look related (reports of one event tell it in the same order).
pub fn align_sigs_filled(a: &[SentenceSig], b: &[SentenceSig], weight: &dyn Fn(u64) -> f32, min_sim: f32) -> Alignment {
    align_sigs_inner(a, b, weight, min_sim, Some(GAP_SIM.min(min_sim)))
}

fn align_sigs_inner(
    a: &[SentenceSig],
    b: &[SentenceSig],
    weight: &dyn Fn(u64) -> f32,
    min_sim: f32,
    gap_sim: Option<f32>,
) -> Alignment {
    let mut index: IdMap<Vec<u32>> = IdMap::default();
    for (j, s) in b.iter().enumerate() {
        for &h in &s.stems {
            index.entry(h).or_default().push(j as u32);
        }
    }
    let mut exact: IdMap<Vec<u32>> = IdMap::default();
    for (j, s) in b.iter().enumerate() {
        if s.words > 0 {
            exact.entry(s.exact).or_default().push(j as u32);
        }
    }
    let weights_of = |s: &SentenceSig| -> Vec<f32> { s.stems.iter().map(|&h| weight(h)).collect() };
    let mut wb: Vec<Option<Vec<f32>>> = vec![None; b.len()];
    let mut cands: Vec<(f32, f32, u32, u32)> = Vec::new();
    let mut seen: Vec<u32> = Vec::new();
    let (na, nb) = (a.len().max(1) as f32, b.len().max(1) as f32);
    // Stems found in very many sentences of b do not propose pairs on their own (bounds the work
    // on huge texts; pairs sharing only such a stem do not reach the thresholds anyway).
    let common = (b.len() / 4).max(64);
    for (i, s) in a.iter().enumerate() {
        seen.clear();
        for h in &s.stems {
            if let Some(js) = index.get(h).filter(|js| js.len() <= common) {
                seen.extend_from_slice(js);
            }
        }
        if let Some(js) = exact.get(&s.exact) {
            seen.extend_from_slice(js);
        }
        if seen.is_empty() {
            continue;
        }
        seen.sort_unstable();
        seen.dedup();
        let wa = weights_of(s);
        for &j in &seen {
            let t = &b[j as usize];
            let (sim, overlap) = if s.exact == t.exact && s.words > 0 {
                (1.0, 1.0)
            } else {
                let w = wb[j as usize].get_or_insert_with(|| weights_of(t));
                let f = features_weighted(s, &wa, t, w);
                (f.sim(), f.overlap)
            };
            if sim >= min_sim || gap_sim.is_some_and(|g| sim >= g) {
                cands.push((sim, overlap, i as u32, j));
            }
        }
    }
    cands.sort_by(|x, y| {
        let dx = (x.2 as f32 / na - x.3 as f32 / nb).abs();
        let dy = (y.2 as f32 / na - y.3 as f32 / nb).abs();
        y.0.total_cmp(&x.0).then(dx.total_cmp(&dy)).then(x.2.cmp(&y.2)).then(x.3.cmp(&y.3))
    });
    let mut used_a = vec![false; a.len()];
    let mut used_b = vec![false; b.len()];
    let mut pairs = Vec::new();
    let mut low = Vec::new();
    for (sim, overlap, i, j) in cands {
        if sim < min_sim {
            low.push((sim, overlap, i, j));
            continue;
        }
        if used_a[i as usize] || used_b[j as usize] {
            continue;
        }
        used_a[i as usize] = true;
        used_b[j as usize] = true;
        pairs.push(AlignedPair { a: i, b: j, sim, overlap, verbatim: overlap >= VERBATIM_OVERLAP });
    }
    pairs.sort_by_key(|p| p.a);
    for (sim, overlap, i, j) in low {
        if used_a[i as usize] || used_b[j as usize] {
            continue;
        }
        let at = pairs.partition_point(|p| p.a < i);
        let (prev, next) = (at.checked_sub(1).map(|k| &pairs[k]), pairs.get(at));
        let in_order = prev.is_none_or(|p| p.b < j) && next.is_none_or(|p| p.b > j);
        let anchored = match (prev, next) {
            (Some(_), Some(_)) => true,
            (Some(p), None) => i - p.a <= 2,
            (None, Some(p)) => p.a - i <= 2,
            (None, None) => false,
        };
        if in_order && anchored {
            used_a[i as usize] = true;
            used_b[j as usize] = true;
            pairs.insert(at, AlignedPair { a: i, b: j, sim, overlap, verbatim: overlap >= VERBATIM_OVERLAP });
        }
    }
    Alignment { pairs }
}

/// Weights from the two sides themselves: stems found in many sentences weigh less.
fn local_weights(a: &[SentenceSig], b: &[SentenceSig]) -> HashMap<u64, f32> {
    let mut df: HashMap<u64, u32> = HashMap::new();
    for s in a.iter().chain(b) {
        for &h in &s.stems {
            *df.entry(h).or_default() += 1;
        }
    }
    let n = (a.len() + b.len()) as f32 + 1.0;
    df.into_iter().map(|(h, c)| (h, (1.0 + n / c as f32).ln())).collect()
}

/// Aligns two lists of sentences (in one language), with word weights taken from the sentences
/// themselves; `pairs` index into `a` and `b`.
pub fn align(a: &[&str], b: &[&str]) -> Alignment {
    let joined: String = a.iter().chain(b).take(40).copied().collect::<Vec<_>>().join(" ");
    let tk = crate::text::Tokenizer::for_text(&joined);
    let sa: Vec<SentenceSig> = a.iter().map(|s| SentenceSig::of(s, 0, &tk)).collect();
    let sb: Vec<SentenceSig> = b.iter().map(|s| SentenceSig::of(s, 0, &tk)).collect();
    let w = local_weights(&sa, &sb);
    align_sigs_filled(&sa, &sb, &|h| w.get(&h).copied().unwrap_or(1.0), MIN_SIM)
}

/// Aligns the sentences of two normalised texts; `pairs` index into
/// [`crate::text::sentences`] of each text.
pub fn align_texts(a: &str, b: &str) -> Alignment {
    let mut sample = String::new();
    sample.push_str(a.get(..a.len().min(2000)).unwrap_or(""));
    let tk = crate::text::Tokenizer::for_text(if sample.is_empty() { b } else { a });
    let sa = sentence_sigs(a, &tk);
    let sb = sentence_sigs(b, &tk);
    let w = local_weights(&sa, &sb);
    align_sigs_filled(&sa, &sb, &|h| w.get(&h).copied().unwrap_or(1.0), MIN_SIM)
}

/// Share of aligned pairs in the longest run that keeps the same order on both sides
/// (longest increasing subsequence of `b` over pairs sorted by `a`); 1 for fewer than 2 pairs.
pub fn order_preservation(pairs: &[AlignedPair]) -> f32 {
    if pairs.len() < 2 {
        return 1.0;
    }
    let mut sorted: Vec<&AlignedPair> = pairs.iter().collect();
    sorted.sort_by_key(|p| p.a);
    let mut tails: Vec<u32> = Vec::new();
    for p in sorted {
        match tails.binary_search(&p.b) {
            Ok(_) => {}
            Err(k) if k == tails.len() => tails.push(p.b),
            Err(k) => tails[k] = p.b,
        }
    }
    tails.len() as f32 / pairs.len() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paraphrase_and_reorder() {
        let a = "Russia is reinforcing military units in Kharkiv as it struggles to contain a Ukrainian advance. \
                 Ukrainian forces reached the western outskirts of Kupiansk on Thursday. The weather was fine.";
        let b = "On Thursday Ukrainian forces reached the western outskirts of Kupyansk. \
                 Moscow is reinforcing its military units in Kharkiv, struggling to contain the Ukrainian advance. \
                 A completely different statement about football results.";
        let al = align_texts(a, b);
        let got: Vec<(u32, u32)> = al.pairs.iter().map(|p| (p.a, p.b)).collect();
        assert_eq!(got, vec![(0, 1), (1, 0)]);
        assert!((0..al.pairs.len()).all(|k| !al.is_verbatim(k)));
        assert!(al.order() < 1.0);
    }

    #[test]
    fn verbatim_pairs() {
        let s = ["The cat sat on the mat today.", "Dogs bark loudly at night in the city."];
        let al = align(&s, &s);
        assert_eq!(al.pairs.len(), 2);
        assert!((0..2).all(|k| al.is_verbatim(k) && al.pairs[k].sim == 1.0));
        assert_eq!(al.order(), 1.0);
    }

    #[test]
    fn names() {
        assert!(names_match("kupiansk", "kupyansk"));
        assert!(names_match("zelensky", "zelenskyy"));
        assert!(!names_match("paris", "parma"));
        assert_eq!(edit_distance("kitten", "sitting", 3), Some(3));
        assert_eq!(edit_distance("kitten", "sitting", 2), None);
    }

    #[test]
    fn empty_inputs() {
        assert!(align(&[], &[]).pairs.is_empty());
        assert!(align_texts("", "Some text here.").pairs.is_empty());
        assert_eq!(order_preservation(&[]), 1.0);
    }
}
