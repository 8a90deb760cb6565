//! The summary header shown above a diff in the terminal.
//!
//! Main items: [`render_summary`], and `percent` (shared with the HTML rendering).

use super::style::clean;
use super::Diff;

/// A share in [0, 1] as a whole percentage; `<1%` and `>99%` keep small differences visible.
pub(crate) fn percent(x: f64) -> String {
    let p = x * 100.0;
    if p > 0.0 && p < 0.5 {
        "<1%".to_string()
    } else if (99.5..100.0).contains(&p) {
        ">99%".to_string()
    } else {
        format!("{p:.0}%")
    }
}

/// Renders the summary as a few aligned `label  value` lines, each ending with `\n` (no colour).
///
/// `kind` is the relation kind detection found (e.g. `rewrite`), shown first when given.
/// Example:
///
/// ```text
/// kind       rewrite
/// sentences  a 18 · b 25
/// changes    3 same · 8 edited · 4 moved (2 edited) · 10 added · 3 removed
/// coverage   a 83% of characters (15 of 18 sentences) · b 60% of characters (15 of 25 sentences)
/// verbatim   41% of the words in aligned sentences
/// ```
pub fn render_summary(diff: &Diff, kind: Option<&str>) -> String {
    let s = &diff.summary;
    let aligned = s.same + s.edited + s.moved;
    let mut out = String::new();
    if let Some(k) = kind {
        out.push_str(&format!("kind       {}\n", clean(k)));
    }
    out.push_str(&format!(
        "sentences  a {} · b {}\n",
        s.sentences_a, s.sentences_b
    ));
    let moved = if s.moved_edited > 0 {
        format!("{} moved ({} edited)", s.moved, s.moved_edited)
    } else {
        format!("{} moved", s.moved)
    };
    out.push_str(&format!(
        "changes    {} same · {} edited · {} · {} added · {} removed\n",
        s.same, s.edited, moved, s.added, s.removed
    ));
    out.push_str(&format!(
        "coverage   a {} of characters ({} of {} sentences) · b {} of characters ({} of {} sentences)\n",
        percent(s.coverage_a_chars),
        aligned,
        s.sentences_a,
        percent(s.coverage_b_chars),
        aligned,
        s.sentences_b
    ));
    out.push_str(&format!(
        "verbatim   {} of the words in aligned sentences\n",
        percent(s.verbatim)
    ));
    out
}
