//! Live bytes (keys + values) per keyspace of a repository, and what each takes in the packs,
//! to see where disk goes, and the candidate index's size in memory once loaded whole.
//!
//!     cargo run --release --example repo_sizes -- REPO
use stet::archive::ks;
fn main() {
    let Some(path) = std::env::args().nth(1) else { return eprintln!("usage: repo_sizes REPO") };
    let archive = match stet::archive::Archive::open(std::path::Path::new(&path), stet::archive::OpenOptions { create: false, ..Default::default() }) {
        Ok(a) => a,
        Err(e) => return eprintln!("{path}: {e}"),
    };
    let store = archive.store();
    for name in [ks::ARTICLES, ks::LOG, ks::RELATIONS, ks::URLS, ks::INDEX, ks::SOURCE_LINES, ks::SOURCE_ARTICLES, ks::META] {
        let (mut n, mut k, mut v) = (0u64, 0u64, 0u64);
        for (key, val) in store.iter(name).flatten() {
            n += 1;
            k += key.len() as u64;
            v += val.len() as u64;
        }
        println!("{name:16} {n:8} keys {k:10} key bytes {v:10} value bytes");
    }
    if let Ok(s) = store.blob_stats() {
        println!("blobs            {:8} blobs {:10} stored bytes {:10} raw bytes", s.count, s.stored_bytes, s.raw_bytes);
    }
    match store.pack_usage() {
        Ok(usage) => {
            for (name, (n, raw, stored)) in usage {
                println!("packed {name:16} {n:8} entries {raw:10} raw bytes {stored:10} stored bytes (estimate)");
            }
        }
        Err(e) => eprintln!("{path}: {e}"),
    }
    blob_roles(&archive);
    let (packs, pack_bytes) = store.pack_stats();
    println!("packs {packs} holding {pack_bytes} bytes; superseded (count) {}", store.superseded_bytes().unwrap_or(0));
    println!("disk {}", store.disk_size().unwrap_or(0));
    match archive.index_memory() {
        Ok(m) => println!(
            "index in memory  {} buckets, {} features, {} lists holding {} postings, {} heap bytes ({:.1} per feature)",
            m.buckets_loaded,
            m.features,
            m.lists,
            m.listed_postings,
            m.heap_bytes,
            m.heap_bytes as f64 / m.features.max(1) as f64
        ),
        Err(e) => eprintln!("index: {e}"),
    }
}

/// Stored bytes of the blobs by role (raw capture, text) and by what they are a delta against.
fn blob_roles(archive: &stet::archive::Archive) {
    use std::collections::BTreeMap;
    let store = archive.store();
    let dict = store.get(ks::META, b"raw-dictionary").ok().flatten().and_then(|v| stet_store::BlobId::from_slice(v.get(..32)?));
    let mut rows: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
    for rec in archive.log().flatten() {
        let raw = rec.captures.first().and_then(|c| stet_store::BlobId::from_hex(&c.raw));
        let text = stet_store::BlobId::from_hex(&rec.text);
        for (role, id) in [("raw", raw), ("text", text)] {
            let Some(info) = id.and_then(|id| store.blob_info(&id).ok().flatten()) else { continue };
            let base = match info.base {
                None => "plain",
                Some(b) if Some(b) == dict => "dictionary",
                Some(b) if Some(b) == raw => "own raw",
                Some(_) => "relative",
            };
            let r = rows.entry(format!("{role} vs {base}")).or_default();
            r.0 += 1;
            r.1 += info.raw_len;
            r.2 += info.stored_len;
        }
    }
    for (k, (n, raw, stored)) in rows {
        println!("blobs {k:20} {n:8} blobs {raw:10} raw bytes {stored:10} stored bytes");
    }
}
