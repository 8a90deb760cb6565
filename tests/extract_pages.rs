//! Extraction on real news pages: title, canonical url, publication day and text overlap
//! (bag-of-words F1) against the expected text, for pages in several languages and scripts.

use std::collections::HashMap;
use std::path::Path;

use stet::extract::extract;
use stet::text::normalize;

/// Lower-cased word counts (runs of letters, digits and `_`, like Python's `\w+`).
fn words(t: &str) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for w in t
        .to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
    {
        *m.entry(w.to_string()).or_insert(0) += 1;
    }
    m
}

/// Bag-of-words precision, recall and F1 of `got` against `gold`.
fn prf(got: &str, gold: &str) -> (f64, f64, f64) {
    let (g, w) = (words(got), words(gold));
    let common: usize = g
        .iter()
        .map(|(k, n)| (*n).min(*w.get(k).unwrap_or(&0)))
        .sum();
    let (ng, nw) = (g.values().sum::<usize>(), w.values().sum::<usize>());
    let p = if ng == 0 {
        0.0
    } else {
        common as f64 / ng as f64
    };
    let r = if nw == 0 {
        1.0
    } else {
        common as f64 / nw as f64
    };
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

/// Checks one page against its `.json` and `.txt`.
fn check(name: &str) -> Result<(), String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/html");
    let html = std::fs::read(dir.join(format!("{name}.html"))).map_err(|e| e.to_string())?;
    let gold =
        std::fs::read_to_string(dir.join(format!("{name}.txt"))).map_err(|e| e.to_string())?;
    let exp: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(format!("{name}.json"))).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let e = extract(&html, &format!("{name}.html")).map_err(|e| format!("{name}: {e}"))?;
    let mut problems = Vec::new();
    let want_title = exp["title"].as_str().map(normalize);
    if e.title.as_deref().map(normalize) != want_title {
        problems.push(format!("title {:?} != {:?}", e.title, want_title));
    }
    if let Some(url) = exp["url"].as_str() {
        if e.url.as_deref() != Some(url) {
            problems.push(format!("url {:?} != {url:?}", e.url));
        }
    }
    if let Some(day) = exp["date"].as_str() {
        if e.published.as_deref().map(|d| &d[..10]) != Some(day) {
            problems.push(format!("date {:?} != {day:?}", e.published));
        }
        if e.published.as_deref().is_some_and(|d| !d.ends_with('Z')) {
            problems.push("date not UTC".into());
        }
    }
    if let Some(min) = exp["min_f1"].as_f64() {
        let (p, r, f) = prf(&normalize(&e.text), &normalize(&gold));
        if f < min {
            problems.push(format!("text F1 {f:.3} < {min} (P {p:.3}, R {r:.3})"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{name}: {}", problems.join("; ")))
    }
}

macro_rules! pages {
    ($($test:ident => $name:literal),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                if let Err(e) = check($name) {
                    panic!("{e}");
                }
            }
        )*
    };
}

pages! {
    cnn_article => "cnn_article",
    time_001 => "time_001",
    wired_001 => "wired_001",
    cleveland => "cleveland.com1",
    chinese_001 => "chinese_article_001",
    chinese_002 => "chinese_article_002",
    arabic => "arabic_article",
    japanese => "japanese_article",
    japanese_2 => "japanese_article2",
    thai => "thai_article",
    fox13now => "fox13now_001",
    spanish => "spanish_article",
    yonhap => "yna_co_kr",
    oneesports => "video_article_02",
}

#[test]
fn word_f1_helper() {
    let (p, r, f) = prf("a b c", "a b d");
    assert!(
        (p - 2.0 / 3.0).abs() < 1e-9
            && (r - 2.0 / 3.0).abs() < 1e-9
            && (f - 2.0 / 3.0).abs() < 1e-9
    );
}
