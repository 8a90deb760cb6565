//! Library tests of the diff engine: operations, moves, summary figures, renderings, and a
//! property test that nothing panics and every sentence appears exactly once.

use proptest::prelude::*;
use stet::align::AlignedPair;
use stet::diff::{
    compute, render_html, render_inline, render_side_by_side, render_summary, Diff, Op, SideMeta,
    WordTag,
};
use unicode_width::UnicodeWidthStr;

fn p(a: u32, b: u32, sim: f32) -> AlignedPair {
    AlignedPair { a, b, sim, ..Default::default() }
}

/// Every sentence of a and of b appears in exactly one operation, and b's sentences appear
/// in reading order.
fn assert_invariants(d: &Diff, na: usize, nb: usize) {
    let mut seen_a = vec![0u32; na];
    let mut seen_b = vec![0u32; nb];
    let mut last_b: Option<usize> = None;
    for op in &d.ops {
        if let Some(i) = op.a() {
            seen_a[i] += 1;
        }
        if let Some(j) = op.b() {
            seen_b[j] += 1;
            assert!(
                last_b.is_none_or(|l| j > l),
                "b out of reading order: {:?}",
                d.ops
            );
            last_b = Some(j);
        }
    }
    assert!(seen_a.iter().all(|&n| n == 1), "a counts {seen_a:?}");
    assert!(seen_b.iter().all(|&n| n == 1), "b counts {seen_b:?}");
    let s = &d.summary;
    assert_eq!(s.same + s.edited + s.moved + s.removed, na);
    assert_eq!(s.same + s.edited + s.moved + s.added, nb);
    for x in [
        s.coverage_a_chars,
        s.coverage_b_chars,
        s.coverage_a_sentences,
        s.coverage_b_sentences,
        s.verbatim,
    ] {
        assert!((0.0..=1.0).contains(&x), "share out of range: {x}");
    }
}

fn names(d: &Diff) -> Vec<&'static str> {
    d.ops.iter().map(Op::name).collect()
}

#[test]
fn identical_texts_are_all_same() {
    let a = ["One sentence.", "Two sentences.", "Three."];
    let pairs: Vec<_> = (0..3).map(|i| p(i, i, 1.0)).collect();
    let d = compute(&a, &a, &pairs);
    assert_invariants(&d, 3, 3);
    assert_eq!(names(&d), ["same", "same", "same"]);
    assert_eq!(d.summary.coverage_a_chars, 1.0);
    assert_eq!(d.summary.coverage_b_sentences, 1.0);
    assert_eq!(d.summary.verbatim, 1.0);
}

#[test]
fn whitespace_only_differences_are_same() {
    let d = compute(&["  Hello there. "], &["Hello there.\n"], &[p(0, 0, 1.0)]);
    assert_eq!(names(&d), ["same"]);
    assert!(matches!(&d.ops[0], Op::Same { text, .. } if text == "Hello there."));
}

#[test]
fn empty_sides() {
    let none: [&str; 0] = [];
    let d = compute(&none, &none, &[]);
    assert!(d.ops.is_empty());
    assert_eq!(d.summary.coverage_a_chars, 0.0);
    assert_eq!(d.summary.verbatim, 0.0);

    let d = compute(&none, &["New.", "Also new."], &[p(0, 0, 1.0)]);
    assert_invariants(&d, 0, 2);
    assert_eq!(names(&d), ["added", "added"]);

    let d = compute(&["Old.", "Also old."], &none, &[]);
    assert_invariants(&d, 2, 0);
    assert_eq!(names(&d), ["removed", "removed"]);

    // Empty renderings do not panic and stay small.
    let d = compute(&none, &none, &[]);
    assert_eq!(render_inline(&d, true), "");
    assert_eq!(render_side_by_side(&d, 80, false), "");
    assert!(render_html(&d, &SideMeta::default(), &SideMeta::default())
        .contains("Both texts are empty"));
}

#[test]
fn unrelated_texts_are_removed_then_added() {
    let a = ["Apples are red.", "Pears are green."];
    let b = ["The match ended in a draw.", "Fans went home."];
    let d = compute(&a, &b, &[]);
    assert_invariants(&d, 2, 2);
    assert_eq!(names(&d), ["removed", "removed", "added", "added"]);
    assert_eq!(d.summary.coverage_a_chars, 0.0);
    assert_eq!(d.summary.coverage_b_chars, 0.0);
    assert_eq!(d.summary.verbatim, 0.0);
}

#[test]
fn edits_carry_word_ops_and_verbatim_share() {
    let a = ["Ukrainian forces reached the outskirts of Kupiansk on Friday."];
    let b = ["Ukrainian forces reached the outskirts of Kupyansk on Saturday."];
    let d = compute(&a, &b, &[p(0, 0, 0.8)]);
    assert_eq!(names(&d), ["edit"]);
    let Op::Edit {
        words,
        old,
        text,
        sim,
        ..
    } = &d.ops[0]
    else {
        unreachable!()
    };
    assert_eq!(old, a[0]);
    assert_eq!(text, b[0]);
    assert!((sim - 0.8).abs() < 1e-6);
    let deleted: Vec<_> = words
        .iter()
        .filter(|w| w.op == WordTag::Delete)
        .map(|w| w.text.as_str())
        .collect();
    let inserted: Vec<_> = words
        .iter()
        .filter(|w| w.op == WordTag::Insert)
        .map(|w| w.text.as_str())
        .collect();
    assert_eq!(deleted, ["Kupiansk", "Friday"]);
    assert_eq!(inserted, ["Kupyansk", "Saturday"]);
    // 9 words a side, 7 equal: verbatim 14 / 18.
    assert_eq!(d.summary.equal_words, 7);
    assert_eq!(d.summary.aligned_words_a, 9);
    assert!((d.summary.verbatim - 0.7778).abs() < 1e-9);
    let inline = render_inline(&d, false);
    assert!(inline.contains("[-Kupiansk-]{+Kupyansk+}"), "{inline}");
}

#[test]
fn lis_keeps_the_larger_block_in_place() {
    // b moves a's last two sentences to the front: those two are moved, the other three stay.
    let a = ["s0 x.", "s1 x.", "s2 x.", "s3 x.", "s4 x."];
    let b = ["s3 x.", "s4 x.", "s0 x.", "s1 x.", "s2 x."];
    let pairs = [
        p(0, 2, 1.0),
        p(1, 3, 1.0),
        p(2, 4, 1.0),
        p(3, 0, 1.0),
        p(4, 1, 1.0),
    ];
    let d = compute(&a, &b, &pairs);
    assert_invariants(&d, 5, 5);
    assert_eq!(names(&d), ["moved", "moved", "same", "same", "same"]);
    assert_eq!(d.summary.moved, 2);
    assert!(render_inline(&d, false).starts_with("↕ (moved from a#4) s3 x.\n"));
}

#[test]
fn lis_tie_prefers_more_text_in_place() {
    // Two blocks of one sentence each swap places; the longer sentence stays in place.
    let a = [
        "Short.",
        "A much longer sentence that carries most of the text.",
    ];
    let b = [
        "A much longer sentence that carries most of the text.",
        "Short.",
    ];
    let d = compute(&a, &b, &[p(0, 1, 1.0), p(1, 0, 1.0)]);
    assert_invariants(&d, 2, 2);
    assert_eq!(names(&d), ["same", "moved"]);
}

#[test]
fn moved_and_edited() {
    let a = ["First.", "Second.", "The bridge was damaged."];
    let b = ["The bridge was destroyed.", "First.", "Second."];
    let d = compute(&a, &b, &[p(0, 1, 1.0), p(1, 2, 1.0), p(2, 0, 0.7)]);
    assert_eq!(names(&d), ["moved", "same", "same"]);
    assert_eq!(d.summary.moved_edited, 1);
    let Op::Moved { edited, a, .. } = &d.ops[0] else {
        unreachable!()
    };
    assert!(*edited);
    assert_eq!(*a, 2);
    assert!(render_inline(&d, false).contains("[-damaged-]{+destroyed+}"));
}

#[test]
fn removed_sentences_stand_between_their_neighbours() {
    let a = ["A.", "Gone one.", "B.", "Gone two.", "C."];
    let b = ["A.", "New one.", "B.", "C.", "New two."];
    let d = compute(&a, &b, &[p(0, 0, 1.0), p(2, 2, 1.0), p(4, 3, 1.0)]);
    assert_invariants(&d, 5, 5);
    let seq: Vec<_> = d.ops.iter().map(|o| (o.name(), o.a(), o.b())).collect();
    assert_eq!(
        seq,
        [
            ("same", Some(0), Some(0)),
            ("removed", Some(1), None),
            ("added", None, Some(1)),
            ("same", Some(2), Some(2)),
            ("removed", Some(3), None),
            ("same", Some(4), Some(3)),
            ("added", None, Some(4)),
        ]
    );
}

#[test]
fn bad_pairs_are_ignored() {
    let a = ["x.", "y."];
    let b = ["x.", "y."];
    let pairs = [
        p(0, 0, f32::NAN),
        p(0, 1, 0.9),
        p(5, 0, 1.0),
        p(1, 7, 1.0),
        p(u32::MAX, u32::MAX, 1.0),
        p(1, 1, f32::INFINITY),
    ];
    let d = compute(&a, &b, &pairs);
    assert_invariants(&d, 2, 2);
}

#[test]
fn json_ops_are_tagged() {
    let d = compute(
        &["Old text.", "Gone."],
        &["New text.", "Fresh."],
        &[p(0, 0, 0.5)],
    );
    let v = serde_json::to_value(&d).unwrap();
    let ops: Vec<_> = v["ops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["op"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ops, ["edit", "removed", "added"]);
    assert_eq!(v["ops"][0]["words"][0]["op"], "delete");
    assert_eq!(v["summary"]["edited"], 1);
}

#[test]
fn renderings_neutralise_control_characters_and_markup() {
    let a = ["Evil \u{1b}[2J<script>alert(1)</script> text."];
    let b = ["Evil \u{1b}[2J<script>alert(2)</script> text & more."];
    let d = compute(&a, &b, &[p(0, 0, 0.9)]);
    assert!(!render_inline(&d, false).contains('\u{1b}'));
    assert!(!render_side_by_side(&d, 60, false).contains('\u{1b}'));
    let meta = SideMeta {
        label: "<blink>".into(),
        title: Some("\"quoted\" <title>".into()),
        url: Some("javascript:alert(1)".into()),
        ..SideMeta::default()
    };
    let html = render_html(&d, &meta, &meta);
    assert!(!html.contains("<script>"));
    assert!(!html.contains("<blink>") && html.contains("&lt;blink&gt;"));
    assert!(!html.contains("href=\"javascript"));
    assert!(html.contains("&lt;script&gt;"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no external references"
    );
}

#[test]
fn side_by_side_fits_the_width() {
    let a = ["A long sentence with many words that will certainly need to wrap across several lines of the column.", "日本語の文章がここにあります。"];
    let b = ["A long sentence with several words that will surely need to wrap across several lines of the column.", "日本語の文章がここにあります。"];
    let d = compute(&a, &b, &[p(0, 0, 0.8), p(1, 1, 1.0)]);
    for width in [40, 60, 80, 100, 140] {
        for color in [false, true] {
            let out = render_side_by_side(&d, width, color);
            if !color {
                for line in out.lines() {
                    assert!(
                        line.width() <= width,
                        "{width}: {line:?} is {} wide",
                        line.width()
                    );
                }
            }
        }
    }
}

#[test]
fn summary_header() {
    let d = compute(&["A.", "B."], &["A.", "C."], &[p(0, 0, 1.0)]);
    let s = render_summary(&d, Some("rewrite"));
    assert!(s.starts_with("kind       rewrite\n"), "{s}");
    assert!(
        s.contains("1 same · 0 edited · 0 moved · 1 added · 1 removed"),
        "{s}"
    );
    assert!(
        s.contains("coverage   a 50% of characters (1 of 2 sentences)"),
        "{s}"
    );
}

fn sentence() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("the".to_string()),
            Just("city".to_string()),
            Just("Kupiansk".to_string()),
            Just("日本".to_string()),
            Just("\u{1b}[1m".to_string()),
            Just(" ".to_string()),
            Just("\n".to_string()),
            "[a-z]{1,6}",
            any::<char>().prop_map(|c| c.to_string()),
        ],
        0..8,
    )
    .prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn never_panics_and_every_sentence_once(
        a in prop::collection::vec(sentence(), 0..12),
        b in prop::collection::vec(sentence(), 0..12),
        raw in prop::collection::vec((0u32..14, 0u32..14, -0.5f32..1.5), 0..20),
        width in 0usize..160,
    ) {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let b: Vec<&str> = b.iter().map(String::as_str).collect();
        let pairs: Vec<_> = raw.iter().map(|&(x, y, s)| p(x, y, s)).collect();
        let d = compute(&a, &b, &pairs);
        assert_invariants(&d, a.len(), b.len());
        for op in &d.ops {
            if let Op::Edit { words, old, text, .. } | Op::Moved { words, old, text, .. } = op {
                let sa: String = words.iter().filter(|w| w.op != WordTag::Insert).map(|w| w.text.as_str()).collect();
                let sb: String = words.iter().filter(|w| w.op != WordTag::Delete).map(|w| w.text.as_str()).collect();
                prop_assert_eq!(&sa, old);
                prop_assert_eq!(&sb, text);
            }
        }
        let _ = render_inline(&d, true);
        let _ = render_inline(&d, false);
        let _ = render_side_by_side(&d, width, true);
        let sbs = render_side_by_side(&d, width, false);
        prop_assert!(!sbs.contains('\x1b'), "escape in plain output");
        let _ = render_summary(&d, None);
        let _ = render_html(&d, &SideMeta::default(), &SideMeta::default());
        let _ = serde_json::to_string(&d).unwrap();
    }
}

#[test]
fn large_inputs_stay_fast() {
    // 20,000 sentences a side, every other one aligned (shifted, a few swapped), all edited.
    let a: Vec<String> = (0..20_000)
        .map(|i| format!("Sentence number {i} says something about item {i}."))
        .collect();
    let b: Vec<String> = (0..20_000)
        .map(|i| format!("Sentence number {i} says a thing about item {}.", i + 1))
        .collect();
    let ra: Vec<&str> = a.iter().map(String::as_str).collect();
    let rb: Vec<&str> = b.iter().map(String::as_str).collect();
    let pairs: Vec<_> = (0..20_000u32)
        .step_by(2)
        .map(|i| p(i, if i % 100 == 0 { 19_999 - i } else { i }, 0.7))
        .collect();
    let t = std::time::Instant::now();
    let d = compute(&ra, &rb, &pairs);
    assert_invariants(&d, ra.len(), rb.len());
    let _ = render_side_by_side(&d, 120, true);
    let _ = render_html(&d, &SideMeta::default(), &SideMeta::default());
    assert!(t.elapsed().as_secs() < 20, "took {:?}", t.elapsed());
}

#[test]
fn html_report_has_header_summary_legend_and_rows() {
    let a = ["First.", "Second.", "The bridge was damaged.", "Gone."];
    let b = ["The bridge was destroyed.", "First.", "Second!", "New."];
    let d = compute(&a, &b, &[p(0, 1, 1.0), p(1, 2, 0.9), p(2, 0, 0.7)]);
    let meta = |label: &str, title: &str| SideMeta {
        label: label.into(),
        title: Some(title.into()),
        published: Some("2024-09-17".into()),
        source: Some("Wire".into()),
        url: Some("https://example.org/x".into()),
        id: Some("ab".repeat(32)),
    };
    let html = render_html(&d, &meta("A", "Old title"), &meta("B", "New title"));
    for needle in [
        "<!DOCTYPE html>",
        "Old title",
        "New title",
        "2024-09-17",
        "Wire",
        "<code title=\"abababab",
        "class=\"summary\"",
        "class=\"legend\"",
        "data-op=\"moved\" data-a=\"3\" data-b=\"1\"",
        "moved from A #3",
        "<del>damaged</del>",
        "<ins>destroyed</ins>",
        "data-op=\"same\"",
        "data-op=\"edit\"",
        "data-op=\"removed\" data-a=\"4\" data-b=\"\"",
        "data-op=\"added\" data-a=\"\" data-b=\"4\"",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    assert_eq!(html.matches("<tr class=\"row ").count(), d.ops.len());
    assert!(!html.contains("<script") && !html.contains("<link") && !html.contains("<img"));
}

#[test]
fn context_folds_unchanged_runs_away_from_the_changes() {
    let a: Vec<String> = (1..=12).map(|i| format!("Sentence number {i} tells of the harbour ferry and its timetable.")).collect();
    let mut b = a.clone();
    b[5] = "An entirely new sentence replaces the sixth one about something else.".to_string();
    let d = stet::diff::diff_texts(&a.join(" "), &b.join(" "));
    let folded = stet::diff::render_inline_context(&d, false, Some(1));
    let lines: Vec<&str> = folded.lines().collect();
    // Four unchanged before the change's context, the change (a removal and an addition, or an
    // edit) with one sentence either side, then the six unchanged after it, folded.
    assert_eq!(lines.first(), Some(&"  … 4 unchanged sentences …"), "{folded}");
    assert!(lines.last().is_some_and(|l| l.starts_with("  … ") && l.ends_with(" unchanged sentences …")), "{folded}");
    assert!(folded.contains("Sentence number 5 ") && folded.contains("Sentence number 7 "), "{folded}");
    assert!(!folded.contains("Sentence number 3 "), "{folded}");
    // Without context nothing is folded: the plain rendering.
    assert_eq!(stet::diff::render_inline_context(&d, false, None), render_inline(&d, false));
}
