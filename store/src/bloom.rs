//! The Bloom filters of pack files: which keys a pack may hold, asked before its block index.
//!
//! Main types: [`KeyHash`] (a key's two 64-bit hashes), [`FilterBuilder`] (the filter a pack
//! writer fills), [`PagedFilter`] (a version-2 pack's filter, read from the file a page at a
//! time as lookups need it); [`classic_may_contain`] asks the filter of a version-1 pack, which
//! sits in that pack's compressed index and is decoded with it.
//!
//! Version-2 filters are blocked: a key sets [`HASHES`] bits inside one 64-byte line, the line
//! chosen by its first hash, the bits by 9-bit pieces of its second. A lookup reads one line,
//! so the filter can stay in the file: it is stored uncompressed (random bits do not compress)
//! in pages of [`PAGE_BYTES`], each with an 8-byte hash in the pack's index, and a page is read
//! and checked the first time a lookup needs it. Opening a pack reads none of it: at a million
//! articles the packs' filters are 6.4 MB, and decoding them with the index at every open was
//! half the time of `stet show`. At 10 bits per key about 1% of absent keys pass (the classic
//! filter: 0.8%).

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::OnceLock;

use crate::error::io_err;
use crate::{Result, StoreError};

/// Bits per key.
const BITS_PER_KEY: u64 = 10;
/// Bits a key sets (in one line).
pub(crate) const HASHES: u32 = 7;
/// Bytes of a line: the bits one key's lookup reads.
const LINE_BYTES: u64 = 64;
/// Bytes of a stored page: what one read fetches and one hash checks.
pub(crate) const PAGE_BYTES: u64 = 4096;

/// The two base hashes of a composite key.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyHash(u64, u64);

impl KeyHash {
    pub(crate) fn of(ck: &[u8]) -> KeyHash {
        let h = blake3::hash(ck);
        let b = h.as_bytes();
        let mut x = [0u8; 8];
        x.copy_from_slice(&b[..8]);
        let mut y = [0u8; 8];
        y.copy_from_slice(&b[8..16]);
        KeyHash(u64::from_le_bytes(x), u64::from_le_bytes(y) | 1)
    }

    /// The line of a blocked filter of `lines` lines, and the bits in it.
    fn line_bits(self, lines: u64, hashes: u32) -> (u64, impl Iterator<Item = usize>) {
        // The second hash's lowest bit is always set (for the classic filter's stride): skip it.
        let bits = self.1 >> 1;
        (self.0 % lines, (0..hashes).map(move |i| ((bits >> (9 * i)) & 511) as usize))
    }
}

/// Whether the classic (version-1) filter of `hashes` hashes over `bits` may hold `h`.
pub(crate) fn classic_may_contain(bits: &[u8], hashes: u32, h: KeyHash) -> bool {
    if bits.is_empty() {
        return false;
    }
    let m = (bits.len() as u64) * 8;
    (0..u64::from(hashes)).map(|i| (h.0.wrapping_add(i.wrapping_mul(h.1)) % m) as usize).all(|p| bits[p / 8] & (1 << (p % 8)) != 0)
}

/// A blocked filter being filled by a pack writer.
pub(crate) struct FilterBuilder {
    bits: Vec<u8>,
}

impl FilterBuilder {
    /// A filter sized for at most `entries` keys.
    pub(crate) fn with_entries(entries: u64) -> FilterBuilder {
        let lines = entries.saturating_mul(BITS_PER_KEY).div_ceil(LINE_BYTES * 8).max(1);
        FilterBuilder { bits: vec![0; (lines * LINE_BYTES) as usize] }
    }

    pub(crate) fn insert(&mut self, h: KeyHash) {
        let lines = self.bits.len() as u64 / LINE_BYTES;
        let (line, bits) = h.line_bits(lines, HASHES);
        let at = (line * LINE_BYTES) as usize;
        for b in bits {
            self.bits[at + b / 8] |= 1 << (b % 8);
        }
    }

    /// The stored bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bits
    }

    /// The 8-byte hash of each stored page, in order.
    pub(crate) fn page_hashes(&self) -> Vec<[u8; 8]> {
        self.bits.chunks(PAGE_BYTES as usize).map(hash8).collect()
    }
}

/// The first 8 bytes of the blake3 hash of `bytes`.
pub(crate) fn hash8(bytes: &[u8]) -> [u8; 8] {
    let mut h = [0u8; 8];
    h.copy_from_slice(&blake3::hash(bytes).as_bytes()[..8]);
    h
}

/// A version-2 pack's filter: where it lies in the file, its pages' hashes, the pages read.
#[derive(Debug)]
pub(crate) struct PagedFilter {
    offset: u64,
    len: u64,
    hashes: u32,
    page_hashes: Vec<[u8; 8]>,
    pages: Vec<OnceLock<Box<[u8]>>>,
}

impl PagedFilter {
    /// A filter of `len` bytes at `offset`, checked against its index entry; `Err` says why not.
    pub(crate) fn new(offset: u64, len: u64, hashes: u32, page_hashes: Vec<[u8; 8]>) -> std::result::Result<PagedFilter, String> {
        if len == 0 || !len.is_multiple_of(LINE_BYTES) || hashes == 0 || hashes > HASHES || page_hashes.len() as u64 != len.div_ceil(PAGE_BYTES) {
            return Err("bad filter".to_string());
        }
        let pages = (0..page_hashes.len()).map(|_| OnceLock::new()).collect();
        Ok(PagedFilter { offset, len, hashes, page_hashes, pages })
    }

    /// Whether the pack in `file` (at `path`) may hold `h` (no false negatives). A page that
    /// cannot be read or fails its hash answers "maybe": the block index and the blocks' own
    /// hashes then decide, so a damaged filter costs lookups time, not data (`verify` reports it).
    pub(crate) fn may_contain(&self, file: &File, path: &Path, h: KeyHash) -> bool {
        let (line, mut bits) = h.line_bits(self.len / LINE_BYTES, self.hashes);
        let at = line * LINE_BYTES;
        let Ok(page) = self.page(file, path, (at / PAGE_BYTES) as usize) else { return true };
        let line = &page[(at % PAGE_BYTES) as usize..][..LINE_BYTES as usize];
        bits.all(|b| line[b / 8] & (1 << (b % 8)) != 0)
    }

    /// Reads and checks every page (for verify).
    pub(crate) fn check(&self, file: &File, path: &Path) -> Result<()> {
        for i in 0..self.pages.len() {
            self.page(file, path, i)?;
        }
        Ok(())
    }

    fn page(&self, file: &File, path: &Path, i: usize) -> Result<&[u8]> {
        if let Some(p) = self.pages[i].get() {
            return Ok(p);
        }
        let start = i as u64 * PAGE_BYTES;
        let mut buf = vec![0u8; PAGE_BYTES.min(self.len - start) as usize];
        file.read_exact_at(&mut buf, self.offset + start).map_err(io_err(path))?;
        if hash8(&buf) != self.page_hashes[i] {
            return Err(StoreError::Pack { path: path.to_path_buf(), reason: format!("filter page {i} does not match its hash") });
        }
        Ok(self.pages[i].get_or_init(|| buf.into_boxed_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocked_filter_has_no_false_negatives_and_few_false_positives() {
        let dir = tempfile::tempdir().unwrap();
        let n = 20_000u64;
        let mut b = FilterBuilder::with_entries(n);
        for i in 0..n {
            b.insert(KeyHash::of(&i.to_le_bytes()));
        }
        let path = dir.path().join("f");
        std::fs::write(&path, [&[7u8; 5][..], b.bytes()].concat()).unwrap();
        let f = PagedFilter::new(5, b.bytes().len() as u64, HASHES, b.page_hashes()).unwrap();
        let file = File::open(&path).unwrap();
        assert!((0..n).all(|i| f.may_contain(&file, &path, KeyHash::of(&i.to_le_bytes()))));
        let passed = (n..2 * n).filter(|i| f.may_contain(&file, &path, KeyHash::of(&i.to_le_bytes()))).count();
        assert!(passed < (n / 50) as usize, "{passed} of {n} absent keys passed");
        f.check(&file, &path).unwrap();
    }

    #[test]
    fn damaged_filter_page_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut b = FilterBuilder::with_entries(2_000);
        for i in 0..2_000u64 {
            b.insert(KeyHash::of(&i.to_le_bytes()));
        }
        let mut bytes = b.bytes().to_vec();
        bytes[10] ^= 0x40;
        let path = dir.path().join("f");
        std::fs::write(&path, &bytes).unwrap();
        let f = PagedFilter::new(0, bytes.len() as u64, HASHES, b.page_hashes()).unwrap();
        let file = File::open(&path).unwrap();
        // Lookups on the damaged page answer "maybe", never "absent" for a present key.
        assert!((0..2_000u64).all(|i| f.may_contain(&file, &path, KeyHash::of(&i.to_le_bytes()))));
        let e = f.check(&file, &path).unwrap_err();
        assert!(e.to_string().contains("filter page 0"), "{e}");
    }
}
