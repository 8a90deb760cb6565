//! The diff of the seed articles 000 and 002 (002 is a reworded, reordered and extended copy
//! of 000), through the real sentence splitter and aligner of the code base.
//!
//! The invariants hold with any aligner. The stronger assertions need the real aligner
//! (`crate::align`, being rewritten): the placeholder on main pairs exact matches only, so
//! they are `#[ignore]`d until it lands; run them with `cargo test --test diff_seeds -- --ignored`.

use stet::diff::{diff_texts, render_html, render_inline, render_side_by_side, Diff, Op, SideMeta};

const S000: &str = include_str!("fixtures/seeds/000_856e4ff5e2b4e0a7.txt");
const S001: &str = include_str!("fixtures/seeds/001_1848e0611e54fac2.txt");
const S002: &str = include_str!("fixtures/seeds/002_cd06db6dfbca252d.txt");

fn diff(a: &str, b: &str) -> Diff {
    diff_texts(&stet::text::normalize(a), &stet::text::normalize(b))
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
#[ignore = "needs the real sentence aligner (crate::align) on main; the placeholder pairs exact matches only"]
fn seeds_000_002_most_of_000_is_found_in_002() {
    let d = diff(S000, S002);
    let s = &d.summary;
    let aligned = s.same + s.edited + s.moved;
    // DESIGN.md: even a crude content-word match pairs 15 of 000's 18 sentences.
    assert!(
        aligned * 3 >= s.sentences_a * 2,
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
#[ignore = "needs the real sentence aligner (crate::align) on main"]
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
