//! Fuzzes normalisation, the sentence splitter and the tokenizer on arbitrary (lossy) UTF-8.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let raw = String::from_utf8_lossy(data);
    let text = stet::text::normalize(&raw);
    assert_eq!(stet::text::normalize(&text), text, "normalize is not idempotent");

    let ranges = stet::text::sentences(&text);
    let mut prev_end = 0usize;
    for r in &ranges {
        assert!(r.start < r.end, "empty or reversed sentence range {r:?}");
        assert!(r.end <= text.len(), "range {r:?} past the end ({})", text.len());
        assert!(r.start >= prev_end, "range {r:?} overlaps or precedes the previous one (end {prev_end})");
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end), "range {r:?} not on char boundaries");
        let s = &text[r.clone()];
        assert_eq!(s.trim(), s, "sentence {r:?} not trimmed");
        prev_end = r.end;
        let _ = stet::text::tokens(s);
    }
    let _ = stet::text::tokens(&text);
});
