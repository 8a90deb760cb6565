//! The alignment as it was first written (hash-map indexes, weights looked up per pair), kept
//! to check that the faster one gives exactly the same results.
//!
//! Main item: [`align_sigs_inner`], with [`features_weighted`], [`intersect_count`] and
//! [`edit_distance`].

use super::similarity::{dice_count, Marks};
use super::{AlignedPair, Alignment, PairFeatures, SentenceSig, MIN_SHARED_ALONE, VERBATIM_OVERLAP};
use crate::text::IdMap;

/// Size of the intersection of two sorted, deduplicated slices.
pub(super) fn intersect_count(a: &[u64], b: &[u64]) -> usize {
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
pub(super) fn edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
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


/// Like [`features`], with the weights of `a.stems` and `b.stems` given in the same order.
pub(super) fn features_weighted(a: &SentenceSig, wa_: &[f32], b: &SentenceSig, wb_: &[f32]) -> PairFeatures {
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


pub(super) fn align_sigs_inner(
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
    let mut shared: Vec<(u32, u32)> = Vec::new();
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
            // Counted twice: an identical sentence is always scored.
            seen.extend_from_slice(js);
            seen.extend_from_slice(js);
        }
        if seen.is_empty() {
            continue;
        }
        seen.sort_unstable();
        // Each b sentence with the number of stems it shares (its run length in `seen`).
        shared.clear();
        for &j in seen.iter() {
            match shared.last_mut() {
                Some((last, n)) if *last == j => *n += 1,
                _ => shared.push((j, 1)),
            }
        }
        let wa = weights_of(s);
        for &(j, n) in &shared {
            let t = &b[j as usize];
            // One shared stem between longer sentences never makes a pair (see the constant).
            if n < 2 && s.stems.len().min(t.stems.len()) > MIN_SHARED_ALONE {
                continue;
            }
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

