//! Snapshot tests (insta) of the diff renderings on a small hand-made pair of texts:
//! inline without colour, side by side at width 100, the summary header, and the JSON form.

use stet::align::AlignedPair;
use stet::diff::{compute, render_inline, render_side_by_side, render_summary, Diff};

/// Side a: a short council report.
const A: [&str; 5] = [
    "The council met on Monday evening.",
    "It approved the new budget of 4 million euros after a long debate.",
    "The mayor was absent.",
    "Residents protested outside the hall.",
    "The next meeting is in May.",
];

/// Side b: the same report rewritten: one sentence moved up and edited, one edited, one
/// dropped, one added.
const B: [&str; 5] = [
    "Dozens of residents protested outside the town hall.",
    "The council met on Monday evening.",
    "It approved a revised budget of 4.2 million euros after a long debate.",
    "The next meeting is in May.",
    "Police said the protest was peaceful.",
];

fn diff() -> Diff {
    let pairs = [
        AlignedPair {
            a: 0,
            b: 1,
            sim: 1.0, ..Default::default() },
        AlignedPair {
            a: 1,
            b: 2,
            sim: 0.8, ..Default::default() },
        AlignedPair {
            a: 3,
            b: 0,
            sim: 0.75, ..Default::default() },
        AlignedPair {
            a: 4,
            b: 3,
            sim: 1.0, ..Default::default() },
    ];
    compute(&A, &B, &pairs)
}

#[test]
fn inline_no_colour() {
    insta::assert_snapshot!(render_inline(&diff(), false));
}

#[test]
fn side_by_side_100() {
    insta::assert_snapshot!(render_side_by_side(&diff(), 100, false));
}

#[test]
fn summary_header() {
    insta::assert_snapshot!(render_summary(&diff(), Some("rewrite")));
}

#[test]
fn json() {
    insta::assert_json_snapshot!(diff());
}
