//! [`Batch`]: blob puts and record writes gathered for one atomic [`Store::commit`], with the
//! choice of encoding for each blob (plain, against a dictionary, or a delta against a base).

use std::collections::BTreeMap;
use std::fmt;

use sled::IVec;
use zstd::zstd_safe::CCtx;

use crate::codec;
use crate::encoder::EncodedDelta;
use crate::chain::decode_blob_cached;
use crate::store::{delta_level, dictionary_level, dictionary_value, Store, MAX_LEVEL, MAX_PREPARED_BASE_BYTES, PREPARED_BASE_BYTES};
use crate::{BlobId, Codec, Result, StoreError};

/// A batch's record operations: per keyspace, each key's new value (`None`: removed).
pub(crate) type RecordOps = BTreeMap<String, BTreeMap<Vec<u8>, Option<Vec<u8>>>>;

/// Pending blob puts and record writes, applied atomically by [`Store::commit`].
///
/// Dropping a batch without committing writes nothing.
pub struct Batch<'s> {
    pub(crate) store: &'s Store,
    pub(crate) blobs: BTreeMap<BlobId, IVec>,
    pub(crate) records: RecordOps,
    /// The bytes of blobs put in this batch (up to [`codec::MAX_DELTA_SPAN`] each), so that a
    /// delta against one of them (a text against its own raw input) does not decode it again.
    put_bytes: BTreeMap<BlobId, Vec<u8>>,
    /// Bytes of packed entries this batch makes dead, as its author counted them
    /// ([`Batch::supersedes`]).
    pub(crate) superseded: u64,
}

impl fmt::Debug for Batch<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batch")
            .field("blobs", &self.blobs.len())
            .field("keyspaces", &self.records.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl<'s> Batch<'s> {
    /// An empty batch for `store`.
    pub(crate) fn new(store: &'s Store) -> Batch<'s> {
        Batch { store, blobs: BTreeMap::new(), records: BTreeMap::new(), put_bytes: BTreeMap::new(), superseded: 0 }
    }

    pub(crate) fn lookup(&self, id: &BlobId) -> Result<Option<IVec>> {
        match self.blobs.get(id) {
            Some(v) => Ok(Some(v.clone())),
            None => self.store.raw_blob_value(id),
        }
    }

    /// Whether the blob is stored or already put in this batch.
    pub fn contains_blob(&self, id: &BlobId) -> Result<bool> {
        Ok(self.blobs.contains_key(id) || self.store.contains_blob(id)?)
    }

    /// Decodes a blob from this batch or the store (read-your-writes).
    pub fn get_blob(&self, id: &BlobId) -> Result<Vec<u8>> {
        if let Some(bytes) = self.put_bytes.get(id) {
            return Ok(bytes.clone());
        }
        decode_blob_cached(id, &|i| self.lookup(i), Some(&self.store.bases))
    }

    fn compress_error(&self, reason: String) -> StoreError {
        StoreError::Io { path: self.store.path.clone(), source: std::io::Error::other(format!("zstd: {reason}")) }
    }

    /// Keeps the bytes of a blob just put, for deltas against it later in this batch.
    fn remember_put(&mut self, id: BlobId, bytes: &[u8]) {
        if bytes.len() <= codec::MAX_DELTA_SPAN {
            self.put_bytes.insert(id, bytes.to_vec());
        }
    }

    fn encode_plain(&self, bytes: &[u8]) -> Result<Vec<u8>> {
        let mut guard = self.store.cctx.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            let mut cctx = CCtx::try_create().ok_or_else(|| self.compress_error("cannot allocate a context".into()))?;
            codec::configure(&mut cctx, self.store.opts.zstd_level).map_err(|r| self.compress_error(r))?;
            *guard = Some(cctx);
        }
        match guard.as_mut() {
            Some(cctx) => codec::encode_plain(cctx, bytes).map_err(|r| self.compress_error(r)),
            None => Err(self.compress_error("no context".into())),
        }
    }

    /// Stores `bytes` as a plain zstd blob and returns their id; a no-op when already stored
    /// or already in this batch. Compresses now.
    pub fn put_blob(&mut self, bytes: &[u8]) -> Result<BlobId> {
        self.put_plain_with(bytes, |b, bytes| b.encode_plain(bytes))
    }

    /// Stores `bytes` as a plain zstd blob at zstd's highest level (19) and returns their id; a
    /// no-op when already stored or in this batch. For blobs written once that many others are
    /// read with, such as a dictionary: compressing cases3k's 160 KB dictionary takes ~60 ms and
    /// 60,078 B instead of 68,255 at the store's level 3.
    pub fn put_blob_smallest(&mut self, bytes: &[u8]) -> Result<BlobId> {
        self.put_plain_with(bytes, |b, bytes| codec::encode_plain_at(MAX_LEVEL, bytes).map_err(|r| b.compress_error(r)))
    }

    /// Puts a plain blob whose value `encode` makes, unless it is stored or in this batch.
    fn put_plain_with(&mut self, bytes: &[u8], encode: impl FnOnce(&Self, &[u8]) -> Result<Vec<u8>>) -> Result<BlobId> {
        let id = BlobId::of(bytes);
        if self.contains_blob(&id)? {
            return Ok(id);
        }
        let value = encode(self, bytes)?;
        self.blobs.insert(id, IVec::from(value));
        self.remember_put(id, bytes);
        Ok(id)
    }

    /// Stores `bytes` as a zstd delta against blob `base` and returns their id.
    ///
    /// Falls back to plain zstd when the base is missing or damaged, when the delta would exceed
    /// the depth limit, or when the delta is not smaller. A no-op when already stored.
    pub fn put_blob_delta(&mut self, bytes: &[u8], base: &BlobId) -> Result<BlobId> {
        self.put_blob_delta_smallest(bytes, std::slice::from_ref(base))
    }

    /// Stores `bytes` as a zstd delta against whichever of `bases` encodes them smallest.
    ///
    /// Like [`Self::put_blob_delta`] (same fallbacks) with several candidate bases, each tried:
    /// an extracted text is often cheapest against its own raw input, which holds it nearly
    /// word for word, sometimes against a relative's text.
    pub fn put_blob_delta_smallest(&mut self, bytes: &[u8], bases: &[BlobId]) -> Result<BlobId> {
        self.put_blob_delta_smallest_with(bytes, bases, None)
    }

    /// Like [`Self::put_blob_delta_smallest`], with a delta against one of the bases computed
    /// ahead ([`crate::DeltaEncoder`]): used as that base's delta, when it encodes `bytes` and the
    /// base may take a delta, instead of compressing again.
    pub fn put_blob_delta_smallest_with(&mut self, bytes: &[u8], bases: &[BlobId], ahead: Option<EncodedDelta>) -> Result<BlobId> {
        let id = BlobId::of(bytes);
        if self.contains_blob(&id)? {
            return Ok(id);
        }
        let mut ahead = ahead.filter(|a| a.id == id);
        let mut best: Option<Vec<u8>> = None;
        for base in bases {
            // A delta made ahead is used against a base put in this batch (its stored value is
            // at hand, so its depth is known without reading it back).
            let put_here = self.blobs.get(base);
            let delta = match (ahead.take_if(|a| a.base == *base), put_here) {
                (Some(a), Some(value)) => self.delta_depth(bytes, value).map(|depth| {
                    let mut delta = a.value;
                    codec::set_depth(&mut delta, depth + 1);
                    delta
                }),
                _ => self.try_delta(bytes, base)?,
            };
            if let Some(delta) = delta {
                if best.as_ref().is_none_or(|b| delta.len() < b.len()) {
                    best = Some(delta);
                }
            }
        }
        let value = match best {
            // A delta a quarter of the input's size or less: plain zstd would not beat it here.
            Some(delta) if delta.len() * 4 <= bytes.len() => delta,
            Some(delta) => {
                let plain = self.encode_plain(bytes)?;
                if delta.len() < plain.len() {
                    delta
                } else {
                    plain
                }
            }
            None => self.encode_plain(bytes)?,
        };
        self.blobs.insert(id, IVec::from(value));
        self.remember_put(id, bytes);
        Ok(id)
    }

    /// Stores `bytes` compressed with blob `dictionary` loaded as a zstd dictionary (codec 2)
    /// and returns their id: for a dictionary trained on earlier blobs (`zstd::dict`), which
    /// compresses small inputs better than the same bytes used as raw content.
    ///
    /// Falls back to plain zstd like [`Self::put_blob_delta`] (missing or damaged dictionary,
    /// depth limit, no gain). A no-op when already stored.
    pub fn put_blob_with_dictionary(&mut self, bytes: &[u8], dictionary: &BlobId) -> Result<BlobId> {
        let id = BlobId::of(bytes);
        if self.contains_blob(&id)? {
            return Ok(id);
        }
        let mut frame = None;
        if let Some((depth, dict_bytes)) = self.usable_base(bytes, dictionary)? {
            frame = self.try_prepared(bytes, dictionary, depth, &dict_bytes, true)?;
        }
        let value = dictionary_value(bytes, frame, || self.encode_plain(bytes))?;
        self.insert_blob(id, value, bytes);
        Ok(id)
    }

    /// Adds a blob value to the batch; `bytes` are what it decodes to.
    pub(crate) fn insert_blob(&mut self, id: BlobId, value: Vec<u8>, bytes: &[u8]) {
        self.blobs.insert(id, IVec::from(value));
        self.remember_put(id, bytes);
    }

    /// Recompresses plain blobs among `roots` with `dictionary` (a plain blob, see
    /// [`Self::put_blob_with_dictionary`]) where that makes them smaller, and raises by one the
    /// recorded depth of every blob whose delta chain ends at one of them (their frames stay:
    /// a delta is against its base's bytes, however those are stored). Roots whose dependents
    /// would pass the depth limit stay as they are. Returns how many were recompressed.
    ///
    /// Scans every blob header in the store: meant for small repositories (the archive calls
    /// it once, when it makes its raw-input dictionary from the inputs archived before it).
    pub fn recompress_with_dictionary(&mut self, roots: &[BlobId], dictionary: &BlobId) -> Result<usize> {
        let Some((0, dict_bytes)) = self.usable_base(&[], dictionary)? else { return Ok(0) };
        let mut new_values: BTreeMap<BlobId, Vec<u8>> = BTreeMap::new();
        for root in roots {
            if root == dictionary || new_values.contains_key(root) {
                continue;
            }
            let Some(value) = self.lookup(root)? else { continue };
            if codec::parse_header(&value).map(|h| h.codec) != Ok(Codec::Zstd) {
                continue;
            }
            let Ok(bytes) = self.get_blob(root) else { continue };
            if let Some(v) = self.try_prepared(&bytes, dictionary, 0, &dict_bytes, true)? {
                if v.len() < value.len() {
                    new_values.insert(*root, v);
                }
            }
        }
        if new_values.is_empty() {
            return Ok(0);
        }
        // Every blob, stored or in this batch, with the root its chain ends at.
        let mut ids: Vec<BlobId> = self.store.blob_ids().collect::<Result<_>>()?;
        ids.extend(self.blobs.keys().copied());
        ids.sort_unstable();
        ids.dedup();
        let mut dependents: BTreeMap<BlobId, Vec<(BlobId, Vec<u8>, u8)>> = BTreeMap::new();
        for id in ids {
            if new_values.contains_key(&id) {
                continue;
            }
            let Some(value) = self.lookup(&id)? else { continue };
            let Ok(header) = codec::parse_header(&value) else { continue };
            let mut cur = header.base;
            // Depths strictly decrease along a sound chain; a damaged one is left alone.
            for _ in 0..=header.depth {
                let Some(base) = cur else { break };
                if new_values.contains_key(&base) {
                    dependents.entry(base).or_default().push((id, value.to_vec(), header.depth));
                    break;
                }
                cur = self.lookup(&base)?.and_then(|v| codec::parse_header(&v).ok()).and_then(|h| h.base);
            }
        }
        let max = self.store.opts.max_delta_depth;
        for (root, members) in &dependents {
            if members.iter().any(|(_, _, depth)| *depth >= max) {
                new_values.remove(root);
            }
        }
        let n = new_values.len();
        for (root, value) in new_values {
            for (id, mut value, depth) in dependents.remove(&root).unwrap_or_default() {
                codec::set_depth(&mut value, depth + 1);
                self.blobs.insert(id, IVec::from(value));
            }
            self.blobs.insert(root, IVec::from(value));
        }
        Ok(n)
    }

    /// Encodes against a base digested once, for big bases (the raw-input dictionary), as a
    /// delta or (`dictionary`) a dictionary blob.
    fn try_prepared(&self, bytes: &[u8], base: &BlobId, depth: u8, base_bytes: &[u8], dictionary: bool) -> Result<Option<Vec<u8>>> {
        let level = if dictionary { dictionary_level(self.store.opts.zstd_level) } else { delta_level(self.store.opts.zstd_level) };
        let mut prepared = self.store.prepared.lock().unwrap_or_else(|p| p.into_inner());
        if !prepared.as_ref().is_some_and(|p| p.id == *base && p.level == level && p.dictionary == dictionary && p.depth == depth) {
            *prepared = codec::PreparedBase::new(*base, depth, base_bytes, level, dictionary);
        }
        match prepared.as_ref() {
            Some(p) => p.encode(bytes).map(Some).map_err(|r| self.compress_error(r)),
            None => Ok(None),
        }
    }

    /// The depth and decoded bytes of `base` when `bytes` may be stored against it: present,
    /// undamaged, under the depth limit, and both within one zstd window.
    fn usable_base(&self, bytes: &[u8], base: &BlobId) -> Result<Option<(u8, Vec<u8>)>> {
        let Some(value) = self.lookup(base)? else { return Ok(None) };
        let Some(depth) = self.delta_depth(bytes, &value) else { return Ok(None) };
        match self.get_blob(base) {
            Ok(b) => Ok(Some((depth, b))),
            Err(StoreError::Corrupt { .. } | StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The depth of a base blob stored as `value` when `bytes` may be stored as a delta against
    /// it: the base below the depth limit, the two within one zstd window; `None` otherwise or
    /// when the value's header does not parse.
    fn delta_depth(&self, bytes: &[u8], value: &[u8]) -> Option<u8> {
        let header = codec::parse_header(value).ok()?;
        let span = header.raw_len.saturating_add(bytes.len() as u64);
        (header.depth < self.store.opts.max_delta_depth && span <= codec::MAX_DELTA_SPAN as u64).then_some(header.depth)
    }

    fn try_delta(&self, bytes: &[u8], base: &BlobId) -> Result<Option<Vec<u8>>> {
        let Some((depth, base_bytes)) = self.usable_base(bytes, base)? else { return Ok(None) };
        if (PREPARED_BASE_BYTES..=MAX_PREPARED_BASE_BYTES).contains(&base_bytes.len()) {
            if let Some(v) = self.try_prepared(bytes, base, depth, &base_bytes, false)? {
                return Ok(Some(v));
            }
        }
        codec::encode_delta(delta_level(self.store.opts.zstd_level), bytes, base, &base_bytes, depth + 1)
            .map(Some)
            .map_err(|r| self.compress_error(r))
    }

    /// The batch's record operations by keyspace (`None`: a removal), or the batch back when
    /// it holds blobs.
    pub(crate) fn into_records(self) -> std::result::Result<RecordOps, Self> {
        if self.blobs.is_empty() {
            Ok(self.records)
        } else {
            Err(self)
        }
    }

    /// Sets `key` to `value` in `keyspace` (created on first use) when the batch commits.
    pub fn insert(&mut self, keyspace: &str, key: &[u8], value: &[u8]) {
        self.records.entry(keyspace.to_string()).or_default().insert(key.to_vec(), Some(value.to_vec()));
    }

    /// Declares that this batch's writes make `bytes` (keys and values) of entries already in
    /// packs dead: the caller rewrites records it read and knows their sizes; the store cannot
    /// tell without reading them. Committing adds them to the store's count of superseded bytes
    /// ([`Store::superseded_bytes`]), which decides when merging every pack pays
    /// ([`Store::merge_if_superseded`]).
    pub fn supersedes(&mut self, bytes: u64) {
        self.superseded = self.superseded.saturating_add(bytes);
    }

    /// The bytes a packed record counts for in [`Batch::supersedes`] (and in what merges drop):
    /// its key within the pack (keyspace, a separator, key) and its value.
    pub fn entry_bytes(keyspace: &str, key_len: usize, value_len: usize) -> u64 {
        (keyspace.len() + 1 + key_len + value_len) as u64
    }

    /// Removes `key` from `keyspace` when the batch commits.
    pub fn remove(&mut self, keyspace: &str, key: &[u8]) {
        self.records.entry(keyspace.to_string()).or_default().insert(key.to_vec(), None);
    }

    /// Reads a record: this batch's pending write or removal first, then the store.
    pub fn get(&self, keyspace: &str, key: &[u8]) -> Result<Option<Vec<u8>>> {
        if let Some(op) = self.records.get(keyspace).and_then(|ops| ops.get(key)) {
            return Ok(op.clone());
        }
        self.store.get(keyspace, key)
    }

    /// Whether the batch holds no blob and no record write.
    pub fn is_empty(&self) -> bool {
        self.blobs.is_empty() && self.records.values().all(|ops| ops.is_empty())
    }

    /// Number of new blobs pending in this batch.
    pub fn blob_count(&self) -> usize {
        self.blobs.len()
    }
}
