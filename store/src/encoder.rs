//! Raw inputs compressed with the repository's dictionary ahead of their batch, on any thread.
//!
//! Main types: [`DictionaryEncoder`] (made by [`Store::dictionary_encoder`]) and [`EncodedBlob`]
//! (stored by [`Batch::put_encoded`]); [`DeltaEncoder`] (made by [`Store::delta_encoder`]) and
//! [`EncodedDelta`], a delta against bytes the caller holds, offered to
//! [`Batch::put_blob_delta_smallest_with`]. The value is byte for byte what
//! [`Batch::put_blob_with_dictionary`] would store, so a caller with idle cores can compress
//! inputs while a single writer archives earlier ones.

use crate::codec::{self, PreparedBase};
use crate::store::{delta_level, dictionary_level, dictionary_value};
use crate::{Batch, BlobId, Result, Store, StoreError};
use std::sync::Arc;

/// Compresses blobs with one dictionary blob; cheap to clone and usable from any thread.
#[derive(Clone)]
pub struct DictionaryEncoder {
    base: Arc<PreparedBase>,
    /// Raw length of the dictionary (deltas and their base fit in one zstd window).
    base_len: u64,
    /// Level of the plain-zstd comparison.
    plain_level: i32,
    /// The repository, named in errors.
    path: Arc<std::path::Path>,
}

impl std::fmt::Debug for DictionaryEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DictionaryEncoder").field("dictionary", &self.base.id).finish()
    }
}

/// A blob value computed by a [`DictionaryEncoder`], to store with [`Batch::put_encoded`].
#[derive(Clone, Debug)]
pub struct EncodedBlob {
    id: BlobId,
    dictionary: BlobId,
    value: Vec<u8>,
}

impl EncodedBlob {
    /// The id of the encoded bytes.
    pub fn id(&self) -> BlobId {
        self.id
    }

    /// The dictionary it was compressed with.
    pub fn dictionary(&self) -> BlobId {
        self.dictionary
    }
}

impl DictionaryEncoder {
    /// The dictionary blob's id.
    pub fn dictionary(&self) -> BlobId {
        self.base.id
    }

    /// Encodes `bytes` as [`Batch::put_blob_with_dictionary`] would store them.
    pub fn encode(&self, bytes: &[u8]) -> Result<EncodedBlob> {
        let id = BlobId::of(bytes);
        let frame = if self.base_len.saturating_add(bytes.len() as u64) <= codec::MAX_DELTA_SPAN as u64 {
            Some(self.base.encode(bytes).map_err(|r| self.zstd_error(r))?)
        } else {
            None
        };
        let value = dictionary_value(bytes, frame, || codec::encode_plain_at(self.plain_level, bytes).map_err(|r| self.zstd_error(r)))?;
        Ok(EncodedBlob { id, dictionary: self.base.id, value })
    }

    fn zstd_error(&self, reason: String) -> StoreError {
        StoreError::Io { path: self.path.to_path_buf(), source: std::io::Error::other(format!("zstd: {reason}")) }
    }
}

/// Compresses blobs as deltas against bytes the caller holds, on any thread: what a batch
/// does for a delta against a blob it has just put (an extracted text against its own raw
/// input), done ahead. Cheap to clone.
#[derive(Clone, Debug)]
pub struct DeltaEncoder {
    level: i32,
    path: Arc<std::path::Path>,
}

/// A delta computed by a [`DeltaEncoder`]: the value of `bytes` against a base blob, whose own
/// delta depth the batch learns only when it stores the base.
#[derive(Clone, Debug)]
pub struct EncodedDelta {
    pub(crate) id: BlobId,
    pub(crate) base: BlobId,
    /// The blob value, its header's depth still to set.
    pub(crate) value: Vec<u8>,
}

impl DeltaEncoder {
    /// Encodes `bytes` as a delta against `base_bytes`; `None` when the two do not fit in one
    /// zstd window (a batch would not store a delta there either).
    pub fn encode(&self, bytes: &[u8], base_bytes: &[u8]) -> Result<Option<EncodedDelta>> {
        if base_bytes.len().saturating_add(bytes.len()) > codec::MAX_DELTA_SPAN {
            return Ok(None);
        }
        let base = BlobId::of(base_bytes);
        let value = codec::encode_delta(self.level, bytes, &base, base_bytes, 1).map_err(|reason| StoreError::Io {
            path: self.path.to_path_buf(),
            source: std::io::Error::other(format!("zstd: {reason}")),
        })?;
        Ok(Some(EncodedDelta { id: BlobId::of(bytes), base, value }))
    }
}

impl Store {
    /// An encoder of deltas at this store's delta level, for threads that prepare inputs.
    pub fn delta_encoder(&self) -> DeltaEncoder {
        DeltaEncoder { level: delta_level(self.opts.zstd_level), path: Arc::from(self.path.as_path()) }
    }

    /// An encoder for dictionary blob `dictionary` (see [`Batch::put_blob_with_dictionary`]);
    /// `None` when it is missing, damaged or at the depth limit (the batch then falls back as
    /// `put_blob_with_dictionary` does).
    pub fn dictionary_encoder(&self, dictionary: &BlobId) -> Result<Option<DictionaryEncoder>> {
        let Some(value) = self.raw_blob_value(dictionary)? else { return Ok(None) };
        let Ok(header) = codec::parse_header(&value) else { return Ok(None) };
        if header.depth >= self.opts.max_delta_depth {
            return Ok(None);
        }
        let bytes = match self.get_blob(dictionary) {
            Ok(b) => b,
            Err(StoreError::Corrupt { .. } | StoreError::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let level = dictionary_level(self.opts.zstd_level);
        Ok(PreparedBase::new(*dictionary, header.depth, &bytes, level, true).map(|base| DictionaryEncoder {
            base: Arc::new(base),
            base_len: header.raw_len,
            plain_level: self.opts.zstd_level,
            path: Arc::from(self.path.as_path()),
        }))
    }
}

impl Batch<'_> {
    /// Stores a blob encoded ahead ([`DictionaryEncoder::encode`] of `bytes`) and returns its
    /// id; like [`Batch::put_blob_with_dictionary`] (which it falls back to when `blob` is not
    /// the encoding of `bytes`), a no-op when already stored.
    pub fn put_encoded(&mut self, bytes: &[u8], blob: EncodedBlob) -> Result<BlobId> {
        if blob.id != BlobId::of(bytes) {
            return self.put_blob_with_dictionary(bytes, &blob.dictionary);
        }
        if self.contains_blob(&blob.id)? {
            return Ok(blob.id);
        }
        self.insert_blob(blob.id, blob.value, bytes);
        Ok(blob.id)
    }
}

#[cfg(test)]
mod tests {
    use crate::{train_dictionary, BlobId, Store, StoreOptions};

    fn page(i: usize) -> Vec<u8> {
        format!(
            "<html><head><title>Story {i}</title></head><body><nav>Home | World | Business</nav>\
             <article><h1>Council {i} votes</h1><p>The council of town {i} approved a budget of {} \
             on Monday after a long debate about roads and schools.</p></article>\
             <footer>Copyright The Daily Example</footer></body></html>",
            i * 7919
        )
        .into_bytes()
    }

    /// The encoder stores exactly what `put_blob_with_dictionary` stores, for inputs that the
    /// dictionary shrinks, inputs it does not (plain zstd wins), and empty ones.
    #[test]
    fn encoded_blobs_are_the_values_put_blob_with_dictionary_stores() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), StoreOptions::default()).unwrap();
        let samples: Vec<Vec<u8>> = (0..200).map(page).collect();
        let dict = train_dictionary(&samples, 8 * 1024).expect("trains");
        let mut b = store.batch();
        let dict_id = b.put_blob(&dict).unwrap();
        store.commit(b).unwrap();
        let encoder = store.dictionary_encoder(&dict_id).unwrap().expect("an encoder");
        assert_eq!(encoder.dictionary(), dict_id);
        let noise: Vec<u8> = (0..3000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
        let inputs = [page(1000), page(1001), noise, Vec::new()];
        let mut expected = store.batch();
        let mut ahead = store.batch();
        for bytes in &inputs {
            let id = expected.put_blob_with_dictionary(bytes, &dict_id).unwrap();
            let encoded = std::thread::scope(|s| s.spawn(|| encoder.encode(bytes).unwrap()).join().unwrap());
            assert_eq!(encoded.id(), id);
            assert_eq!(ahead.put_encoded(bytes, encoded).unwrap(), id);
            assert_eq!(ahead.lookup(&id).unwrap(), expected.lookup(&id).unwrap(), "{} bytes", bytes.len());
        }
        // An encoding of other bytes is not stored as these.
        let wrong = encoder.encode(&page(5)).unwrap();
        let id = ahead.put_encoded(&page(6), wrong).unwrap();
        assert_eq!(id, BlobId::of(&page(6)));
        store.commit(ahead).unwrap();
        for bytes in inputs.iter().chain([&page(6)]) {
            assert_eq!(&store.get_blob(&BlobId::of(bytes)).unwrap(), bytes);
        }
    }

    /// Words in a seeded order: text that zstd at level 1 and at the delta level encode apart.
    fn words(seed: u64, n: usize) -> Vec<u8> {
        let vocab = ["council", "budget", "roads", "schools", "mayor", "voted", "river", "bridge", "winter", "repairs"];
        let mut x = seed | 1;
        let mut out = String::new();
        for i in 0..n {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            out.push_str(vocab[(x % vocab.len() as u64) as usize]);
            out.push(if i % 17 == 16 { '\n' } else { ' ' });
        }
        out.into_bytes()
    }

    /// A delta made ahead is what the batch stores (with its depth set from a base that is itself
    /// a delta), not merely equal to what the batch would have made: it is made at another level
    /// here, so that the two differ. Against a base not put in this batch the batch makes its own.
    #[test]
    fn deltas_computed_ahead_are_stored_as_given() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), StoreOptions::default()).unwrap();
        let root = words(1, 1500);
        let mut raw = root.clone();
        raw.extend_from_slice(b"\nAn extra closing line for the page.\n");
        let mut text = raw[..raw.len() * 3 / 4].to_vec();
        text.extend_from_slice(&words(2, 300));
        let fast = super::DeltaEncoder { level: 1, path: std::sync::Arc::from(dir.path()) };
        let ahead = fast.encode(&text, &raw).unwrap().expect("fits one window");
        let own = store.delta_encoder().encode(&text, &raw).unwrap().expect("fits one window");
        assert_ne!(ahead.value.len(), own.value.len(), "precondition: the two levels encode apart");

        let mut b = store.batch();
        let root_id = b.put_blob(&root).unwrap();
        let raw_id = b.put_blob_delta(&raw, &root_id).unwrap();
        let id = b.put_blob_delta_smallest_with(&text, &[raw_id], Some(ahead.clone())).unwrap();
        store.commit(b).unwrap();
        let info = store.blob_info(&id).unwrap().unwrap();
        assert_eq!((info.base, info.depth), (Some(raw_id), 2));
        assert_eq!(info.stored_len, ahead.value.len() as u64, "the delta made ahead is stored");
        assert_eq!(store.get_blob(&id).unwrap(), text);

        // The base committed before: the batch cannot vouch for its depth, so it encodes itself.
        let mut text2 = text.clone();
        text2.extend_from_slice(b"One more line.\n");
        let ahead2 = fast.encode(&text2, &raw).unwrap().expect("fits one window");
        let mut b = store.batch();
        let id2 = b.put_blob_delta_smallest_with(&text2, &[raw_id], Some(ahead2.clone())).unwrap();
        store.commit(b).unwrap();
        let info2 = store.blob_info(&id2).unwrap().unwrap();
        assert_ne!(info2.stored_len, ahead2.value.len() as u64);
        assert_eq!(store.get_blob(&id2).unwrap(), text2);
    }

    #[test]
    fn no_encoder_for_a_missing_dictionary() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), StoreOptions::default()).unwrap();
        assert!(store.dictionary_encoder(&BlobId::of(b"absent")).unwrap().is_none());
    }
}
