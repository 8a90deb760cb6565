//! The inline terminal rendering: the text in b's reading order with changes marked.
//!
//! Main items: [`render_inline`], [`render_inline_context`] (unchanged runs folded).

use super::style::{paint, word_spans, Style};
use super::{Diff, Op};

/// Renders the diff as text in reading order, one sentence per line.
///
/// Each line starts with a two-column marker: `  ` unchanged, `~ ` edited (word changes
/// inline), `↕ ` moved (followed by `(moved from a#N)`, N counting a's sentences from 1, and
/// any word changes inline), `+ ` added, `- ` removed. With `color`, deleted words are red
/// and struck through and inserted words green and underlined (ANSI SGR); without, they read
/// `[-old-]{+new+}`. Control characters in the texts are replaced with spaces.
pub fn render_inline(diff: &Diff, color: bool) -> String {
    render_inline_context(diff, color, None)
}

/// Like [`render_inline`], with unchanged sentences more than `context` sentences away from
/// any change folded into one line, `  … N unchanged sentences …` (`None`: nothing folded). A
/// republished copy with a new header and footer shows its changes, not the whole article.
pub fn render_inline_context(diff: &Diff, color: bool, context: Option<usize>) -> String {
    let shown = shown_ops(&diff.ops, context);
    let mut out = String::new();
    let mut folded = 0usize;
    for (op, show) in diff.ops.iter().zip(&shown) {
        if !show {
            folded += 1;
            continue;
        }
        fold_line(&mut out, &mut folded, color);
        match op {
            Op::Same { text, .. } => {
                out.push_str("  ");
                paint(&mut out, text, Style::Plain, color);
            }
            Op::Edit { words, .. } => {
                paint(&mut out, "~", Style::Edit, color);
                out.push(' ');
                for (t, st) in word_spans(words, None, color) {
                    paint(&mut out, &t, st, color);
                }
            }
            Op::Moved { a, words, .. } => {
                paint(&mut out, "↕", Style::Moved, color);
                out.push(' ');
                paint(
                    &mut out,
                    &format!("(moved from a#{})", a + 1),
                    Style::Dim,
                    color,
                );
                out.push(' ');
                for (t, st) in word_spans(words, None, color) {
                    paint(&mut out, &t, st, color);
                }
            }
            Op::Added { text, .. } => {
                paint(&mut out, "+ ", Style::Added, color);
                paint(&mut out, text, Style::Added, color);
            }
            Op::Removed { text, .. } => {
                paint(&mut out, "- ", Style::Removed, color);
                paint(&mut out, text, Style::Removed, color);
            }
        }
        // No trailing spaces on empty sentences.
        while out.ends_with(' ') {
            out.pop();
        }
        out.push('\n');
    }
    fold_line(&mut out, &mut folded, color);
    out
}

/// Which operations are shown: all without `context`; else every change and the unchanged
/// sentences within `context` of one.
fn shown_ops(ops: &[Op], context: Option<usize>) -> Vec<bool> {
    let Some(context) = context else { return vec![true; ops.len()] };
    let mut shown = vec![false; ops.len()];
    for (k, op) in ops.iter().enumerate() {
        if !matches!(op, Op::Same { .. }) {
            let end = (k + context + 1).min(ops.len());
            shown[k.saturating_sub(context)..end].iter_mut().for_each(|s| *s = true);
        }
    }
    shown
}

/// Writes the line that stands for `folded` unchanged sentences, if any, and resets the count.
fn fold_line(out: &mut String, folded: &mut usize, color: bool) {
    if *folded > 0 {
        let noun = if *folded == 1 { "sentence" } else { "sentences" };
        out.push_str("  ");
        paint(out, &format!("… {folded} unchanged {noun} …"), Style::Dim, color);
        out.push('\n');
        *folded = 0;
    }
}
