//! Live bytes (keys + values) per keyspace of a repository, and what each takes in the packs,
//! to see where disk goes.
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
    println!("disk {}", store.disk_size().unwrap_or(0));
}
