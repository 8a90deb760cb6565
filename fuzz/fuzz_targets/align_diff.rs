//! Fuzzes sentence alignment and the diff engine on two texts split from one input.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Number of sentences the aligner and the diff engine see in `text`.
fn sentence_count(text: &str) -> usize {
    stet::text::sentences(text).into_iter().filter(|r| text.get(r.clone()).is_some()).count()
}

fuzz_target!(|data: &[u8]| {
    // Side a is everything before the first 0xFF byte (never part of valid UTF-8), b the rest.
    let (a, b) = match data.iter().position(|&c| c == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&data[..data.len() / 2], &data[data.len() / 2..]),
    };
    let a = stet::text::normalize(&String::from_utf8_lossy(a));
    let b = stet::text::normalize(&String::from_utf8_lossy(b));
    let (na, nb) = (stet::text::sentences(&a).len(), stet::text::sentences(&b).len());

    let al = stet::align::align_texts(&a, &b);
    let mut seen_a = vec![false; na];
    let mut seen_b = vec![false; nb];
    for p in &al.pairs {
        let (i, j) = (p.a as usize, p.b as usize);
        assert!(i < na && j < nb, "pair {p:?} out of range ({na}, {nb})");
        assert!(!seen_a[i], "sentence a#{i} aligned twice");
        assert!(!seen_b[j], "sentence b#{j} aligned twice");
        seen_a[i] = true;
        seen_b[j] = true;
        assert!((0.0..=1.0).contains(&p.sim), "similarity {} out of [0, 1]", p.sim);
        assert!((0.0..=1.0).contains(&p.overlap), "overlap {} out of [0, 1]", p.overlap);
        assert_eq!(p.verbatim, p.overlap >= stet::align::VERBATIM_OVERLAP, "verbatim flag disagrees with overlap");
    }

    let diff = stet::diff::diff_texts(&a, &b);
    let (na, nb) = (sentence_count(&a), sentence_count(&b));
    let mut count_a = vec![0u32; na];
    let mut count_b = vec![0u32; nb];
    for op in &diff.ops {
        if let Some(i) = op.a() {
            assert!(i < na, "op {} names a#{i} of {na}", op.name());
            count_a[i] += 1;
        }
        if let Some(j) = op.b() {
            assert!(j < nb, "op {} names b#{j} of {nb}", op.name());
            count_b[j] += 1;
        }
    }
    assert!(count_a.iter().all(|&c| c == 1), "side a sentences not each in exactly one op: {count_a:?}");
    assert!(count_b.iter().all(|&c| c == 1), "side b sentences not each in exactly one op: {count_b:?}");
});
