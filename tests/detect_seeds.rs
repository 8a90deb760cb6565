//! The case that defines the product: of the five seed articles, only 002 is related to 000
//! (a rewrite), while 001, 003 and 004 are independent reports of the same events.
//!
//! Main items: `MemoryCorpus` (an in-memory [`Corpus`]) and the tests `seeds_*`.

use proptest::prelude::*;
use stet::detect::{self, MemoryCorpus, Profile};
use stet::model::{ArticleId, RelationKind};


const SEEDS: [&str; 5] = [
    "000_856e4ff5e2b4e0a7.txt",
    "001_1848e0611e54fac2.txt",
    "002_cd06db6dfbca252d.txt",
    "003_0340407d416bbbc1.txt",
    "004_e346fb210af27363.txt",
];

fn seed_text(name: &str) -> String {
    let path = format!("{}/tests/fixtures/seeds/{name}", env!("CARGO_MANIFEST_DIR"));
    let raw = std::fs::read_to_string(&path).expect("seed fixture");
    stet::text::normalize(&raw)
}

/// Archives the seeds in the given order; returns every (new, other, kind) found.
fn run(order: &[usize]) -> Vec<(usize, usize, RelationKind)> {
    let mut corpus = MemoryCorpus::default();
    let mut ids: Vec<(ArticleId, usize)> = Vec::new();
    let mut found = Vec::new();
    for &k in order {
        let p = detect::profile(&seed_text(SEEDS[k]));
        for f in detect::detect(&p, &corpus).expect("in-memory corpus") {
            let other = ids.iter().find(|(id, _)| *id == f.other).map(|x| x.1).expect("known id");
            found.push((k, other, f.kind));
        }
        ids.push((p.id, k));
        corpus.add(p);
    }
    found
}

#[test]
fn seeds_only_000_002_rewrite() {
    assert_eq!(run(&[0, 1, 2, 3, 4]), vec![(2, 0, RelationKind::Rewrite)]);
}

#[test]
fn seeds_any_order() {
    for order in [[4, 3, 2, 1, 0], [2, 4, 1, 0, 3], [1, 3, 4, 0, 2]] {
        let found = run(&order);
        assert_eq!(found.len(), 1, "order {order:?}: {found:?}");
        let (a, b, kind) = found[0];
        assert_eq!((a.min(b), a.max(b), kind), (0, 2, RelationKind::Rewrite), "order {order:?}");
    }
}

#[test]
fn seeds_evidence() {
    let a = detect::profile(&seed_text(SEEDS[0]));
    let b = detect::profile(&seed_text(SEEDS[2]));
    let mut corpus = MemoryCorpus::default();
    corpus.add(a.clone());
    let f = detect::detect(&b, &corpus).expect("detect");
    assert_eq!(f.len(), 1);
    let f = &f[0];
    assert_eq!(f.other, a.id);
    assert!(f.evidence.len() >= 5, "evidence {:?}", f.evidence);
    assert!(f.verbatim < 0.5 && f.order > 0.8, "{f:?}");
    for p in &f.evidence {
        assert!((p.a as usize) < b.sentences.len() && (p.b as usize) < a.sentences.len());
    }
    // The profile survives a serde round trip (the archive may cache it).
    let json = serde_json::to_string(&a).expect("serialise");
    let back: Profile = serde_json::from_str(&json).expect("deserialise");
    assert_eq!(back, a);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Detection never panics and its figures stay in range, whatever the texts.
    #[test]
    fn detect_never_panics(texts in proptest::collection::vec("(?s)[a-zA-Z0-9 .,!?\n\u{e9}\u{4e2d}\u{201c}\u{201d}]{0,400}", 1..6)) {
        let mut corpus = MemoryCorpus::default();
        for t in &texts {
            let p = detect::profile(t);
            for f in detect::detect(&p, &corpus).expect("in-memory corpus") {
                prop_assert!((0.0..=1.0).contains(&f.score));
                prop_assert!((0.0..=1.0).contains(&f.coverage_new) && (0.0..=1.0).contains(&f.coverage_other));
                prop_assert!((0.0..=1.0).contains(&f.verbatim) && (0.0..=1.0).contains(&f.order));
            }
            corpus.add(p);
        }
    }
}

/// A text repeated with small changes is found as a near-duplicate of the original.
#[test]
fn repeated_text_is_near_duplicate() {
    let base = seed_text(SEEDS[3]);
    let edited = format!("Updated copy\n\n{}\n\nShare this article.", base.replacen("Ukrainian", "Ukraine's", 1));
    let mut corpus = MemoryCorpus::default();
    corpus.add(detect::profile(&base));
    let f = detect::detect(&detect::profile(&edited), &corpus).expect("detect");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].kind, RelationKind::NearDuplicate);
    assert!(f[0].verbatim > 0.9 && f[0].coverage_new > 0.9 && f[0].coverage_other > 0.9, "{:?}", f[0]);
}

/// A huge text does not take long to profile and compare.
#[test]
fn huge_text_is_bounded() {
    let base = seed_text(SEEDS[1]);
    let huge = std::iter::repeat_n(base.as_str(), 300).collect::<Vec<_>>().join("\n\n");
    let t0 = std::time::Instant::now();
    let p = detect::profile(&huge);
    assert!(p.sentences.len() <= detect::MAX_SENTENCES);
    let mut corpus = MemoryCorpus::default();
    corpus.add(p.clone());
    let q = detect::profile(&format!("{huge}\n\nOne more line."));
    let _ = detect::detect(&q, &corpus).expect("detect");
    assert!(t0.elapsed().as_secs() < 60);
}
