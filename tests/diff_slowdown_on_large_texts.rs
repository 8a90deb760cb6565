//! Regression test for "`stet diff A B` slows down much faster than the text grows": two
//! generated near-copies of about 2 MB, diffed through the library, give the expected
//! operations (the alignment used to score every pair of sentences sharing two words, so the
//! diff of two 6 MB near-copies took 22 s and of 20 MB ones over five minutes).

use stet::diff::{diff_texts, Op, WordTag};

/// A small deterministic generator (64-bit LCG), so the texts are the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A sentence of words, the first capitalised, ending with a full stop.
fn sentence(words: &[&str]) -> String {
    let mut s = words.join(" ");
    if let Some(first) = s.get(..1) {
        let upper = first.to_uppercase();
        s.replace_range(..1, &upper);
    }
    s.push('.');
    s
}

/// Paragraphs of five sentences.
fn text(sentences: &[String]) -> String {
    sentences.chunks(5).map(|p| p.join(" ")).collect::<Vec<_>>().join("\n\n") + "\n"
}

/// Side a: about `bytes` of sentences of 10 to 20 random words (of 4 to 9 letters: shorter
/// ones ending a sentence can read as abbreviations and join it to the next); side b: the same with the
/// words of every 50th sentence reversed and a sentence moved from near the start to the end.
/// Returns the two texts, the number of reversed sentences and of sentences.
fn near_copies(bytes: usize) -> (String, String, usize, usize) {
    let mut rng = Lcg(23);
    let vocab: Vec<String> = (0..20_000)
        .map(|_| (0..4 + rng.below(6)).map(|_| char::from(b'a' + rng.below(26) as u8)).collect())
        .collect();
    let mut words_of: Vec<Vec<&str>> = Vec::new();
    let mut total = 0;
    while total < bytes {
        let words: Vec<&str> = (0..10 + rng.below(11)).map(|_| vocab[rng.below(vocab.len() as u64) as usize].as_str()).collect();
        total += words.iter().map(|w| w.len() + 1).sum::<usize>() + 1;
        words_of.push(words);
    }
    let a: Vec<String> = words_of.iter().map(|w| sentence(w)).collect();
    let mut b: Vec<String> = Vec::with_capacity(a.len());
    let mut reversed = 0;
    for (k, w) in words_of.iter().enumerate() {
        if k % 50 == 25 {
            let mut r = w.clone();
            r.reverse();
            b.push(sentence(&r));
            reversed += 1;
        } else {
            b.push(sentence(w));
        }
    }
    let moved = b.remove(3);
    b.push(moved);
    (text(&a), text(&b), reversed, a.len())
}

#[test]
fn diff_of_two_2mb_near_copies_is_correct() {
    let (a, b, reversed, n) = near_copies(2_000_000);
    assert!(a.len() >= 2_000_000 && n > 15_000, "{} bytes, {n} sentences", a.len());
    let d = diff_texts(&a, &b);
    let s = &d.summary;
    assert_eq!((s.sentences_a, s.sentences_b), (n, n));
    assert_eq!((s.added, s.removed), (0, 0), "every sentence is paired");
    assert_eq!((s.moved, s.moved_edited), (1, 0), "the sentence moved to the end");
    assert_eq!(s.edited, reversed, "each reversed sentence is an edit of its original");
    assert_eq!(s.same, n - reversed - 1);
    assert_eq!(d.ops.len(), n);
    match d.ops.last() {
        Some(Op::Moved { a: 3, b, edited: false, .. }) => assert_eq!(*b, n - 1),
        other => panic!("last operation: {other:?}"),
    }
    // Each edit pairs a sentence with its reversal, and its word runs rebuild both sides.
    for op in &d.ops {
        if let Op::Edit { a, b, old, text, words, .. } = op {
            assert_eq!(a % 50, 25, "edit of a#{a}");
            assert_eq!(b + 1, *a, "b lost the moved sentence before a#{a}");
            let side = |keep: WordTag| words.iter().filter(|w| w.op == WordTag::Equal || w.op == keep).map(|w| w.text.as_str()).collect::<String>();
            assert_eq!((&side(WordTag::Delete), &side(WordTag::Insert)), (old, text));
        }
    }
}

/// Regression: a line repeated thousands of times on both sides (a "Read more" between list
/// items) made every copy an identical-pair candidate of every other: 6,000 copies each, 36
/// million pairs, 10 s and 2 GB for one `stet diff`. Each copy still pairs with the copy at its
/// own place in the other text.
#[test]
fn diff_of_texts_repeating_one_line_thousands_of_times() {
    let n = 4000;
    let items: Vec<String> = (0..n).map(|i| format!("Item {i} of the list was updated on day {}.", i % 28 + 1)).collect();
    let mut a = Vec::new();
    for item in &items {
        a.push("Read more about this story here.".to_string());
        a.push(item.clone());
    }
    // b: the same with one item changed in the middle.
    let mut b = a.clone();
    b[n + 1] = "Item changed beyond recognition, said nobody at all.".to_string();
    let d = diff_texts(&a.join("\n\n"), &b.join("\n\n"));
    let s = &d.summary;
    assert_eq!((s.sentences_a, s.sentences_b), (2 * n, 2 * n));
    assert_eq!(s.moved, 0, "each repeated line pairs with the copy at its own place");
    assert_eq!(s.same, 2 * n - 1);
}
