//! Throughput and disk-size measurement on ~3 KB news texts (ignored by default). Run with
//! `cargo test -p stet-store --release --test bench -- --ignored --nocapture`.

use std::path::Path;
use std::time::Instant;

use stet_store::{Store, StoreOptions};

const CORPUS: &str = "/work/shared/corpora/reuters21578.jsonl";

/// Consecutive Reuters texts joined into ~3 KB pieces.
fn texts(count: usize) -> Option<Vec<Vec<u8>>> {
    let data = std::fs::read_to_string(CORPUS).ok()?;
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in data.lines() {
        let v: serde_json::Value = serde_json::from_str(line).ok()?;
        cur.push_str(v["text"].as_str().unwrap_or(""));
        cur.push('\n');
        if cur.len() >= 3000 {
            out.push(std::mem::take(&mut cur).into_bytes());
            if out.len() == count {
                break;
            }
        }
    }
    Some(out)
}

/// CPU time (user + system) of this process in milliseconds, where /proc is available.
fn cpu_ms() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks * 10)
}

struct Run {
    put_secs: f64,
    commit_secs: f64,
    commit_cpu_ms: Option<u64>,
    stored: u64,
    disk: u64,
}

fn run(dir: &Path, texts: &[Vec<u8>], level: i32) -> Run {
    let store = Store::open(dir, StoreOptions { zstd_level: level, ..StoreOptions::default() }).unwrap();
    // Hash + compress only.
    let start = Instant::now();
    {
        let mut b = store.batch();
        for t in texts {
            b.put_blob(t).unwrap();
        }
    }
    let put_secs = start.elapsed().as_secs_f64();
    // As `stet add` does it: one committed batch per text, a flush at the end.
    let cpu0 = cpu_ms();
    let start = Instant::now();
    for (i, t) in texts.iter().enumerate() {
        let mut b = store.batch();
        let id = b.put_blob(t).unwrap();
        b.insert("articles", id.as_bytes(), format!("record {i}").as_bytes());
        b.insert("log", &(i as u64).to_be_bytes(), id.as_bytes());
        store.commit(b).unwrap();
    }
    store.flush().unwrap();
    let commit_secs = start.elapsed().as_secs_f64();
    let commit_cpu_ms = cpu_ms().zip(cpu0).map(|(a, b)| a - b);
    let stored = store.blob_stats().unwrap().stored_bytes;
    drop(store);
    let store = Store::open(dir, StoreOptions::default()).unwrap();
    Run { put_secs, commit_secs, commit_cpu_ms, stored, disk: store.disk_size().unwrap() }
}

#[test]
#[ignore]
fn put_throughput_and_disk_size() {
    let Some(texts) = texts(3000) else {
        eprintln!("corpus {CORPUS} not available");
        return;
    };
    let raw: usize = texts.iter().map(Vec::len).sum();
    let mb = raw as f64 / 1e6;
    eprintln!("{} texts, {} raw bytes", texts.len(), raw);
    for level in [1, 3, 6, 9, 19] {
        let dir = tempfile::tempdir().unwrap();
        let r = run(dir.path(), &texts, level);
        eprintln!(
            "level {level:>2}: put {:>6.1} MB/s | commit-per-text {:>5.1} MB/s wall, cpu {} ms | stored {} ({:.2}x smaller) | disk {} ({:.2}x raw, {:.2}x stored)",
            mb / r.put_secs,
            mb / r.commit_secs,
            r.commit_cpu_ms.map_or("?".to_string(), |c| c.to_string()),
            r.stored,
            raw as f64 / r.stored as f64,
            r.disk,
            r.disk as f64 / raw as f64,
            r.disk as f64 / r.stored as f64,
        );
    }
}

/// An `add`-shaped batch: two blobs, a record, a log entry, a counter, and ~150 index postings
/// with read-modify-write counters, one committed batch per text.
#[test]
#[ignore]
fn add_shaped_batches() {
    let Some(texts) = texts(1000) else {
        eprintln!("corpus {CORPUS} not available");
        return;
    };
    let raw: usize = texts.iter().map(Vec::len).sum();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), StoreOptions::default()).unwrap();
    let cpu0 = cpu_ms();
    let start = Instant::now();
    for (i, t) in texts.iter().enumerate() {
        let mut b = store.batch();
        let id = b.put_blob(t).unwrap();
        let mut html = b"<html><body>".to_vec();
        html.extend_from_slice(t);
        b.put_blob(&html).unwrap();
        b.insert("articles", id.as_bytes(), &[7u8; 300]);
        b.insert("log", &(i as u64).to_be_bytes(), id.as_bytes());
        b.insert("meta", b"next-seq", &(i as u64 + 1).to_be_bytes());
        for w in t.split(|c| *c == b' ').take(150) {
            let f = blake3::hash(w).as_bytes()[..8].to_vec();
            let mut key = f.clone();
            key.extend_from_slice(id.as_bytes());
            b.insert("postings", &key, &[]);
            let n = b.get("counts", &f).unwrap().map_or(0, |v| v.len());
            b.insert("counts", &f, &vec![0u8; n % 8 + 1]);
        }
        store.commit(b).unwrap();
    }
    store.flush().unwrap();
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "{} add-shaped batches: {:.2} ms each, {:.1} MB/s of text, cpu {} ms, disk {} ({:.2}x raw)",
        texts.len(),
        secs * 1000.0 / texts.len() as f64,
        raw as f64 / secs / 1e6,
        cpu_ms().zip(cpu0).map_or("?".to_string(), |(a, b)| (a - b).to_string()),
        store.disk_size().unwrap(),
        store.disk_size().unwrap() as f64 / raw as f64,
    );
}
