//! Prints the diff engine's terminal renderings for two one-sentence-per-line files and a
//! JSON alignment (the `tests/fixtures/diff` format), to look at them by eye.
//!
//! Main item: `main`. Usage:
//!
//! ```text
//! cargo run --example diff_term -- A.txt B.txt PAIRS.json [inline|side|json] [WIDTH] [--color]
//! ```

use std::process::ExitCode;
use stet::align::AlignedPair;
use stet::diff::{compute, render_inline, render_side_by_side, render_summary};

/// The sentences of a fixture file: non-empty lines that are not `# key: value` metadata.
fn sentences(path: &str) -> Result<Vec<String>, String> {
    let raw = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    Ok(raw
        .lines()
        .filter(|l| !l.starts_with("# ") && !l.trim().is_empty())
        .map(|l| l.trim().to_string())
        .collect())
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let color = args.iter().any(|a| a == "--color");
    let pos: Vec<&String> = args.iter().filter(|a| *a != "--color").collect();
    let (Some(a), Some(b), Some(p)) = (pos.first(), pos.get(1), pos.get(2)) else {
        return Err("usage: diff_term A B PAIRS.json [inline|side|json] [WIDTH] [--color]".into());
    };
    let mode = pos.get(3).map_or("inline", |s| s.as_str());
    let width = pos.get(4).and_then(|w| w.parse().ok()).unwrap_or(100);
    let (sa, sb) = (sentences(a)?, sentences(b)?);
    let json = std::fs::read_to_string(p).map_err(|e| format!("{p}: {e}"))?;
    let pairs: Vec<AlignedPair> = serde_json::from_str(&json).map_err(|e| format!("{p}: {e}"))?;
    let ra: Vec<&str> = sa.iter().map(String::as_str).collect();
    let rb: Vec<&str> = sb.iter().map(String::as_str).collect();
    let diff = compute(&ra, &rb, &pairs);
    match mode {
        "side" => {
            print!("{}", render_summary(&diff, None));
            println!();
            print!("{}", render_side_by_side(&diff, width, color));
        }
        "json" => println!(
            "{}",
            serde_json::to_string_pretty(&diff).map_err(|e| e.to_string())?
        ),
        _ => {
            print!("{}", render_summary(&diff, None));
            println!();
            print!("{}", render_inline(&diff, color));
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("diff_term: {e}");
            ExitCode::FAILURE
        }
    }
}
