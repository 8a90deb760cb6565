//! Versions of one url: what was archived under it, oldest first, and how much each version
//! changed from the one before.
//!
//! Main items: [`history`], [`Version`] and [`ChangeSize`] (the size of a change, from a
//! [`crate::diff::Diff`]).

use crate::archive::Archive;
use crate::diff::{Diff, Op, WordOp, WordTag};
use crate::error::Result;
use crate::model::ArticleRecord;
use serde::Serialize;

/// How much a version changed from the one before.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ChangeSize {
    /// Sentences unchanged and in place.
    pub same: usize,
    /// Sentences in place with word changes.
    pub edited: usize,
    /// Sentences moved (edited or not).
    pub moved: usize,
    /// Sentences only in the new version.
    pub added: usize,
    /// Sentences only in the old version.
    pub removed: usize,
    /// Characters added: added sentences and inserted words.
    pub chars_added: usize,
    /// Characters removed: removed sentences and deleted words.
    pub chars_removed: usize,
}

impl ChangeSize {
    /// The size of the change a diff describes.
    pub fn of(diff: &Diff) -> ChangeSize {
        let s = &diff.summary;
        let mut c = ChangeSize { same: s.same, edited: s.edited, moved: s.moved, added: s.added, removed: s.removed, ..ChangeSize::default() };
        let mut words = |ws: &[WordOp]| {
            for w in ws {
                match w.op {
                    WordTag::Insert => c.chars_added += w.text.chars().count(),
                    WordTag::Delete => c.chars_removed += w.text.chars().count(),
                    WordTag::Equal => {}
                }
            }
        };
        let mut added = 0;
        let mut removed = 0;
        for op in &diff.ops {
            match op {
                Op::Edit { words: ws, .. } | Op::Moved { words: ws, .. } => words(ws),
                Op::Added { text, .. } => added += text.chars().count(),
                Op::Removed { text, .. } => removed += text.chars().count(),
                Op::Same { .. } => {}
            }
        }
        c.chars_added += added;
        c.chars_removed += removed;
        c
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.edited + self.moved + self.added + self.removed + self.chars_added + self.chars_removed == 0
    }
}

/// One archived version of a url.
#[derive(Clone, Debug)]
pub struct Version {
    /// Its number, from 1 (oldest): what `URL@N` names.
    pub n: usize,
    /// The article.
    pub record: ArticleRecord,
    /// The change from version `n - 1` (`None` for the first).
    pub change: Option<ChangeSize>,
}

/// The versions archived under `url` (compared by [`super::url_key`]), oldest first, each
/// with the size of its change from the one before. Empty when the url is unknown.
pub fn history(archive: &Archive, url: &str) -> Result<Vec<Version>> {
    let mut out: Vec<Version> = Vec::new();
    let mut prev_text: Option<String> = None;
    for (i, id) in archive.versions(url)?.into_iter().enumerate() {
        let record = archive.article_required(&id)?;
        let text = archive.text(&record)?;
        let change = prev_text.as_deref().map(|p| ChangeSize::of(&crate::diff::diff_texts(p, &text)));
        prev_text = Some(text);
        out.push(Version { n: i + 1, record, change });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::AlignedPair;
    use crate::diff::compute;

    /// An aligned pair; built through serde so that fields added later keep their defaults.
    fn pair(a: u32, b: u32, sim: f32) -> AlignedPair {
        serde_json::from_value(serde_json::json!({ "a": a, "b": b, "sim": sim })).expect("aligned pair")
    }

    #[test]
    fn change_size_counts_sentences_and_characters() {
        let a = ["The river rose.", "Schools closed.", "Roads were shut."];
        let b = ["Schools closed.", "The river rose sharply.", "Two died."];
        let pairs = [pair(0, 1, 0.8), pair(1, 0, 1.0)];
        let c = ChangeSize::of(&compute(&a, &b, &pairs));
        assert_eq!((c.same, c.edited, c.moved, c.added, c.removed), (0, 1, 1, 1, 1));
        // "sharply" plus its space is inserted; "Two died." added; "Roads were shut." removed.
        assert_eq!(c.chars_added, " sharply".chars().count() + "Two died.".chars().count());
        assert_eq!(c.chars_removed, "Roads were shut.".chars().count());
        assert!(!c.is_empty());
        let same = ChangeSize::of(&compute(&a, &a, &[pair(0, 0, 1.0), pair(1, 1, 1.0), pair(2, 2, 1.0)]));
        assert!(same.is_empty());
        assert_eq!(same.same, 3);
    }
}
