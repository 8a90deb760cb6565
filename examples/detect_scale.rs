//! Per-article detection time as the archive grows (in-memory index), on the Reuters and BBC
//! corpora (about 24,000 articles).
//!
//! Main item: `main`.
//!
//!     cargo run --release --example detect_scale -- ../shared/corpora/reuters21578.jsonl ../shared/corpora/bbc.jsonl
//!
//! Each article's text is normalised, profiled, detected against everything before it, then
//! indexed; every 2,000 articles the mean time per article of that block is printed, with the
//! relations found (the corpora hold natural duplicates and follow-up stories).

#[path = "detect_eval.rs"]
#[allow(dead_code)]
mod eval;

use std::time::Instant;
use stet::detect;

fn main() {
    let mut corpus = eval::MemCorpus::default();
    let mut texts = Vec::new();
    for path in std::env::args().skip(1) {
        let Ok(data) = std::fs::read_to_string(&path) else {
            eprintln!("{path}: unreadable");
            continue;
        };
        for line in data.lines() {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
                if let Some(t) = v["text"].as_str() {
                    if t.split_whitespace().count() >= 20 {
                        texts.push(stet::text::normalize(t));
                    }
                }
            }
        }
    }
    println!("{} articles", texts.len());
    let (mut block_t, mut block_n, mut found) = (0f64, 0usize, 0usize);
    let mut seen = std::collections::HashSet::new();
    for (k, t) in texts.iter().enumerate() {
        let t0 = Instant::now();
        let p = detect::profile(t);
        if !seen.insert(p.id) {
            continue;
        }
        let f = detect::detect(&p, &corpus).unwrap_or_default();
        block_t += t0.elapsed().as_secs_f64();
        block_n += 1;
        found += f.len();
        corpus.add(p);
        if (k + 1) % 2000 == 0 || k + 1 == texts.len() {
            println!(
                "archive {:6}: {:.2} ms per article (profile + detect), {:.0} articles/s; relations so far {found}",
                k + 1,
                1000.0 * block_t / block_n.max(1) as f64,
                block_n as f64 / block_t.max(1e-9)
            );
            block_t = 0.0;
            block_n = 0;
        }
    }
}
