//! Sentence alignment between two texts: one to one, order-free; the diff engine's base.
//!
//! Main items: [`align_texts`] (two normalised texts), [`align`] (two sentence lists),
//! [`align_sigs`] (the core, on precomputed [`SentenceSig`]s with caller-given word weights),
//! [`Alignment`], [`AlignedPair`], [`similarity`](fn@similarity), [`order_preservation`] and
//! [`in_order_chain`] (what "in order" means, for detection and the diff alike);
//! for the diff, [`align_sigs_filled`] and [`fill_bounded_gaps`] add weaker pairs that the
//! aligned sentences around them vouch for.
//!
//! Sentence similarity combines, through a logistic model calibrated on human-labelled
//! paraphrase pairs (MSRP train), the rarity-weighted overlap of content-word stems (robust to
//! inflection and rewording), name matching by edit distance (transliteration: Kupiansk and
//! Kupyansk), word-bigram overlap (shared phrasing), numbers that disagree and length ratio.

mod chain;
mod indexes;
mod sig;
mod similarity;
#[cfg(test)]
mod reference;

pub(crate) use indexes::{tally, KeyIndex};
pub use chain::in_order_chain;
pub use indexes::{SigIndex, StemWeights};
pub use sig::{sentence_sigs, stem_hash, SentenceSig, TAG_GRAM, TAG_SENTENCE, TAG_STEM};
pub use similarity::{features, similarity, PairFeatures, COEF};

use indexes::COMMON_FLOOR;
use serde::{Deserialize, Serialize};
use similarity::features_weighted;
use std::collections::{BTreeMap, HashMap};

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

/// Aligns two lists of sentence signatures one to one, order-free: every pair sharing a content
/// stem is scored, then pairs are taken greedily from the most similar down (ties: nearest to
/// the diagonal), keeping those with similarity at least `min_sim`. `weight` is called once per
/// stem of each sentence.
pub fn align_sigs(
    a: &[SentenceSig],
    b: &[SentenceSig],
    weight: &dyn Fn(u64) -> f32,
    min_sim: f32,
) -> Alignment {
    align_sigs_weighted(a, &StemWeights::new(a, weight), b, &StemWeights::new(b, weight), min_sim)
}

/// Like [`align_sigs`], with the stem weights of each side computed beforehand (`wa` of `a`,
/// `wb` of `b`): a text compared with several others weighs its stems once.
pub fn align_sigs_weighted(
    a: &[SentenceSig],
    wa: &StemWeights,
    b: &[SentenceSig],
    wb: &StemWeights,
    min_sim: f32,
) -> Alignment {
    align_sigs_inner(a, wa, b, wb, min_sim, None, Bounds::NONE)
}

/// Like [`align_sigs_weighted`], with `ia` the [`SigIndex`] of `a`: the same alignment.
///
/// [`align_sigs_weighted`] indexes `b` and looks up the stems of each sentence of `a`; this looks
/// up the stems of each sentence of `b` in `a`'s index, which a text compared with several
/// others builds once. The pairs scored are the same (the shared stems of two sentences are
/// counted the same from either side) and their order does not matter (`select` sorts them in
/// a total order). Only the stems of `b` found in more than `(b.len() / 4).max(64)` of its
/// sentences count for nothing there: with at most 64 sentences in `b` none can, and longer
/// texts go the way of [`align_sigs_weighted`].
pub fn align_sigs_indexed(
    a: &[SentenceSig],
    wa: &StemWeights,
    ia: &SigIndex,
    b: &[SentenceSig],
    wb: &StemWeights,
    min_sim: f32,
) -> Alignment {
    if b.len() > COMMON_FLOOR || ia.len != a.len() {
        return align_sigs_inner(a, wa, b, wb, min_sim, None, Bounds::NONE);
    }
    let mut cands: Vec<Candidate> = Vec::new();
    // For the current sentence of b: the count of each sentence of a, as in align_sigs_inner.
    let mut count: Vec<u32> = vec![0; a.len()];
    let mut touched: Vec<u32> = Vec::new();
    for (j, t) in b.iter().enumerate() {
        touched.clear();
        for &h in &t.stems {
            tally(ia.stems.get(h), 1, &mut count, &mut touched);
        }
        if t.words > 0 {
            tally(ia.exact.get(t.exact), 2, &mut count, &mut touched);
        }
        if touched.is_empty() {
            continue;
        }
        for &i in &touched {
            let Some(n) = count.get_mut(i as usize).map(std::mem::take) else { continue };
            cands.extend(scored_pair(a, wa, i as usize, b, wb, j, n, min_sim, None));
        }
    }
    select(cands, a.len(), b.len(), min_sim)
}

/// Sentences with more content stems than this on both sides are scored only when they share at
/// least two: with one shared stem their similarity stays below [`GAP_SIM`] (at most 0.43 over
/// every such pair of eval/dev, cases3k and BBC seed 23, measured when this was introduced), and
/// leaving them out halves the alignment's work.
pub const MIN_SHARED_ALONE: usize = 3;

/// Lowest similarity of a pair that [`align_sigs_filled`] admits in a gap between aligned pairs.
pub const GAP_SIM: f32 = 0.45;

/// Most work [`align_sigs_filled`] spends, one direction, on the sentences not paired as
/// identical, in index entries read, each counted once per stem of the sentence reading it (the
/// pairs they lead to cost in proportion to the sentences' lengths); past it, the stems found in
/// the most sentences of `b` propose no pairs (see [`stem_limit`]), so some reworded sentences of
/// a huge text may go unpaired (shown removed and added) instead of the diff taking minutes.
///
/// Texts of detection's size stay far below it (two unrelated texts of 2,000 sentences,
/// detection's `MAX_SENTENCES`, of 20 content words each, would reach about 40 million); two
/// unrelated 6 MB texts of random words reached 3.8 billion, and scored a pair for every two
/// sentences sharing two words (22 s).
pub const LOOKUP_BUDGET: usize = 128_000_000;

/// For the diff (with [`LOOKUP_BUDGET`]): the identical copies of a sentence of `a` that are
/// scored against it when `b` holds more, those nearest the diagonal. A line repeated 6,000
/// times on each side (a "Read more" between list items) made 36 million identical pairs:
/// 10 s and 2 GB for one diff, and quadratically more beyond. Pairs are taken nearest the
/// diagonal first anyway, so the far copies mattered only once the near ones were taken.
pub const IDENTICAL_NEAR: usize = 64;

/// Like [`align_sigs`], then fills gaps: a pair of similarity at least [`GAP_SIM`] (below
/// `min_sim`) between two unaligned sentences is added when it keeps the order of the aligned
/// pairs around it: the nearest aligned pairs before and after it on side a lie before and after
/// it on side b, and there is such a pair on both sides or one within two sentences. A paraphrase
/// that stands where the surrounding sentences say it should is evidence enough for the diff.
/// Detection does not use it: on the labelled case sets it made 1-4 independent reports of the
/// same events per set look related (reports of one event tell it in the same order).
pub fn align_sigs_filled(a: &[SentenceSig], b: &[SentenceSig], weight: &dyn Fn(u64) -> f32, min_sim: f32) -> Alignment {
    let (wa, wb) = (StemWeights::new(a, weight), StemWeights::new(b, weight));
    align_sigs_inner(a, &wa, b, &wb, min_sim, Some(GAP_SIM.min(min_sim)), Bounds::DIFF)
}

/// Caps on the alignment's work, for texts far bigger than detection profiles.
#[derive(Clone, Copy)]
struct Bounds {
    /// Index entries read for sentences not paired as identical (see [`stem_limit`]).
    lookups: usize,
    /// Identical copies in `b` scored per sentence of `a` (see [`identical_first`]).
    identical_near: usize,
}

impl Bounds {
    /// No cap: detection (at most [`crate::detect::MAX_SENTENCES`] a side).
    const NONE: Bounds = Bounds { lookups: usize::MAX, identical_near: usize::MAX };
    /// The diff's caps, [`LOOKUP_BUDGET`] and [`IDENTICAL_NEAR`].
    const DIFF: Bounds = Bounds { lookups: LOOKUP_BUDGET, identical_near: IDENTICAL_NEAR };
}

/// A pair of sentences scored by [`align_sigs_inner`], to be taken or left.
struct Candidate {
    sim: f32,
    overlap: f32,
    a: u32,
    b: u32,
    /// Distance from the diagonal (relative positions on the two sides), for ties.
    off: f32,
}

/// Scores the candidate pairs of `a` and `b` and selects the alignment (see [`align_sigs`]).
///
/// Identical sentences are paired first: a pair of identical sentences scores 1 and any other
/// pair less (at most 0.934 with [`COEF`]; the test `scored_pairs_stay_below_identical` checks
/// it), so [`select`] takes the identical pairs before all others, and
/// a sentence they take leaves every other pair of it unused. Those other pairs are therefore
/// neither looked up nor scored: two near-copies of a long text cost what their differing
/// sentences cost (`stet diff` of two 6 MB near-copies scored every pair of sentences sharing
/// two words, 22 s). The alignment is the same as scoring every pair.
///
/// `bounds` caps the work on huge texts (the diff's [`Bounds::DIFF`]); detection passes
/// [`Bounds::NONE`]: every pair sharing a stem that is not common is scored.
#[allow(clippy::too_many_arguments)]
fn align_sigs_inner(
    a: &[SentenceSig],
    wa: &StemWeights,
    b: &[SentenceSig],
    wb: &StemWeights,
    min_sim: f32,
    gap_sim: Option<f32>,
    bounds: Bounds,
) -> Alignment {
    let index = KeyIndex::of_stems(b);
    let exact: Vec<(u64, u32)> = b.iter().enumerate().filter(|(_, s)| s.words > 0).map(|(j, s)| (s.exact, j as u32)).collect();
    let exact = KeyIndex::new(&exact);
    // Stems found in very many sentences of b do not propose pairs on their own (bounds the work
    // on huge texts; pairs sharing only such a stem do not reach the thresholds anyway).
    let common = (b.len() / 4).max(COMMON_FLOOR);
    let (mut cands, used_a, used_b) = identical_first(a, wa, b, wb, &index, &exact, common, min_sim, bounds.identical_near);
    // The stems of the sentences of b left to pair (all of them when none is taken).
    let free_index;
    let free = if used_b.iter().any(|&u| u) {
        let left: Vec<(u64, u32)> = b
            .iter()
            .enumerate()
            .filter(|&(j, _)| !used_b[j])
            .flat_map(|(j, s)| s.stems.iter().map(move |&h| (h, j as u32)))
            .collect();
        free_index = KeyIndex::new(&left);
        &free_index
    } else {
        &index
    };
    let limit = stem_limit(a, &used_a, &index, free, common, bounds.lookups);
    // For the current sentence of a: the number of stems each sentence of b shares with it, and
    // the sentences of b with a non-zero count (the count is reset as they are visited).
    let mut count: Vec<u32> = vec![0; b.len()];
    let mut touched: Vec<u32> = Vec::new();
    for (i, s) in a.iter().enumerate() {
        if used_a[i] {
            continue;
        }
        touched.clear();
        for &h in &s.stems {
            let js = free.get(h);
            if js.len() <= limit && index.get(h).len() <= common {
                tally(js, 1, &mut count, &mut touched);
            }
        }
        // Counted twice: an identical sentence is always scored (when not paired already).
        for &j in exact.get(s.exact) {
            if !used_b[j as usize] {
                tally(&[j], 2, &mut count, &mut touched);
            }
        }
        if touched.is_empty() {
            continue;
        }
        touched.sort_unstable();
        for &j in &touched {
            let Some(n) = count.get_mut(j as usize).map(std::mem::take) else { continue };
            cands.extend(scored_pair(a, wa, i, b, wb, j as usize, n, min_sim, gap_sim));
        }
    }
    select(cands, a.len(), b.len(), min_sim)
}

/// The most sentences of `b` left to pair (entries of `free`) a stem may be found in and still
/// propose pairs, so that the sentences of `a` left to pair read at most `budget` entries of
/// `free` in all, each counted once per stem of the sentence reading it: unlimited when they read no more than that, else the greatest limit that keeps
/// within it (the stems found in the most sentences go first, the rare ones that tell a
/// reworded sentence's counterpart stay). O(stems of `a` + length of `b`).
fn stem_limit(a: &[SentenceSig], used_a: &[bool], index: &KeyIndex, free: &KeyIndex, common: usize, budget: usize) -> usize {
    // reads[n]: entries read through the stems found in n sentences left to pair, times the
    // stems of the reading sentence.
    let mut reads: Vec<usize> = Vec::new();
    let mut total = 0usize;
    for (s, _) in a.iter().zip(used_a).filter(|(_, &used)| !used) {
        for &h in &s.stems {
            let n = free.get(h).len();
            if n > 0 && index.get(h).len() <= common {
                if reads.len() <= n {
                    reads.resize(n + 1, 0);
                }
                let cost = n.saturating_mul(s.stems.len());
                reads[n] = reads[n].saturating_add(cost);
                total = total.saturating_add(cost);
            }
        }
    }
    if total <= budget {
        return usize::MAX;
    }
    let mut sum = 0usize;
    for (n, &r) in reads.iter().enumerate() {
        sum = sum.saturating_add(r);
        if sum > budget {
            return n.saturating_sub(1);
        }
    }
    usize::MAX
}

/// The candidate pairs of identical sentences (similarity 1), with the sentences of `a` and of
/// `b` that [`select`] will pair among them: it takes these pairs before any other.
///
/// Identical means what [`scored_pair`] scores 1: the same whole-sentence hash and words in the
/// sentence of `a`. Its sentence of `b` either has words too (then it is looked up in `exact`),
/// or has none and shares a stem with it (a hash collision; looked up the slow way, in the same
/// shared-stem count as the main loop). Nothing is taken when `min_sim` is above 1 (identical
/// pairs are then not selected first). Of more than `near` identical copies in `b`, the `near`
/// nearest the diagonal are scored (see [`IDENTICAL_NEAR`]; `usize::MAX`: all of them).
#[allow(clippy::too_many_arguments)]
fn identical_first(
    a: &[SentenceSig],
    wa: &StemWeights,
    b: &[SentenceSig],
    wb: &StemWeights,
    index: &KeyIndex,
    exact: &KeyIndex,
    common: usize,
    min_sim: f32,
    near: usize,
) -> (Vec<Candidate>, Vec<bool>, Vec<bool>) {
    let (mut used_a, mut used_b) = (vec![false; a.len()], vec![false; b.len()]);
    if min_sim > 1.0 {
        return (Vec::new(), used_a, used_b);
    }
    let empty: Vec<(u64, u32)> = b.iter().enumerate().filter(|(_, s)| s.words == 0).map(|(j, s)| (s.exact, j as u32)).collect();
    let empty = KeyIndex::new(&empty);
    let mut cands: Vec<Candidate> = Vec::new();
    for (i, s) in a.iter().enumerate().filter(|(_, s)| s.words > 0) {
        for &j in nearest(exact.get(s.exact), i * b.len() / a.len().max(1), near) {
            // Each shared stem once, the identical sentence twice, as in the main loop.
            cands.extend(scored_pair(a, wa, i, b, wb, j as usize, 2, min_sim, None));
        }
        for &j in empty.get(s.exact) {
            let Some(t) = b.get(j as usize) else { continue };
            let n = s.stems.iter().filter(|&&h| t.stems.binary_search(&h).is_ok() && index.get(h).len() <= common).count() as u32;
            if n > 0 {
                cands.extend(scored_pair(a, wa, i, b, wb, j as usize, n, min_sim, None));
            }
        }
    }
    cands.retain(|c| c.sim == 1.0);
    cands.sort_unstable_by(candidate_order);
    for c in &cands {
        let (i, j) = (c.a as usize, c.b as usize);
        if !used_a[i] && !used_b[j] {
            (used_a[i], used_b[j]) = (true, true);
        }
    }
    (cands, used_a, used_b)
}

/// The `n` entries of `js` (sentence numbers in increasing order) nearest to `target`: a window
/// of `js`, all of it when it holds `n` or fewer.
fn nearest(js: &[u32], target: usize, n: usize) -> &[u32] {
    if js.len() <= n {
        return js;
    }
    let at = js.partition_point(|&j| (j as usize) < target);
    let start = at.saturating_sub(n / 2).min(js.len() - n);
    &js[start..start + n]
}

/// The candidate pair of sentence `i` of `a` and `j` of `b`, which share `n` counted keys (each
/// shared stem once, an identical sentence twice); `None` when one shared stem joins longer
/// sentences (see [`MIN_SHARED_ALONE`]) or the similarity stays below `min_sim` and below
/// `gap_sim` when there is one. Both alignment loops score their pairs here.
#[allow(clippy::too_many_arguments)]
#[inline]
fn scored_pair(
    a: &[SentenceSig],
    wa: &StemWeights,
    i: usize,
    b: &[SentenceSig],
    wb: &StemWeights,
    j: usize,
    n: u32,
    min_sim: f32,
    gap_sim: Option<f32>,
) -> Option<Candidate> {
    let (s, t) = (a.get(i)?, b.get(j)?);
    if n < 2 && s.stems.len().min(t.stems.len()) > MIN_SHARED_ALONE {
        return None;
    }
    let (sim, overlap) = if s.exact == t.exact && s.words > 0 {
        (1.0, 1.0)
    } else {
        let ((wsa, suma), (wsb, sumb)) = (wa.sentence(i), wb.sentence(j));
        let f = features_weighted(s, wsa, suma, t, wsb, sumb);
        (f.sim(), f.overlap)
    };
    if sim < min_sim && !gap_sim.is_some_and(|g| sim >= g) {
        return None;
    }
    let off = (i as f32 / a.len().max(1) as f32 - j as f32 / b.len().max(1) as f32).abs();
    Some(Candidate { sim, overlap, a: i as u32, b: j as u32, off })
}

/// The order in which [`select`] considers candidates: the most similar first, then the nearest
/// to the diagonal, then by sentence indexes.
fn candidate_order(x: &Candidate, y: &Candidate) -> std::cmp::Ordering {
    y.sim.total_cmp(&x.sim).then(x.off.total_cmp(&y.off)).then(x.a.cmp(&y.a)).then(x.b.cmp(&y.b))
}

/// The alignment from the scored pairs, whatever their order: greedy from the most similar down,
/// then the low pairs (gap filling) that keep the order of the aligned ones.
fn select(mut cands: Vec<Candidate>, a_len: usize, b_len: usize, min_sim: f32) -> Alignment {
    // A total order (no two candidates share both sentences): unstable sorting is exact.
    cands.sort_unstable_by(candidate_order);
    let mut used_a = vec![false; a_len];
    let mut used_b = vec![false; b_len];
    let mut pairs = Vec::new();
    let mut low = Vec::new();
    for Candidate { sim, overlap, a: i, b: j, .. } in cands {
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
    if low.is_empty() {
        return Alignment { pairs };
    }
    // Keyed by a (one pair per sentence of a): each gap pair finds its neighbours and goes in
    // in O(log n), where inserting into the sorted vector was O(n) each.
    let mut by_a: BTreeMap<u32, AlignedPair> = pairs.into_iter().map(|p| (p.a, p)).collect();
    for (sim, overlap, i, j) in low {
        if used_a[i as usize] || used_b[j as usize] {
            continue;
        }
        let (prev, next) = (by_a.range(..i).next_back().map(|(_, p)| p), by_a.range(i..).next().map(|(_, p)| p));
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
            by_a.insert(i, AlignedPair { a: i, b: j, sim, overlap, verbatim: overlap >= VERBATIM_OVERLAP });
        }
    }
    Alignment { pairs: by_a.into_values().collect() }
}

/// Lowest similarity of a pair that [`fill_bounded_gaps`] aligns inside a bounded gap.
pub const BOUNDED_GAP_SIM: f32 = 0.15;
/// Most unaligned sentences on either side of a gap that [`fill_bounded_gaps`] looks into.
pub const MAX_BOUNDED_GAP: usize = 4;

/// Aligns sentences inside bounded gaps, for the diff: where two consecutive aligned pairs keep
/// their order and leave at most [`MAX_BOUNDED_GAP`] unaligned sentences between them on each
/// side, those sentences are paired in order (the pairing with the greatest total similarity,
/// each pair at least [`BOUNDED_GAP_SIM`]). A sentence standing between the same two neighbours
/// in both texts is most likely the same sentence reworded, even with few words in common
/// ("The residents, of course, need help." / "Residents obviously require assistance."); the
/// aligned neighbours are the evidence, so texts with nothing aligned gain nothing. Detection
/// does not use it (its figures are calibrated without it).
pub fn fill_bounded_gaps(al: &mut Alignment, a: &[SentenceSig], b: &[SentenceSig], weight: &dyn Fn(u64) -> f32) {
    al.pairs.sort_by_key(|p| p.a);
    let (mut used_a, mut used_b) = (vec![false; a.len()], vec![false; b.len()]);
    for p in &al.pairs {
        if let (Some(x), Some(y)) = (used_a.get_mut(p.a as usize), used_b.get_mut(p.b as usize)) {
            (*x, *y) = (true, true);
        }
    }
    // The anchors: a longest run of pairs in the same order on both sides (a moved sentence
    // between two neighbours is not one, and would otherwise hide the gap around it). Which of
    // the runs of that length decides which gaps are bounded, so three are tried (ties to the
    // pairs met first, to the most bytes of text kept in place, to the later pairs) and the one
    // that pairs the most sentences is kept.
    let len = |s: &SentenceSig| u64::from(s.end.saturating_sub(s.start));
    let kept = |p: &AlignedPair| a.get(p.a as usize).map_or(0, len) + b.get(p.b as usize).map_or(0, len);
    let chains = [
        in_order_chain(&al.pairs, |_| 0),
        in_order_chain(&al.pairs, kept),
        in_order_chain(&al.pairs, |p| u64::from(p.a)),
    ];
    let mut best: Option<Vec<AlignedPair>> = None;
    for (i, chain) in chains.iter().enumerate() {
        if chains[..i].contains(chain) {
            continue;
        }
        let anchors: Vec<(usize, usize)> = chain.iter().map(|&k| (al.pairs[k].a as usize, al.pairs[k].b as usize)).collect();
        let added = gap_pairs(&anchors, a, b, &used_a, &used_b, weight);
        if best.as_deref().is_none_or(|kept| rank(&added) > rank(kept)) {
            best = Some(added);
        }
    }
    al.pairs.extend(best.unwrap_or_default());
    al.pairs.sort_by_key(|p| p.a);
}

/// The pairs [`fill_bounded_gaps`] makes between consecutive `anchors` (sentences marked used
/// are taken already).
fn gap_pairs(
    anchors: &[(usize, usize)],
    a: &[SentenceSig],
    b: &[SentenceSig],
    used_a: &[bool],
    used_b: &[bool],
    weight: &dyn Fn(u64) -> f32,
) -> Vec<AlignedPair> {
    let mut added = Vec::new();
    for w in anchors.windows(2) {
        let ((pa, pb), (qa, qb)) = (w[0], w[1]);
        let ga: Vec<usize> = (pa + 1..qa).filter(|&i| !used_a[i]).collect();
        let gb: Vec<usize> = (pb + 1..qb).filter(|&j| !used_b[j]).collect();
        if ga.is_empty() || gb.is_empty() || ga.len() > MAX_BOUNDED_GAP || gb.len() > MAX_BOUNDED_GAP {
            continue;
        }
        // sims[x][y]: the pair (ga[x], gb[y]) when similar enough.
        let sims: Vec<Vec<Option<(f32, f32)>>> = ga
            .iter()
            .map(|&i| gb.iter().map(|&j| Some(similarity(&a[i], &b[j], weight)).filter(|(sim, _)| *sim >= BOUNDED_GAP_SIM)).collect())
            .collect();
        // best[x][y]: the greatest total similarity pairing ga[x..] with gb[y..] in order.
        let (n, m) = (ga.len(), gb.len());
        let mut best = vec![vec![0f32; m + 1]; n + 1];
        for x in (0..n).rev() {
            for y in (0..m).rev() {
                let take = sims[x][y].map_or(f32::MIN, |(sim, _)| sim + best[x + 1][y + 1]);
                best[x][y] = take.max(best[x + 1][y]).max(best[x][y + 1]);
            }
        }
        let (mut x, mut y) = (0, 0);
        while x < n && y < m {
            match sims[x][y] {
                Some((sim, overlap)) if best[x][y] == sim + best[x + 1][y + 1] => {
                    added.push(AlignedPair { a: ga[x] as u32, b: gb[y] as u32, sim, overlap, verbatim: overlap >= VERBATIM_OVERLAP });
                    x += 1;
                    y += 1;
                }
                _ if best[x][y] == best[x + 1][y] => x += 1,
                _ => y += 1,
            }
        }
    }
    added
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
///
/// Symmetric: `align(b, a)` is `align(a, b)` with the sides swapped. The greedy choice, the gap
/// filling and the in-order chain each favour one side in their ties, so the two directions are
/// both computed and the one aligning more (then with the greater total similarity) is kept,
/// ties going to the direction that starts from the lesser text (`stet diff B A` aligned 14 of
/// the seeds' sentences where `stet diff A B` aligned 17).
pub fn align(a: &[&str], b: &[&str]) -> Alignment {
    if b < a {
        return swapped(align(b, a));
    }
    // Word forms from the same sample whichever side comes first.
    let joined: String = a.iter().chain(b).take(40).copied().collect::<Vec<_>>().join(" ");
    let tk = crate::text::Tokenizer::for_text(&joined);
    let sa: Vec<SentenceSig> = a.iter().map(|s| SentenceSig::of(s, 0, &tk)).collect();
    let sb: Vec<SentenceSig> = b.iter().map(|s| SentenceSig::of(s, 0, &tk)).collect();
    let w = local_weights(&sa, &sb);
    let weight = |h| w.get(&h).copied().unwrap_or(1.0);
    let one_way = |x: &[SentenceSig], y: &[SentenceSig]| {
        let mut al = align_sigs_filled(x, y, &weight, MIN_SIM);
        fill_bounded_gaps(&mut al, x, y, &weight);
        al
    };
    let forward = one_way(&sa, &sb);
    let backward = swapped(one_way(&sb, &sa));
    if rank(&backward.pairs) > rank(&forward.pairs) {
        backward
    } else {
        forward
    }
}

/// How much a set of pairs aligns, to choose between two: the more pairs, then the greater
/// total similarity.
fn rank(pairs: &[AlignedPair]) -> (usize, f64) {
    (pairs.len(), pairs.iter().map(|p| f64::from(p.sim)).sum())
}

/// The alignment with its sides swapped, sorted by the new side a.
fn swapped(al: Alignment) -> Alignment {
    let mut pairs: Vec<AlignedPair> = al.pairs.into_iter().map(|p| AlignedPair { a: p.b, b: p.a, ..p }).collect();
    pairs.sort_by_key(|p| p.a);
    Alignment { pairs }
}

/// Aligns the sentences of two normalised texts; `pairs` index into
/// [`crate::text::sentences`] of each text. The same as [`align`] on their sentences (it was a
/// second copy of it, one way only, with its own sample for word forms).
pub fn align_texts(a: &str, b: &str) -> Alignment {
    align(&crate::text::sentence_slices(a), &crate::text::sentence_slices(b))
}

/// Share of aligned pairs in the longest run that keeps the same order on both sides
/// (longest increasing subsequence of `b` over pairs sorted by `a`); 1 for fewer than 2 pairs.
pub fn order_preservation(pairs: &[AlignedPair]) -> f32 {
    if pairs.len() < 2 {
        return 1.0;
    }
    in_order_chain(pairs, |_| 0).len() as f32 / pairs.len() as f32
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

    /// A reworded sentence between two aligned neighbours is paired even with few words in
    /// common; the same sentences with no aligned neighbours are not; a moved pair inside the gap
    /// does not hide it.
    #[test]
    fn bounded_gaps_pair_weak_paraphrases_between_aligned_neighbours() {
        // The mayor's sentence moved from inside the gap on side a to the end of side b: the
        // anchors are the longest in-order chain, which it is not part of.
        let a = [
            "The council approved the new budget for roads and schools on Monday evening.",
            "The mayor thanked volunteers for their work during the long flood season.",
            "The residents, of course, need help.",
            "Officials expect the repairs to the old bridge to start before the winter.",
            "Traffic on the river road will be diverted through the northern villages.",
            "The regional government promised further money for the damaged farms.",
        ];
        let b = [
            "The council approved the new budget for roads and schools on Monday evening.",
            "Residents obviously require assistance.",
            "Officials expect the repairs to the old bridge to start before the winter.",
            "Traffic on the river road will be diverted through the northern villages.",
            "The regional government promised further money for the damaged farms.",
            "The mayor thanked volunteers for their work during the long flood season.",
        ];
        let got: Vec<(u32, u32)> = align(&a, &b).pairs.iter().map(|p| (p.a, p.b)).collect();
        assert_eq!(got, vec![(0, 0), (1, 5), (2, 1), (3, 2), (4, 3), (5, 4)]);
        let alone = align(&a[2..3], &b[1..2]);
        assert!(alone.pairs.is_empty(), "no neighbours, no evidence: {alone:?}");
    }

    /// `align(b, a)` is `align(a, b)` with the sides swapped (`stet diff B A` aligned 14 of the
    /// seeds' sentences where `stet diff A B` aligned 17).
    #[test]
    fn alignment_is_the_same_both_ways() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seeds");
        let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        let texts: Vec<String> = files.iter().map(|f| crate::text::normalize(&std::fs::read_to_string(f).unwrap())).collect();
        let sentences = |t: &str| -> Vec<String> { crate::text::sentences(t).into_iter().map(|r| t[r].to_string()).collect() };
        let all: Vec<Vec<String>> = texts.iter().map(|t| sentences(t)).collect();
        for x in &all {
            for y in &all {
                let (xs, ys): (Vec<&str>, Vec<&str>) = (x.iter().map(String::as_str).collect(), y.iter().map(String::as_str).collect());
                assert_eq!(align(&ys, &xs), swapped(align(&xs, &ys)));
            }
        }
        let (s000, s002): (Vec<&str>, Vec<&str>) = (all[0].iter().map(String::as_str).collect(), all[2].iter().map(String::as_str).collect());
        assert!(align(&s000, &s002).pairs.len() >= 16);
    }

    /// No pair of different sentences scores 1, whatever its features: identical pairs (1) are
    /// selected before all others, which `align_sigs_inner` relies on to skip scoring the rest.
    #[test]
    fn scored_pairs_stay_below_identical() {
        for bits in 0u32..32 {
            let f = |k: u32| if bits >> k & 1 == 1 { 1.0 } else { 0.0 };
            let features = PairFeatures { wdice: f(0), dice: f(1), overlap: f(2), num_mismatch: f(3), len_ratio: f(4) };
            assert!(features.sim() < 0.99, "{features:?}");
        }
    }

    /// Within budget every stem proposes pairs; past it, the stems found in the most sentences of
    /// b stop first, and the reads left (entries times the reading sentence's stems) fit.
    #[test]
    fn nearest_takes_the_window_around_the_diagonal() {
        let js: Vec<u32> = (0..100).map(|j| j * 2).collect();
        assert_eq!(nearest(&js, 100, 4), &[96, 98, 100, 102]);
        assert_eq!(nearest(&js, 0, 3), &[0, 2, 4]);
        assert_eq!(nearest(&js, 10_000, 3), &[194, 196, 198]);
        assert_eq!(nearest(&js[..5], 3, 64), &js[..5]);
    }

    #[test]
    fn stem_limit_drops_the_most_frequent_stems_first() {
        let sig = |stems: Vec<u64>| SentenceSig { stems, words: 3, ..Default::default() };
        // Stem 1 in ten sentences of b, stem 2 in one.
        let a = vec![sig(vec![1, 2])];
        let b: Vec<SentenceSig> = (0..10).map(|j| sig(if j == 0 { vec![1, 2] } else { vec![1] })).collect();
        let index = KeyIndex::of_stems(&b);
        let limit = |budget| stem_limit(&a, &[false], &index, &index, 64, budget);
        // Reads: 10 * 2 through stem 1, 1 * 2 through stem 2.
        assert_eq!(limit(22), usize::MAX);
        assert_eq!(limit(21), 9);
        assert_eq!(limit(1), 0);
        assert_eq!(stem_limit(&a, &[true], &index, &index, 64, 0), usize::MAX, "a paired sentence reads nothing");
        // A limit of 9 leaves sentence 0 of b to stem 2 alone.
        let w = StemWeights::new(&a, &weight);
        let wb = StemWeights::new(&b, &weight);
        assert_eq!(align_sigs_inner(&a, &w, &b, &wb, 0.0, None, Bounds { lookups: 21, identical_near: usize::MAX }).pairs.len(), 1);
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
    fn empty_inputs() {
        assert!(align(&[], &[]).pairs.is_empty());
        assert!(align_texts("", "Some text here.").pairs.is_empty());
        assert_eq!(order_preservation(&[]), 1.0);
    }

    use proptest::prelude::*;

    /// Names for the name-matching path: spelling variants, unrelated ones, one too short to
    /// match and one with a character of two bytes.
    const NAMES: [&str; 8] = ["kupiansk", "kupyansk", "zelensky", "zelenskyy", "paris", "parma", "kyiv", "kyïvs"];

    /// A random sentence signature over small hash universes, so that random sentences share
    /// stems, bigrams, numbers, names and whole-sentence hashes.
    pub(super) fn sig() -> impl Strategy<Value = SentenceSig> {
        (
            proptest::collection::vec(0u64..48, 0..14),
            proptest::collection::vec(0u64..40, 0..16),
            0u64..6,
            0u32..20,
        )
            .prop_map(|(mut stems, mut grams, exact, words)| {
                stems.sort_unstable();
                stems.dedup();
                grams.sort_unstable();
                grams.dedup();
                let numbers: Vec<u64> = stems.iter().copied().filter(|&h| h < 6).collect();
                let names = stems
                    .iter()
                    .filter(|&&h| h >= 40)
                    .filter_map(|&h| NAMES.get((h - 40) as usize).map(|n| (h, n.to_string())))
                    .collect();
                SentenceSig { start: 0, end: 0, words, stems, numbers, names, grams, exact }
            })
    }

    pub(super) fn weight(h: u64) -> f32 {
        0.5 + (h % 7) as f32 * 0.3
    }

    /// The fast alignment and the one first written agree exactly, with and without gap filling.
    fn same_as_reference(a: &[SentenceSig], b: &[SentenceSig], min_sim: f32) {
        let got = align_sigs(a, b, &weight, min_sim);
        assert_eq!(got, reference::align_sigs_inner(a, b, &weight, min_sim, None));
        let got = align_sigs_filled(a, b, &weight, min_sim);
        let gap = Some(GAP_SIM.min(min_sim));
        assert_eq!(got, reference::align_sigs_inner(a, b, &weight, min_sim, gap));
    }

    /// Aligning with `a`'s index gives what aligning without it gives.
    fn indexed_same(a: &[SentenceSig], b: &[SentenceSig], min_sim: f32) {
        let (wa, wb) = (StemWeights::new(a, &weight), StemWeights::new(b, &weight));
        let got = align_sigs_indexed(a, &wa, &SigIndex::new(a), b, &wb, min_sim);
        assert_eq!(got, align_sigs_weighted(a, &wa, b, &wb, min_sim));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn alignment_with_an_index_of_a_matches(
            a in proptest::collection::vec(sig(), 0..40),
            b in proptest::collection::vec(sig(), 0..70),
            min_sim in prop_oneof![Just(0.3f32), Just(MIN_SIM), 0.2f32..0.9],
        ) {
            indexed_same(&a, &b, min_sim);
        }

        #[test]
        fn alignment_matches_the_reference(
            a in proptest::collection::vec(sig(), 0..24),
            b in proptest::collection::vec(sig(), 0..24),
            min_sim in prop_oneof![Just(0.3f32), Just(MIN_SIM), 0.2f32..0.9],
        ) {
            same_as_reference(&a, &b, min_sim);
        }
    }

    /// Long texts: stems in more than a quarter of the other side's sentences (and more than
    /// 64) propose no pairs, in both implementations.
    #[test]
    fn long_texts_match_the_reference() {
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(8));
        let texts = (proptest::collection::vec(sig(), 60..200), proptest::collection::vec(sig(), 60..300));
        runner.run(&texts, |(a, b)| {
            same_as_reference(&a, &b, 0.3);
            indexed_same(&a, &b, 0.3);
            indexed_same(&a, &b[..b.len().min(64)], 0.3);
            indexed_same(&b[..b.len().min(64)], &a, 0.3);
            Ok(())
        }).unwrap();
    }

    /// Real texts: the seeds aligned with each other.
    #[test]
    fn seed_texts_match_the_reference() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seeds");
        let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "txt")).collect();
        files.sort();
        let tk = crate::text::Tokenizer::for_lang("eng");
        let sigs: Vec<Vec<SentenceSig>> = files.iter().take(12).map(|f| sentence_sigs(&crate::text::normalize(&std::fs::read_to_string(f).unwrap()), &tk)).collect();
        for a in &sigs {
            for b in &sigs {
                same_as_reference(a, b, 0.3);
                same_as_reference(a, b, MIN_SIM);
                indexed_same(a, b, MIN_SIM);
            }
        }
    }
}
