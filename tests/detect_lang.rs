//! Detection beyond English: an edited copy of an article in Chinese, Japanese, Korean, Arabic,
//! Thai, Hindi, Spanish or Latvian is found; articles in different languages are unrelated.
//!
//! Main items: `MemoryCorpus` (an in-memory [`Corpus`]) and the tests.

use stet::detect::{self, MemoryCorpus};


const LANGS: [&str; 8] = [
    "chinese_article",
    "japanese_article",
    "korean_article",
    "arabic_article",
    "thai_article",
    "hindi_article",
    "spanish_article",
    "latvian_article",
];

fn text(name: &str) -> String {
    let path = format!("{}/tests/fixtures/detect_lang/{name}.txt", env!("CARGO_MANIFEST_DIR"));
    stet::text::normalize(&std::fs::read_to_string(path).expect("fixture"))
}

/// The text with its first paragraph dropped, one word of the middle paragraph removed and a
/// line added at the end.
fn edited(t: &str) -> String {
    let mut paras: Vec<String> = t.split("\n\n").map(String::from).collect();
    if paras.len() > 3 {
        paras.remove(0);
    }
    let mid = paras.len() / 2;
    if let Some(p) = paras.get_mut(mid) {
        if let Some(i) = p.char_indices().nth(p.chars().count() / 2).map(|(i, _)| i) {
            let c = p[i..].chars().next().map_or(0, char::len_utf8);
            p.replace_range(i..i + c, "");
        }
    }
    paras.push("Copyright 2024 Example News.".into());
    paras.join("\n\n")
}

#[test]
fn edited_copies_are_found_in_every_language() {
    let mut corpus = MemoryCorpus::default();
    for name in LANGS {
        corpus.add(detect::profile(&text(name)));
    }
    for name in LANGS {
        let original = detect::profile(&text(name));
        let found = detect::detect(&detect::profile(&edited(&text(name))), &corpus).expect("detect");
        assert_eq!(found.len(), 1, "{name}: {found:?}");
        assert_eq!(found[0].other, original.id, "{name}");
        assert!(found[0].coverage_other > 0.6, "{name}: {:?}", found[0]);
    }
}

#[test]
fn different_languages_are_unrelated() {
    let mut corpus = MemoryCorpus::default();
    for name in LANGS {
        let p = detect::profile(&text(name));
        assert!(detect::detect(&p, &corpus).expect("detect").is_empty(), "{name}");
        corpus.add(p);
    }
}
