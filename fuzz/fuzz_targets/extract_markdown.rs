//! Fuzzes Markdown and plain-text extraction; the first byte picks the format.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else { return };
    let name = if sel & 1 == 0 { "note.md" } else { "a.txt" };
    if let Ok(out) = stet::extract::extract(rest, name) {
        assert!(!out.text.trim().is_empty(), "extract returned Ok with empty text");
        let _ = stet::text::normalize(&out.text);
    }
});
