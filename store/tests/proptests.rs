//! Property tests: whatever is put comes back byte for byte, plain or delta, through commit and
//! reopen.

use proptest::prelude::*;
use stet_store::{BlobId, Store, StoreOptions};

/// A base text and a list of edits (position fraction, deleted length, inserted bytes).
fn edits() -> impl Strategy<Value = Vec<(f64, usize, Vec<u8>)>> {
    prop::collection::vec((0.0f64..1.0, 0usize..40, prop::collection::vec(any::<u8>(), 0..40)), 0..6)
}

fn apply(base: &[u8], edits: &[(f64, usize, Vec<u8>)]) -> Vec<u8> {
    let mut out = base.to_vec();
    for (at, del, ins) in edits {
        let pos = ((out.len() as f64) * at) as usize;
        let pos = pos.min(out.len());
        let end = (pos + del).min(out.len());
        out.splice(pos..end, ins.iter().copied());
    }
    out
}

fn texty() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..3000),
        "[a-z ]{0,200}( [A-Z][a-z]{2,9}[.,]?){0,400}".prop_map(String::into_bytes),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn plain_and_delta_round_trip(base in texty(), versions in prop::collection::vec(edits(), 1..5), max_depth in 0u8..4) {
        let dir = tempfile::tempdir().unwrap();
        let opts = StoreOptions { max_delta_depth: max_depth, ..StoreOptions::default() };
        let mut expected: Vec<(BlobId, Vec<u8>)> = Vec::new();
        {
            let store = Store::open(dir.path(), opts.clone()).unwrap();
            let mut b = store.batch();
            let base_id = b.put_blob(&base).unwrap();
            prop_assert_eq!(base_id, BlobId::of(&base));
            expected.push((base_id, base.clone()));
            // First version in the same batch as its base, the others in later batches.
            let mut prev = (base_id, base.clone());
            for (i, e) in versions.iter().enumerate() {
                let bytes = apply(&prev.1, e);
                let id = b.put_blob_delta(&bytes, &prev.0).unwrap();
                prop_assert_eq!(id, BlobId::of(&bytes));
                prop_assert_eq!(&b.get_blob(&id).unwrap(), &bytes);
                expected.push((id, bytes.clone()));
                prev = (id, bytes);
                if i == 0 {
                    store.commit(std::mem::replace(&mut b, store.batch())).unwrap();
                }
            }
            store.commit(b).unwrap();
            for (id, bytes) in &expected {
                prop_assert_eq!(&store.get_blob(id).unwrap(), bytes);
                let info = store.blob_info(id).unwrap().unwrap();
                prop_assert!(info.depth <= max_depth);
                prop_assert_eq!(info.raw_len, bytes.len() as u64);
            }
            store.flush().unwrap();
        }
        let store = Store::open(dir.path(), opts).unwrap();
        for (id, bytes) in &expected {
            prop_assert_eq!(&store.get_blob(id).unwrap(), bytes);
        }
        let damage = store.verify_blobs(&mut |_, _| {}).unwrap();
        prop_assert!(damage.is_empty(), "damage: {:?}", damage);
    }

    #[test]
    fn records_round_trip(entries in prop::collection::btree_map(prop::collection::vec(any::<u8>(), 0..20), prop::collection::vec(any::<u8>(), 0..100), 0..30), ks in "[a-z:_]{0,10}") {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path(), StoreOptions::default()).unwrap();
            let mut b = store.batch();
            for (k, v) in &entries {
                b.insert(&ks, k, v);
            }
            store.commit(b).unwrap();
        }
        let store = Store::open(dir.path(), StoreOptions::default()).unwrap();
        let got: Vec<(Vec<u8>, Vec<u8>)> = store.iter(&ks).map(Result::unwrap).collect();
        let want: Vec<(Vec<u8>, Vec<u8>)> = entries.clone().into_iter().collect();
        prop_assert_eq!(&got, &want);
        let mut rev: Vec<(Vec<u8>, Vec<u8>)> = store.iter(&ks).rev().map(Result::unwrap).collect();
        rev.reverse();
        prop_assert_eq!(&rev, &want);
        prop_assert_eq!(store.len(&ks).unwrap(), entries.len() as u64);
        for (k, v) in &entries {
            prop_assert_eq!(store.get(&ks, k).unwrap(), Some(v.clone()));
            let with_prefix: Vec<Vec<u8>> = store.scan_prefix(&ks, k).map(|r| r.unwrap().0).collect();
            let want_prefix: Vec<Vec<u8>> = entries.keys().filter(|x| x.starts_with(k)).cloned().collect();
            prop_assert_eq!(with_prefix, want_prefix);
        }
    }
}
