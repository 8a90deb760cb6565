//! `stet-store`: the content-addressed store under stet, and the only code that touches sled.
//!
//! Main types:
//! - [`Store`]: an open repository folder holding a sled database and a lock file.
//! - [`Batch`]: blob puts and record writes across named keyspaces, committed atomically by
//!   [`Store::commit`].
//! - [`BlobId`]: the blake3 hash of a blob's raw bytes, shown as 64 hex digits.
//! - [`DictionaryEncoder`] and [`EncodedBlob`]: blobs compressed with a dictionary blob on any
//!   thread, ahead of the batch that stores them ([`Batch::put_encoded`]).
//! - [`StoreError`]: every failure, each displayed as one line.
//!
//! # Repository folder
//!
//! - `stet-repository`: the marker file, `stet repository\nformat 5\n` (formats 1, from before
//!   packs, 2, from before dictionary blobs, 3, from before packs of format 2, and 4, from
//!   before the archive's index of format 3, are read and upgraded on open: the data they hold
//!   is valid format 5). A folder without it is
//!   only adopted as a new repository when it is empty.
//! - `lock`: taken with an exclusive advisory lock (no waiting) for as long as the [`Store`] lives.
//! - `db/`: the sled database. Internal trees `blobs` and `meta` (which repeats the format
//!   version under `format_version`, u32 big-endian, and holds `generation`, u64 big-endian);
//!   each caller keyspace `NAME` is the tree `k:NAME`, so caller names can never collide with
//!   internal ones.
//! - `generation`: the generation number of the last [`Store::flush`] that followed a commit.
//!   sled recovers its log only up to the first damaged entry and would otherwise open a
//!   damaged database as an older or empty one; a database behind this number is refused at
//!   open with [`StoreError::Database`].
//!
//! - `packs/pack-NNNNNNNN.stp`: immutable pack files ([`Store::pack`]); the meta key `packs`
//!   lists the live ones, oldest first. Format and policy: the `pack` and `packing` modules.
//!
//! # Loose records and packs
//!
//! A commit writes to sled ("loose": trees `blobs` and `k:NAME`; a removal also writes the key
//! to `d:NAME` so that it hides a packed value). [`Store::flush`] moves the loose records into
//! a new pack once they reach [`StoreOptions::pack_threshold`] bytes, and packs are merged as a
//! binary counter (O(log n) packs). A big batch of records can skip sled and be committed as a
//! pack of its own ([`Store::commit_packed`]). Reads look in sled first, then in packs from newest to
//! oldest (a Bloom filter per pack, read a 4 KB page at a time, blocks of ~32 KB, a 64 MB cache
//! of decoded blocks, least recently used out first);
//! [`Records`] merges both in key order. sled 0.34 keeps the space of removed records, so once
//! everything is packed [`compact_database`] rewrites its folder, in 4 KiB segments (sled's file is
//! one segment at rest); a bulk writer copies it back into 64 KiB segments first. Why packs:
//! sled stores small values at about twice their size; a pack stores them zstd-compressed, at
//! about a third.
//!
//! # Blob encoding
//!
//! One value per blob (in the `blobs` tree while loose, then in a pack), key = the 32 id bytes:
//!
//! `magic "SB" | format u8 (=1) | codec u8 (0 zstd, 1 zstd delta, 2 zstd dictionary) | depth u8 |
//! raw_len u64 LE | [base id, 32 bytes, codecs 1 and 2] | zstd frame`.
//!
//! The zstd frame has its content size on (and no checksum: the blake3 id is one). A delta frame
//! is compressed with the base blob's raw bytes as zstd prefix (patch-from); its depth is 1 + the
//! base's depth and never exceeds [`StoreOptions::max_delta_depth`]. Reading resolves the chain
//! of bases, checks each depth and size, and re-hashes every decoded blob: damage is reported
//! as [`StoreError::Corrupt`] naming the blob asked for, never as wrong bytes.
//!
//! The store knows nothing about articles: records are opaque bytes under keys in named
//! keyspaces chosen by the caller.

mod batch;
mod bloom;
mod chain;
mod codec;
mod compact;
mod encoder;
mod error;
mod folder;
mod id;
mod pack;
mod pack_merge;
mod packing;
mod records;
mod sized_lru;
mod sled_open;
mod store;

pub use error::{Result, StoreError};
pub use id::{BlobId, ParseBlobIdError};
pub use codec::train_dictionary;
pub use compact::compact_database;
pub use encoder::{DeltaEncoder, DictionaryEncoder, EncodedBlob, EncodedDelta};
pub use records::Records;
pub use batch::Batch;
pub use sized_lru::SizedLru;
pub use store::{BlockReads, Store};

/// The repository format version this build reads and writes. Version 4 writes packs of
/// format 2 (the Bloom filter outside the index, read a page at a time); it reads version 3's
/// packs as they are. Version 5 changes nothing in the store: it marks the archive's
/// candidate index of format 3 (40-bit features) and its 64-bit learned-line keys, which a
/// version-4 build would take for a damaged index (and rebuild from the log) and for no
/// learned lines at all; such a build now refuses the repository instead.
pub const FORMAT_VERSION: u32 = 5;

/// How a blob's bytes are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Codec {
    /// One self-contained zstd frame.
    Zstd,
    /// A zstd frame compressed against the raw bytes of a base blob.
    ZstdDelta,
    /// A zstd frame compressed with a base blob loaded as a zstd dictionary (trained, formatted).
    ZstdDict,
}

/// What a blob's header says about it (nothing is decoded or verified).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobInfo {
    /// The blob's id.
    pub id: BlobId,
    /// Its encoding.
    pub codec: Codec,
    /// Length of the decoded bytes.
    pub raw_len: u64,
    /// Length of the stored value, header included.
    pub stored_len: u64,
    /// The delta base or dictionary, for [`Codec::ZstdDelta`] and [`Codec::ZstdDict`].
    pub base: Option<BlobId>,
    /// Delta chain depth: 0 for plain blobs.
    pub depth: u8,
}

/// Totals over all stored blobs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BlobStats {
    /// Number of blobs.
    pub count: u64,
    /// Sum of decoded lengths.
    pub raw_bytes: u64,
    /// Sum of stored value lengths, headers included.
    pub stored_bytes: u64,
    /// How many blobs are stored against another blob (deltas and dictionary blobs).
    pub deltas: u64,
}

/// One damaged object found by [`Store::verify_blobs`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    /// The object, e.g. `blob 1a2b…` (full 64-hex id).
    pub what: String,
    /// What is wrong with it.
    pub reason: String,
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.what, self.reason)
    }
}

/// How to open a repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    /// Create the folder and an empty repository when missing (or an empty folder).
    pub create: bool,
    /// zstd level for new plain blobs; delta blobs use at least level 6, dictionary blobs 9.
    pub zstd_level: i32,
    /// Longest delta chain; 0 turns deltas off.
    pub max_delta_depth: u8,
    /// [`Store::flush`] moves the loose records into a pack once they hold this many bytes;
    /// 0 packs only when [`Store::pack`] is called.
    pub pack_threshold: u64,
    /// Many writes are coming (an `add` of many inputs): a database compacted into small
    /// segments at rest is first copied into segments that write faster (a few milliseconds).
    pub bulk_writes: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions { create: true, zstd_level: 3, max_delta_depth: 8, pack_threshold: 8 << 20, bulk_writes: false }
    }
}
