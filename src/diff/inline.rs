//! The inline terminal rendering: the text in b's reading order with changes marked.
//!
//! Main item: [`render_inline`].

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
    let mut out = String::new();
    for op in &diff.ops {
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
    out
}
