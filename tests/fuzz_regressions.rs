//! Regression tests for what the fuzzers under `fuzz/` found; one test per finding, named after it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use stet_store::{BlobId, Store, StoreError, StoreOptions};

/// The system allocator, remembering the largest single allocation asked for.
struct PeakAlloc;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged.
unsafe impl GlobalAlloc for PeakAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: PeakAlloc = PeakAlloc;

/// A plain blob value (`SB`, format 1, codec 0, depth 0) with the given raw length and body.
fn plain_value(raw_len: u64, body: &[u8]) -> Vec<u8> {
    let mut v = b"SB\x01\x00\x00".to_vec();
    v.extend_from_slice(&raw_len.to_le_bytes());
    v.extend_from_slice(body);
    v
}

/// A zstd frame header (single segment, 8-byte content size field) claiming `size` bytes,
/// followed by nothing: the frame is truncated right after its header.
fn frame_claiming(size: u64) -> Vec<u8> {
    let mut f = vec![0x28, 0xB5, 0x2F, 0xFD, 0xE4];
    f.extend_from_slice(&size.to_le_bytes());
    f
}

/// Found by `store_blob`: a damaged header whose frame claims a huge content size made
/// `get_blob` reserve that many bytes up front (1 TiB here: an out-of-memory abort under the
/// fuzzer, a multi-gigabyte reservation in practice) before finding the frame empty.
#[test]
fn store_blob_huge_claimed_length_allocates_only_what_decodes() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("repo"), StoreOptions::default()).unwrap();
    let id = BlobId::of(b"some text");
    for claimed in [1u64 << 40, 1 << 33, 1 << 28] {
        store.debug_put_raw_blob_value(&id, Some(&plain_value(claimed, &frame_claiming(claimed)))).unwrap();
        LARGEST.store(0, Ordering::Relaxed);
        let got = store.get_blob(&id);
        let largest = LARGEST.load(Ordering::Relaxed);
        assert!(matches!(got, Err(StoreError::Corrupt { .. })), "claimed {claimed}: {got:?}");
        assert!(largest < 64 << 20, "claimed {claimed}: one allocation of {largest} bytes");
    }
}

/// Guards the fix above (streaming decoding): bytes after a value's one zstd frame are damage.
#[test]
fn store_blob_trailing_bytes_after_frame_are_damage() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("repo"), StoreOptions::default()).unwrap();
    let mut batch = store.batch();
    let id = batch.put_blob(b"hello, blob\n").unwrap();
    store.commit(batch).unwrap();
    let mut value = store.debug_raw_blob_value(&id).unwrap().unwrap();
    assert_eq!(store.get_blob(&id).unwrap(), b"hello, blob\n");
    value.extend_from_slice(b"junk");
    store.debug_put_raw_blob_value(&id, Some(&value)).unwrap();
    assert!(matches!(store.get_blob(&id), Err(StoreError::Corrupt { .. })));
}
