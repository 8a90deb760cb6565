//! Fuzzes the store's blob decoding: stored values (header, zstd frame, delta chains) replaced
//! by arbitrary or mutated bytes must read back as an error or as bytes that hash to the id.
//!
//! A temporary store holds a chain of three blobs: `A` (plain zstd), `B` (delta against `A`)
//! and `C` (delta against `B`). Input: a selector byte, then the payload. The selector picks the
//! blob to damage (`sel % 3`) and how: bit 4 clear puts the payload as the whole stored value,
//! bit 4 set edits the blob's real stored value with the payload (see [`mutate`]). Then every
//! blob is read and verified, and the original value is put back.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use stet_store::{BlobId, Store, StoreError, StoreOptions};

struct Fixture {
    store: Store,
    ids: [BlobId; 3],
    values: [Vec<u8>; 3],
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir").keep();
        let store = Store::open(&dir.join("repo"), StoreOptions::default()).expect("open store");
        let a = include_str!("../../tests/fixtures/seeds/000_856e4ff5e2b4e0a7.txt");
        let a = &a[..a.char_indices().nth(2500).map_or(a.len(), |(i, _)| i)];
        let b = format!("{}\n\nA new closing paragraph, added by the second outlet.\n", a.replace("Russia", "Moscow"));
        let c = format!("Updated at noon.\n\n{b}");
        let mut batch = store.batch();
        let ia = batch.put_blob(a.as_bytes()).expect("put a");
        let ib = batch.put_blob_delta(b.as_bytes(), &ia).expect("put b");
        let ic = batch.put_blob_delta(c.as_bytes(), &ib).expect("put c");
        store.commit(batch).expect("commit");
        let ids = [ia, ib, ic];
        let values = ids.map(|id| store.debug_raw_blob_value(&id).expect("read").expect("stored"));
        for (id, depth) in ids.iter().zip([0, 1, 2]) {
            let info = store.blob_info(id).expect("info").expect("present");
            assert_eq!(info.depth, depth, "fixture blob {id} is not stored at depth {depth}");
        }
        Fixture { store, ids, values }
    })
}

/// Edits `orig` with `input` = `[op, offset_lo, offset_hi, payload...]`: overwrite at the
/// offset, truncate at it, insert there, or xor the payload in from there.
fn mutate(orig: &[u8], input: &[u8]) -> Vec<u8> {
    let (op, off, payload) = match input {
        [op, lo, hi, rest @ ..] => (*op, usize::from(u16::from_le_bytes([*lo, *hi])), rest),
        _ => return orig.to_vec(),
    };
    let off = off % (orig.len() + 1);
    let mut v = orig.to_vec();
    match op % 4 {
        0 => {
            for (k, &p) in payload.iter().enumerate() {
                match v.get_mut(off + k) {
                    Some(slot) => *slot = p,
                    None => v.push(p),
                }
            }
        }
        1 => v.truncate(off),
        2 => {
            v.splice(off..off, payload.iter().copied());
        }
        _ => {
            for (slot, &p) in v[off..].iter_mut().zip(payload) {
                *slot ^= p;
            }
        }
    }
    v
}

fn check(store: &Store, id: &BlobId) {
    match store.get_blob(id) {
        Ok(bytes) => assert_eq!(BlobId::of(&bytes), *id, "get_blob returned bytes that do not hash to the id"),
        Err(StoreError::Corrupt { id: named, .. }) => assert_eq!(named, *id, "damage reported under another id"),
        Err(e) => panic!("unexpected error kind for blob {id}: {e}"),
    }
    let _ = store.blob_info(id);
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, payload)) = data.split_first() else { return };
    let fx = fixture();
    let k = usize::from(sel % 3);
    let value = if sel & 0x10 == 0 { payload.to_vec() } else { mutate(&fx.values[k], payload) };
    fx.store.debug_put_raw_blob_value(&fx.ids[k], Some(&value)).expect("put raw value");
    for id in &fx.ids {
        check(&fx.store, id);
    }
    let damage = fx.store.verify_blobs(&mut |_, _| {}).expect("verify");
    if value == fx.values[k] {
        assert!(damage.is_empty(), "undamaged store reported damage: {damage:?}");
    }
    fx.store.debug_put_raw_blob_value(&fx.ids[k], Some(&fx.values[k])).expect("restore");
});
