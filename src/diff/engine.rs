//! Building a [`Diff`] from two sentence lists and their aligned pairs.
//!
//! Main items: [`compute`], [`diff_texts`]; internally the pair clean-up, the split of in-order
//! pairs from moved ones (by the aligner's own in-order chain), the reading order, and the
//! summary figures.

use super::words::{count_words, word_diff, WordOp, WordTag};
use super::{Diff, Op, Summary};
use crate::align::AlignedPair;

/// A usable aligned pair: in range, one to one, with its similarity.
#[derive(Clone, Copy, Debug)]
struct Pair {
    a: usize,
    b: usize,
    sim: f32,
}

/// Computes the diff of side a's sentences and side b's sentences, given the aligned pairs.
///
/// Pairs out of range are ignored; when pairs share a sentence, the one with the higher
/// similarity is kept (then the earlier one). A pair whose similarity is not finite counts
/// as 0 and is clamped to [0, 1] in the output. Never panics; every sentence of `a` and of
/// `b` appears in exactly one operation.
pub fn compute(a: &[&str], b: &[&str], pairs: &[AlignedPair]) -> Diff {
    let pairs = usable_pairs(a.len(), b.len(), pairs);
    let in_order = order_preserving(&pairs, a, b);

    let mut a_pair: Vec<Option<usize>> = vec![None; a.len()];
    let mut b_pair: Vec<Option<usize>> = vec![None; b.len()];
    for (k, p) in pairs.iter().enumerate() {
        a_pair[p.a] = Some(k);
        b_pair[p.b] = Some(k);
    }

    let mut acc = Accumulator::default();
    let mut ops = Vec::with_capacity(a.len() + b.len());
    // Walk b in reading order; anchors are the in-order pairs. Before each anchor, emit the
    // unaligned sentences of a that stand before it, then the b items since the last anchor.
    let mut next_a = 0usize;
    let mut pending_b: Vec<usize> = Vec::new();
    for (j, slot) in b_pair.iter().enumerate() {
        match slot {
            Some(k) if in_order[*k] => {
                let p = pairs[*k];
                emit_removed(&mut ops, a, &a_pair, next_a, p.a);
                next_a = p.a + 1;
                for jb in pending_b.drain(..) {
                    ops.push(b_item(jb, a, b, &b_pair, &pairs, &mut acc));
                }
                ops.push(pair_op(p, a, b, false, &mut acc));
            }
            _ => pending_b.push(j),
        }
    }
    emit_removed(&mut ops, a, &a_pair, next_a, a.len());
    for jb in pending_b {
        ops.push(b_item(jb, a, b, &b_pair, &pairs, &mut acc));
    }

    let summary = summarise(a, b, &pairs, &ops, &acc);
    Diff { summary, ops }
}

/// Splits two normalised texts into sentences with [`crate::text::sentences`], aligns them
/// with [`crate::align::align`] and computes their diff.
pub fn diff_texts(a: &str, b: &str) -> Diff {
    let (sa, sb) = (crate::text::sentence_slices(a), crate::text::sentence_slices(b));
    let alignment = crate::align::align(&sa, &sb);
    compute(&sa, &sb, &alignment.pairs)
}

/// Drops pairs out of range and keeps pairs one to one, preferring higher similarity.
fn usable_pairs(na: usize, nb: usize, pairs: &[AlignedPair]) -> Vec<Pair> {
    let mut cands: Vec<(usize, Pair)> = pairs
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let (pa, pb) = (p.a as usize, p.b as usize);
            let sim = if p.sim.is_finite() {
                p.sim.clamp(0.0, 1.0)
            } else {
                0.0
            };
            (pa < na && pb < nb).then_some((i, Pair { a: pa, b: pb, sim }))
        })
        .collect();
    cands.sort_by(|(i, x), (j, y)| y.sim.total_cmp(&x.sim).then(i.cmp(j)));
    let mut used_a = vec![false; na];
    let mut used_b = vec![false; nb];
    let mut out = Vec::with_capacity(cands.len());
    for (_, p) in cands {
        if !used_a[p.a] && !used_b[p.b] {
            used_a[p.a] = true;
            used_b[p.b] = true;
            out.push(p);
        }
    }
    out.sort_by_key(|p| p.b);
    out
}

/// Marks the pairs of the in-order majority ([`crate::align::in_order_chain`], ties broken by
/// the most characters kept in place, then by the more similar pairs). The rest are moved.
fn order_preserving(pairs: &[Pair], a: &[&str], b: &[&str]) -> Vec<bool> {
    let as_aligned: Vec<AlignedPair> = pairs
        .iter()
        .map(|p| AlignedPair { a: p.a as u32, b: p.b as u32, sim: p.sim, overlap: 0.0, verbatim: false })
        .collect();
    // Characters kept in place, then similarity: in the low 32 bits, which a chain's sum of
    // similarities (at most 1023 per pair, 2,000 sentences a side) cannot carry out of.
    let kept = |p: &AlignedPair| {
        let chars = (a[p.a as usize].trim().chars().count() + b[p.b as usize].trim().chars().count()) as u64;
        (chars << 32) + (p.sim.clamp(0.0, 1.0) * 1023.0) as u64
    };
    let mut keep = vec![false; pairs.len()];
    for k in crate::align::in_order_chain(&as_aligned, kept) {
        keep[k] = true;
    }
    keep
}

/// Emits `Removed` for the unaligned sentences of a in `from..to`.
fn emit_removed(ops: &mut Vec<Op>, a: &[&str], a_pair: &[Option<usize>], from: usize, to: usize) {
    for i in from..to.min(a.len()) {
        if a_pair[i].is_none() {
            ops.push(Op::Removed {
                a: i,
                text: a[i].trim().to_string(),
            });
        }
    }
}

/// The operation for a sentence of b that is not an in-order anchor: moved or added.
fn b_item(
    j: usize,
    a: &[&str],
    b: &[&str],
    b_pair: &[Option<usize>],
    pairs: &[Pair],
    acc: &mut Accumulator,
) -> Op {
    match b_pair[j] {
        Some(k) => pair_op(pairs[k], a, b, true, acc),
        None => Op::Added {
            b: j,
            text: b[j].trim().to_string(),
        },
    }
}

/// Word counts gathered while building pair operations.
#[derive(Default)]
struct Accumulator {
    words_a: usize,
    words_b: usize,
    equal: usize,
}

/// The operation for an aligned pair: same, edit, or moved.
fn pair_op(p: Pair, a: &[&str], b: &[&str], moved: bool, acc: &mut Accumulator) -> Op {
    let old = a[p.a].trim();
    let new = b[p.b].trim();
    let identical = old == new;
    let words: Vec<WordOp> = if identical {
        if new.is_empty() {
            Vec::new()
        } else {
            vec![WordOp {
                op: WordTag::Equal,
                text: new.to_string(),
            }]
        }
    } else {
        word_diff(old, new)
    };
    for w in &words {
        let n = count_words(&w.text);
        match w.op {
            WordTag::Equal => {
                acc.equal += n;
                acc.words_a += n;
                acc.words_b += n;
            }
            WordTag::Delete => acc.words_a += n,
            WordTag::Insert => acc.words_b += n,
        }
    }
    if moved {
        Op::Moved {
            a: p.a,
            b: p.b,
            sim: crate::model::round_figure(p.sim),
            edited: !identical,
            old: old.to_string(),
            text: new.to_string(),
            words,
        }
    } else if identical {
        Op::Same {
            a: p.a,
            b: p.b,
            text: new.to_string(),
        }
    } else {
        Op::Edit {
            a: p.a,
            b: p.b,
            sim: crate::model::round_figure(p.sim),
            old: old.to_string(),
            text: new.to_string(),
            words,
        }
    }
}

/// A share in [0, 1] rounded to 4 decimals; 0 when the whole is 0.
fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        ((part as f64 / whole as f64) * 10_000.0).round() / 10_000.0
    }
}

/// Computes the summary figures.
fn summarise(a: &[&str], b: &[&str], pairs: &[Pair], ops: &[Op], acc: &Accumulator) -> Summary {
    let chars = |s: &str| s.trim().chars().count();
    let total_a: usize = a.iter().map(|s| chars(s)).sum();
    let total_b: usize = b.iter().map(|s| chars(s)).sum();
    let aligned_a: usize = pairs.iter().map(|p| chars(a[p.a])).sum();
    let aligned_b: usize = pairs.iter().map(|p| chars(b[p.b])).sum();
    let mut s = Summary {
        sentences_a: a.len(),
        sentences_b: b.len(),
        same: 0,
        edited: 0,
        moved: 0,
        moved_edited: 0,
        added: 0,
        removed: 0,
        coverage_a_chars: share(aligned_a, total_a),
        coverage_b_chars: share(aligned_b, total_b),
        coverage_a_sentences: share(pairs.len(), a.len()),
        coverage_b_sentences: share(pairs.len(), b.len()),
        aligned_words_a: acc.words_a,
        aligned_words_b: acc.words_b,
        equal_words: acc.equal,
        verbatim: share(2 * acc.equal, acc.words_a + acc.words_b),
    };
    for op in ops {
        match op {
            Op::Same { .. } => s.same += 1,
            Op::Edit { .. } => s.edited += 1,
            Op::Moved { edited, .. } => {
                s.moved += 1;
                if *edited {
                    s.moved_edited += 1;
                }
            }
            Op::Added { .. } => s.added += 1,
            Op::Removed { .. } => s.removed += 1,
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(a: u32, b: u32) -> AlignedPair {
        AlignedPair { a, b, sim: 1.0, ..Default::default() }
    }

    #[test]
    fn lis_marks_the_single_jump_as_moved() {
        let a = ["s0", "s1", "s2", "s3", "s4"];
        let b = ["s4", "s0", "s1", "s2", "s3"];
        let pairs: Vec<_> = (0..5).map(|i| pair(i, (i + 1) % 5)).collect();
        let d = compute(&a, &b, &pairs);
        let names: Vec<_> = d.ops.iter().map(|o| (o.name(), o.a(), o.b())).collect();
        assert_eq!(names[0], ("moved", Some(4), Some(0)));
        assert!(names[1..].iter().all(|n| n.0 == "same"));
    }

    #[test]
    fn conflicting_pairs_keep_the_best() {
        let a = ["x", "y"];
        let b = ["x"];
        let pairs = [
            AlignedPair {
                a: 1,
                b: 0,
                sim: 0.2, ..Default::default() },
            AlignedPair {
                a: 0,
                b: 0,
                sim: 0.9, ..Default::default() },
            AlignedPair {
                a: 7,
                b: 0,
                sim: 1.0, ..Default::default() },
            AlignedPair {
                a: 0,
                b: 9,
                sim: f32::NAN, ..Default::default() },
        ];
        let d = compute(&a, &b, &pairs);
        assert_eq!(d.summary.same, 1);
        assert_eq!(d.summary.removed, 1);
    }
}
