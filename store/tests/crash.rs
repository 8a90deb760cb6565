//! Crash safety: a writer killed with SIGKILL at a random moment leaves every batch either
//! complete or absent, every blob intact, and a repository that opens.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use stet_store::{BlobId, Store, StoreOptions};

const CHILD: &str = "STET_STORE_TEST_CRASH_CHILD";
const PER_BATCH: u32 = 20;

fn blob_for(batch: u32) -> Vec<u8> {
    format!("blob of batch {batch} ").repeat(50 + (batch % 7) as usize).into_bytes()
}

/// Child mode: commit numbered batches forever, flushing every few, until killed.
fn writer(path: &Path, start: u32, pack_threshold: u64) -> ! {
    let store = Store::open(path, StoreOptions { pack_threshold, ..StoreOptions::default() }).expect("child open");
    let mut n = start;
    loop {
        let mut b = store.batch();
        let id = if n.is_multiple_of(3) || n == start {
            b.put_blob(&blob_for(n)).expect("put")
        } else {
            b.put_blob_delta(&blob_for(n), &BlobId::of(&blob_for(n - 1))).expect("put delta")
        };
        for j in 0..PER_BATCH {
            b.insert("rec", &[n.to_be_bytes(), j.to_be_bytes()].concat(), id.as_bytes());
        }
        b.insert("meta", b"next", &(n + 1).to_be_bytes());
        store.commit(b).expect("commit");
        if n.is_multiple_of(5) {
            store.flush().expect("flush");
        }
        n += 1;
    }
}

#[test]
fn sigkill_leaves_whole_batches() {
    kill_rounds("sigkill_leaves_whole_batches", StoreOptions::default().pack_threshold);
}

/// Packing and merging (every ~16 KB here) may be killed at any point too: the catalog changes
/// in the same transaction that removes the packed loose entries, after the pack file is synced.
#[test]
fn sigkill_while_packing_leaves_whole_batches() {
    kill_rounds("sigkill_while_packing_leaves_whole_batches", 16 * 1024);
}

fn kill_rounds(test: &str, pack_threshold: u64) {
    if let Some(path) = std::env::var_os(CHILD) {
        let start = std::env::var("STET_STORE_TEST_CRASH_START").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
        writer(Path::new(&path), start, pack_threshold);
    }
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut next = 0u32;
    for round in 0..4u64 {
        let mut child = Command::new(&exe)
            .args(["--exact", test, "--test-threads=1", "--nocapture"])
            .env(CHILD, dir.path())
            .env("STET_STORE_TEST_CRASH_START", next.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(300 + 170 * round));
        child.kill().unwrap();
        child.wait().unwrap();

        let store = Store::open(dir.path(), StoreOptions::default()).expect("reopen after SIGKILL");
        next = store.get("meta", b"next").unwrap().map_or(0, |v| u32::from_be_bytes(v[..4].try_into().unwrap()));
        let mut counts = std::collections::BTreeMap::<u32, u32>::new();
        for kv in store.iter("rec") {
            let (k, v) = kv.unwrap();
            let n = u32::from_be_bytes(k[..4].try_into().unwrap());
            *counts.entry(n).or_default() += 1;
            let id = BlobId::from_slice(&v).unwrap();
            assert_eq!(store.get_blob(&id).unwrap(), blob_for(n), "batch {n}");
        }
        for (n, c) in &counts {
            assert_eq!(*c, PER_BATCH, "batch {n} is partial");
            assert!(*n < next, "batch {n} present but counter says {next}");
        }
        assert_eq!(counts.len() as u32, next, "round {round}: batches missing below {next}");
        assert!(store.verify_blobs(&mut |_, _| {}).unwrap().is_empty());
        let (packs, _) = store.pack_stats();
        let files = std::fs::read_dir(dir.path().join("packs")).map_or(0, |d| d.count());
        assert_eq!(files, packs, "round {round}: pack files the catalog does not list were left");
        eprintln!("round {round}: {next} batches survived, {packs} packs");
    }
    assert!(next > 0);
}
