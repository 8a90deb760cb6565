//! The in-order chain of an alignment: [`in_order_chain`], the pairs that keep their order on
//! both sides.

use super::AlignedPair;

/// Indexes into `pairs` of the in-order chain: the most pairs that keep the same order on both
/// sides (`a` and `b` both increasing), ties broken by the greatest total `weight`, then by the
/// pairs met first. `pairs` are one to one, in any order; the chain comes in increasing `a`.
///
/// The one test of "in order" in the code base: detection's order preservation, the diff's
/// gap filling and the diff's same / moved split all take it, so a sentence the diff aligns
/// between two in-order neighbours is never shown as moved.
pub fn in_order_chain(pairs: &[AlignedPair], weight: impl Fn(&AlignedPair) -> u64) -> Vec<usize> {
    type Score = (u64, u64);
    let mut order: Vec<usize> = (0..pairs.len()).collect();
    order.sort_by_key(|&k| (pairs[k].a, pairs[k].b));
    // b by rank among the pairs' b values, so that the tree's size is the number of pairs
    // whatever the indexes (stored evidence could hold any).
    let mut bs: Vec<u32> = pairs.iter().map(|p| p.b).collect();
    bs.sort_unstable();
    bs.dedup();
    let rank = |p: &AlignedPair| bs.partition_point(|&b| b < p.b);
    let n = bs.len();
    // Fenwick tree over b's rank: the best (score, pair) of a chain ending at or below each.
    let mut tree: Vec<Option<(Score, usize)>> = vec![None; n + 1];
    let mut prev: Vec<Option<usize>> = vec![None; pairs.len()];
    let mut best: Option<(Score, usize)> = None;
    let mut at = 0;
    while at < order.len() {
        // Pairs sharing an a (not one to one) must not chain onto each other: score them all
        // before any enters the tree.
        let end = at + order[at..].iter().take_while(|&&k| pairs[k].a == pairs[order[at]].a).count();
        let scored: Vec<(usize, Score)> = order[at..end]
            .iter()
            .map(|&k| {
                let mut before: Option<(Score, usize)> = None;
                let mut i = rank(&pairs[k]);
                while i > 0 {
                    if let Some(v) = tree[i] {
                        if before.is_none_or(|bv| v.0 > bv.0) {
                            before = Some(v);
                        }
                    }
                    i &= i - 1;
                }
                let base = before.map_or((0, 0), |v| v.0);
                prev[k] = before.map(|v| v.1);
                (k, (base.0 + 1, base.1 + weight(&pairs[k])))
            })
            .collect();
        for (k, score) in scored {
            let mut i = rank(&pairs[k]) + 1;
            while i <= n {
                if tree[i].is_none_or(|tv| score > tv.0) {
                    tree[i] = Some((score, k));
                }
                i += i & i.wrapping_neg();
            }
            if best.is_none_or(|bv| score > bv.0) {
                best = Some((score, k));
            }
        }
        at = end;
    }
    let mut chain = Vec::new();
    let mut cur = best.map(|v| v.1);
    while let Some(k) = cur {
        chain.push(k);
        cur = prev[k];
    }
    chain.reverse();
    chain
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pair(a: u32, b: u32) -> AlignedPair {
        AlignedPair { a, b, sim: 1.0, overlap: 1.0, verbatim: true }
    }

    /// The best (count, weight) over all chains, by trying every subset.
    fn brute_force(pairs: &[AlignedPair], weight: &dyn Fn(&AlignedPair) -> u64) -> (usize, u64) {
        let mut best = (0, 0);
        for mask in 0u32..1 << pairs.len() {
            let mut chosen: Vec<&AlignedPair> = (0..pairs.len()).filter(|k| mask >> k & 1 == 1).map(|k| &pairs[k]).collect();
            chosen.sort_by_key(|p| p.a);
            if chosen.windows(2).all(|w| w[0].a < w[1].a && w[0].b < w[1].b) {
                best = best.max((chosen.len(), chosen.iter().map(|p| weight(p)).sum()));
            }
        }
        best
    }

    #[test]
    fn a_moved_pair_is_left_out() {
        let pairs = [pair(0, 0), pair(1, 3), pair(2, 1), pair(3, 2)];
        assert_eq!(in_order_chain(&pairs, |_| 0), vec![0, 2, 3]);
    }

    #[test]
    fn ties_go_to_the_heavier_chain() {
        // Either (0,1) or (1,0) can join (2,2); the heavier one is kept.
        let pairs = [pair(0, 1), pair(1, 0), pair(2, 2)];
        assert_eq!(in_order_chain(&pairs, |p| if p.a == 1 { 10 } else { 1 }), vec![1, 2]);
        assert_eq!(in_order_chain(&pairs, |p| if p.a == 0 { 10 } else { 1 }), vec![0, 2]);
    }

    #[test]
    fn huge_indexes_need_no_huge_table() {
        let pairs = [pair(u32::MAX - 1, u32::MAX), pair(0, 7), pair(5, u32::MAX - 3)];
        assert_eq!(in_order_chain(&pairs, |_| 0), vec![1, 2, 0]);
    }

    #[test]
    fn pairs_sharing_a_sentence_do_not_chain() {
        assert_eq!(in_order_chain(&[pair(0, 0), pair(0, 1)], |_| 0).len(), 1);
        assert_eq!(in_order_chain(&[pair(0, 1), pair(1, 1)], |_| 0).len(), 1);
        assert!(in_order_chain(&[], |_| 0).is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// The chain is in order on both sides, as long as any, and as heavy as any that long.
        #[test]
        fn chain_is_a_longest_heaviest_one(raw in proptest::collection::vec((0u32..8, 0u32..8, 0u64..5), 0..10)) {
            let pairs: Vec<AlignedPair> = raw.iter().map(|&(a, b, _)| pair(a, b)).collect();
            let weight = |p: &AlignedPair| raw.iter().find(|&&(a, b, _)| a == p.a && b == p.b).map_or(0, |r| r.2);
            let chain = in_order_chain(&pairs, weight);
            prop_assert!(chain.windows(2).all(|w| pairs[w[0]].a < pairs[w[1]].a && pairs[w[0]].b < pairs[w[1]].b));
            let got = (chain.len(), chain.iter().map(|&k| weight(&pairs[k])).sum::<u64>());
            prop_assert_eq!(got, brute_force(&pairs, &weight));
        }
    }
}
