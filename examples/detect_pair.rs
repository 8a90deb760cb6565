//! Shows the sentence alignment of two files of a case set, for inspection.
//!
//! Main item: `main`.
//!
//!     cargo run --release --example detect_pair -- CASES_DIR docs/A docs/B [MIN_SIM]
//!
//! Word weights come from document frequencies over all files of the case set.

#[path = "detect_eval.rs"]
#[allow(dead_code)]
mod eval;

use stet::align::{align_sigs, features};
use stet::detect::{idf, profile};
use std::collections::HashMap;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: detect_pair CASES_DIR A B [MIN_SIM]");
        std::process::exit(2);
    }
    let dir = std::path::PathBuf::from(&args[1]);
    let min_sim: f32 = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(0.3);
    let order = std::fs::read_to_string(dir.join("order.txt")).unwrap_or_default();
    let mut df: HashMap<u64, u32> = HashMap::new();
    let mut n = 0f32;
    for rel in order.lines().filter(|l| !l.trim().is_empty()) {
        if let Some((t, _)) = eval::read_article(&dir.join(rel.trim())) {
            n += 1.0;
            for f in profile(&t).index_features() {
                *df.entry(f).or_default() += 1;
            }
        }
    }
    let (ta, _) = eval::read_article(&dir.join(&args[2])).expect("file a");
    let (tb, _) = eval::read_article(&dir.join(&args[3])).expect("file b");
    let (pa, pb) = (profile(&ta), profile(&tb));
    let w = |h: u64| idf(df.get(&h).copied().unwrap_or(1) as f32, n);
    let al = align_sigs(&pa.sentences, &pb.sentences, &w, min_sim);
    let text = |t: &str, s: &stet::align::SentenceSig| t[s.start as usize..s.end as usize].to_string();
    for p in &al.pairs {
        let (x, y) = (&pa.sentences[p.a as usize], &pb.sentences[p.b as usize]);
        let f = features(x, y, &w);
        println!("{:3} {:3} sim {:.2} wdice {:.2} dice {:.2} ovl {:.2} num {:.2}", p.a, p.b, p.sim, f.wdice, f.dice, f.overlap, f.num_mismatch);
        println!("    A: {}", text(&ta, x));
        println!("    B: {}", text(&tb, y));
    }
    println!("sentences {} / {}", pa.sentences.len(), pb.sentences.len());
}
