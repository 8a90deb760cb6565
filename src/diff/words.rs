//! Word-level diff inside one aligned sentence pair, on `similar`'s Unicode word tokens.
//!
//! Main items: [`WordOp`], [`WordTag`], [`word_diff`], [`count_words`].

use serde::Serialize;
use similar::{ChangeTag, TextDiff};
use std::time::Duration;
use unicode_segmentation::UnicodeSegmentation;

/// Longest time one sentence pair's word diff may take before `similar` falls back to a
/// coarser (still correct) answer; only pathological inputs come near it.
const WORD_DIFF_TIMEOUT: Duration = Duration::from_millis(250);

/// What a word operation does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WordTag {
    /// The text is on both sides.
    Equal,
    /// The text is only on side a (removed in b).
    Delete,
    /// The text is only on side b (added in b).
    Insert,
}

/// One run of text of a word-level diff: equal on both sides, deleted from a or inserted in b.
///
/// Concatenating the `equal` and `delete` runs gives side a's sentence; `equal` and `insert`
/// runs give side b's. Runs include the whitespace and punctuation between words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WordOp {
    /// What this run does.
    pub op: WordTag,
    /// The run's text, whitespace included.
    pub text: String,
}

/// Diffs two sentences word by word (Unicode word boundaries) and returns merged runs.
///
/// Changes separated only by whitespace or punctuation are merged into one replacement, so
/// that `the quick brown fox` / `the slow red fox` gives `the [-quick brown-]{+slow red+} fox`.
/// Within each changed stretch the deletion comes before the insertion.
///
/// Symmetric: `word_diff(new, old)` is `word_diff(old, new)` with deletions and insertions
/// swapped. The diff algorithm breaks ties by side, so the pair is always diffed from the lesser
/// sentence (`diff B A` showed a phrase as unchanged that `diff A B` showed deleted and
/// re-inserted, and their verbatim shares differed).
pub fn word_diff(old: &str, new: &str) -> Vec<WordOp> {
    let swap = new < old;
    let (x, y) = if swap { (new, old) } else { (old, new) };
    let diff = TextDiff::configure()
        .timeout(WORD_DIFF_TIMEOUT)
        .diff_unicode_words(x, y);
    let raw: Vec<(WordTag, &str)> = diff
        .iter_all_changes()
        .map(|c| {
            let tag = match (c.tag(), swap) {
                (ChangeTag::Equal, _) => WordTag::Equal,
                (ChangeTag::Delete, false) | (ChangeTag::Insert, true) => WordTag::Delete,
                (ChangeTag::Insert, false) | (ChangeTag::Delete, true) => WordTag::Insert,
            };
            (tag, c.value())
        })
        .collect();
    merge_runs(&raw)
}

/// Whether an equal token may be absorbed into the change around it: whitespace and
/// punctuation only (no letter or digit).
fn is_glue(text: &str) -> bool {
    !text.is_empty() && !text.chars().any(char::is_alphanumeric)
}

/// Merges raw token changes into runs. A stretch of changes whose only equal tokens are glue
/// (whitespace, punctuation) becomes one deletion (side a's text of the stretch) followed by
/// one insertion (side b's), so changes read as whole phrases.
fn merge_runs(raw: &[(WordTag, &str)]) -> Vec<WordOp> {
    let mut out: Vec<WordOp> = Vec::new();
    let mut del = String::new();
    let mut ins = String::new();
    let mut i = 0;
    while i < raw.len() {
        let (tag, text) = raw[i];
        if tag == WordTag::Equal {
            push_run(&mut out, WordTag::Equal, text);
            i += 1;
            continue;
        }
        // A change starts a stretch: extend it over glue to the last change reachable.
        let mut last = i;
        let mut k = i + 1;
        while let Some(&(t, tx)) = raw.get(k) {
            if t != WordTag::Equal {
                last = k;
            } else if !is_glue(tx) {
                break;
            }
            k += 1;
        }
        for &(t, tx) in &raw[i..=last] {
            if t != WordTag::Insert {
                del.push_str(tx);
            }
            if t != WordTag::Delete {
                ins.push_str(tx);
            }
        }
        flush(&mut out, &mut del, &mut ins);
        i = last + 1;
    }
    out
}

/// Emits the pending deletion, then the pending insertion, and clears both.
fn flush(out: &mut Vec<WordOp>, del: &mut String, ins: &mut String) {
    push_run(out, WordTag::Delete, del);
    push_run(out, WordTag::Insert, ins);
    del.clear();
    ins.clear();
}

/// Appends `text` as a run of `tag`, extending the last run when it has the same tag.
fn push_run(out: &mut Vec<WordOp>, tag: WordTag, text: &str) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(last) if last.op == tag => last.text.push_str(text),
        _ => out.push(WordOp {
            op: tag,
            text: text.to_string(),
        }),
    }
}

/// Splits `s` into leading whitespace, core, and trailing whitespace. Renderings show a
/// changed run's outer whitespace outside its markers, so `the {+town+} hall` rather than
/// `the {+town +}hall`.
pub(crate) fn split_ws(s: &str) -> (&str, &str, &str) {
    let core_start = s.len() - s.trim_start().len();
    let rest = &s[core_start..];
    let core = rest.trim_end();
    (&s[..core_start], core, &rest[core.len()..])
}

/// Counts the words (Unicode word segments containing a letter or digit) in `s`.
pub fn count_words(s: &str) -> usize {
    s.unicode_words().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(ops: &[WordOp], keep: WordTag) -> String {
        ops.iter()
            .filter(|o| o.op == WordTag::Equal || o.op == keep)
            .map(|o| o.text.as_str())
            .collect()
    }

    #[test]
    fn replacement_is_merged_across_spaces() {
        let ops = word_diff("the quick brown fox", "the slow red fox");
        assert_eq!(
            ops,
            vec![
                WordOp {
                    op: WordTag::Equal,
                    text: "the ".into()
                },
                WordOp {
                    op: WordTag::Delete,
                    text: "quick brown".into()
                },
                WordOp {
                    op: WordTag::Insert,
                    text: "slow red".into()
                },
                WordOp {
                    op: WordTag::Equal,
                    text: " fox".into()
                },
            ]
        );
    }

    #[test]
    fn punctuation_between_changes_is_absorbed() {
        let ops = word_diff(
            "the city, across the river, had been evacuated.",
            "the city has been evacuated, officials said.",
        );
        let changes = ops.iter().filter(|o| o.op != WordTag::Equal).count();
        assert!(changes <= 4, "{ops:?}");
        assert_eq!(
            side(&ops, WordTag::Delete),
            "the city, across the river, had been evacuated."
        );
        assert_eq!(
            side(&ops, WordTag::Insert),
            "the city has been evacuated, officials said."
        );
    }

    #[test]
    fn sides_reassemble() {
        let pairs = [
            ("", ""),
            ("a", ""),
            ("", "b"),
            (
                "Kupiansk is a rail hub.",
                "Kupyansk is the main rail hub, officials said.",
            ),
            ("  spaced   out  ", "spaced out"),
            ("日本語のテキスト", "日本語の文章"),
        ];
        for (a, b) in pairs {
            let ops = word_diff(a, b);
            assert_eq!(side(&ops, WordTag::Delete), a);
            assert_eq!(side(&ops, WordTag::Insert), b);
        }
    }

    /// Both orders give the same runs, deletions and insertions swapped (the seeds' pair "along
    /// the line of contact" was unchanged one way and deleted and re-inserted the other).
    #[test]
    fn word_diff_is_the_same_both_ways() {
        let pairs = [
            ("\"Helicopters are dropping at landing points along the line of contact..", "\"All along the line of contact, the helicopters are landing in landing zones."),
            ("the quick brown fox jumps", "the slow red fox jumped over"),
            ("a b a b a", "b a b a b"),
        ];
        for (a, b) in pairs {
            let (ab, ba) = (word_diff(a, b), word_diff(b, a));
            assert_eq!(side(&ab, WordTag::Delete), a);
            assert_eq!(side(&ab, WordTag::Insert), b);
            let equal = |ops: &[WordOp]| ops.iter().filter(|o| o.op == WordTag::Equal).map(|o| o.text.clone()).collect::<Vec<_>>();
            assert_eq!(equal(&ab), equal(&ba), "{a} / {b}");
            assert_eq!((side(&ba, WordTag::Delete), side(&ba, WordTag::Insert)), (b.to_string(), a.to_string()));
        }
    }

    #[test]
    fn identical_is_one_equal_run() {
        let ops = word_diff("Same words here.", "Same words here.");
        assert_eq!(
            ops,
            vec![WordOp {
                op: WordTag::Equal,
                text: "Same words here.".into()
            }]
        );
    }
}
