//! The raw-input dictionary: what raw inputs without a close relative are compressed with.
//!
//! Main items: [`RawDictionary`], `Archive::raw_dictionary`, [`SharedEncoder`] (the dictionary's
//! encoder for the threads that prepare inputs), [`DICTIONARY_ARTICLES`] and [`DICTIONARY_BYTES`].
//!
//! It is made once, in the batch of the article that follows the first [`DICTIONARY_ARTICLES`]:
//! a zstd dictionary trained on their raw inputs ([`stet_store::train_dictionary`], stored as a
//! plain blob), which later raw inputs are compressed with (the store's dictionary blobs); in the
//! same batch, those first inputs are recompressed with it too. When training fails (too
//! few or too small samples), a raw-content sample of the same inputs is stored instead and
//! inputs become deltas against it, which is also what repositories made before format 3 hold.
//! Meta key `raw-dictionary`: the blob id (32 bytes), followed by `t` for a trained dictionary.

use super::{ks, Archive};
use crate::error::Result;
use crate::model::ArticleId;
use std::sync::{Arc, OnceLock};
use stet_store::{Batch, BlobId, DeltaEncoder, DictionaryEncoder, EncodedBlob, EncodedDelta};

/// Archived articles whose raw inputs the dictionary is made from.
///
/// 256 and 160 KB rather than the 128 and 110 KB before: zstd asks for samples of about a
/// hundred times the dictionary's size, and 128 news pages are a few times. Measured with
/// `stet add` of whole sets: cases3k's repository 4,124,672 -> 4,075,520 B (160 KB from 128
/// articles: 4,091,904; 224 KB from 128: 4,104,192), eval/dev's 897,024 -> 892,928 B.
pub const DICTIONARY_ARTICLES: u64 = 256;
/// Largest dictionary.
pub const DICTIONARY_BYTES: usize = 160 * 1024;
/// Most bytes of one raw input used as a training sample (a long page would otherwise weigh
/// like dozens of short ones).
const SAMPLE_CAP: usize = 64 * 1024;
const META_KEY: &[u8] = b"raw-dictionary";
const TRAINED: u8 = b't';

/// The dictionary raw inputs are compressed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RawDictionary {
    /// A trained zstd dictionary: inputs are dictionary blobs.
    Trained(BlobId),
    /// Raw content (samples of inputs): inputs are deltas against it.
    RawContent(BlobId),
}

impl RawDictionary {
    /// The dictionary's blob id.
    pub fn id(&self) -> BlobId {
        match self {
            RawDictionary::Trained(id) | RawDictionary::RawContent(id) => *id,
        }
    }

    fn parse(v: &[u8]) -> Option<RawDictionary> {
        let id = BlobId::from_slice(v.get(..32)?)?;
        match v.get(32..) {
            Some([]) => Some(RawDictionary::RawContent(id)),
            Some([TRAINED]) => Some(RawDictionary::Trained(id)),
            _ => None,
        }
    }

    /// Stores a raw input compressed with this dictionary.
    pub(crate) fn put(&self, batch: &mut Batch<'_>, bytes: &[u8]) -> Result<BlobId> {
        Ok(match self {
            RawDictionary::Trained(d) => batch.put_blob_with_dictionary(bytes, d)?,
            RawDictionary::RawContent(d) => batch.put_blob_delta(bytes, d)?,
        })
    }
}

/// The store's encoders, shared between the archive and the threads that prepare inputs
/// ([`crate::archive::PreparedInput::new_with`]): the trained dictionary's, empty until the
/// archive has used its dictionary once in this process, then set for good (a dictionary never
/// changes); and the delta encoder, for a text against its own raw input.
#[derive(Clone, Debug, Default)]
pub struct SharedEncoder {
    dictionary: Arc<OnceLock<DictionaryEncoder>>,
    delta: Option<DeltaEncoder>,
}

impl SharedEncoder {
    /// The encoders of `store`, the dictionary's still unknown.
    pub(crate) fn of(store: &stet_store::Store) -> SharedEncoder {
        SharedEncoder { dictionary: Default::default(), delta: Some(store.delta_encoder()) }
    }

    /// Compresses a raw input with the dictionary, when it is known: what storing it would do,
    /// done ahead. `None` before the dictionary is known, or when zstd fails (the archive then
    /// compresses it itself).
    pub fn encode(&self, bytes: &[u8]) -> Option<EncodedBlob> {
        self.dictionary.get()?.encode(bytes).ok()
    }

    /// Compresses an extracted text as a delta against its raw input, which holds it nearly word
    /// for word: what storing it does unless a relative's text makes a smaller delta. `None`
    /// without a delta encoder, or when zstd fails or the two are too big for one window.
    pub fn text_delta(&self, text: &[u8], raw: &[u8]) -> Option<EncodedDelta> {
        self.delta.as_ref()?.encode(text, raw).ok().flatten()
    }
}

/// Trains a dictionary on `samples`; `None` when zstd cannot (too few or too small samples).
fn train(samples: &[Vec<u8>]) -> Option<Vec<u8>> {
    stet_store::train_dictionary(samples, DICTIONARY_BYTES)
}

/// A raw-content dictionary: the start of each sample, up to [`DICTIONARY_BYTES`] in all.
fn raw_content(samples: &[Vec<u8>]) -> Vec<u8> {
    let per = DICTIONARY_BYTES / DICTIONARY_ARTICLES as usize * 2;
    let mut out = Vec::with_capacity(DICTIONARY_BYTES);
    for s in samples {
        let take = s.len().min(per).min(DICTIONARY_BYTES - out.len());
        out.extend_from_slice(&s[..take]);
        if out.len() >= DICTIONARY_BYTES {
            break;
        }
    }
    out
}

impl Archive {
    /// The encoder of the raw-input dictionary, for threads that prepare inputs.
    pub fn shared_encoder(&self) -> SharedEncoder {
        self.raw_encoder.clone()
    }

    /// Stores a raw input with dictionary `dict`: the encoding done ahead when it was made with
    /// `dict`, else compressed now. Once `dict` is in the store, the shared encoder learns it.
    pub(crate) fn put_raw_with_dictionary(&self, batch: &mut Batch<'_>, dict: RawDictionary, bytes: &[u8], ahead: Option<EncodedBlob>) -> Result<BlobId> {
        if let RawDictionary::Trained(id) = dict {
            if self.raw_encoder.dictionary.get().is_none() {
                // Only speed depends on it: a dictionary not committed yet (made in this batch)
                // or unreadable is tried again with the next input.
                if let Ok(Some(e)) = self.store.dictionary_encoder(&id) {
                    let _ = self.raw_encoder.dictionary.set(e);
                }
            }
            if let Some(blob) = ahead.filter(|b| b.dictionary() == id) {
                return Ok(batch.put_encoded(bytes, blob)?);
            }
        }
        dict.put(batch, bytes)
    }

    /// The dictionary for the raw input of the article at archive sequence `seq`, made in this
    /// batch when `seq` is the first after [`DICTIONARY_ARTICLES`]; `None` before that.
    pub(crate) fn raw_dictionary(&self, batch: &mut Batch<'_>, seq: u64) -> Result<Option<RawDictionary>> {
        if let Some(v) = batch.get(ks::META, META_KEY)? {
            return Ok(RawDictionary::parse(&v));
        }
        if seq < DICTIONARY_ARTICLES {
            return Ok(None);
        }
        let mut samples = Vec::new();
        let mut raws = Vec::new();
        for k in 0..DICTIONARY_ARTICLES {
            let Some(id) = self.store.get(ks::LOG, &k.to_be_bytes())?.and_then(|v| ArticleId::from_slice(&v)) else { continue };
            let Some(rec) = self.article(&id)? else { continue };
            raws.extend(rec.captures.iter().filter_map(|c| BlobId::from_hex(&c.raw)));
            // A damaged original is left out of the sample, not an error for this input.
            let Ok(mut raw) = self.original(&rec) else { continue };
            raw.truncate(SAMPLE_CAP);
            samples.push(raw);
        }
        let (dict, value) = match train(&samples) {
            Some(trained) => {
                let id = batch.put_blob_smallest(&trained)?;
                (RawDictionary::Trained(id), [id.as_bytes().as_slice(), &[TRAINED]].concat())
            }
            None => {
                let id = batch.put_blob_smallest(&raw_content(&samples))?;
                (RawDictionary::RawContent(id), id.as_bytes().to_vec())
            }
        };
        // The inputs it was made from were stored on their own: they shrink most with it.
        if let RawDictionary::Trained(id) = dict {
            batch.recompress_with_dictionary(&raws, &id)?;
        }
        batch.insert(ks::META, META_KEY, &value);
        Ok(Some(dict))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_values_parse_to_their_kind() {
        let id = BlobId::of(b"dictionary");
        assert_eq!(RawDictionary::parse(id.as_bytes()), Some(RawDictionary::RawContent(id)));
        let trained = [id.as_bytes().as_slice(), b"t"].concat();
        assert_eq!(RawDictionary::parse(&trained), Some(RawDictionary::Trained(id)));
        assert_eq!(RawDictionary::parse(&trained[..20]), None);
        assert_eq!(RawDictionary::parse(&[trained.as_slice(), b"x"].concat()), None);
    }

    #[test]
    fn too_few_samples_fall_back_to_raw_content() {
        let samples = vec![b"a short page".to_vec(), b"another".to_vec()];
        assert_eq!(train(&samples), None);
        assert_eq!(raw_content(&samples), b"a short pageanother");
    }
}
