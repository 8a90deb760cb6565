//! The diff engine: turns an aligned pair of sentence lists into operations, and renders them.
//!
//! Main items: [`compute`] (sentences of both sides plus the aligned pairs from
//! [`crate::align`] give a [`Diff`]), [`diff_texts`] (the same from two normalised texts),
//! [`Op`], [`WordOp`], [`Summary`], and the renderings [`render_inline`],
//! [`render_side_by_side`], [`render_html`] / [`render_html_report`] (with [`SideMeta`]) and
//! [`render_summary`].
//!
//! The engine does not align sentences itself: the one aligner of the code base is
//! [`crate::align`]. It takes the aligned pairs as given (dropping any pair that is out of
//! range or reuses a sentence, so every sentence appears exactly once in the output), finds
//! the order-preserving majority of the pairs (a longest increasing subsequence) and marks the
//! other pairs as moved, diffs each pair word by word with `similar`, and orders the operations
//! by side b's reading order, each removed sentence of a placed where it stood between its
//! aligned neighbours.
//!
//! ```
//! use stet::align::AlignedPair;
//! use stet::diff::{compute, render_inline};
//!
//! let a = ["The river rose.", "Schools closed.", "Roads were shut."];
//! let b = ["Schools closed.", "The river rose sharply."];
//! let pairs = [AlignedPair { a: 0, b: 1, sim: 0.8, ..Default::default() }, AlignedPair { a: 1, b: 0, sim: 1.0, ..Default::default() }];
//! let diff = compute(&a, &b, &pairs);
//! assert_eq!(
//!     render_inline(&diff, false),
//!     "↕ (moved from a#2) Schools closed.\n~ The river rose {+sharply+}.\n- Roads were shut.\n"
//! );
//! ```
//!
//! Human renderings number sentences from 1 (`a#3` is side a's third sentence); the JSON
//! (`serde`) form uses the 0-based indexes of the input lists.

mod engine;
mod html;
mod inline;
mod side_by_side;
mod style;
mod summary;
mod words;

pub use engine::{compute, diff_texts};
pub use html::{render_html, render_html_report, SideMeta};
pub use inline::{render_inline, render_inline_context};
pub use side_by_side::render_side_by_side;
pub use summary::{render_detected, render_summary, Detected};
pub use words::{word_diff, WordOp, WordTag};

use serde::Serialize;

/// The difference between two texts: a summary and the operations in reading order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diff {
    /// Counts, coverage and verbatim share.
    pub summary: Summary,
    /// The operations in side b's reading order, removed sentences of a interleaved.
    pub ops: Vec<Op>,
}

/// One operation of a diff: what happened to one sentence or one aligned pair of sentences.
///
/// Indexes are 0-based positions in the input sentence lists. `text` is always the sentence
/// as it reads on side b, except for [`Op::Removed`], where it is side a's. Texts are trimmed.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Op {
    /// An aligned pair, in order, identical after trimming.
    Same {
        /// Index on side a.
        a: usize,
        /// Index on side b.
        b: usize,
        /// The sentence.
        text: String,
    },
    /// An aligned pair, in order, with word changes.
    Edit {
        /// Index on side a.
        a: usize,
        /// Index on side b.
        b: usize,
        /// The aligner's similarity, in [0, 1].
        sim: f32,
        /// Side a's sentence.
        old: String,
        /// Side b's sentence.
        text: String,
        /// Word-level diff from `old` to `text`.
        words: Vec<WordOp>,
    },
    /// An aligned pair out of order relative to the order-preserving majority; shown at its
    /// place in b. It may also be edited.
    Moved {
        /// Index on side a (where it came from).
        a: usize,
        /// Index on side b.
        b: usize,
        /// The aligner's similarity, in [0, 1].
        sim: f32,
        /// Whether the two sentences differ after trimming.
        edited: bool,
        /// Side a's sentence.
        old: String,
        /// Side b's sentence.
        text: String,
        /// Word-level diff from `old` to `text` (one equal run when not edited).
        words: Vec<WordOp>,
    },
    /// A sentence of b aligned with nothing in a.
    Added {
        /// Index on side b.
        b: usize,
        /// The sentence.
        text: String,
    },
    /// A sentence of a aligned with nothing in b.
    Removed {
        /// Index on side a.
        a: usize,
        /// The sentence.
        text: String,
    },
}

impl Op {
    /// The index on side a, if this operation involves side a.
    pub fn a(&self) -> Option<usize> {
        match self {
            Op::Same { a, .. }
            | Op::Edit { a, .. }
            | Op::Moved { a, .. }
            | Op::Removed { a, .. } => Some(*a),
            Op::Added { .. } => None,
        }
    }

    /// The index on side b, if this operation involves side b.
    pub fn b(&self) -> Option<usize> {
        match self {
            Op::Same { b, .. } | Op::Edit { b, .. } | Op::Moved { b, .. } | Op::Added { b, .. } => {
                Some(*b)
            }
            Op::Removed { .. } => None,
        }
    }

    /// The operation's name as in the JSON `op` field.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Same { .. } => "same",
            Op::Edit { .. } => "edit",
            Op::Moved { .. } => "moved",
            Op::Added { .. } => "added",
            Op::Removed { .. } => "removed",
        }
    }
}

/// The figures of a diff.
///
/// Coverage comes in two units: `*_chars` is the share of the side's characters (of its
/// trimmed sentences) that lie in aligned sentences, `*_sentences` the share of its
/// sentences that are aligned. Shares are in [0, 1], rounded to 4 decimals, and 0 for an
/// empty side.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Number of sentences on side a.
    pub sentences_a: usize,
    /// Number of sentences on side b.
    pub sentences_b: usize,
    /// Aligned pairs in order and identical.
    pub same: usize,
    /// Aligned pairs in order with word changes.
    pub edited: usize,
    /// Aligned pairs out of order (edited or not).
    pub moved: usize,
    /// Of the moved pairs, those that are also edited.
    pub moved_edited: usize,
    /// Sentences of b aligned with nothing.
    pub added: usize,
    /// Sentences of a aligned with nothing.
    pub removed: usize,
    /// Share of a's characters in aligned sentences.
    pub coverage_a_chars: f64,
    /// Share of b's characters in aligned sentences.
    pub coverage_b_chars: f64,
    /// Share of a's sentences that are aligned.
    pub coverage_a_sentences: f64,
    /// Share of b's sentences that are aligned.
    pub coverage_b_sentences: f64,
    /// Words in aligned sentences of a.
    pub aligned_words_a: usize,
    /// Words in aligned sentences of b.
    pub aligned_words_b: usize,
    /// Words in the equal runs of aligned pairs (the same words on both sides).
    pub equal_words: usize,
    /// Verbatim share: `2 * equal_words / (aligned_words_a + aligned_words_b)`, the share of
    /// the words of aligned pairs that the word diff finds equal on both sides.
    pub verbatim: f64,
}
