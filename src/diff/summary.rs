//! The summary header shown above a diff in the terminal.
//!
//! Main items: [`render_summary`], [`Detected`] (the relation detection stored for the pair, as
//! a line of its own), and `percent` (shared with the HTML rendering).

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

/// The relation detection recorded between the two sides of a diff, oriented to them (`a` is
/// the diff's first side): what `dups` and `show` report for the pair.
///
/// Its figures come from detection's alignment, with word weights from the whole archive, and
/// count words; the diff's own summary counts characters and sentences of the diff's alignment,
/// which also pairs weaker paraphrases that stand in order between aligned sentences. The two
/// therefore differ; the line says which is which.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Detected {
    /// Relation kind (`rewrite`, ...).
    pub kind: String,
    /// Detection's score in [0, 1].
    pub score: f32,
    /// Which side is the parent: `"a"`, `"b"`, or none when unknown.
    pub parent: Option<&'static str>,
    /// Share of side a's words in sentences detection aligned.
    pub coverage_a: f32,
    /// Share of side b's words in sentences detection aligned.
    pub coverage_b: f32,
    /// Verbatim share of detection's aligned sentences.
    pub verbatim: f32,
}

impl Detected {
    /// One line of text (no newline), e.g. `rewrite, score 0.29, a is the parent; as detected:
    /// a 41% · b 17% of words aligned, 48% verbatim`, the sides named as `sides` gives them
    /// (`("a", "b")` in the terminal, `("A", "B")` in the HTML report).
    pub fn describe(&self, sides: (&str, &str)) -> String {
        let score = crate::model::score_text(self.score);
        let parent = match self.parent {
            Some("a") => format!(", {} is the parent", sides.0),
            Some(_) => format!(", {} is the parent", sides.1),
            None => String::new(),
        };
        format!(
            "{}, score {score}{parent}; as detected: {} {} · {} {} of words aligned, {} verbatim",
            super::style::clean(&self.kind),
            sides.0,
            percent(f64::from(self.coverage_a)),
            sides.1,
            percent(f64::from(self.coverage_b)),
            percent(f64::from(self.verbatim))
        )
    }
}

/// The `relation` line shown above a diff's summary: what detection recorded for the pair, or
/// that it recorded nothing.
pub fn render_detected(detected: Option<&Detected>) -> String {
    match detected {
        Some(d) => format!("relation   {}\n", d.describe(("a", "b"))),
        None => "relation   none recorded\n".to_string(),
    }
}
