//! Sentence alignment between two texts: one to one, order-free; the diff engine's base.
//!
//! Main items: [`align`], [`Alignment`], [`AlignedPair`].

use serde::{Deserialize, Serialize};

/// Two aligned sentences, by index into each side's sentence list.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlignedPair {
    /// Sentence index on side a.
    pub a: u32,
    /// Sentence index on side b.
    pub b: u32,
    /// Similarity in [0, 1].
    pub sim: f32,
}

/// The one-to-one alignment of two sentence lists.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Alignment {
    /// Aligned pairs, sorted by `a`.
    pub pairs: Vec<AlignedPair>,
}

/// Aligns sentences of `a` with sentences of `b` (placeholder: exact matches only).
pub fn align(a: &[&str], b: &[&str]) -> Alignment {
    let mut used = vec![false; b.len()];
    let mut pairs = Vec::new();
    for (i, sa) in a.iter().enumerate() {
        if let Some(j) = (0..b.len()).find(|&j| !used[j] && b[j].trim() == sa.trim()) {
            used[j] = true;
            pairs.push(AlignedPair { a: i as u32, b: j as u32, sim: 1.0 });
        }
    }
    Alignment { pairs }
}
