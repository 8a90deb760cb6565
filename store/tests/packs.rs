//! Pack files: what was written reads back the same (point reads, scans both ways, prefixes)
//! before and after packing, merging and reopening; removals hide packed keys; damaged,
//! missing and leftover pack files are handled.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;
use stet_store::{BlobId, Store, StoreError, StoreOptions, FORMAT_VERSION};

fn open_manual(path: &Path) -> Store {
    Store::open(path, StoreOptions { pack_threshold: 0, ..StoreOptions::default() }).expect("open")
}

fn pack_files(path: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(path.join("packs"))
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// One operation of the model test.
#[derive(Debug, Clone)]
enum Op {
    Put(u8, Vec<u8>, Vec<u8>),
    Remove(u8, Vec<u8>),
    Blob(Vec<u8>),
    /// Puts (`Some`) and removals (`None`) committed as a pack of their own.
    PackedBatch(Vec<(u8, Vec<u8>, Option<Vec<u8>>)>),
    Pack,
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    let key = prop::collection::vec(0u8..4, 0..4);
    prop_oneof![
        6 => (0u8..3, key.clone(), prop::collection::vec(any::<u8>(), 0..60)).prop_map(|(k, key, v)| Op::Put(k, key, v)),
        2 => (0u8..3, key.clone()).prop_map(|(k, key)| Op::Remove(k, key)),
        1 => prop::collection::vec(any::<u8>(), 0..200).prop_map(Op::Blob),
        2 => prop::collection::vec((0u8..3, key, prop::option::weighted(0.7, prop::collection::vec(any::<u8>(), 0..60))), 1..8)
            .prop_map(Op::PackedBatch),
        1 => Just(Op::Pack),
        1 => Just(Op::Reopen),
    ]
}

const KEYSPACES: [&str; 3] = ["a", "ab", "b"];

fn check(store: &Store, model: &BTreeMap<(u8, Vec<u8>), Vec<u8>>, blobs: &BTreeMap<BlobId, Vec<u8>>) -> Result<(), TestCaseError> {
    for (ki, ks) in KEYSPACES.iter().enumerate() {
        let expect: Vec<(Vec<u8>, Vec<u8>)> =
            model.iter().filter(|((k, _), _)| *k as usize == ki).map(|((_, key), v)| (key.clone(), v.clone())).collect();
        let got: Vec<_> = store.iter(ks).map(Result::unwrap).collect();
        prop_assert_eq!(&got, &expect, "forward scan of {}", ks);
        let mut back: Vec<_> = store.iter(ks).rev().map(Result::unwrap).collect();
        back.reverse();
        prop_assert_eq!(&back, &expect, "backward scan of {}", ks);
        // Both ends at once meet without repeating or skipping.
        let mut it = store.iter(ks);
        let (mut front, mut tail) = (Vec::new(), Vec::new());
        loop {
            match it.next() {
                Some(kv) => front.push(kv.unwrap()),
                None => break,
            }
            match it.next_back() {
                Some(kv) => tail.push(kv.unwrap()),
                None => break,
            }
        }
        tail.reverse();
        front.extend(tail);
        prop_assert_eq!(&front, &expect, "scan of {} from both ends", ks);
        for prefix in [vec![0u8], vec![1, 2], vec![3]] {
            let want: Vec<_> = expect.iter().filter(|(k, _)| k.starts_with(&prefix)).cloned().collect();
            let got: Vec<_> = store.scan_prefix(ks, &prefix).map(Result::unwrap).collect();
            prop_assert_eq!(&got, &want, "prefix {:?} of {}", prefix, ks);
        }
        for a in 0u8..4 {
            for key in [vec![], vec![a], vec![a, a], vec![a, 1, 2]] {
                let want = model.get(&(ki as u8, key.clone())).cloned();
                prop_assert_eq!(store.get(ks, &key).unwrap(), want, "get {:?} in {}", key, ks);
            }
        }
    }
    for (id, bytes) in blobs {
        prop_assert_eq!(&store.get_blob(id).unwrap(), bytes);
    }
    let ids: Vec<BlobId> = store.blob_ids().map(Result::unwrap).collect();
    prop_assert_eq!(ids, blobs.keys().copied().collect::<Vec<_>>());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any sequence of writes, removals, batches committed as packs, packs and reopens reads
    /// like a plain sorted map.
    #[test]
    fn packed_store_reads_like_a_map(ops in prop::collection::vec(op(), 1..60)) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = open_manual(dir.path());
        let mut model = BTreeMap::new();
        let mut blobs = BTreeMap::new();
        for op in ops {
            match op {
                Op::Put(k, key, v) => {
                    let mut b = store.batch();
                    b.insert(KEYSPACES[k as usize], &key, &v);
                    store.commit(b).unwrap();
                    model.insert((k, key), v);
                }
                Op::Remove(k, key) => {
                    let mut b = store.batch();
                    b.remove(KEYSPACES[k as usize], &key);
                    store.commit(b).unwrap();
                    model.remove(&(k, key));
                }
                Op::Blob(bytes) => {
                    let mut b = store.batch();
                    let base = blobs.keys().next().copied();
                    let id = match base {
                        Some(base) => b.put_blob_delta(&bytes, &base).unwrap(),
                        None => b.put_blob(&bytes).unwrap(),
                    };
                    store.commit(b).unwrap();
                    blobs.insert(id, bytes);
                }
                Op::PackedBatch(ops) => {
                    let mut b = store.batch();
                    for (k, key, v) in ops {
                        match v {
                            Some(v) => {
                                b.insert(KEYSPACES[k as usize], &key, &v);
                                model.insert((k, key), v);
                            }
                            None => {
                                b.remove(KEYSPACES[k as usize], &key);
                                model.remove(&(k, key));
                            }
                        }
                    }
                    store.commit_packed(b).unwrap();
                }
                Op::Pack => {
                    store.pack().unwrap();
                }
                Op::Reopen => {
                    drop(store);
                    store = open_manual(dir.path());
                }
            }
            check(&store, &model, &blobs)?;
        }
        let (packs, _) = store.pack_stats();
        prop_assert_eq!(pack_files(dir.path()).len(), packs);
    }
}

fn fill(store: &Store, from: u32, to: u32) {
    for n in from..to {
        let mut b = store.batch();
        let id = b.put_blob(format!("blob number {n} ").repeat(20).as_bytes()).unwrap();
        b.insert("rec", &n.to_be_bytes(), id.as_bytes());
        store.commit(b).unwrap();
    }
}

/// A repository holding `n` numbered records and blobs, all packed, closed.
fn packed_repository(n: u32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let store = open_manual(dir.path());
    fill(&store, 0, n);
    store.pack().unwrap();
    dir
}

#[test]
fn packs_merge_to_a_logarithmic_count() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_manual(dir.path());
    for round in 0..64u32 {
        fill(&store, round * 10, round * 10 + 10);
        store.pack().unwrap();
        let (packs, _) = store.pack_stats();
        assert!(packs <= 8, "round {round}: {packs} packs");
    }
    assert_eq!(store.len("rec").unwrap(), 640);
    assert_eq!(pack_files(dir.path()).len(), store.pack_stats().0);
    for n in [0u32, 333, 639] {
        let v = store.get("rec", &n.to_be_bytes()).unwrap().unwrap();
        let id = BlobId::from_slice(&v).unwrap();
        assert_eq!(store.get_blob(&id).unwrap(), format!("blob number {n} ").repeat(20).into_bytes());
    }
}

/// 1,000 bytes that do not compress, different for each page and round.
fn page_value(page: u16, round: u8) -> Vec<u8> {
    let mut v = vec![0; 1000];
    blake3::Hasher::new().update(&page.to_be_bytes()).update(&[round]).finalize_xof().fill(&mut v);
    v
}

/// Rewrites pages `0..n` of keyspace "idx" (keys u16 BE) as a pack of their own, declaring the
/// previous round's entries superseded.
fn rewrite_pages(store: &Store, n: u16, round: u8) -> u64 {
    let entry = "idx".len() as u64 + 1 + 2 + 1000;
    let mut b = store.batch();
    for p in 0..n {
        b.insert("idx", &p.to_be_bytes(), &page_value(p, round));
    }
    let dead = if round == 0 { 0 } else { entry * u64::from(n) };
    b.supersedes(dead);
    store.commit_packed(b).unwrap();
    dead
}

#[test]
fn superseded_bytes_are_counted_dropped_by_merges_and_trigger_a_full_merge() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_manual(dir.path());
    // A big pack of other records, then the pages, then two rewrites of a tenth of them.
    fill(&store, 0, 2000);
    store.pack().unwrap();
    rewrite_pages(&store, 500, 0);
    assert_eq!(store.superseded_bytes().unwrap(), 0);
    let once = rewrite_pages(&store, 50, 1);
    assert_eq!(store.superseded_bytes().unwrap(), once);
    rewrite_pages(&store, 50, 2);
    // The two small packs merged (the newest is not under half the one before): round 1's
    // entries were dropped there, and only round 0's versions remain superseded.
    let packs = store.pack_stats().0;
    assert!(packs >= 2, "{packs} packs");
    assert_eq!(store.superseded_bytes().unwrap(), once);

    assert!(!store.merge_if_superseded(2).unwrap(), "dead bytes under half of everything: left as they are");
    assert_eq!(store.pack_stats().0, packs);
    let before = store.pack_stats().1;
    assert!(once * 1000 >= before);
    assert!(store.merge_if_superseded(1000).unwrap());
    assert_eq!(store.pack_stats().0, 1);
    assert_eq!(store.superseded_bytes().unwrap(), 0);
    assert!(store.pack_stats().1 < before, "the merge dropped the dead pages");
    assert_eq!(store.get("idx", &7u16.to_be_bytes()).unwrap(), Some(page_value(7, 2)));
    assert_eq!(store.get("idx", &70u16.to_be_bytes()).unwrap(), Some(page_value(70, 0)));
    drop(store);
    let store = open_manual(dir.path());
    assert_eq!(store.superseded_bytes().unwrap(), 0);
    assert_eq!(store.len("idx").unwrap(), 500);
}

#[test]
fn flush_packs_past_the_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), StoreOptions { pack_threshold: 4096, ..StoreOptions::default() }).unwrap();
    fill(&store, 0, 5);
    store.flush().unwrap();
    assert_eq!(store.pack_stats().0, 0, "under the threshold: still loose");
    fill(&store, 5, 100);
    store.flush().unwrap();
    assert!(store.pack_stats().0 >= 1);
    drop(store);
    let store = open_manual(dir.path());
    assert_eq!(store.len("rec").unwrap(), 100);
}

#[test]
fn leftover_pack_files_are_removed_at_open() {
    let dir = packed_repository(10);
    let packs = dir.path().join("packs");
    std::fs::write(packs.join("pack-00000099.stp"), b"left by a killed merge").unwrap();
    std::fs::write(packs.join("pack-00000100.tmp"), b"half written").unwrap();
    let store = open_manual(dir.path());
    assert_eq!(pack_files(dir.path()).len(), 1);
    assert_eq!(store.len("rec").unwrap(), 10);
}

#[test]
fn missing_pack_file_is_refused_at_open_naming_it() {
    let dir = packed_repository(10);
    let file = pack_files(dir.path()).remove(0);
    std::fs::remove_file(&file).unwrap();
    match Store::open(dir.path(), StoreOptions::default()) {
        Err(e @ StoreError::Pack { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains(&*file.to_string_lossy()) && msg.contains("missing"), "{msg}");
        }
        other => panic!("expected a pack error, got {other:?}"),
    }
}

#[test]
fn truncated_pack_file_is_refused_at_open() {
    let dir = packed_repository(10);
    let file = pack_files(dir.path()).remove(0);
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() - 10]).unwrap();
    assert!(matches!(Store::open(dir.path(), StoreOptions::default()), Err(StoreError::Pack { .. })));
}

#[test]
fn damaged_pack_block_is_reported_never_returned() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<BlobId> = {
        let store = open_manual(dir.path());
        fill(&store, 0, 200);
        store.pack().unwrap();
        store.blob_ids().map(Result::unwrap).collect()
    };
    let file = pack_files(dir.path()).remove(0);
    let mut bytes = std::fs::read(&file).unwrap();
    bytes[20] ^= 0x40; // inside the first block
    std::fs::write(&file, &bytes).unwrap();
    let store = open_manual(dir.path());
    let mut damaged = 0;
    for id in &ids {
        match store.get_blob(id) {
            Ok(b) => assert_eq!(BlobId::of(&b), *id),
            Err(e) => {
                assert!(e.to_string().contains("damaged"), "{e}");
                damaged += 1;
            }
        }
    }
    assert!(damaged > 0, "the flipped byte hit no blob");
    let report = store.verify_blobs(&mut |_, _| {}).unwrap();
    assert!(report.iter().any(|d| d.what.starts_with("pack ")), "{report:?}");
    // Blobs in intact blocks are still checked (and fine).
    assert!(report.len() < ids.len());
}

#[test]
fn removed_blob_stays_removed_after_packing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_manual(dir.path());
    fill(&store, 0, 3);
    store.pack().unwrap();
    let id = store.blob_ids().next().unwrap().unwrap();
    store.debug_put_raw_blob_value(&id, None).unwrap();
    assert!(!store.contains_blob(&id).unwrap());
    store.pack().unwrap();
    assert!(!store.contains_blob(&id).unwrap());
    assert_eq!(store.blob_ids().count(), 2);
}

#[test]
fn version_1_repository_is_upgraded_and_packed() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open_manual(dir.path());
        fill(&store, 0, 20);
        store.debug_set_format_version(1).unwrap();
    }
    std::fs::write(dir.path().join("stet-repository"), "stet repository\nformat 1\n").unwrap();
    let store = open_manual(dir.path());
    assert_eq!(store.len("rec").unwrap(), 20);
    assert!(store.pack().unwrap() >= 40);
    assert_eq!(store.len("rec").unwrap(), 20);
    let marker = std::fs::read_to_string(dir.path().join("stet-repository")).unwrap();
    assert!(marker.contains(&format!("format {FORMAT_VERSION}")), "{marker}");
}

/// Fills a repository, packs it, and checks that `compact_database` shrinks sled's folder and
/// keeps everything readable.
#[test]
fn compaction_gives_back_sleds_dead_space() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open_manual(dir.path());
        fill(&store, 0, 3000);
        store.flush().unwrap();
        store.pack().unwrap();
    }
    let size = |p: &Path| -> u64 {
        std::fs::read_dir(p).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum()
    };
    let before = size(&dir.path().join("db"));
    assert!(stet_store::compact_database(dir.path()).unwrap(), "{before} bytes were not compacted");
    let after = size(&dir.path().join("db"));
    assert!(after * 4 < before, "{before} -> {after}");
    let store = open_manual(dir.path());
    assert_eq!(store.len("rec").unwrap(), 3000);
    assert!(store.verify_blobs(&mut |_, _| {}).unwrap().is_empty());
    drop(store);
    // Nothing left to gain: a second call does nothing.
    assert!(!stet_store::compact_database(dir.path()).unwrap());
}

/// The segment size sled's `conf` file records for the folder `db`.
fn segment_size(db: &Path) -> usize {
    let conf = String::from_utf8_lossy(&std::fs::read(db.join("conf")).unwrap()).into_owned();
    conf.lines().find_map(|l| l.strip_prefix("segment_size: ")).unwrap().trim().parse().unwrap()
}

/// Bytes of disk the files of a folder take.
fn blocks(dir: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().metadata().unwrap().blocks() * 512).sum()
}

/// A small packed repository is compacted into 4 KiB segments (one segment on disk); a bulk
/// writer copies it back into 64 KiB segments, and the next compaction shrinks it again.
#[test]
fn compacted_databases_rest_in_small_segments_and_grow_for_bulk_writes() {
    let dir = packed_repository(50);
    let db = dir.path().join("db");
    assert_eq!(segment_size(&db), 64 * 1024);
    let before = blocks(&db);
    assert!(stet_store::compact_database(dir.path()).unwrap(), "a small folder in large segments is compacted");
    assert_eq!(segment_size(&db), 4 * 1024);
    assert!(blocks(&db) <= 16 * 1024 && blocks(&db) < before, "{before} -> {}", blocks(&db));
    assert!(!stet_store::compact_database(dir.path()).unwrap(), "already at rest");
    {
        let reader = open_manual(dir.path());
        assert_eq!(reader.len("rec").unwrap(), 50);
    }
    assert_eq!(segment_size(&db), 4 * 1024, "a reader leaves the segments as they are");
    {
        let opts = StoreOptions { pack_threshold: 0, bulk_writes: true, ..StoreOptions::default() };
        let writer = Store::open(dir.path(), opts).unwrap();
        assert_eq!(segment_size(&db), 64 * 1024);
        assert_eq!(writer.len("rec").unwrap(), 50);
        fill(&writer, 50, 80);
        writer.flush().unwrap();
        writer.pack().unwrap();
    }
    assert!(stet_store::compact_database(dir.path()).unwrap());
    assert_eq!(segment_size(&db), 4 * 1024);
    let store = open_manual(dir.path());
    assert_eq!(store.len("rec").unwrap(), 80);
    assert!(store.verify_blobs(&mut |_, _| {}).unwrap().is_empty());
}

#[test]
fn compaction_refuses_loose_records_and_a_held_lock() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_manual(dir.path());
    fill(&store, 0, 3000);
    store.flush().unwrap();
    assert!(matches!(stet_store::compact_database(dir.path()), Err(StoreError::Locked { .. })));
    drop(store);
    assert!(!stet_store::compact_database(dir.path()).unwrap(), "loose records: pack first");
}

/// A kill during the folder swap leaves one of three states; each opens with all data.
#[test]
fn interrupted_folder_swap_is_finished_or_undone_at_open() {
    for state in ["new-only", "new-beside-db", "old-beside-db"] {
        let dir = packed_repository(50);
        let (db, new, old) = (dir.path().join("db"), dir.path().join("db.new"), dir.path().join("db.old"));
        let copy = |to: &Path| {
            std::fs::create_dir_all(to).unwrap();
            for e in std::fs::read_dir(&db).unwrap() {
                let e = e.unwrap();
                if e.file_type().unwrap().is_file() {
                    std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
                }
            }
        };
        match state {
            "new-only" => {
                copy(&new);
                std::fs::remove_dir_all(&db).unwrap();
            }
            "new-beside-db" => {
                std::fs::create_dir_all(&new).unwrap();
                std::fs::write(new.join("db"), b"half a copy").unwrap();
            }
            _ => copy(&old),
        }
        let store = open_manual(dir.path());
        assert_eq!(store.len("rec").unwrap(), 50, "{state}");
        assert!(!new.exists() && !old.exists() && db.exists(), "{state}");
    }
}

/// A damaged page of a pack's Bloom filter costs no data: every record still reads (the
/// filter answers "maybe" and the block index decides), and verify names the damage.
#[test]
fn damaged_filter_page_loses_nothing_and_verify_reports_it() {
    let dir = packed_repository(300);
    let packs = pack_files(dir.path());
    assert_eq!(packs.len(), 1);
    let mut bytes = std::fs::read(&packs[0]).unwrap();
    assert_eq!(&bytes[..8], b"STETPCK2");
    // The filter ends where the index starts (footer: index offset u64 LE, 56 bytes from the end).
    let footer = bytes.len() - 56;
    let index_offset = u64::from_le_bytes(bytes[footer..footer + 8].try_into().unwrap()) as usize;
    for b in &mut bytes[index_offset - 64..index_offset] {
        *b = !*b;
    }
    std::fs::write(&packs[0], &bytes).unwrap();
    let store = open_manual(dir.path());
    for n in 0..300u32 {
        let id = store.get("rec", &n.to_be_bytes()).unwrap().expect("record");
        assert!(store.get_blob(&BlobId::from_slice(&id).unwrap()).is_ok());
    }
    let damage = store.verify_blobs(&mut |_, _| {}).unwrap();
    assert!(damage.iter().any(|d| d.reason.contains("filter page")), "{damage:?}");
}

/// Salvage reading (for `stet export`) goes on past a damaged block: only that block's records
/// are lost, where a plain iterator stops at it.
#[test]
fn salvaging_iteration_skips_only_the_damaged_block() {
    let dir = tempfile::tempdir().unwrap();
    let n = 2000u32;
    let value = |i: u32| blake3::hash(&i.to_be_bytes()).to_hex().repeat(3).into_bytes();
    {
        let store = open_manual(dir.path());
        let mut b = store.batch();
        for i in 0..n {
            b.insert("rec", &i.to_be_bytes(), &value(i));
        }
        store.commit(b).unwrap();
        store.pack().unwrap();
    }
    let file = pack_files(dir.path()).remove(0);
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes.len() / 3;
    bytes[at] ^= 0x40;
    std::fs::write(&file, &bytes).unwrap();
    let store = open_manual(dir.path());
    let read = |records: stet_store::Records| {
        let (mut ok, mut errors) = (0u32, 0u32);
        for kv in records {
            match kv {
                Ok((k, v)) => {
                    let i = u32::from_be_bytes(k.as_slice().try_into().unwrap());
                    assert_eq!(v, value(i));
                    ok += 1;
                }
                Err(e) => {
                    assert!(e.to_string().contains("damaged"), "{e}");
                    errors += 1;
                }
            }
        }
        (ok, errors)
    };
    let (plain, plain_errors) = read(store.iter("rec"));
    let (salvaged, salvage_errors) = read(store.iter("rec").salvaging());
    assert_eq!((plain_errors, salvage_errors), (1, 1));
    assert!(plain < n / 2, "the damage is a third of the way in: {plain}");
    // One block of ~32 KB holds a few hundred of these 200-byte records.
    assert!(salvaged > plain && salvaged < n && n - salvaged < 400, "{salvaged} of {n}");
}
