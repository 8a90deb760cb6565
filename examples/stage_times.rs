//! Time of each per-input stage of `stet add`, one thread, over the files of a folder.
//!
//!     cargo run --release --example stage_times -- DIR
//!
//! Prints seconds for reading, extraction, normalisation, language guess, profiling, and the
//! share of each, so a speed change can be aimed at the stage that costs; and one hash of all
//! normalised texts, which a change meant only for speed must leave as it was.

use std::time::{Duration, Instant};

fn main() {
    let dir = std::env::args().nth(1).expect("usage: stage_times DIR");
    let mut paths: Vec<_> = std::fs::read_dir(&dir).expect("folder").filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    let mut t = [Duration::ZERO; 5];
    let mut digest = blake3::Hasher::new();
    let names = ["read", "extract", "normalise", "tokenizer (language)", "profile (incl. language again)"];
    for p in &paths {
        let s = Instant::now();
        let bytes = std::fs::read(p).expect("read");
        t[0] += s.elapsed();
        let s = Instant::now();
        let Ok(ex) = stet::extract::extract(&bytes, &p.display().to_string()) else { continue };
        t[1] += s.elapsed();
        let s = Instant::now();
        let text = stet::text::normalize(&ex.text);
        t[2] += s.elapsed();
        digest.update(text.as_bytes());
        digest.update(&[0]);
        let s = Instant::now();
        let tk = stet::text::Tokenizer::for_text(&text);
        t[3] += s.elapsed();
        let s = Instant::now();
        let _ = { let _ = &tk; stet::detect::profile(&text) };
        t[4] += s.elapsed();
    }
    let total: f64 = t.iter().map(|d| d.as_secs_f64()).sum();
    for (n, d) in names.iter().zip(t) {
        println!("{n:>22} {:8.3} s {:5.1}%", d.as_secs_f64(), 100.0 * d.as_secs_f64() / total);
    }
    println!("{:>22} {total:8.3} s for {} files", "total", paths.len());
    println!("blake3 of the normalised texts: {}", digest.finalize().to_hex());
}
