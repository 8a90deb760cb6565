//! `stet-store`: the content-addressed store under stet, and the only code that touches sled.
//!
//! Main types:
//! - [`BlobId`]: the blake3 hash of a blob's raw bytes, shown as 64 hex digits.
//! - [`Store`]: an open repository folder holding a sled database and a lock file.
//! - [`Batch`]: blob puts and record writes across named keyspaces, committed atomically.
//!
//! Blob encoding (one sled value per blob, key = the 32 id bytes):
//! `magic "SB" | format u8 | codec u8 | depth u8 | raw_len u64 LE | [base id 32 bytes] | zstd frame`.
//! The zstd frame has its content checksum on; `codec` is plain zstd or a zstd delta against the
//! base blob (patch-from / ref-prefix). Reading re-hashes the decoded bytes.
//!
//! The store knows nothing about articles: records are opaque bytes under keys in named
//! keyspaces (sled trees) chosen by the caller.

// Skeleton: the store helper replaces this file with the implementation.
