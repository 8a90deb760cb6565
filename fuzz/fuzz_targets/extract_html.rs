//! Fuzzes HTML extraction: arbitrary bytes read as a saved web page.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(out) = stet::extract::extract(data, "page.html") {
        assert!(!out.text.trim().is_empty(), "extract returned Ok with empty text");
        // What archiving does next must not panic either.
        let _ = stet::text::normalize(&out.text);
    }
});
