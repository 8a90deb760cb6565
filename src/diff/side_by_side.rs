//! The side-by-side terminal rendering: two wrapped columns, one row per operation.
//!
//! Main item: [`render_side_by_side`].

use super::style::{clean, paint, word_spans, wrap, Line, Span, Style};
use super::words::WordTag;
use super::{Diff, Op};

/// Renders the diff as two columns fitted to `width` terminal columns: side a on the left,
/// side b on the right, one row per operation in b's reading order.
///
/// Each row starts with the sentence numbers (from 1; shown when `width` is at least 50) and
/// has a gutter marker between the columns: blank for same, `~` edited, `↕` moved (the left
/// number then shows where the sentence stood in a), `+` added (left column empty), `-`
/// removed (right column empty). Texts wrap at word boundaries by display width (wide
/// characters count two). Word changes are coloured with `color`, else marked `[-old-]` on
/// the left and `{+new+}` on the right. Lines carry no trailing spaces. Columns never get
/// narrower than 10, so a tiny `width` gives lines wider than asked rather than nothing.
pub fn render_side_by_side(diff: &Diff, width: usize, color: bool) -> String {
    let max_n = diff
        .summary
        .sentences_a
        .max(diff.summary.sentences_b)
        .max(1);
    let digits = max_n.to_string().len();
    let numbers = width >= 50;
    // Layout per line: [num ' '] left ' ' gutter ' ' [num ' '] right
    let fixed = 3 + if numbers { 2 * (digits + 1) } else { 0 };
    let col = (width.saturating_sub(fixed) / 2).max(10);

    let mut out = String::new();
    for op in &diff.ops {
        let (left, right, marker, mstyle): (Vec<Span>, Vec<Span>, &str, Style) = match op {
            Op::Same { text, .. } => {
                let t = vec![(clean(text), Style::Plain)];
                (t.clone(), t, " ", Style::Plain)
            }
            Op::Edit { words, .. } => (
                word_spans(words, Some(WordTag::Delete), color),
                word_spans(words, Some(WordTag::Insert), color),
                "~",
                Style::Edit,
            ),
            Op::Moved { words, .. } => (
                word_spans(words, Some(WordTag::Delete), color),
                word_spans(words, Some(WordTag::Insert), color),
                "↕",
                Style::Moved,
            ),
            Op::Added { text, .. } => (
                Vec::new(),
                vec![(clean(text), Style::Added)],
                "+",
                Style::Added,
            ),
            Op::Removed { text, .. } => (
                vec![(clean(text), Style::Removed)],
                Vec::new(),
                "-",
                Style::Removed,
            ),
        };
        let lw = if left.is_empty() {
            vec![Line::default()]
        } else {
            wrap(&left, col)
        };
        let rw = if right.is_empty() {
            vec![Line::default()]
        } else {
            wrap(&right, col)
        };
        let rows = lw.len().max(rw.len());
        for i in 0..rows {
            let mut line = String::new();
            if numbers {
                let n = if i == 0 {
                    op.a().map(|a| (a + 1).to_string())
                } else {
                    None
                };
                number(&mut line, n, digits, color);
            }
            match lw.get(i) {
                Some(l) => l.render(&mut line, color, Some(col)),
                None => line.push_str(&" ".repeat(col)),
            }
            line.push(' ');
            paint(&mut line, marker, mstyle, color);
            line.push(' ');
            if numbers {
                let n = if i == 0 {
                    op.b().map(|b| (b + 1).to_string())
                } else {
                    None
                };
                number(&mut line, n, digits, color);
            }
            if let Some(r) = rw.get(i) {
                r.render(&mut line, color, None);
            }
            out.push_str(line.trim_end_matches(' '));
            out.push('\n');
        }
    }
    out
}

/// Writes a right-aligned, dim sentence number (or blanks) and a space.
fn number(out: &mut String, n: Option<String>, digits: usize, color: bool) {
    let s = n.unwrap_or_default();
    let pad = digits.saturating_sub(s.len());
    out.push_str(&" ".repeat(pad));
    if color && !s.is_empty() {
        out.push_str("\x1b[2m");
        out.push_str(&s);
        out.push_str("\x1b[0m");
    } else {
        out.push_str(&s);
    }
    out.push(' ');
}
