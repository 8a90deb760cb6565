//! Pack files: immutable, sorted, block-compressed runs of store entries.
//!
//! Main types: [`PackWriter`] (writes one pack from entries given in key order), [`Pack`] (an
//! open pack: its block index in memory, its Bloom filter and blocks read on demand),
//! [`PackCursor`] (the entries of one key range, forwards or backwards, a block at a time).
//!
//! A pack holds entries of every keyspace under composite keys ([`composite`]): the keyspace
//! name, a 0 byte, the key. Blobs use the name `\u{ff}blobs`, which no caller keyspace (UTF-8)
//! can spell. An entry is a value or a tombstone (the key was removed after an older pack held it).
//!
//! Layout (integers little-endian, `v` = LEB128 varint):
//!
//! | part    | bytes                                                                        |
//! |---------|------------------------------------------------------------------------------|
//! | header  | `STETPCK2`                                                                   |
//! | blocks  | each: codec u8 (0 stored, 1 zstd) then the body                              |
//! | filter  | the blocked Bloom filter's bits, uncompressed ([`crate::bloom`])             |
//! | index   | zstd frame: v entries, v blocks, per block (v offset, v stored length, v raw length, 8-byte blake3 prefix of the stored bytes, v+first key, v+last key), v filter hashes, v filter offset, v filter length, v pages, per filter page its 8-byte blake3 prefix |
//! | footer  | index offset u64, index length u64, blake3 of the stored index (32), `STETPEND` |
//!
//! Version-1 packs (`STETPCK1`, written before the paged filter) have no filter part: their
//! index ends `v filter hashes, v+bits` of a classic Bloom filter, decoded at open. They are
//! read as they are and rewritten as version 2 when packs merge.
//!
//! A block's raw bytes are entries `v key length, key, tag u8 (0 value, 1 tombstone), [v value
//! length, value]`, in key order. Blocks are zstd-compressed (blocks of blob entries, which are
//! zstd frames already, at a fast level), or stored when compression does not pay (for records:
//! saves less than a tenth, or a fast trial on the first 4 KB saves less than a twentieth).
//! Every block read is checked against its hash in the index, so damage is reported
//! (as [`StoreError::Pack`]) rather than returned as bytes.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::bloom::{classic_may_contain, hash8, FilterBuilder, PagedFilter, HASHES};
pub(crate) use crate::bloom::KeyHash;
use crate::error::io_err;
use crate::{Result, StoreError};

const HEADER: &[u8; 8] = b"STETPCK2";
const HEADER_V1: &[u8; 8] = b"STETPCK1";
const FOOTER_MAGIC: &[u8; 8] = b"STETPEND";
const FOOTER_LEN: u64 = 8 + 8 + 32 + 8;
const CODEC_STORED: u8 = 0;
const CODEC_ZSTD: u8 = 1;
const TAG_VALUE: u8 = 0;
const TAG_TOMBSTONE: u8 = 1;
/// Raw bytes gathered before a block is closed.
const BLOCK_TARGET: usize = 32 * 1024;
/// zstd level of blocks that hold only blobs.
const BLOB_BLOCK_LEVEL: i32 = 3;
/// Bytes of a block of records compressed on trial before the whole block is.
const SAMPLE_BYTES: usize = 4096;
/// zstd level of that trial.
const SAMPLE_LEVEL: i32 = 1;

/// The keyspace name blobs are packed under.
pub(crate) const BLOB_KEYSPACE: &[u8] = "\u{ff}blobs".as_bytes();

/// One entry: a value, or `None` for a tombstone.
pub(crate) type Entry = (Vec<u8>, Option<Vec<u8>>);

/// The composite key of `key` in `keyspace` (name bytes, 0, key).
pub(crate) fn composite(keyspace: &[u8], key: &[u8]) -> Vec<u8> {
    let mut ck = Vec::with_capacity(keyspace.len() + 1 + key.len());
    ck.extend_from_slice(keyspace);
    ck.push(0);
    ck.extend_from_slice(key);
    ck
}

/// The smallest key greater than every key starting with `prefix`; `None` when there is none.
pub(crate) fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads LEB128 varints and byte strings from a slice; every read is bounds-checked.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> std::result::Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.buf.get(self.pos).ok_or("truncated varint")?;
            self.pos += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("varint too long".to_string())
    }

    fn bytes(&mut self, n: u64) -> std::result::Result<&'a [u8], String> {
        let n = usize::try_from(n).map_err(|_| "length overflow")?;
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len()).ok_or("truncated bytes")?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn array8(&mut self) -> std::result::Result<[u8; 8], String> {
        let mut a = [0u8; 8];
        a.copy_from_slice(self.bytes(8)?);
        Ok(a)
    }

    fn sized(&mut self) -> std::result::Result<&'a [u8], String> {
        let n = self.varint()?;
        self.bytes(n)
    }

    fn u8(&mut self) -> std::result::Result<u8, String> {
        Ok(self.bytes(1)?[0])
    }

    fn done(&self) -> bool {
        self.pos >= self.buf.len()
    }
}

/// Whether a fast compression of the first [`SAMPLE_BYTES`] of `block` saves a twentieth of
/// them: if not, the block is random bytes and is stored without trying harder.
fn sample_compresses(sample: &mut zstd::bulk::Compressor<'static>, block: &[u8]) -> std::io::Result<bool> {
    let head = &block[..block.len().min(SAMPLE_BYTES)];
    Ok((sample.compress(head)?.len() as f64) < head.len() as f64 * 0.95)
}

/// Where one written block lies in the file and which keys it spans.
#[derive(Debug, Clone)]
struct WrittenBlock {
    offset: u64,
    stored_len: u64,
    raw_len: u64,
    hash: [u8; 8],
    first: Vec<u8>,
    last: Vec<u8>,
}

/// An open pack's Bloom filter.
#[derive(Debug)]
enum Filter {
    /// Version 1: the bits sit in the decoded index at `at`, to its end.
    Classic { at: usize, hashes: u32 },
    /// Version 2: in the file, read a page at a time.
    Paged(PagedFilter),
}

/// Where one block of an open pack lies in the file; its first and last keys are byte ranges
/// of the pack's decoded index (one buffer for all blocks: a million-article pack has ~40,000
/// blocks, and a pair of allocations each was a third of opening it).
#[derive(Debug, Clone)]
struct BlockMeta {
    offset: u64,
    stored_len: u64,
    raw_len: u64,
    hash: [u8; 8],
    first: (u32, u32),
    last: (u32, u32),
}

/// Writes one pack file from entries given in strictly increasing key order.
///
/// The file is written under a temporary name and only appears under its final name, synced, in
/// [`PackWriter::finish`]; a writer dropped before that leaves at most the temporary file.
pub(crate) struct PackWriter {
    out: BufWriter<File>,
    tmp: PathBuf,
    path: PathBuf,
    records: zstd::bulk::Compressor<'static>,
    blobs: zstd::bulk::Compressor<'static>,
    /// For the trial compression of a block's first bytes ([`sample_compresses`]).
    sample: zstd::bulk::Compressor<'static>,
    offset: u64,
    block: Vec<u8>,
    block_first: Option<Vec<u8>>,
    block_last: Vec<u8>,
    block_blobs_only: bool,
    blocks: Vec<WrittenBlock>,
    filter: FilterBuilder,
    entries: u64,
}

impl PackWriter {
    /// Starts a pack at `path` for at most `max_entries` entries (sizes the Bloom filter).
    pub(crate) fn create(path: &Path, max_entries: u64, level: i32) -> Result<PackWriter> {
        let tmp = path.with_extension("tmp");
        let file = File::create(&tmp).map_err(io_err(&tmp))?;
        let compressor = |level| zstd::bulk::Compressor::new(level).map_err(io_err(&tmp));
        let (records, blobs, sample) = (compressor(level)?, compressor(BLOB_BLOCK_LEVEL)?, compressor(SAMPLE_LEVEL)?);
        let mut out = BufWriter::with_capacity(256 * 1024, file);
        out.write_all(HEADER).map_err(io_err(&tmp))?;
        Ok(PackWriter {
            out,
            tmp,
            path: path.to_path_buf(),
            records,
            blobs,
            sample,
            offset: HEADER.len() as u64,
            block: Vec::with_capacity(BLOCK_TARGET * 2),
            block_first: None,
            block_last: Vec::new(),
            block_blobs_only: true,
            blocks: Vec::new(),
            filter: FilterBuilder::with_entries(max_entries),
            entries: 0,
        })
    }

    /// Appends one entry; keys must come in strictly increasing order.
    pub(crate) fn push(&mut self, ck: &[u8], value: Option<&[u8]>) -> Result<()> {
        debug_assert!(self.block_first.is_none() || ck > self.block_last.as_slice());
        if self.block_first.is_none() {
            self.block_first = Some(ck.to_vec());
        }
        self.block_blobs_only &= ck.starts_with(BLOB_KEYSPACE) && ck.get(BLOB_KEYSPACE.len()) == Some(&0);
        put_varint(&mut self.block, ck.len() as u64);
        self.block.extend_from_slice(ck);
        match value {
            Some(v) => {
                self.block.push(TAG_VALUE);
                put_varint(&mut self.block, v.len() as u64);
                self.block.extend_from_slice(v);
            }
            None => self.block.push(TAG_TOMBSTONE),
        }
        self.block_last.clear();
        self.block_last.extend_from_slice(ck);
        self.filter.insert(KeyHash::of(ck));
        self.entries += 1;
        if self.block.len() >= BLOCK_TARGET {
            self.close_block()?;
        }
        Ok(())
    }

    fn close_block(&mut self) -> Result<()> {
        let Some(first) = self.block_first.take() else { return Ok(()) };
        let mut stored = Vec::with_capacity(self.block.len() + 1);
        // Blob values are zstd frames already: a fast level still takes their keys, headers and
        // frame overheads (3.6% of cases3k's repository). Blocks of records that compress by
        // less than a tenth are stored: the candidate index (random hashes, ~8% smaller
        // compressed) is read whole by every fresh process, and decompressing it was a quarter
        // of a 100-article add to a 300k archive.
        let (compressor, keep) = if self.block_blobs_only { (&mut self.blobs, 1.0) } else { (&mut self.records, 0.9) };
        // A block of records that is random bytes (the candidate index's pages: a whole index
        // is rewritten after a big add, 170 MB at a million articles) is not worth a full
        // compression only to be stored: a fast trial on its first bytes tells.
        let worth_trying = self.block_blobs_only || sample_compresses(&mut self.sample, &self.block).map_err(io_err(&self.tmp))?;
        let z = if worth_trying { Some(compressor.compress(&self.block).map_err(io_err(&self.tmp))?) } else { None };
        match z.filter(|z| (z.len() as f64) < self.block.len() as f64 * keep) {
            Some(z) => {
                stored.push(CODEC_ZSTD);
                stored.extend_from_slice(&z);
            }
            None => {
                stored.push(CODEC_STORED);
                stored.extend_from_slice(&self.block);
            }
        }
        let last = std::mem::take(&mut self.block_last);
        self.append_block(&stored, self.block.len() as u64, first, last)?;
        self.block.clear();
        self.block_blobs_only = true;
        Ok(())
    }

    /// Appends a block of another pack as it is stored, with its `entries` (for the filter and
    /// the block's keys), which must come after every key pushed so far. The block being filled
    /// is closed first, smaller than usual. A merge copies untouched blocks this way instead of
    /// decoding and compressing them again.
    pub(crate) fn push_stored_block(&mut self, stored: &[u8], raw_len: u64, entries: &[Entry]) -> Result<()> {
        self.close_block()?;
        let (Some((first, _)), Some((last, _))) = (entries.first(), entries.last()) else { return Ok(()) };
        self.append_block(stored, raw_len, first.clone(), last.clone())?;
        for (k, _) in entries {
            self.filter.insert(KeyHash::of(k));
        }
        self.entries += entries.len() as u64;
        Ok(())
    }

    /// Writes one block's stored bytes and records where it lies and which keys it spans.
    fn append_block(&mut self, stored: &[u8], raw_len: u64, first: Vec<u8>, last: Vec<u8>) -> Result<()> {
        self.out.write_all(stored).map_err(io_err(&self.tmp))?;
        self.blocks.push(WrittenBlock { offset: self.offset, stored_len: stored.len() as u64, raw_len, hash: hash8(stored), first, last });
        self.offset += stored.len() as u64;
        Ok(())
    }

    /// Writes the index and footer, syncs the file and moves it to its final name.
    pub(crate) fn finish(mut self) -> Result<()> {
        self.close_block()?;
        let filter_offset = self.offset;
        self.out.write_all(self.filter.bytes()).map_err(io_err(&self.tmp))?;
        self.offset += self.filter.bytes().len() as u64;
        let mut index = Vec::new();
        put_varint(&mut index, self.entries);
        put_varint(&mut index, self.blocks.len() as u64);
        for b in &self.blocks {
            put_varint(&mut index, b.offset);
            put_varint(&mut index, b.stored_len);
            put_varint(&mut index, b.raw_len);
            index.extend_from_slice(&b.hash);
            put_varint(&mut index, b.first.len() as u64);
            index.extend_from_slice(&b.first);
            put_varint(&mut index, b.last.len() as u64);
            index.extend_from_slice(&b.last);
        }
        put_varint(&mut index, u64::from(HASHES));
        put_varint(&mut index, filter_offset);
        put_varint(&mut index, self.filter.bytes().len() as u64);
        let pages = self.filter.page_hashes();
        put_varint(&mut index, pages.len() as u64);
        for h in &pages {
            index.extend_from_slice(h);
        }
        let stored = zstd::bulk::compress(&index, 3).map_err(io_err(&self.tmp))?;
        self.out.write_all(&stored).map_err(io_err(&self.tmp))?;
        let mut footer = Vec::with_capacity(FOOTER_LEN as usize);
        footer.extend_from_slice(&self.offset.to_le_bytes());
        footer.extend_from_slice(&(stored.len() as u64).to_le_bytes());
        footer.extend_from_slice(blake3::hash(&stored).as_bytes());
        footer.extend_from_slice(FOOTER_MAGIC);
        self.out.write_all(&footer).map_err(io_err(&self.tmp))?;
        let file = self.out.into_inner().map_err(|e| io_err(&self.tmp)(e.into_error()))?;
        file.sync_all().map_err(io_err(&self.tmp))?;
        drop(file);
        fs::rename(&self.tmp, &self.path).map_err(io_err(&self.path))?;
        if let Some(dir) = self.path.parent() {
            File::open(dir).and_then(|d| d.sync_all()).map_err(io_err(dir))?;
        }
        Ok(())
    }
}

/// An open pack file: block index in memory, Bloom filter and blocks read on demand.
#[derive(Debug)]
pub(crate) struct Pack {
    /// The pack's number (its place in the catalog's order is what matters, not this).
    pub(crate) no: u64,
    path: PathBuf,
    file: File,
    blocks: Vec<BlockMeta>,
    /// The decoded index: the blocks' first and last keys (and a version-1 pack's filter).
    index: Vec<u8>,
    filter: Filter,
    entries: u64,
    size: u64,
}

fn damaged(path: &Path, reason: impl Into<String>) -> StoreError {
    StoreError::Pack { path: path.to_path_buf(), reason: reason.into() }
}

impl Pack {
    /// Opens a pack and reads its index (verified against the footer's hash).
    pub(crate) fn open(no: u64, path: &Path) -> Result<Pack> {
        let file = File::open(path).map_err(io_err(path))?;
        let size = file.metadata().map_err(io_err(path))?.len();
        if size < HEADER.len() as u64 + FOOTER_LEN {
            return Err(damaged(path, format!("too short ({size} bytes)")));
        }
        let mut head = [0u8; 8];
        file.read_exact_at(&mut head, 0).map_err(io_err(path))?;
        let v1 = match &head {
            h if h == HEADER => false,
            h if h == HEADER_V1 => true,
            _ => return Err(damaged(path, "bad header")),
        };
        let mut footer = [0u8; FOOTER_LEN as usize];
        file.read_exact_at(&mut footer, size - FOOTER_LEN).map_err(io_err(path))?;
        if &footer[48..56] != FOOTER_MAGIC {
            return Err(damaged(path, "bad footer"));
        }
        let index_offset = u64::from_le_bytes(footer[0..8].try_into().unwrap_or_default());
        let index_len = u64::from_le_bytes(footer[8..16].try_into().unwrap_or_default());
        if index_offset.checked_add(index_len) != Some(size - FOOTER_LEN) || index_len > 1 << 32 {
            return Err(damaged(path, "index out of bounds"));
        }
        let mut stored = vec![0u8; index_len as usize];
        file.read_exact_at(&mut stored, index_offset).map_err(io_err(path))?;
        if blake3::hash(&stored).as_bytes()[..] != footer[16..48] {
            return Err(damaged(path, "index does not match its hash"));
        }
        let index = decode_index(&stored).map_err(|e| damaged(path, format!("index: {e}")))?;
        drop(stored);
        if index.len() as u64 >= u64::from(u32::MAX) {
            return Err(damaged(path, "index larger than 4 GiB"));
        }
        let parse = || -> std::result::Result<(u64, Vec<BlockMeta>, Filter), String> {
            let mut r = Reader { buf: &index, pos: 0 };
            let entries = r.varint()?;
            let n = r.varint()?;
            let mut blocks: Vec<BlockMeta> = Vec::with_capacity(n.min(1 << 20) as usize);
            let mut end = HEADER.len() as u64;
            let key = |r: &mut Reader| -> std::result::Result<(u32, u32), String> {
                let len = r.varint()?;
                let start = r.pos;
                r.bytes(len)?;
                Ok((start as u32, len as u32))
            };
            for _ in 0..n {
                let offset = r.varint()?;
                let stored_len = r.varint()?;
                let raw_len = r.varint()?;
                let hash = r.array8()?;
                let (first, last) = (key(&mut r)?, key(&mut r)?);
                let out_of_order = offset != end
                    || stored_len == 0
                    || slice(&index, first) > slice(&index, last)
                    || blocks.last().is_some_and(|b| slice(&index, b.last) >= slice(&index, first));
                if out_of_order {
                    return Err("block table out of order".to_string());
                }
                end = offset.checked_add(stored_len).filter(|&e| e <= index_offset).ok_or("block table out of bounds")?;
                if raw_len > 1 << 32 {
                    return Err("block too large".to_string());
                }
                blocks.push(BlockMeta { offset, stored_len, raw_len, hash, first, last });
            }
            let hashes = u32::try_from(r.varint()?).map_err(|_| "bad filter")?;
            let filter = if v1 {
                let bits_len = r.varint()?;
                let at = r.pos;
                r.bytes(bits_len)?;
                if hashes == 0 || hashes > 32 {
                    return Err("bad filter".to_string());
                }
                Filter::Classic { at, hashes }
            } else {
                let (offset, len, pages) = (r.varint()?, r.varint()?, r.varint()?);
                let mut page_hashes = Vec::with_capacity(pages.min((index.len() / 8) as u64) as usize);
                for _ in 0..pages {
                    page_hashes.push(r.array8()?);
                }
                if offset != end || offset.checked_add(len) != Some(index_offset) {
                    return Err("the filter is not between the blocks and the index".to_string());
                }
                end = index_offset;
                Filter::Paged(PagedFilter::new(offset, len, hashes, page_hashes)?)
            };
            if end != index_offset {
                return Err("blocks do not end where the index starts".to_string());
            }
            if !r.done() {
                return Err("bytes after the filter".to_string());
            }
            Ok((entries, blocks, filter))
        };
        let (entries, blocks, filter) = parse().map_err(|e| damaged(path, format!("index: {e}")))?;
        Ok(Pack { no, path: path.to_path_buf(), file, blocks, index, filter, entries, size })
    }

    /// The file's path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Bytes of the file.
    pub(crate) fn size(&self) -> u64 {
        self.size
    }

    /// Number of entries (tombstones included).
    pub(crate) fn entries(&self) -> u64 {
        self.entries
    }

    /// Number of blocks.
    pub(crate) fn block_count(&self) -> usize {
        self.blocks.len()
    }

    /// Reads, checks and decodes block `i` to its raw entry bytes.
    pub(crate) fn read_block(&self, i: usize) -> Result<Vec<u8>> {
        Ok(self.read_block_stored(i)?.1)
    }

    /// Block `i` as stored and decoded, checked.
    fn read_block_stored(&self, i: usize) -> Result<(Vec<u8>, Vec<u8>)> {
        let b = &self.blocks[i];
        let mut stored = vec![0u8; b.stored_len as usize];
        self.file.read_exact_at(&mut stored, b.offset).map_err(io_err(&self.path))?;
        let at = |reason: String| damaged(&self.path, format!("block {i}: {reason}"));
        if hash8(&stored) != b.hash {
            return Err(at("does not match its hash".to_string()));
        }
        let raw = match stored[0] {
            CODEC_STORED => stored[1..].to_vec(),
            CODEC_ZSTD => decompress(&stored[1..], b.raw_len as usize).map_err(|e| at(e.to_string()))?,
            c => return Err(at(format!("unknown codec {c}"))),
        };
        if raw.len() as u64 != b.raw_len {
            return Err(at("wrong length".to_string()));
        }
        Ok((stored, raw))
    }

    /// Block `i` as stored (checked against its hash) and its entries.
    pub(crate) fn read_stored_entries(&self, i: usize) -> Result<(Vec<u8>, Vec<Entry>)> {
        let (stored, raw) = self.read_block_stored(i)?;
        let entries = parse_block(&raw).map_err(|e| damaged(&self.path, format!("block {i}: {e}")))?;
        Ok((stored, entries))
    }

    /// The first and last keys of block `i`.
    pub(crate) fn block_keys(&self, i: usize) -> (&[u8], &[u8]) {
        (self.key(self.blocks[i].first), self.key(self.blocks[i].last))
    }

    /// Where block `i` lies in the pack file: its offset and stored length.
    pub(crate) fn block_span(&self, i: usize) -> (u64, u64) {
        (self.blocks[i].offset, self.blocks[i].stored_len)
    }

    /// Stored and raw bytes of block `i` (from the index).
    pub(crate) fn block_sizes(&self, i: usize) -> (u64, u64) {
        (self.blocks[i].stored_len, self.blocks[i].raw_len)
    }

    /// Reads, checks and parses block `i` into its entries.
    pub(crate) fn read_entries(&self, i: usize) -> Result<Vec<Entry>> {
        let raw = self.read_block(i)?;
        parse_block(&raw).map_err(|e| damaged(&self.path, format!("block {i}: {e}")))
    }

    /// Whether the pack may hold the key of `h` (no false negatives; a filter page that cannot
    /// be read answers "maybe", see [`PagedFilter::may_contain`]).
    pub(crate) fn may_contain(&self, h: KeyHash) -> bool {
        match &self.filter {
            Filter::Classic { at, hashes } => classic_may_contain(&self.index[*at..], *hashes, h),
            Filter::Paged(f) => f.may_contain(&self.file, &self.path, h),
        }
    }

    /// Reads and checks the whole filter (a version-1 pack's was checked with its index).
    pub(crate) fn check_filter(&self) -> Result<()> {
        match &self.filter {
            Filter::Classic { .. } => Ok(()),
            Filter::Paged(f) => f.check(&self.file, &self.path),
        }
    }

    /// The block that would hold `ck`, if any.
    pub(crate) fn block_for(&self, ck: &[u8]) -> Option<usize> {
        let i = self.blocks.partition_point(|b| self.key(b.first) <= ck);
        let i = i.checked_sub(1)?;
        (self.key(self.blocks[i].last) >= ck).then_some(i)
    }

    /// A first or last key of a block.
    fn key(&self, at: (u32, u32)) -> &[u8] {
        slice(&self.index, at)
    }

    /// Indexes of the blocks that may hold keys in `[lo, hi)` (`hi = None`: unbounded).
    fn blocks_in(&self, lo: &[u8], hi: Option<&[u8]>) -> std::ops::Range<usize> {
        let start = self.blocks.partition_point(|b| self.key(b.last) < lo);
        let end = match hi {
            Some(hi) => self.blocks.partition_point(|b| self.key(b.first) < hi),
            None => self.blocks.len(),
        };
        start..end.max(start)
    }
}

/// The bytes of `index` at `(start, len)`.
fn slice(index: &[u8], (start, len): (u32, u32)) -> &[u8] {
    &index[start as usize..start as usize + len as usize]
}

/// Decodes a pack's stored index into a buffer of exactly its size (the frame records it).
fn decode_index(stored: &[u8]) -> std::io::Result<Vec<u8>> {
    match zstd::zstd_safe::get_frame_content_size(stored) {
        // A size far beyond what the stored bytes could hold is not reserved up front.
        Ok(Some(n)) if n < u64::from(u32::MAX) && n <= 256 * stored.len() as u64 => zstd::bulk::decompress(stored, n as usize),
        Ok(Some(_)) => Err(std::io::Error::other("index larger than 4 GiB")),
        _ => zstd::stream::decode_all(stored),
    }
}

thread_local! {
    /// One decompression context per thread: creating one per block cost ~4% of `add`.
    static DECOMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { std::cell::RefCell::new(None) };
}

fn decompress(data: &[u8], capacity: usize) -> std::io::Result<Vec<u8>> {
    DECOMPRESSOR.with(|d| {
        let mut d = d.borrow_mut();
        if d.is_none() {
            *d = Some(zstd::bulk::Decompressor::new()?);
        }
        match d.as_mut() {
            Some(d) => d.decompress(data, capacity),
            None => Err(std::io::Error::other("no zstd context")),
        }
    })
}

/// Finds `ck` in a block's raw bytes: `Some(Some(value))`, `Some(None)` for a tombstone.
pub(crate) fn find_in_block(raw: &[u8], ck: &[u8]) -> std::result::Result<Option<Option<Vec<u8>>>, String> {
    let mut r = Reader { buf: raw, pos: 0 };
    while !r.done() {
        let k = r.sized()?;
        let tag = r.u8()?;
        let v = match tag {
            TAG_VALUE => Some(r.sized()?),
            TAG_TOMBSTONE => None,
            t => return Err(format!("unknown entry tag {t}")),
        };
        match k.cmp(ck) {
            std::cmp::Ordering::Less => continue,
            std::cmp::Ordering::Equal => return Ok(Some(v.map(<[u8]>::to_vec))),
            std::cmp::Ordering::Greater => return Ok(None),
        }
    }
    Ok(None)
}

/// Parses a block's raw bytes into its entries.
fn parse_block(raw: &[u8]) -> std::result::Result<Vec<Entry>, String> {
    let mut r = Reader { buf: raw, pos: 0 };
    let mut out = Vec::new();
    while !r.done() {
        let k = r.sized()?.to_vec();
        let v = match r.u8()? {
            TAG_VALUE => Some(r.sized()?.to_vec()),
            TAG_TOMBSTONE => None,
            t => return Err(format!("unknown entry tag {t}")),
        };
        if out.last().is_some_and(|(p, _): &Entry| *p >= k) {
            return Err("entries out of order".to_string());
        }
        out.push((k, v));
    }
    Ok(out)
}

/// The entries of one pack in a key range, forwards or backwards, one block in memory at a time.
pub(crate) struct PackCursor {
    pack: Arc<Pack>,
    lo: Vec<u8>,
    hi: Option<Vec<u8>>,
    blocks: std::ops::Range<usize>,
    backwards: bool,
    current: std::vec::IntoIter<Entry>,
    failed: bool,
    /// Whether a damaged block is reported and skipped (then the next block is read) rather
    /// than ending the cursor.
    salvage: bool,
}

impl PackCursor {
    /// Entries of `pack` with keys in `[lo, hi)`; the first damaged block ends it, unless
    /// `salvage`, where each damaged block is one error and the cursor goes on after it.
    pub(crate) fn new(pack: Arc<Pack>, lo: Vec<u8>, hi: Option<Vec<u8>>, backwards: bool, salvage: bool) -> PackCursor {
        let blocks = pack.blocks_in(&lo, hi.as_deref());
        PackCursor { pack, lo, hi, blocks, backwards, current: Vec::new().into_iter(), failed: false, salvage }
    }

    fn in_range(&self, k: &[u8]) -> bool {
        k >= self.lo.as_slice() && self.hi.as_deref().is_none_or(|hi| k < hi)
    }
}

impl Iterator for PackCursor {
    type Item = Result<Entry>;

    fn next(&mut self) -> Option<Result<Entry>> {
        loop {
            if self.failed {
                return None;
            }
            let next = if self.backwards { self.current.next_back() } else { self.current.next() };
            if let Some(e) = next {
                if self.in_range(&e.0) {
                    return Some(Ok(e));
                }
                continue;
            }
            let i = if self.backwards { self.blocks.next_back() } else { self.blocks.next() }?;
            match self.pack.read_entries(i) {
                Ok(entries) => self.current = entries.into_iter(),
                Err(e) => {
                    self.failed = !self.salvage;
                    return Some(Err(e));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes one pack of `n` record entries with values from `value`, returns its file size
    /// and the bytes of its values.
    fn pack_of(dir: &Path, n: u64, value: impl Fn(u64) -> Vec<u8>) -> (u64, u64) {
        let path = dir.join("p.stp");
        let mut w = PackWriter::create(&path, n, 6).unwrap();
        let mut raw = 0;
        for i in 0..n {
            let v = value(i);
            raw += v.len() as u64;
            w.push(&composite(b"records", &i.to_be_bytes()), Some(&v)).unwrap();
        }
        w.finish().unwrap();
        let p = Pack::open(1, &path).unwrap();
        for i in 0..p.block_count() {
            p.read_entries(i).unwrap();
        }
        (fs::metadata(&path).unwrap().len(), raw)
    }

    #[test]
    fn random_record_blocks_are_stored_and_text_blocks_compressed() {
        let dir = tempfile::tempdir().unwrap();
        // Random bytes (like index pages): stored, so the file is about their size.
        let random = |i: u64| (0..2000u64).map(|j| blake3::hash(&(i * 2000 + j).to_le_bytes()).as_bytes()[0]).collect();
        let (size, raw) = pack_of(dir.path(), 200, random);
        assert!(size > raw && size < raw + raw / 20, "{size} vs {raw}");
        // JSON-like records: compressed well below their size.
        let json = |i: u64| format!("{{\"title\":\"article {i}\",\"archived\":\"2026-12-0{}T00:00:00Z\",\"captures\":[]}}", i % 9).into_bytes();
        let (size, raw) = pack_of(dir.path(), 2000, json);
        assert!(size < raw / 3, "{size} vs {raw}");
    }
}

#[cfg(test)]
mod v1_tests {
    use super::*;

    /// A pack written by the version-1 writer (stet at 8a4591c, `stet add` of the seeds) is
    /// read as it is: every entry is found through its classic filter and its block.
    #[test]
    fn version_1_pack_reads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pack-v1.stp");
        let p = Pack::open(1, &path).unwrap();
        assert!(matches!(p.filter, Filter::Classic { .. }));
        let mut n = 0;
        for i in 0..p.block_count() {
            for (k, v) in p.read_entries(i).unwrap() {
                assert!(p.may_contain(KeyHash::of(&k)));
                let raw = p.read_block(p.block_for(&k).unwrap()).unwrap();
                assert_eq!(find_in_block(&raw, &k).unwrap(), Some(v));
                n += 1;
            }
        }
        assert_eq!(n, p.entries());
        p.check_filter().unwrap();
    }
}
