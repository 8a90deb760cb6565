//! The five seed articles (plain text with site furniture): every article sentence stays,
//! every furniture line goes, and the headline becomes the title.

use std::path::Path;

use stet::extract::{extract, Format};

/// Reads a seed and extracts it.
fn seed(name: &str) -> (String, stet::extract::Extracted) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/seeds")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_default();
    let e = extract(&bytes, name).unwrap_or_default();
    (String::from_utf8_lossy(&bytes).into_owned(), e)
}

/// Furniture lines in the seeds (their exact text), which must not reach the article text.
const FURNITURE: &[&str] = &[
    "- Article Top Advertisement -",
    "- Article Inline Advertisement 1-",
    "- Advertisement -",
    "- Article Bottom Advertisement -",
    "Source: CNN Brasil",
    "Please enter your comment!",
    "Please enter your name here",
    "Hot Topics",
    "Related Articles",
    "Related articles",
    "Stay Connected",
    "Latest posts",
    "Saturday, March 25, 2023",
    "Must Read",
    "Would love your thoughts, please comment.x",
    "Share",
    "Related News",
    "Comments",
    "No Comments Found",
    "AFP",
];

/// Checks one seed: sentences kept, furniture gone, title as given.
fn check(name: &str, title: Option<&str>) {
    let (raw, e) = seed(name);
    assert_eq!(e.format, Some(Format::Text), "{name}");
    assert_eq!(e.title.as_deref(), title, "{name}");
    let paras: Vec<&str> = e.text.split("\n\n").collect();
    for line in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let words = line.split_whitespace().count();
        let is_sentence = words >= 8 && !line.starts_with("Home");
        if is_sentence && Some(line) != title {
            assert!(paras.contains(&line), "{name}: sentence lost: {line}");
        }
        let l = line.trim_matches(|c: char| c.is_whitespace());
        if FURNITURE.contains(&l) {
            assert!(!paras.contains(&l), "{name}: furniture kept: {l}");
        }
        if line.starts_with("Home") {
            assert!(!e.text.contains(line), "{name}: breadcrumb kept: {line}");
        }
    }
    // The title is not repeated in the text.
    if let Some(t) = title {
        assert!(!paras.contains(&t), "{name}: title repeated in text");
    }
}

#[test]
fn seed_000() {
    check(
        "000_856e4ff5e2b4e0a7.txt",
        Some("Russia sends reinforcements to Kharkiv as Ukrainians advance"),
    );
    // Sub-headings of the article stay.
    assert!(seed("000_856e4ff5e2b4e0a7.txt")
        .1
        .text
        .contains("\n\nscenes of destruction\n\n"));
}

#[test]
fn seed_001() {
    check(
        "001_1848e0611e54fac2.txt",
        Some("Ukraine: Our Army Pushed Miles Deep In South – Thousands Of Russians Exposed Since Taking Kupyansk"),
    );
}

#[test]
fn seed_002() {
    check(
        "002_cd06db6dfbca252d.txt",
        Some("After Five Months Of Russian Occupation, Ukrainian Soldiers Enter The Important City Of Izium, According To Kyiv"),
    );
}

#[test]
fn seed_003() {
    // Starts straight with a sentence: no title; the sub-headings stay.
    check("003_0340407d416bbbc1.txt", None);
    let text = seed("003_0340407d416bbbc1.txt").1.text;
    assert!(text.starts_with("The Russian army announced on Friday"));
    assert!(text.contains("\n\nfierce fights\n\n") && text.contains("\n\nNATO unit\n\n"));
}

#[test]
fn seed_004() {
    check(
        "004_e346fb210af27363.txt",
        Some("Kyiv confirms that it is achieving successes, and Russia is bombing areas recaptured by the Ukrainian army"),
    );
    assert!(seed("004_e346fb210af27363.txt")
        .1
        .text
        .contains("- 'Big operational defeat' -"));
}
