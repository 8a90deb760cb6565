//! The candidate index in memory: for each feature, how many documents carry it and which.
//!
//! Main items: [`FeatureIndex`] and [`POSTINGS_CAP`]. Features are 64-bit hashes (content
//! stems and sentence fingerprints, see [`super::Profile::index_features`]); documents are
//! numbered by the caller (the archive uses its archive sequence). The index is split into
//! [`BUCKETS`] buckets by the feature's top bits so that the archive can load and checkpoint it
//! a bucket at a time ([`FeatureIndex::encode_bucket`], [`FeatureIndex::load_bucket`]).
//!
//! Memory: one entry of 16 bytes (plus hash-table slack) per distinct feature; a feature carried
//! by one document keeps its posting inline, up to [`POSTINGS_CAP`] postings go to a list, past
//! that only the count is kept (detection never looks up postings of such common features).

use crate::text::IdMap;

/// Most postings kept per feature: the upper bound of [`super::max_postings`].
pub const POSTINGS_CAP: u32 = 200;
/// Bits of the feature hash that select its bucket.
pub const BUCKET_BITS: u32 = 12;
/// Number of buckets.
pub const BUCKETS: usize = 1 << BUCKET_BITS;

/// The bucket of a feature.
pub fn bucket_of(feature: u64) -> usize {
    (feature >> (64 - BUCKET_BITS)) as usize
}

/// The key of a feature in its bucket's hash map. The features of a bucket share their top
/// bits, from which the hash table takes its tag byte (the hasher is the identity: features are
/// hashes already): rotated, the key's top bits are the feature's random middle bits.
fn slot_key(feature: u64) -> u64 {
    feature.rotate_left(BUCKET_BITS)
}

fn feature_of(key: u64) -> u64 {
    key.rotate_right(BUCKET_BITS)
}

/// Marks an entry whose postings were dropped (count above [`POSTINGS_CAP`]).
const NO_LIST: u32 = u32::MAX;

/// Count and postings of one feature.
#[derive(Clone, Copy, Debug)]
struct Entry {
    count: u32,
    /// The one document when `count == 1`; else an index into the bucket's lists, or [`NO_LIST`].
    post: u32,
}

#[derive(Default, Debug)]
struct Bucket {
    map: IdMap<Entry>,
    lists: Vec<Vec<u32>>,
}

impl Bucket {
    fn add(&mut self, feature: u64, doc: u32) {
        let lists = &mut self.lists;
        let e = self.map.entry(slot_key(feature)).or_insert(Entry { count: 0, post: doc });
        e.count = e.count.saturating_add(1);
        match e.count {
            1 => {}
            2 => {
                lists.push(vec![e.post, doc]);
                e.post = (lists.len() - 1) as u32;
            }
            c if c <= POSTINGS_CAP => {
                if let Some(l) = lists.get_mut(e.post as usize) {
                    l.push(doc);
                }
            }
            _ => {
                if let Some(l) = lists.get_mut(e.post as usize) {
                    *l = Vec::new();
                }
                e.post = NO_LIST;
            }
        }
    }

    fn postings<'a>(&'a self, e: &'a Entry) -> &'a [u32] {
        match e.count {
            0 => &[],
            1 => std::slice::from_ref(&e.post),
            _ => self.lists.get(e.post as usize).map_or(&[], Vec::as_slice),
        }
    }
}

/// Why a stored bucket could not be read.
#[derive(Debug, thiserror::Error)]
#[error("index bucket {bucket}: {reason}")]
pub struct BucketError {
    /// The bucket.
    pub bucket: usize,
    /// What is wrong with its bytes.
    pub reason: &'static str,
}

/// Feature -> document count and postings, in [`BUCKETS`] buckets that may be loaded lazily.
#[derive(Debug)]
pub struct FeatureIndex {
    buckets: Vec<Option<Bucket>>,
}

impl Default for FeatureIndex {
    /// An empty index with every bucket loaded.
    fn default() -> Self {
        FeatureIndex { buckets: (0..BUCKETS).map(|_| Some(Bucket::default())).collect() }
    }
}

impl FeatureIndex {
    /// An index whose buckets are all still to load ([`Self::load_bucket`]).
    pub fn unloaded() -> Self {
        FeatureIndex { buckets: (0..BUCKETS).map(|_| None).collect() }
    }

    /// Whether bucket `b` is in memory.
    pub fn is_loaded(&self, b: usize) -> bool {
        self.buckets.get(b).is_some_and(Option::is_some)
    }

    /// Adds document `doc` carrying `features` (distinct). Buckets not loaded are created empty:
    /// load them first.
    pub fn add(&mut self, doc: u32, features: &[u64]) {
        for &f in features {
            if let Some(slot) = self.buckets.get_mut(bucket_of(f)) {
                slot.get_or_insert_with(Bucket::default).add(f, doc);
            }
        }
    }

    /// How many documents carry `feature` (0 when its bucket is not loaded).
    pub fn count(&self, feature: u64) -> u64 {
        self.bucket(feature).and_then(|b| b.map.get(&slot_key(feature))).map_or(0, |e| u64::from(e.count))
    }

    /// Up to `limit` documents carrying `feature`, oldest first; none when more than
    /// [`POSTINGS_CAP`] carry it.
    pub fn postings(&self, feature: u64, limit: usize) -> Vec<u64> {
        let Some(b) = self.bucket(feature) else { return Vec::new() };
        let Some(e) = b.map.get(&slot_key(feature)) else { return Vec::new() };
        b.postings(e).iter().take(limit).map(|&d| u64::from(d)).collect()
    }

    fn bucket(&self, feature: u64) -> Option<&Bucket> {
        self.buckets.get(bucket_of(feature)).and_then(Option::as_ref)
    }

    /// Number of distinct features in the loaded buckets.
    pub fn len(&self) -> usize {
        self.buckets.iter().flatten().map(|b| b.map.len()).sum()
    }

    /// Whether no loaded bucket holds a feature.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes of bucket `b` (empty when it holds nothing): entries sorted by feature, each
    /// `feature u64 LE, count varint`, then for counts up to [`POSTINGS_CAP`] the postings as
    /// varint gaps.
    pub fn encode_bucket(&self, b: usize) -> Vec<u8> {
        let Some(Some(bucket)) = self.buckets.get(b) else { return Vec::new() };
        let mut keys: Vec<u64> = bucket.map.keys().map(|&k| feature_of(k)).collect();
        keys.sort_unstable();
        let mut out = Vec::with_capacity(keys.len() * 12);
        for k in keys {
            let e = &bucket.map[&slot_key(k)];
            out.extend_from_slice(&k.to_le_bytes());
            put_varint(&mut out, u64::from(e.count));
            if e.count <= POSTINGS_CAP {
                let mut prev = 0u64;
                for &d in bucket.postings(e) {
                    put_varint(&mut out, u64::from(d).wrapping_sub(prev));
                    prev = u64::from(d);
                }
            }
        }
        out
    }

    /// Loads bucket `b` from bytes written by [`Self::encode_bucket`], replacing it.
    pub fn load_bucket(&mut self, b: usize, bytes: &[u8]) -> Result<(), BucketError> {
        let err = |reason| BucketError { bucket: b, reason };
        let mut bucket = Bucket::default();
        let mut pos = 0;
        while pos < bytes.len() {
            let k = bytes.get(pos..pos + 8).ok_or(err("truncated feature"))?;
            pos += 8;
            let feature = u64::from_le_bytes(k.try_into().map_err(|_| err("truncated feature"))?);
            if bucket_of(feature) != b {
                return Err(err("feature in the wrong bucket"));
            }
            let count = get_varint(bytes, &mut pos).ok_or(err("truncated count"))?;
            let count = u32::try_from(count).map_err(|_| err("count out of range"))?;
            if count == 0 {
                return Err(err("zero count"));
            }
            let entry = if count <= POSTINGS_CAP {
                let mut docs = Vec::with_capacity(count as usize);
                let mut prev = 0u64;
                for _ in 0..count {
                    prev = prev.wrapping_add(get_varint(bytes, &mut pos).ok_or(err("truncated postings"))?);
                    docs.push(u32::try_from(prev).map_err(|_| err("document number out of range"))?);
                }
                if count == 1 {
                    Entry { count, post: docs[0] }
                } else {
                    bucket.lists.push(docs);
                    Entry { count, post: (bucket.lists.len() - 1) as u32 }
                }
            } else {
                Entry { count, post: NO_LIST }
            };
            bucket.map.insert(slot_key(feature), entry);
        }
        match self.buckets.get_mut(b) {
            Some(slot) => {
                *slot = Some(bucket);
                Ok(())
            }
            None => Err(err("no such bucket")),
        }
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_postings_follow_adds_and_survive_encoding() {
        let mut ix = FeatureIndex::default();
        let common = 0xdead_beef_u64;
        let rare = 0x1234_u64 << 52 | 7;
        for doc in 0..(POSTINGS_CAP + 5) {
            ix.add(doc, &[common]);
        }
        ix.add(3, &[rare]);
        ix.add(9, &[rare]);
        assert_eq!(ix.count(common), u64::from(POSTINGS_CAP) + 5);
        assert!(ix.postings(common, 1000).is_empty(), "postings of a common feature are dropped");
        assert_eq!(ix.postings(rare, 10), vec![3, 9]);
        assert_eq!(ix.postings(rare, 1), vec![3]);

        let mut back = FeatureIndex::unloaded();
        for b in [bucket_of(common), bucket_of(rare)] {
            back.load_bucket(b, &ix.encode_bucket(b)).unwrap();
        }
        assert_eq!(back.count(common), ix.count(common));
        assert_eq!(back.postings(rare, 10), vec![3, 9]);
        back.add(11, &[rare]);
        assert_eq!(back.postings(rare, 10), vec![3, 9, 11]);
    }

    #[test]
    fn damaged_bucket_bytes_are_an_error() {
        let mut ix = FeatureIndex::default();
        ix.add(1, &[5, 6]);
        let bytes = ix.encode_bucket(0);
        let mut back = FeatureIndex::unloaded();
        assert!(back.load_bucket(0, &bytes[..bytes.len() - 1]).is_err());
        assert!(back.load_bucket(1, &bytes).is_err(), "features of bucket 0 under bucket 1");
        assert!(!back.is_loaded(0));
    }

    proptest::proptest! {
        #[test]
        fn encoding_round_trips(docs in proptest::collection::vec(proptest::collection::vec(0u64..64, 0..20), 0..300)) {
            let mut ix = FeatureIndex::default();
            for (d, fs) in docs.iter().enumerate() {
                let mut fs: Vec<u64> = fs.iter().map(|f| f << 58 | f).collect();
                fs.sort_unstable();
                fs.dedup();
                ix.add(d as u32, &fs);
            }
            let mut back = FeatureIndex::unloaded();
            for b in 0..BUCKETS {
                back.load_bucket(b, &ix.encode_bucket(b)).unwrap();
            }
            for f in 0..64u64 {
                let f = f << 58 | f;
                proptest::prop_assert_eq!(back.count(f), ix.count(f));
                proptest::prop_assert_eq!(back.postings(f, 500), ix.postings(f, 500));
            }
        }
    }
}
