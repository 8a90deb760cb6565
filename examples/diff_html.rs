//! Writes the diff engine's HTML report for two text files (used by `scripts/diff_html_check.sh`).
//!
//! Main item: `main`. Usage:
//!
//! ```text
//! cargo run --example diff_html -- A.txt B.txt OUT.html [--pairs PAIRS.json] [--kind KIND]
//! ```
//!
//! With `--pairs`, each file is read as one sentence per line (lines `# key: value` at the top
//! give the title, published, source and url) and the JSON array of `{a, b, sim}` is the
//! alignment. Without it, the texts are normalised, split and aligned by the library
//! (`stet::diff::diff_texts`), and the first non-empty line is taken as the title.

use std::process::ExitCode;
use stet::align::AlignedPair;
use stet::diff::{compute, diff_texts, render_html_report, render_summary, SideMeta};
use stet::model::ArticleId;

/// One input file: its sentences (in `--pairs` mode), its text and its metadata.
struct Side {
    sentences: Vec<String>,
    text: String,
    meta: SideMeta,
}

/// Reads one file; `lines` selects the one-sentence-per-line format with metadata header.
fn read_side(path: &str, lines: bool) -> Result<Side, String> {
    let raw = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let label = std::path::Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string());
    let mut meta = SideMeta {
        label,
        ..SideMeta::default()
    };
    let mut sentences = Vec::new();
    let mut body = String::new();
    for line in raw.lines() {
        if lines {
            if let Some(kv) = line.strip_prefix("# ") {
                if let Some((k, v)) = kv.split_once(':') {
                    let v = Some(v.trim().to_string());
                    match k.trim() {
                        "title" => meta.title = v,
                        "published" => meta.published = v,
                        "source" => meta.source = v,
                        "url" => meta.url = v,
                        _ => {}
                    }
                    continue;
                }
            }
            if !line.trim().is_empty() {
                sentences.push(line.trim().to_string());
            }
        }
        body.push_str(line);
        body.push('\n');
    }
    if !lines {
        meta.title = raw
            .lines()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.trim().to_string());
    }
    let text = if lines {
        sentences.join("\n\n")
    } else {
        stet::text::normalize(&body)
    };
    meta.id = Some(ArticleId::of_text(&text).hex());
    Ok(Side {
        sentences,
        text,
        meta,
    })
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut pos = Vec::new();
    let mut pairs_path = None;
    let mut kind = None;
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--pairs" => pairs_path = it.next(),
            "--kind" => kind = it.next(),
            _ => pos.push(a),
        }
    }
    let [a_path, b_path, out] = pos.as_slice() else {
        return Err("usage: diff_html A B OUT.html [--pairs PAIRS.json] [--kind KIND]".into());
    };
    let lines = pairs_path.is_some();
    let a = read_side(a_path, lines)?;
    let b = read_side(b_path, lines)?;
    let diff = match &pairs_path {
        Some(p) => {
            let json = std::fs::read_to_string(p).map_err(|e| format!("{p}: {e}"))?;
            let pairs: Vec<AlignedPair> =
                serde_json::from_str(&json).map_err(|e| format!("{p}: {e}"))?;
            let sa: Vec<&str> = a.sentences.iter().map(String::as_str).collect();
            let sb: Vec<&str> = b.sentences.iter().map(String::as_str).collect();
            compute(&sa, &sb, &pairs)
        }
        None => diff_texts(&a.text, &b.text),
    };
    let html = render_html_report(&diff, &a.meta, &b.meta, kind.as_deref());
    std::fs::write(out, html).map_err(|e| format!("{out}: {e}"))?;
    eprint!("{}", render_summary(&diff, kind.as_deref()));
    eprintln!("wrote {out}");
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("diff_html: {e}");
            ExitCode::FAILURE
        }
    }
}
