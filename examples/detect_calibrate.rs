//! Calibrates the sentence similarity of `stet::align` on labelled paraphrase pairs (MSRP).
//!
//! Main item: `main`. Reads JSONL `{label, s1, s2}`, computes [`stet::align::features`] with
//! word weights from the sentences' own document frequencies, fits a logistic model by gradient
//! descent (5-fold cross-validated), and prints the coefficients to paste into
//! `stet::align::COEF`, with the ROC AUC and the false-positive rate on "hard negatives" (pairs
//! people judged not paraphrases, with low word overlap, as make_cases.py selects them).
//!
//!     cargo run --release --example detect_calibrate -- ../shared/corpora/msrp-train.jsonl

use stet::align::{features, PairFeatures, SentenceSig};
use stet::text::Tokenizer;
use std::collections::HashMap;

/// One labelled pair's features.
struct Row {
    x: [f32; 5],
    y: f32,
    hard_neg: bool,
}

fn vec_of(f: &PairFeatures) -> [f32; 5] {
    [f.wdice, f.dice, f.overlap, f.num_mismatch, f.len_ratio]
}

fn predict(w: &[f32; 6], x: &[f32; 5]) -> f32 {
    let z = w[0] + (0..5).map(|k| w[k + 1] * x[k]).sum::<f32>();
    1.0 / (1.0 + (-z).exp())
}

fn fit(rows: &[&Row], mask: &[bool; 5]) -> [f32; 6] {
    let mut w = [0f32; 6];
    let lr = 0.5f32;
    let l2 = 1e-3f32;
    for _ in 0..3000 {
        let mut g = [0f32; 6];
        for r in rows {
            let e = predict(&w, &r.x) - r.y;
            g[0] += e;
            for k in 0..5 {
                if mask[k] {
                    g[k + 1] += e * r.x[k];
                }
            }
        }
        let n = rows.len() as f32;
        for k in 0..6 {
            w[k] -= lr * (g[k] / n + if k > 0 { l2 * w[k] } else { 0.0 });
        }
    }
    w
}

fn auc(scores: &[(f32, f32)]) -> f32 {
    let mut s: Vec<(f32, f32)> = scores.to_vec();
    s.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut rank_sum, mut npos) = (0f64, 0f64);
    for (i, (_, y)) in s.iter().enumerate() {
        if *y > 0.5 {
            rank_sum += (i + 1) as f64;
            npos += 1.0;
        }
    }
    let nneg = s.len() as f64 - npos;
    ((rank_sum - npos * (npos + 1.0) / 2.0) / (npos * nneg)) as f32
}

/// make_cases.py's hard-negative filter: 5-letter-prefix Jaccard <= 0.4, no shared 4-gram.
fn hard_negative(s1: &str, s2: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.to_lowercase().split(|c: char| !c.is_alphanumeric() && c != '_').filter(|w| !w.is_empty()).map(String::from).collect()
    };
    let (w1, w2) = (words(s1), words(s2));
    let st = |w: &[String]| -> std::collections::HashSet<String> {
        w.iter().filter(|x| x.chars().count() > 3).map(|x| x.chars().take(5).collect()).collect()
    };
    let (a, b) = (st(&w1), st(&w2));
    let j = a.intersection(&b).count() as f32 / (a.union(&b).count().max(1)) as f32;
    let g4 = |w: &[String]| -> std::collections::HashSet<String> { w.windows(4).map(|x| x.join(" ")).collect() };
    j <= 0.4 && g4(&w1).is_disjoint(&g4(&w2))
}

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "../shared/corpora/msrp-train.jsonl".into());
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let tk = Tokenizer::for_lang("eng");
    let mut pairs = Vec::new();
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        let (Some(s1), Some(s2), Some(y)) = (v["s1"].as_str(), v["s2"].as_str(), v["label"].as_i64()) else { continue };
        pairs.push((SentenceSig::of(s1, 0, &tk), SentenceSig::of(s2, 0, &tk), y as f32, hard_negative(s1, s2) && y == 0));
    }
    // Document frequency over all sentences: each sentence is a "document".
    let mut df: HashMap<u64, u32> = HashMap::new();
    for (a, b, _, _) in &pairs {
        for h in a.stems.iter().chain(&b.stems) {
            *df.entry(*h).or_default() += 1;
        }
    }
    let n = (2 * pairs.len()) as f32;
    let weight = |h: u64| stet::detect::idf(df.get(&h).copied().unwrap_or(1) as f32, n);
    let rows: Vec<Row> = pairs
        .iter()
        .map(|(a, b, y, hn)| Row { x: vec_of(&features(a, b, &weight)), y: *y, hard_neg: *hn })
        .collect();
    println!("pairs {}  positives {}  hard negatives {}", rows.len(), rows.iter().filter(|r| r.y > 0.5).count(), rows.iter().filter(|r| r.hard_neg).count());
    let names = ["wdice", "dice", "overlap", "num_mismatch", "len_ratio"];
    for (k, name) in names.iter().enumerate() {
        let s: Vec<(f32, f32)> = rows.iter().map(|r| (r.x[k], r.y)).collect();
        println!("AUC {name:13} {:.3}", auc(&s));
    }
    let masks: [(&str, [bool; 5]); 4] = [
        ("wdice", [true, false, false, false, false]),
        ("wdice+overlap", [true, false, true, false, false]),
        ("wdice+overlap+num", [true, false, true, true, false]),
        ("all", [true, true, true, true, true]),
    ];
    for (name, mask) in masks {
        // 5-fold cross-validation.
        let mut scored = Vec::new();
        for fold in 0..5 {
            let train: Vec<&Row> = rows.iter().enumerate().filter(|(i, _)| i % 5 != fold).map(|(_, r)| r).collect();
            let w = fit(&train, &mask);
            for (i, r) in rows.iter().enumerate() {
                if i % 5 == fold {
                    scored.push((predict(&w, &r.x), r.y, r.hard_neg));
                }
            }
        }
        let all: Vec<&Row> = rows.iter().collect();
        let w = fit(&all, &mask);
        let a = auc(&scored.iter().map(|(p, y, _)| (*p, *y)).collect::<Vec<_>>());
        let hard: Vec<(f32, f32)> = scored.iter().filter(|(_, y, h)| *y > 0.5 || *h).map(|(p, y, _)| (*p, *y)).collect();
        println!("\nmodel {name}: cv AUC {a:.3}, AUC vs hard negatives {:.3}", auc(&hard));
        println!("  COEF = [{:.3}, {:.3}, {:.3}, {:.3}, {:.3}, {:.3}]", w[0], w[1], w[2], w[3], w[4], w[5]);
        for t in [0.3f32, 0.4, 0.5, 0.6, 0.7, 0.8] {
            let tp = scored.iter().filter(|(p, y, _)| *y > 0.5 && *p >= t).count();
            let pos = scored.iter().filter(|(_, y, _)| *y > 0.5).count();
            let fp = scored.iter().filter(|(p, y, _)| *y < 0.5 && *p >= t).count();
            let neg = scored.iter().filter(|(_, y, _)| *y < 0.5).count();
            let hfp = scored.iter().filter(|(p, _, h)| *h && *p >= t).count();
            let hn = scored.iter().filter(|(_, _, h)| *h).count();
            println!(
                "  t={t:.1}: recall {:.3}  fpr {:.3}  hard-negative fpr {:.3} ({hfp}/{hn})",
                tp as f32 / pos as f32,
                fp as f32 / neg as f32,
                hfp as f32 / hn.max(1) as f32
            );
        }
    }
}
