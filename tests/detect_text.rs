//! Sentence splitting, tokens and alignment on hand-made cases, and no-panic properties.
//!
//! Main items: the `splits_*` cases, `align_*` cases and the proptest block.

use proptest::prelude::*;
use stet::align::{align, align_texts, order_preservation};
use stet::text::{sentences, tokens};

fn split(t: &str) -> Vec<&str> {
    sentences(t).into_iter().map(|r| &t[r]).collect()
}

#[test]
fn splits_news_prose() {
    let t = "WASHINGTON (Reuters) - The U.S. economy grew 3.5 pct in the fourth quarter, \
             the Commerce Dept. said on Nov. 5. Mr. Baker, who met Gen. Smith at 10 a.m., \
             declined to comment. \"We are pleased,\" said J. R. Ewing of Ewing Oil Co. \
             Shares rose... Analysts were surprised!";
    assert_eq!(
        split(t),
        vec![
            "WASHINGTON (Reuters) - The U.S. economy grew 3.5 pct in the fourth quarter, the Commerce Dept. said on Nov. 5.",
            "Mr. Baker, who met Gen. Smith at 10 a.m., declined to comment.",
            "\"We are pleased,\" said J. R. Ewing of Ewing Oil Co.",
            "Shares rose...",
            "Analysts were surprised!",
        ]
    );
}

#[test]
fn splits_quotes_and_questions() {
    assert_eq!(
        split("\u{201c}Is it over?\u{201d} he asked. \u{201c}Yes!\u{201d} She left (quickly.) Then rain."),
        vec!["\u{201c}Is it over?\u{201d} he asked.", "\u{201c}Yes!\u{201d}", "She left (quickly.)", "Then rain."]
    );
}

#[test]
fn splits_other_scripts() {
    assert_eq!(split("東京は晴れ。大阪は雨？"), vec!["東京は晴れ。", "大阪は雨？"]);
    assert_eq!(split("Это первое. Это второе."), vec!["Это первое.", "Это второе."]);
    assert_eq!(split("ภาษาไทย ไม่มีจุด"), vec!["ภาษาไทย", "ไม่มีจุด"]);
    assert_eq!(split("यह पहला है। यह दूसरा है।"), vec!["यह पहला है।", "यह दूसरा है।"]);
}

#[test]
fn tokens_basic() {
    let t = tokens("The soldiers were advancing on Kupiansk.");
    assert_eq!(t.iter().map(|t| t.lower.as_str()).collect::<Vec<_>>(), vec!["the", "soldiers", "were", "advancing", "on", "kupiansk"]);
    assert_eq!(t[1].stem, "soldier");
    assert_eq!(t[3].stem, "advanc");
}

#[test]
fn align_finds_moved_paraphrase() {
    let a = ["Ukrainian forces reached the outskirts of Kupiansk.", "The bridge over the Oskil River was damaged by artillery fire."];
    let b = ["Artillery fire damaged the bridge across the Oskil River.", "Ukrainian forces have reached the outskirts of Kupyansk."];
    let al = align(&a, &b);
    assert_eq!(al.pairs.iter().map(|p| (p.a, p.b)).collect::<Vec<_>>(), vec![(0, 1), (1, 0)]);
    assert!(order_preservation(&al.pairs) < 1.0);
}

#[test]
fn align_unrelated_is_empty() {
    let al = align_texts("The cat sat on the mat. It was warm.", "Stocks fell sharply on Monday. Oil prices rose.");
    assert!(al.pairs.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn sentences_are_valid_ranges(s in "(?s).{0,400}") {
        let rs = sentences(&s);
        let mut last = 0;
        for r in rs {
            prop_assert!(r.start >= last && r.start < r.end && r.end <= s.len());
            prop_assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
            prop_assert!(!s[r.clone()].trim().is_empty());
            last = r.end;
        }
    }

    #[test]
    fn sentences_on_punctuation_soup(s in "[a-zA-Z .!?\"'()\u{201c}\u{201d}\u{3002}\n…0-9]{0,300}") {
        for r in sentences(&s) {
            prop_assert!(r.end <= s.len());
        }
        let _ = tokens(&s);
    }

    #[test]
    fn align_never_panics(a in "(?s).{0,300}", b in "(?s).{0,300}") {
        let al = align_texts(&a, &b);
        let na = sentences(&a).len() as u32;
        let nb = sentences(&b).len() as u32;
        let mut seen_a = std::collections::HashSet::new();
        let mut seen_b = std::collections::HashSet::new();
        for p in &al.pairs {
            prop_assert!(p.a < na && p.b < nb);
            prop_assert!((0.0..=1.0).contains(&p.sim));
            prop_assert!(seen_a.insert(p.a) && seen_b.insert(p.b));
        }
        let o = al.order();
        prop_assert!((0.0..=1.0).contains(&o));
    }

    #[test]
    fn align_self_is_complete(words in proptest::collection::vec("[a-z]{3,9}", 5..60)) {
        let text: String = words.chunks(6).map(|c| {
            let mut s = c.join(" ");
            if let Some(f) = s.get_mut(0..1) { f.make_ascii_uppercase(); }
            s + ". "
        }).collect();
        let al = align_texts(&text, &text);
        prop_assert_eq!(al.pairs.len(), sentences(&text).len());
    }
}
