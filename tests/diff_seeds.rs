//! The diff of the seed articles 000 and 002 (002 is a reworded, reordered and extended copy
//! of 000), through the real sentence splitter and aligner of the code base.
//!
//! Texts go through extraction and normalisation as `stet add` does, so the sentences are those
//! `stet diff` shows.

use stet::diff::{diff_texts, render_html, render_inline, render_side_by_side, Diff, Op, SideMeta};

const S000: &str = include_str!("fixtures/seeds/000_856e4ff5e2b4e0a7.txt");
const S001: &str = include_str!("fixtures/seeds/001_1848e0611e54fac2.txt");
const S002: &str = include_str!("fixtures/seeds/002_cd06db6dfbca252d.txt");

fn text(raw: &str) -> String {
    stet::text::normalize(&stet::extract::extract(raw.as_bytes(), "seed.txt").expect("seed extracts").text)
}

fn diff(a: &str, b: &str) -> Diff {
    diff_texts(&text(a), &text(b))
}

fn assert_every_sentence_once(d: &Diff) {
    let mut seen_a = vec![0u32; d.summary.sentences_a];
    let mut seen_b = vec![0u32; d.summary.sentences_b];
    for op in &d.ops {
        if let Some(i) = op.a() {
            seen_a[i] += 1;
        }
        if let Some(j) = op.b() {
            seen_b[j] += 1;
        }
    }
    assert!(seen_a.iter().all(|&n| n == 1));
    assert!(seen_b.iter().all(|&n| n == 1));
}

#[test]
fn seeds_000_002_invariants() {
    let d = diff(S000, S002);
    assert!(d.summary.sentences_a > 0 && d.summary.sentences_b > 0);
    assert_every_sentence_once(&d);
    // Every rendering works on real text.
    assert!(!render_inline(&d, false).is_empty());
    assert!(!render_side_by_side(&d, 100, true).is_empty());
    let html = render_html(&d, &SideMeta::default(), &SideMeta::default());
    assert_eq!(html.matches("<tr class=\"row ").count(), d.ops.len());
}

#[test]
fn seeds_000_002_most_of_000_is_found_in_002() {
    let d = diff(S000, S002);
    let s = &d.summary;
    let aligned = s.same + s.edited + s.moved;
    // Issue 5: most of 000's sentences appear as same or edited in 002: 17 of 21 since weaker
    // paraphrases standing between aligned neighbours are paired too (13 before; the four
    // left out are 000's opening, which 002 drops, and a heading whose rewording shares no word).
    assert!(aligned >= 16, "only {aligned} of {} sentences of 000 aligned: {s:?}", s.sentences_a);
    assert!(
        aligned * 2 > s.sentences_a,
        "only {aligned} of {} sentences of 000 aligned",
        s.sentences_a
    );
    // 002 is reordered and reworded: some pairs are moved, most pairs are edited, not same.
    assert!(s.moved >= 1, "no moved sentence: {s:?}");
    assert!(s.edited + s.moved_edited > s.same, "{s:?}");
    // 002 adds new material.
    assert!(s.added >= 3, "{s:?}");
    assert!(d.ops.iter().any(|o| matches!(o, Op::Moved { .. })));
}

#[test]
fn seeds_independent_report_aligns_little() {
    // 001 reports the same events independently: far fewer sentences align than with 002
    // (DESIGN.md: at most 6 of 000's 18 with a crude matcher).
    let d = diff(S000, S001);
    assert_every_sentence_once(&d);
    let aligned = d.summary.same + d.summary.edited + d.summary.moved;
    assert!(aligned * 2 <= d.summary.sentences_a, "{:?}", d.summary);
    let rewrite = diff(S000, S002).summary;
    assert!(aligned < rewrite.same + rewrite.edited + rewrite.moved, "{:?}", d.summary);
}
