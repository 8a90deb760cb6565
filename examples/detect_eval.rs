//! Runs detection over a labelled case set and writes the predicted pairs for `score.py`.
//!
//! Main items: `main`, [`MemCorpus`] (the library's in-memory corpus), [`read_article`].
//!
//!     cargo run --release --example detect_eval -- CASES_DIR pred.jsonl [figures.jsonl]
//!     python3 ../shared/eval/score.py --pairs pred.jsonl --cases CASES_DIR
//!
//! Files are archived in `order.txt` order: text extracted with `stet::extract::extract` (with a
//! crude tag strip when the extractor leaves HTML markup), normalised with
//! `stet::text::normalize`, profiled, detected against everything archived before, then
//! indexed. Direction: the finding's parent hint, else the earlier published date, else the
//! article archived first. Identical normalised texts are reported as `identical`. The optional
//! third argument receives, for every verified candidate pair, the figures and label (JSONL),
//! for calibration. Timing of detection alone goes to stderr.

use std::collections::HashMap;
use std::io::Write;
use std::time::{Duration, Instant};
use stet::detect::{self, Side};
use stet::model::ArticleId;

/// The in-memory index the evaluation archives into.
pub type MemCorpus = stet::detect::MemoryCorpus;


/// Replaces the common HTML entities.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// Removes `<tag ...>...</tag>` elements entirely.
fn drop_elements(s: &str, tag: &str) -> String {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find(&open) {
        let after = rest[i + open.len()..].chars().next();
        if !matches!(after, Some('>' | ' ' | '\n' | '\t')) {
            out.push_str(&rest[..i + open.len()]);
            rest = &rest[i + open.len()..];
            continue;
        }
        out.push_str(&rest[..i]);
        match rest[i..].find(&close) {
            Some(j) => rest = &rest[i + j + close.len()..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A crude HTML to text: drops head, nav, aside, footer, script and style; block tags become
/// paragraph breaks.
fn strip_html(s: &str) -> String {
    let mut t = s.to_string();
    for tag in ["head", "script", "style", "nav", "aside", "footer"] {
        t = drop_elements(&t, tag);
    }
    let mut out = String::new();
    let mut in_tag = false;
    let mut tag = String::new();
    for c in t.chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (true, '>') => {
                in_tag = false;
                let name = tag.trim_start_matches('/').split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
                if matches!(name, "p" | "h1" | "h2" | "h3" | "li" | "div" | "br" | "article" | "main") {
                    out.push_str("\n\n");
                }
            }
            (true, c) => tag.push(c),
            (false, c) => out.push(c),
        }
    }
    unescape(&out)
}

/// A value from `key: value` front matter or `content` of a meta tag.
fn published_of(raw: &str) -> Option<String> {
    if let Some(i) = raw.find("article:published_time\" content=\"") {
        let rest = &raw[i + 33..];
        return rest.split('"').next().map(String::from);
    }
    if raw.starts_with("---") {
        for line in raw.lines().skip(1).take_while(|l| l.trim() != "---") {
            if let Some(v) = line.strip_prefix("published:") {
                return Some(v.trim().trim_matches('"').to_string());
            }
        }
    }
    None
}

/// Reads one file: normalised text and published date.
pub fn read_article(path: &std::path::Path) -> Option<(String, Option<String>)> {
    let bytes = std::fs::read(path).ok()?;
    let name = path.to_string_lossy();
    let ex = stet::extract::extract(&bytes, &name).ok()?;
    let raw = String::from_utf8_lossy(&bytes);
    let mut text = ex.text.clone();
    if text.contains("</p>") || text.contains("<html") || text.contains("<!DOCTYPE") {
        text = strip_html(&text);
    } else if text.starts_with("---") {
        // Front matter left in by a placeholder extractor.
        text = text[3..].split_once("\n---").map(|x| x.1.to_string()).unwrap_or_default();
    }
    let published = ex.published.clone().or_else(|| published_of(&raw));
    Some((stet::text::normalize(&text), published))
}

#[allow(dead_code)]
fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: detect_eval CASES_DIR PRED.jsonl [FIGURES.jsonl]");
        std::process::exit(2);
    }
    let dir = std::path::PathBuf::from(&args[1]);
    let order: Vec<String> = std::fs::read_to_string(dir.join("order.txt"))
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    let labels: HashMap<(String, String), String> = std::fs::read_to_string(dir.join("labels.jsonl"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| {
            let (a, b, k) = (v["a"].as_str()?.to_string(), v["b"].as_str()?.to_string(), v["kind"].as_str()?.to_string());
            let k = if v["weak"].as_bool() == Some(true) { format!("weak-{k}") } else { k };
            Some(((a, b), k))
        })
        .collect();
    let label_of = |x: &str, y: &str| {
        labels.get(&(x.to_string(), y.to_string())).or_else(|| labels.get(&(y.to_string(), x.to_string()))).cloned()
    };
    let mut out = std::fs::File::create(&args[2]).expect("output file");
    let mut figs = args.get(3).map(|p| std::fs::File::create(p).expect("figures file"));
    let mut corpus = MemCorpus::default();
    // With a figures file, align down to a lower similarity (the figures list every pair).
    let floor = if figs.is_some() { 0.3 } else { stet::align::MIN_SIM };
    let mut path_of: HashMap<ArticleId, (String, Option<String>, usize)> = HashMap::new();
    let mut spent = Duration::ZERO;
    let mut profiling = Duration::ZERO;
    let mut n_detect = 0usize;
    for (k, rel) in order.iter().enumerate() {
        let Some((text, published)) = read_article(&dir.join(rel)) else {
            eprintln!("{rel}: unreadable");
            continue;
        };
        let t0 = Instant::now();
        let p = detect::profile(&text);
        profiling += t0.elapsed();
        if let Some((first, _, _)) = path_of.get(&p.id) {
            let line = serde_json::json!({"a": first, "b": rel, "kind": "identical", "parent": first});
            let _ = writeln!(out, "{line}");
            continue;
        }
        let examined = match detect::examine_with(&p, &corpus, floor) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("{rel}: {e}");
                continue;
            }
        };
        spent += t0.elapsed();
        n_detect += 1;
        for ex in &examined {
            let Some((other, other_pub, _)) = path_of.get(&ex.other) else { continue };
            if let Some(f) = figs.as_mut() {
                let other_words: Vec<u32> = corpus.profiles.get(&ex.other).map(|q| q.sentences.iter().map(|s| s.words).collect()).unwrap_or_default();
                let fig = &ex.figures;
                let line = serde_json::json!({
                    "a": other, "b": rel, "label": label_of(other, rel),
                    "pred": ex.class.map(|c| c.0.as_str()),
                    "votes": ex.votes, "share": ex.vote_share,
                    "n_pairs": fig.pairs.len(), "sentences": [fig.sentences.1, fig.sentences.0],
                    "cov_other": fig.coverage_b, "cov_new": fig.coverage_a,
                    "w_other": fig.weighted_b, "w_new": fig.weighted_a,
                    "verbatim": fig.verbatim, "order": fig.order,
                    "pairs": fig.pairs.iter().map(|q| (
                        (q.sim * 1000.0).round() / 1000.0,
                        p.sentences[q.a as usize].words,
                        other_words.get(q.b as usize).copied().unwrap_or(0),
                        q.verbatim,
                    )).collect::<Vec<_>>(),
                    "words": [other_words.iter().sum::<u32>(), p.sentences.iter().map(|s| s.words).sum::<u32>()],
                });
                let _ = writeln!(f, "{line}");
            }
            let Some(f) = detect::finding(ex) else { continue };
            let parent = match f.parent_hint {
                Some(Side::New) => rel.clone(),
                Some(Side::Other) => other.clone(),
                None => match (&published, other_pub) {
                    (Some(x), Some(y)) if x < y => rel.clone(),
                    _ => other.clone(),
                },
            };
            let line = serde_json::json!({"a": other, "b": rel, "kind": f.kind.as_str(), "parent": parent, "score": f.score});
            let _ = writeln!(out, "{line}");
        }
        path_of.insert(p.id, (rel.clone(), published, k));
        corpus.add(p);
    }
    let secs = spent.as_secs_f64();
    eprintln!(
        "detected {n_detect} articles in {secs:.3} s: {:.0} articles/s (profile + detect, in memory; profiling {:.3} s)",
        n_detect as f64 / secs.max(1e-9),
        profiling.as_secs_f64()
    );
}
