//! Behaviour tests: round trips, records, atomicity, locking, format versions, corruption, deltas.

use std::path::Path;

use stet_store::{BlobId, Codec, Store, StoreError, StoreOptions, FORMAT_VERSION};

fn open(path: &Path) -> Store {
    Store::open(path, StoreOptions::default()).expect("open")
}

fn text(n: usize, seed: u64) -> Vec<u8> {
    let words = ["the", "minister", "said", "on", "Tuesday", "that", "prices", "rose", "by", "3.5", "percent",
        "in", "Kupiansk", "after", "talks", "with", "officials", "from", "Reuters", "reported"];
    let mut s = String::new();
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    while s.len() < n {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        s.push_str(words[(x >> 33) as usize % words.len()]);
        s.push(if (x >> 20).is_multiple_of(13) { '.' } else { ' ' });
    }
    s.truncate(n);
    s.into_bytes()
}

#[test]
fn blob_round_trip_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let a = text(3000, 1);
    let (ia, ie) = {
        let store = open(dir.path());
        let mut b = store.batch();
        let ia = b.put_blob(&a).unwrap();
        let ie = b.put_blob(b"").unwrap();
        assert_eq!(b.put_blob(&a).unwrap(), ia);
        assert_eq!(b.blob_count(), 2);
        assert!(!store.contains_blob(&ia).unwrap());
        store.commit(b).unwrap();
        store.flush().unwrap();
        assert_eq!(store.get_blob(&ia).unwrap(), a);
        (ia, ie)
    };
    let store = open(dir.path());
    assert_eq!(ia, BlobId::of(&a));
    assert_eq!(store.get_blob(&ia).unwrap(), a);
    assert_eq!(store.get_blob(&ie).unwrap(), b"");
    let info = store.blob_info(&ia).unwrap().unwrap();
    assert_eq!(info.codec, Codec::Zstd);
    assert_eq!(info.raw_len, 3000);
    assert!(info.stored_len < 3000);
    let mut ids: Vec<_> = store.blob_ids().map(Result::unwrap).collect();
    ids.sort();
    let mut want = vec![ia, ie];
    want.sort();
    assert_eq!(ids, want);
    let stats = store.blob_stats().unwrap();
    assert_eq!((stats.count, stats.raw_bytes, stats.deltas), (2, 3000, 0));
    let missing = BlobId::of(b"nope");
    assert!(matches!(store.get_blob(&missing), Err(StoreError::NotFound { id }) if id == missing));
    assert_eq!(store.blob_info(&missing).unwrap(), None);
    assert!(store.disk_size().unwrap() > 0);
    assert!(store.verify_blobs(&mut |_, _| {}).unwrap().is_empty());
}

#[test]
fn records_batches_and_atomicity() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let mut b = store.batch();
    assert!(b.is_empty());
    b.insert("articles", b"k1", b"v1");
    b.insert("log", b"0001", b"first");
    b.insert("log", b"0002", b"second");
    let blob = b.put_blob(b"hello").unwrap();
    // Read-your-writes inside the batch, invisible outside.
    assert_eq!(b.get("articles", b"k1").unwrap(), Some(b"v1".to_vec()));
    assert_eq!(store.get("articles", b"k1").unwrap(), None);
    assert!(!store.contains_blob(&blob).unwrap());
    store.commit(b).unwrap();
    assert_eq!(store.get("articles", b"k1").unwrap(), Some(b"v1".to_vec()));
    assert!(store.contains("log", b"0001").unwrap());
    assert_eq!(store.len("log").unwrap(), 2);
    let newest: Vec<_> = store.iter("log").rev().map(|r| r.unwrap().1).collect();
    assert_eq!(newest, vec![b"second".to_vec(), b"first".to_vec()]);
    let scanned: Vec<_> = store.scan_prefix("log", b"0002").map(|r| r.unwrap().0).collect();
    assert_eq!(scanned, vec![b"0002".to_vec()]);

    // Removal, read-your-writes of a removal.
    let mut b = store.batch();
    b.remove("articles", b"k1");
    assert_eq!(b.get("articles", b"k1").unwrap(), None);
    assert_eq!(store.get("articles", b"k1").unwrap(), Some(b"v1".to_vec()));
    store.commit(b).unwrap();
    assert_eq!(store.get("articles", b"k1").unwrap(), None);

    // A dropped batch writes nothing.
    {
        let mut b = store.batch();
        b.insert("articles", b"k2", b"v2");
        b.put_blob(b"dropped").unwrap();
    }
    assert_eq!(store.get("articles", b"k2").unwrap(), None);
    assert!(!store.contains_blob(&BlobId::of(b"dropped")).unwrap());

    // Keyspace names cannot reach internal trees.
    assert_eq!(store.len("blobs").unwrap(), 0);
    assert_eq!(store.len("meta").unwrap(), 0);
    store.commit(store.batch()).unwrap();
}

#[test]
fn second_open_is_locked_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let t = std::time::Instant::now();
    match Store::open(dir.path(), StoreOptions::default()) {
        Err(e @ StoreError::Locked { .. }) => {
            assert!(e.to_string().contains("locked by another stet process"), "{e}");
        }
        other => panic!("expected Locked, got {other:?}"),
    }
    assert!(t.elapsed() < std::time::Duration::from_secs(2));
    drop(store);
    open(dir.path());
}

#[test]
fn not_a_repository_and_no_create() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), b"mine").unwrap();
    assert!(matches!(Store::open(dir.path(), StoreOptions::default()), Err(StoreError::NotARepository { .. })));
    assert!(!dir.path().join("lock").exists(), "a foreign folder is left untouched");
    let file = dir.path().join("notes.txt");
    assert!(matches!(Store::open(&file, StoreOptions::default()), Err(StoreError::NotARepository { .. })));
    let missing = dir.path().join("missing");
    let opts = StoreOptions { create: false, ..StoreOptions::default() };
    assert!(matches!(Store::open(&missing, opts), Err(StoreError::NotARepository { .. })));
    assert!(!missing.exists());
    // Nested creation works.
    open(&dir.path().join("a/b/c"));
}

#[test]
fn newer_format_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(open(dir.path()));
    let newer = FORMAT_VERSION + 1;
    std::fs::write(dir.path().join("stet-repository"), format!("stet repository\nformat {newer}\n")).unwrap();
    match Store::open(dir.path(), StoreOptions::default()) {
        Err(StoreError::FormatVersion { found, supported: FORMAT_VERSION }) if found == newer => {}
        other => panic!("expected FormatVersion, got {other:?}"),
    }

    let dir = tempfile::tempdir().unwrap();
    open(dir.path()).debug_set_format_version(7).unwrap();
    match Store::open(dir.path(), StoreOptions::default()) {
        Err(e @ StoreError::FormatVersion { found: 7, supported: FORMAT_VERSION }) => {
            assert!(e.to_string().contains("version 7"), "{e}");
        }
        other => panic!("expected FormatVersion, got {other:?}"),
    }
}

#[test]
fn flipped_byte_is_reported_as_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let a = text(5000, 2);
    let mut b = store.batch();
    let ia = b.put_blob(&a).unwrap();
    let ok = b.put_blob(&text(2000, 3)).unwrap();
    store.commit(b).unwrap();
    let raw = store.debug_raw_blob_value(&ia).unwrap().unwrap();
    // Every single-byte flip (header, frame, checksum) gives Corrupt or, where zstd ignores the
    // bit, the exact original bytes: never wrong bytes.
    let mut caught = 0;
    for pos in 0..raw.len() {
        let mut bad = raw.clone();
        bad[pos] ^= 0x40;
        store.debug_put_raw_blob_value(&ia, Some(&bad)).unwrap();
        match store.get_blob(&ia) {
            Err(StoreError::Corrupt { id, .. }) => {
                assert_eq!(id, ia);
                caught += 1;
            }
            Ok(bytes) => assert_eq!(bytes, a, "flip at {pos} gave wrong bytes"),
            other => panic!("flip at {pos}: expected Corrupt, got {:?}", other.map(|v| v.len())),
        }
    }
    assert!(caught * 10 > raw.len() * 9, "{caught} of {}", raw.len());
    let mut bad = raw.clone();
    let last = bad.len() - 10;
    bad[last] ^= 1;
    store.debug_put_raw_blob_value(&ia, Some(&bad)).unwrap();
    let err = store.get_blob(&ia).unwrap_err();
    assert!(err.to_string().starts_with(&format!("blob {ia} is damaged: ")), "{err}");
    let mut calls = 0;
    let damage = store.verify_blobs(&mut |done, total| {
        calls += 1;
        assert!(done <= total);
    }).unwrap();
    assert_eq!(calls, 2);
    assert_eq!(damage.len(), 1);
    assert_eq!(damage[0].what, format!("blob {ia}"));
    assert_eq!(store.get_blob(&ok).unwrap(), text(2000, 3));
    // A truncated value too.
    store.debug_put_raw_blob_value(&ia, Some(&raw[..5])).unwrap();
    assert!(matches!(store.get_blob(&ia), Err(StoreError::Corrupt { .. })));
    assert!(store.blob_info(&ia).is_err());
}

#[test]
fn missing_or_damaged_delta_base_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let base = text(5000, 4);
    let mut edited = base.clone();
    edited[2500..2510].copy_from_slice(b"EDITEDTEXT");
    let mut b = store.batch();
    let ib = b.put_blob(&base).unwrap();
    let ie = b.put_blob_delta(&edited, &ib).unwrap();
    store.commit(b).unwrap();
    assert_eq!(store.blob_info(&ie).unwrap().unwrap().base, Some(ib));

    let raw = store.debug_raw_blob_value(&ib).unwrap().unwrap();
    let mut bad = raw.clone();
    let n = bad.len() - 8;
    bad[n] ^= 0xff;
    store.debug_put_raw_blob_value(&ib, Some(&bad)).unwrap();
    let err = store.get_blob(&ie).unwrap_err();
    assert!(matches!(&err, StoreError::Corrupt { id, reason } if *id == ie && reason.contains(&ib.hex())), "{err}");

    store.debug_put_raw_blob_value(&ib, None).unwrap();
    let err = store.get_blob(&ie).unwrap_err();
    assert!(matches!(&err, StoreError::Corrupt { id, reason } if *id == ie && reason.contains("missing")), "{err}");
    let damage = store.verify_blobs(&mut |_, _| {}).unwrap();
    assert_eq!(damage.len(), 1);
    assert!(damage[0].what.contains(&ie.hex()) && damage[0].reason.contains("missing"));

    // A new delta against a missing base falls back to plain.
    let mut b = store.batch();
    let other = text(4000, 9);
    let io = b.put_blob_delta(&other, &ib).unwrap();
    store.commit(b).unwrap();
    assert_eq!(store.blob_info(&io).unwrap().unwrap().codec, Codec::Zstd);
    assert_eq!(store.get_blob(&io).unwrap(), other);
}

#[test]
fn delta_is_small_and_depth_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let opts = StoreOptions { max_delta_depth: 8, ..StoreOptions::default() };
    let store = Store::open(dir.path(), opts).unwrap();
    let base = text(5000, 5);
    let mut edited = base.clone();
    edited[1000..1008].copy_from_slice(b"Kupyansk");
    edited.extend_from_slice(b" New paragraph added at the end.");
    let mut b = store.batch();
    let ib = b.put_blob(&base).unwrap();
    let ie = b.put_blob_delta(&edited, &ib).unwrap(); // base only in this batch
    assert_eq!(b.get_blob(&ie).unwrap(), edited);
    store.commit(b).unwrap();
    let plain = store.blob_info(&ib).unwrap().unwrap().stored_len;
    let delta = store.blob_info(&ie).unwrap().unwrap();
    assert_eq!(delta.codec, Codec::ZstdDelta);
    assert_eq!(delta.depth, 1);
    assert!(delta.stored_len * 5 < plain, "delta {} vs plain {}", delta.stored_len, plain);
    assert_eq!(store.get_blob(&ie).unwrap(), edited);

    // A chain of 20 versions, each a delta of the previous one.
    let mut prev = ib;
    let mut cur = base.clone();
    let mut versions = vec![(ib, base.clone())];
    for v in 0..20u8 {
        let at = 100 + usize::from(v) * 200;
        cur[at] = b'A' + v;
        let mut b = store.batch();
        let id = b.put_blob_delta(&cur, &prev).unwrap();
        store.commit(b).unwrap();
        let info = store.blob_info(&id).unwrap().unwrap();
        assert!(info.depth <= 8, "depth {}", info.depth);
        versions.push((id, cur.clone()));
        prev = id;
    }
    let depths: Vec<u8> = versions.iter().map(|(id, _)| store.blob_info(id).unwrap().unwrap().depth).collect();
    assert_eq!(depths.iter().copied().max(), Some(8));
    assert!(depths.contains(&0) && depths[1..].iter().filter(|d| **d == 0).count() >= 2, "{depths:?}");
    for (id, bytes) in &versions {
        assert_eq!(&store.get_blob(id).unwrap(), bytes);
    }
    assert!(store.verify_blobs(&mut |_, _| {}).unwrap().is_empty());
    let stats = store.blob_stats().unwrap();
    assert_eq!(stats.count, 22);
    assert!(stats.deltas >= 17);

    // Depth 0 turns deltas off; a delta that is not smaller is stored plain.
    drop(store);
    let store = Store::open(dir.path(), StoreOptions { max_delta_depth: 0, ..StoreOptions::default() }).unwrap();
    let mut b = store.batch();
    let x = b.put_blob_delta(b"completely different small text", &ib).unwrap();
    store.commit(b).unwrap();
    assert_eq!(store.blob_info(&x).unwrap().unwrap().codec, Codec::Zstd);
}

#[test]
fn locked_from_another_process() {
    const CHILD: &str = "STET_STORE_TEST_LOCK_CHILD";
    if let Some(path) = std::env::var_os(CHILD) {
        let code = match Store::open(Path::new(&path), StoreOptions::default()) {
            Err(StoreError::Locked { .. }) => 42,
            _ => 1,
        };
        std::process::exit(code);
    }
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let exe = std::env::current_exe().unwrap();
    let status = std::process::Command::new(exe)
        .args(["--exact", "locked_from_another_process", "--test-threads=1"])
        .env(CHILD, dir.path())
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(42));
    drop(store);
}

#[test]
fn large_blobs_and_large_delta_bases() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let big = text(3_000_000, 11);
    let mut edited = big.clone();
    edited[2_900_000..2_900_010].copy_from_slice(b"0123456789");
    let mut b = store.batch();
    let ib = b.put_blob(&big).unwrap();
    let ie = b.put_blob_delta(&edited, &ib).unwrap();
    store.commit(b).unwrap();
    assert_eq!(store.get_blob(&ib).unwrap(), big);
    assert_eq!(store.get_blob(&ie).unwrap(), edited);
    let info = store.blob_info(&ie).unwrap().unwrap();
    assert_eq!(info.codec, Codec::ZstdDelta);
    assert!(info.stored_len < 2000, "{}", info.stored_len);
}

#[test]
fn error_messages_are_one_line() {
    let id = BlobId::of(b"x");
    let errors = [
        StoreError::Locked { path: "/r".into() },
        StoreError::Io { path: "/r/lock".into(), source: std::io::Error::other("denied") },
        StoreError::Database {
            context: "reading".into(),
            source: sled::Error::Corruption { at: None, bt: () },
        },
        StoreError::NotFound { id },
        StoreError::Corrupt { id, reason: "bad".into() },
        StoreError::FormatVersion { found: 2, supported: 1 },
        StoreError::NotARepository { path: "/r".into() },
    ];
    for e in errors {
        let s = e.to_string();
        assert!(!s.contains('\n') && s.len() < 200, "{s}");
    }
}

/// Writes three flushed batches of 100 blobs and 100 records (keyspace `x`) into a new store.
fn fill_three_flushed_batches(path: &Path) {
    let store = open(path);
    for round in 0..3u32 {
        let mut b = store.batch();
        for i in 0..100u32 {
            b.put_blob(&text(2000, u64::from(round * 1000 + i))).unwrap();
            b.insert("x", &(round * 1000 + i).to_be_bytes(), b"v");
        }
        store.commit(b).unwrap();
        store.flush().unwrap();
    }
}

/// sled recovers its log only up to the first damaged entry; the store must say so at open
/// instead of presenting a silently emptied (or rolled back) repository.
#[test]
fn damaged_database_files_are_reported_not_silently_lost() {
    for (file, from_fraction) in [("db/db", 0.0), ("db/db", 0.5), ("db/conf", 0.0)] {
        let dir = tempfile::tempdir().unwrap();
        fill_three_flushed_batches(dir.path());
        let path = dir.path().join(file);
        let mut bytes = std::fs::read(&path).unwrap();
        let start = (bytes.len() as f64 * from_fraction) as usize;
        for i in (start..bytes.len()).step_by(97) {
            bytes[i] ^= 0x5a;
        }
        std::fs::write(&path, &bytes).unwrap();
        match Store::open(dir.path(), StoreOptions::default()) {
            Err(e @ StoreError::Database { .. }) => {
                let msg = e.to_string();
                assert!(!msg.contains('\n') && msg.contains("corrupted"), "{msg}");
            }
            Err(other) => panic!("{file}: unexpected error {other}"),
            Ok(store) => {
                // Acceptable only if nothing was lost and everything verifies.
                assert_eq!(store.len("x").unwrap(), 300, "{file}: records silently lost");
                assert!(store.verify_blobs(&mut |_, _| {}).unwrap().is_empty());
            }
        }
    }
}

/// Regression: some damage to sled's files made sled's recovery panic ("tried to serialize
/// Uninitialized") instead of returning an error, which failed a CI run. Many damage patterns,
/// each must end in a corruption error or a complete store, never a panic.
#[test]
fn sled_recovery_panic_is_reported_as_corruption() {
    let dir = tempfile::tempdir().unwrap();
    fill_three_flushed_batches(dir.path());
    let pristine = dir.path().join("pristine");
    copy_dir(&dir.path().join("db"), &pristine);
    for stride in 61..=140usize {
        let db = dir.path().join("db");
        std::fs::remove_dir_all(&db).unwrap();
        copy_dir(&pristine, &db);
        let path = db.join("db");
        let mut bytes = std::fs::read(&path).unwrap();
        for i in (stride % 7..bytes.len()).step_by(stride) {
            bytes[i] ^= 0x5a;
        }
        std::fs::write(&path, &bytes).unwrap();
        match Store::open(dir.path(), StoreOptions::default()) {
            Err(e @ StoreError::Database { .. }) => assert!(e.to_string().contains("corrupted"), "{e}"),
            Err(other) => panic!("stride {stride}: unexpected error {other}"),
            Ok(store) => assert_eq!(store.len("x").unwrap(), 300, "stride {stride}: records silently lost"),
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn store_and_batch_can_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<Store>();
    send::<stet_store::Batch<'static>>();
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    std::thread::scope(|s| {
        for t in 0..4u64 {
            let store = &store;
            s.spawn(move || {
                for i in 0..20u64 {
                    let mut b = store.batch();
                    let id = b.put_blob(&text(1000, t * 100 + i)).unwrap();
                    b.insert("log", &(t * 100 + i).to_be_bytes(), id.as_bytes());
                    store.commit(b).unwrap();
                }
            });
        }
    });
    assert_eq!(store.len("log").unwrap(), 80);
    assert_eq!(store.blob_stats().unwrap().count, 80);
}

#[test]
fn delta_chains_read_back_from_many_threads_at_once() {
    // Reads share the store's cache of delta bases but decode outside its lock: each thread
    // must still get its own blob's bytes, bases filled in by whichever thread came first.
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let mut expected = Vec::new();
    let mut b = store.batch();
    for chain in 0..8u64 {
        let mut cur = text(4000, chain);
        let mut prev = b.put_blob(&cur).unwrap();
        for v in 0..4u8 {
            cur[200 + usize::from(v) * 300] = b'A' + v;
            prev = b.put_blob_delta(&cur, &prev).unwrap();
            expected.push((prev, cur.clone()));
        }
    }
    store.commit(b).unwrap();
    store.flush().unwrap();
    std::thread::scope(|s| {
        for t in 0..4usize {
            let (store, expected) = (&store, &expected);
            s.spawn(move || {
                for round in 0..5 {
                    for k in 0..expected.len() {
                        let (id, bytes) = &expected[(k * 7 + t * 3 + round) % expected.len()];
                        assert_eq!(&store.get_blob(id).unwrap(), bytes);
                    }
                }
            });
        }
    });
}

#[test]
fn reopen_right_after_drop() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..15u32 {
        let store = open(dir.path());
        let mut b = store.batch();
        b.put_blob(&text(3000, u64::from(i))).unwrap();
        b.insert("n", &i.to_be_bytes(), b"");
        store.commit(b).unwrap();
        assert_eq!(store.len("n").unwrap(), u64::from(i) + 1);
    }
}

#[test]
fn forged_delta_chains_are_corrupt_not_endless() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let a = text(3000, 21);
    let mut b = store.batch();
    let ia = b.put_blob(&a).unwrap();
    let ib = b.put_blob_delta(&text(3000, 22), &ia).unwrap();
    store.commit(b).unwrap();
    // A delta naming itself as base, with depth 1.
    let mut raw = store.debug_raw_blob_value(&ib).unwrap().unwrap();
    assert_eq!(raw[3], 1, "expected a delta");
    raw[13..45].copy_from_slice(ib.as_bytes());
    store.debug_put_raw_blob_value(&ib, Some(&raw)).unwrap();
    assert!(matches!(store.get_blob(&ib), Err(StoreError::Corrupt { id, .. }) if id == ib));
    // Depth 255 claiming a plain base.
    raw[13..45].copy_from_slice(ia.as_bytes());
    raw[4] = 255;
    store.debug_put_raw_blob_value(&ib, Some(&raw)).unwrap();
    assert!(matches!(store.get_blob(&ib), Err(StoreError::Corrupt { .. })));
    // A header claiming an absurd raw length.
    let mut raw = store.debug_raw_blob_value(&ia).unwrap().unwrap();
    raw[5..13].copy_from_slice(&u64::MAX.to_le_bytes());
    store.debug_put_raw_blob_value(&ia, Some(&raw)).unwrap();
    assert!(matches!(store.get_blob(&ia), Err(StoreError::Corrupt { .. })));
    assert_eq!(store.verify_blobs(&mut |_, _| {}).unwrap().len(), 2);
    // A value stored under the wrong key.
    let good = store.debug_raw_blob_value(&BlobId::of(b"")).unwrap();
    assert!(good.is_none());
    let mut b = store.batch();
    let ic = b.put_blob(b"some other bytes").unwrap();
    store.commit(b).unwrap();
    let moved = store.debug_raw_blob_value(&ic).unwrap().unwrap();
    let wrong = BlobId::of(b"not these");
    store.debug_put_raw_blob_value(&wrong, Some(&moved)).unwrap();
    assert!(matches!(store.get_blob(&wrong), Err(StoreError::Corrupt { id, .. }) if id == wrong));
}

#[test]
fn verify_reports_a_damaged_chain_member_and_its_dependents() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let mut cur = text(4000, 31);
    let mut ids = Vec::new();
    let mut b = store.batch();
    ids.push(b.put_blob(&cur).unwrap());
    for v in 0..6usize {
        cur[200 + v * 300] = b'#';
        let id = b.put_blob_delta(&cur, &ids[v]).unwrap();
        ids.push(id);
    }
    store.commit(b).unwrap();
    assert_eq!(store.blob_info(&ids[6]).unwrap().unwrap().depth, 6);
    assert!(store.verify_blobs(&mut |_, _| {}).unwrap().is_empty());
    let mut raw = store.debug_raw_blob_value(&ids[3]).unwrap().unwrap();
    let n = raw.len() - 5;
    raw[n] ^= 0x10;
    store.debug_put_raw_blob_value(&ids[3], Some(&raw)).unwrap();
    let damage = store.verify_blobs(&mut |_, _| {}).unwrap();
    let mut named: Vec<String> = damage.iter().map(|d| d.what.clone()).collect();
    named.sort();
    let mut want: Vec<String> = ids[3..].iter().map(|id| format!("blob {id}")).collect();
    want.sort();
    assert_eq!(named, want);
    for id in &ids[..3] {
        store.get_blob(id).unwrap();
    }
}

/// Deltas against a big base (like the raw-content dictionary) are encoded with the base
/// digested once; they read back through the ordinary prefix decoder, also after reopening.
#[test]
fn deltas_against_a_big_base_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let base = text(110_000, 99);
    let pieces: Vec<Vec<u8>> = (0..40u64).map(|i| [text(1500 + i as usize * 37, i), text(300, 7)].concat()).collect();
    let (base_id, ids) = {
        let store = open(dir.path());
        let mut b = store.batch();
        let base_id = b.put_blob(&base).unwrap();
        store.commit(b).unwrap();
        let mut ids = Vec::new();
        for p in &pieces {
            let mut b = store.batch();
            ids.push(b.put_blob_delta(p, &base_id).unwrap());
            store.commit(b).unwrap();
        }
        for (id, p) in ids.iter().zip(&pieces) {
            assert_eq!(&store.get_blob(id).unwrap(), p);
        }
        let deltas = ids.iter().filter(|id| store.blob_info(id).unwrap().unwrap().base == Some(base_id)).count();
        assert!(deltas > 30, "only {deltas} of 40 stored as deltas");
        (base_id, ids)
    };
    let store = open(dir.path());
    for (id, p) in ids.iter().zip(&pieces) {
        assert_eq!(&store.get_blob(id).unwrap(), p);
    }
    assert_eq!(store.get_blob(&base_id).unwrap(), base);
    assert!(store.verify_blobs(&mut |_, _| {}).unwrap().is_empty());
}

/// A base that starts like a formatted zstd dictionary must still be used as raw content, on
/// both sides (the one-shot decoder passes bases as dictionaries; such bases go the other way).
#[test]
fn delta_against_a_base_starting_with_the_zstd_dictionary_magic() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    for base_len in [2_000usize, 40_000] {
        let base = [&[0x37u8, 0xA4, 0x30, 0xEC][..], &text(base_len, 5)].concat();
        let edited = [&base[..base.len() / 2], b"an inserted sentence. ", &base[base.len() / 2..]].concat();
        let mut b = store.batch();
        let ib = b.put_blob(&base).unwrap();
        let ie = b.put_blob_delta(&edited, &ib).unwrap();
        store.commit(b).unwrap();
        assert_eq!(store.get_blob(&ie).unwrap(), edited);
        assert_eq!(store.blob_info(&ie).unwrap().unwrap().base, Some(ib));
    }
    assert!(store.verify_blobs(&mut |_, _| {}).unwrap().is_empty());
}

/// Samples that share boilerplate, like pages of one site.
fn pages(n: usize) -> Vec<Vec<u8>> {
    (0..n as u64)
        .map(|i| [&b"<html><head><title>Site news</title></head><body><nav>Home | World | Business</nav>"[..], &text(1500, i), b"<footer>Copyright Site news. All rights reserved.</footer></body></html>"].concat())
        .collect()
}

#[test]
fn dictionary_blobs_are_smaller_read_back_and_survive_packing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let samples = pages(64);
    let trained = stet_store::train_dictionary(&samples, 16 * 1024).expect("a dictionary");
    assert!(trained.starts_with(&[0x37, 0xA4, 0x30, 0xEC]), "a formatted zstd dictionary");
    let page = pages(70).pop().unwrap();
    let mut b = store.batch();
    let dict = b.put_blob(&trained).unwrap();
    let id = b.put_blob_with_dictionary(&page, &dict).unwrap();
    assert_eq!(b.get_blob(&id).unwrap(), page, "read back within the batch");
    let plain = b.put_blob(&text(1500, 69)).unwrap();
    store.commit(b).unwrap();
    let info = store.blob_info(&id).unwrap().unwrap();
    assert_eq!((info.codec, info.base, info.depth), (Codec::ZstdDict, Some(dict), 1));
    let plain_len = store.blob_info(&plain).unwrap().unwrap().stored_len;
    assert!(info.stored_len < plain_len, "dictionary blob {} vs plain {plain_len}", info.stored_len);
    assert_eq!(store.get_blob(&id).unwrap(), page);
    store.pack().unwrap();
    assert_eq!(store.get_blob(&id).unwrap(), page);
    assert!(store.verify_blobs(&mut |_, _| {}).unwrap().is_empty());
    drop(store);
    assert_eq!(open(dir.path()).get_blob(&id).unwrap(), page, "after reopening");
}

#[test]
fn dictionary_blob_without_its_dictionary_is_stored_plain() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let page = pages(1).pop().unwrap();
    let mut b = store.batch();
    let id = b.put_blob_with_dictionary(&page, &BlobId::of(b"never stored")).unwrap();
    store.commit(b).unwrap();
    assert_eq!(store.blob_info(&id).unwrap().unwrap().codec, Codec::Zstd);
    assert_eq!(store.get_blob(&id).unwrap(), page);
}

/// Past the one-shot size, dictionary blobs decode through the streaming path, which must load
/// the base as a dictionary too.
#[test]
fn big_dictionary_blobs_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let trained = stet_store::train_dictionary(&pages(64), 16 * 1024).unwrap();
    let big: Vec<u8> = pages(64).concat().repeat(180);
    assert!(big.len() > 16 << 20);
    let mut b = store.batch();
    let dict = b.put_blob(&trained).unwrap();
    let id = b.put_blob_with_dictionary(&big, &dict).unwrap();
    store.commit(b).unwrap();
    assert_eq!(store.blob_info(&id).unwrap().unwrap().codec, Codec::ZstdDict);
    assert!(store.get_blob(&id).unwrap() == big);
}

/// The archive makes its dictionary from inputs it already stored on their own, then
/// recompresses them with it: their dependents' recorded depths must follow, readers that cached
/// the old chain must not trip over it, and new deltas against a recompressed root get its new
/// depth.
#[test]
fn recompressing_roots_with_a_dictionary_keeps_every_dependent_readable() {
    let dir = tempfile::tempdir().unwrap();
    let opts = StoreOptions { max_delta_depth: 3, ..StoreOptions::default() };
    let store = Store::open(dir.path(), opts.clone()).unwrap();
    let roots_bytes = pages(40);
    let big_root = pages(20).concat(); // over 16 KB: a prepared base
    let mut b = store.batch();
    let roots: Vec<BlobId> = roots_bytes.iter().map(|p| b.put_blob(p).unwrap()).collect();
    let big = b.put_blob(&big_root).unwrap();
    let child = [&roots_bytes[0][..], b" an added line."].concat();
    let ic = b.put_blob_delta(&child, &roots[0]).unwrap();
    let grandchild = [&child[..], b" and another."].concat();
    let ig = b.put_blob_delta(&grandchild, &ic).unwrap();
    let deep: Vec<u8> = [&roots_bytes[1][..], b" v1"].concat();
    let id1 = b.put_blob_delta(&deep, &roots[1]).unwrap();
    let deep2 = [&deep[..], b" v2"].concat();
    let id2 = b.put_blob_delta(&deep2, &id1).unwrap();
    let deep3 = [&deep2[..], b" v3"].concat();
    let id3 = b.put_blob_delta(&deep3, &id2).unwrap(); // depth 3: the limit
    let big_child = [&big_root[..], b" tail"].concat();
    let ibc = b.put_blob_delta(&big_child, &big).unwrap();
    store.commit(b).unwrap();
    store.pack().unwrap(); // some in a pack, the recompressed values loose
    assert_eq!(store.get_blob(&ig).unwrap(), grandchild); // fills the base cache at old depths

    let dict_bytes = stet_store::train_dictionary(&roots_bytes, 16 * 1024).unwrap();
    let mut b = store.batch();
    let dict = b.put_blob(&dict_bytes).unwrap();
    let all: Vec<BlobId> = roots.iter().copied().chain([big]).collect();
    let n = b.recompress_with_dictionary(&all, &dict).unwrap();
    assert_eq!(b.get_blob(&ig).unwrap(), grandchild, "read back within the batch");
    store.commit(b).unwrap();
    assert!(n >= 30, "{n} recompressed");

    let info = |id: &BlobId| store.blob_info(id).unwrap().unwrap();
    assert_eq!((info(&roots[0]).codec, info(&roots[0]).depth), (Codec::ZstdDict, 1));
    assert_eq!((info(&ic).depth, info(&ig).depth), (2, 3));
    assert_eq!(info(&roots[1]).codec, Codec::Zstd, "its family is at the depth limit already");
    assert_eq!(info(&id3).depth, 3);
    for (id, bytes) in [(ig, &grandchild), (ic, &child), (id3, &deep3), (ibc, &big_child)] {
        assert_eq!(&store.get_blob(&id).unwrap(), bytes);
    }
    // A new delta against a recompressed root (big enough to be digested as a prepared base).
    let big_child2 = [&big_root[..], b" another tail"].concat();
    let mut b = store.batch();
    let ibc2 = b.put_blob_delta(&big_child2, &big).unwrap();
    store.commit(b).unwrap();
    assert_eq!((info(&big).depth, info(&ibc2).depth), (1, 2));
    assert!(store.verify_blobs(&mut |_, _| {}).unwrap().is_empty());
    store.pack().unwrap();
    drop(store);
    let store = Store::open(dir.path(), opts).unwrap();
    for (id, bytes) in [(ig, &grandchild), (ibc2, &big_child2), (roots[5], &roots_bytes[5])] {
        assert_eq!(&store.get_blob(&id).unwrap(), bytes);
    }
    assert!(store.verify_blobs(&mut |_, _| {}).unwrap().is_empty());
}

#[test]
fn smallest_blobs_read_back_and_are_not_bigger() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let bytes: Vec<u8> = (0..40).flat_map(|i| text(2000, 60 + i % 5)).collect();
    let other = [bytes.as_slice(), b"!"].concat();
    let mut b = store.batch();
    let small = b.put_blob_smallest(&bytes).unwrap();
    let plain = b.put_blob(&other).unwrap();
    assert_eq!(b.put_blob_smallest(&bytes).unwrap(), small);
    store.commit(b).unwrap();
    assert_eq!(store.get_blob(&small).unwrap(), bytes);
    let (s, p) = (store.blob_info(&small).unwrap().unwrap(), store.blob_info(&plain).unwrap().unwrap());
    assert_eq!(s.codec, Codec::Zstd);
    assert!(s.stored_len < p.stored_len, "{} vs {}", s.stored_len, p.stored_len);
}
