//! Reading a blob back: resolving its chain of delta bases, decoding each link, re-hashing every
//! decoded blob, with a cache of verified bases ([`BaseCache`]).

use std::sync::{Arc, Mutex};

use sled::IVec;

use crate::codec;
use crate::codec::Header;
use crate::sized_lru::SizedLru;
use crate::{BlobId, Codec, Result, StoreError};

/// Where a chain lookup reads blob values from.
pub(crate) type Lookup<'a> = dyn Fn(&BlobId) -> Result<Option<IVec>> + 'a;

/// Reports damage found while decoding `cur` on the way to `id`.
fn corrupt_at(id: &BlobId, cur: &BlobId, reason: String) -> StoreError {
    if cur == id {
        StoreError::Corrupt { id: *id, reason }
    } else {
        StoreError::Corrupt { id: *id, reason: format!("its delta base {cur} is damaged: {reason}") }
    }
}

/// Verified raw bytes of delta bases by blob id, with their depth, reused across
/// [`decode_blob_cached`] calls (shared, not copied: the raw-content dictionary, ~160 KB, is the
/// base of most inputs), the least recently used dropped first.
pub(crate) type BaseCache = SizedLru<BlobId, (u8, Arc<Vec<u8>>)>;


/// Bytes of verified delta bases an open store keeps for reads.
pub(crate) const BASE_CACHE_BYTES: usize = 8 << 20;

/// The base cache, locked only to look up or keep one entry: decoding runs unlocked, so that
/// threads reading blobs at once (profiles rebuilt in parallel) do not queue behind each other.
fn lock_bases(c: &Mutex<BaseCache>) -> std::sync::MutexGuard<'_, BaseCache> {
    c.lock().unwrap_or_else(|p| p.into_inner())
}

/// Decodes blob `id`, resolving and verifying its whole delta chain, starting from (and filling)
/// a cache of verified delta bases.
pub(crate) fn decode_blob_cached(id: &BlobId, lookup: &Lookup<'_>, cache: Option<&Mutex<BaseCache>>) -> Result<Vec<u8>> {
    let mut chain: Vec<(BlobId, IVec, Header)> = Vec::new();
    let mut start: Option<Arc<Vec<u8>>> = None;
    let mut cur = *id;
    loop {
        if let Some((depth, bytes)) = cache.and_then(|c| lock_bases(c).get(&cur)) {
            match chain.last() {
                None => return Ok(bytes.as_ref().clone()),
                Some((_, _, child)) if child.depth.checked_sub(1) == Some(depth) => {
                    start = Some(bytes);
                    break;
                }
                // A stale entry (the blob was recompressed at another depth since): read it
                // from storage, where its depth is checked.
                Some(_) => {}
            }
        }
        let Some(value) = lookup(&cur)? else {
            return Err(if chain.is_empty() {
                StoreError::NotFound { id: *id }
            } else {
                StoreError::Corrupt { id: *id, reason: format!("its delta base {cur} is missing") }
            });
        };
        let header = codec::parse_header(&value).map_err(|r| corrupt_at(id, &cur, r))?;
        if let Some((_, _, child)) = chain.last() {
            if child.depth.checked_sub(1) != Some(header.depth) {
                return Err(corrupt_at(
                    id,
                    &cur,
                    format!("depth {} does not fit under a delta of depth {}", header.depth, child.depth),
                ));
            }
        }
        let next = header.base;
        chain.push((cur, value, header));
        // Depths strictly decrease along the chain, so it ends within 256 steps.
        match next {
            Some(base) => cur = base,
            None => break,
        }
    }
    let mut decoded = start;
    for (i, (cid, value, header)) in chain.iter().enumerate().rev() {
        let body = &value[header.body_offset..];
        let dictionary = header.codec == Codec::ZstdDict;
        let bytes = codec::decode_body(body, header.raw_len, decoded.as_deref().map(Vec::as_slice), dictionary)
            .map_err(|r| corrupt_at(id, cid, r))?;
        if BlobId::of(&bytes) != *cid {
            return Err(corrupt_at(id, cid, "content does not match its hash".to_string()));
        }
        if i == 0 {
            return Ok(bytes);
        }
        let bytes = Arc::new(bytes);
        if let Some(c) = cache {
            lock_bases(c).insert(*cid, (header.depth, Arc::clone(&bytes)), bytes.len());
        }
        decoded = Some(bytes);
    }
    Err(StoreError::NotFound { id: *id })
}
