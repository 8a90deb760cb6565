//! Dumps normalised extracted text for every page of a fixture folder.
//!
//! `cargo run --release --example extract_dump -- <fixtures dir> <out dir>` reads the `file`
//! entries of `<fixtures dir>/gold.jsonl` and writes `<out dir>/<file basename>.txt` holding
//! `normalize(extract(bytes).text)` (empty when extraction fails).

use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(fx), Some(out)) = (args.get(1), args.get(2)) else {
        return Err("usage: extract_dump <fixtures dir> <out dir>".into());
    };
    let fx = Path::new(fx);
    let out = Path::new(out);
    std::fs::create_dir_all(out)?;
    let gold = std::fs::read_to_string(fx.join("gold.jsonl"))?;
    let mut failed = 0;
    for line in gold.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let Some(file) = v.get("file").and_then(|f| f.as_str()) else {
            continue;
        };
        let bytes = std::fs::read(fx.join(file))?;
        let text = match stet::extract::extract(&bytes, file) {
            Ok(e) => stet::text::normalize(&e.text),
            Err(e) => {
                failed += 1;
                eprintln!("{file}: {e}");
                String::new()
            }
        };
        let base = Path::new(file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        std::fs::write(out.join(format!("{base}.txt")), text)?;
    }
    eprintln!("failed: {failed}");
    Ok(())
}
