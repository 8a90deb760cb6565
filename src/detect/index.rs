//! The candidate index in memory: for each feature, how many documents carry it and which.
//!
//! Main items: [`FeatureIndex`] and [`POSTINGS_CAP`]. Features are 64-bit hashes (content
//! stems and sentence fingerprints, see [`super::Profile::index_features`]); documents are
//! numbered by the caller (the archive uses its archive sequence). The index is split into
//! [`BUCKETS`] buckets by the feature's top [`BUCKET_BITS`] bits so that the archive can load and
//! checkpoint it a page (a run of consecutive buckets) at a time ([`FeatureIndex::encode_page`],
//! [`FeatureIndex::load_page`]).
//!
//! # A feature is known by 48 bits of its hash
//!
//! The index keeps the top [`IDENTITY_BITS`] (48) bits of a feature: its bucket (16 bits, implied
//! by where it is kept and stored) and a 32-bit key ([`key_of`]). Features that agree on those
//! 48 bits are counted as one. The hashes are uniform, so a feature looked up in an index of `D`
//! distinct features matches another one with probability about `D / 2^48`: at 1M articles
//! (some 40M distinct features, ~40 new per article) that is 1.4e-7 per lookup, and about 2e-4
//! for all ~1,500 lookups of one new article. A false match only makes the feature look more
//! common than it is (a slightly lower rarity weight) and may add the other feature's articles
//! as candidates, which verification (sentence alignment of the two texts) rejects; it cannot
//! hide a candidate that shares other rare features. Two archived features merging into one has
//! probability about `D^2 / 2^49` for the whole index (3e-3 at 40M features, 2e-5 at 100k): the
//! same harmless effect. Keeping 48 bits instead of 64 saves 4 bytes per feature in memory and
//! on disk, which is most of the index.
//!
//! Memory: per distinct feature a 4-byte key and an 8-byte entry in a bucket's sorted arrays
//! (grown by an eighth at a time, no hash-table slack); a feature carried by one document keeps
//! its posting inline, up to [`POSTINGS_CAP`] postings go to a list, past that only the count is
//! kept (detection never looks up postings of such common features).

/// Most postings kept per feature: the upper bound of [`super::max_postings`].
pub const POSTINGS_CAP: u32 = 200;
/// Bits of the feature hash that select its bucket.
pub const BUCKET_BITS: u32 = 16;
/// Number of buckets.
pub const BUCKETS: usize = 1 << BUCKET_BITS;
/// Bits of the feature hash the index keeps: the bucket's and the 32 of the key.
pub const IDENTITY_BITS: u32 = BUCKET_BITS + 32;

/// The bucket of a feature.
pub fn bucket_of(feature: u64) -> usize {
    (feature >> (64 - BUCKET_BITS)) as usize
}

/// The key of a feature in its bucket: the 32 bits of the hash after the bucket's.
pub fn key_of(feature: u64) -> u32 {
    (feature >> (64 - IDENTITY_BITS)) as u32
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

/// The features of one bucket, in two arrays sorted by key.
#[derive(Default, Debug)]
struct Bucket {
    keys: Vec<u32>,
    entries: Vec<Entry>,
    lists: Vec<Vec<u32>>,
}

impl Bucket {
    fn get(&self, key: u32) -> Option<&Entry> {
        self.keys.binary_search(&key).ok().and_then(|i| self.entries.get(i))
    }

    fn add(&mut self, key: u32, doc: u32) {
        let i = match self.keys.binary_search(&key) {
            Ok(i) => i,
            Err(i) => {
                if self.keys.len() == self.keys.capacity() {
                    // Small steps: buckets are many and small, doubling would waste a third.
                    let more = self.keys.len() / 8 + 4;
                    self.keys.reserve_exact(more);
                    self.entries.reserve_exact(more);
                }
                self.keys.insert(i, key);
                self.entries.insert(i, Entry { count: 0, post: doc });
                i
            }
        };
        let lists = &mut self.lists;
        let Some(e) = self.entries.get_mut(i) else { return };
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

/// Why a stored page of the index could not be read.
#[derive(Debug, thiserror::Error)]
#[error("index page at bucket {bucket}: {reason}")]
pub struct BucketError {
    /// The page's first bucket.
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
    /// An index whose buckets are all still to load ([`Self::load_page`]).
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
                slot.get_or_insert_with(Bucket::default).add(key_of(f), doc);
            }
        }
    }

    /// How many documents carry `feature` (0 when its bucket is not loaded).
    pub fn count(&self, feature: u64) -> u64 {
        self.bucket(feature).and_then(|b| b.get(key_of(feature))).map_or(0, |e| u64::from(e.count))
    }

    /// Up to `limit` documents carrying `feature`, oldest first; none when more than
    /// [`POSTINGS_CAP`] carry it.
    pub fn postings(&self, feature: u64, limit: usize) -> Vec<u64> {
        let Some(b) = self.bucket(feature) else { return Vec::new() };
        let Some(e) = b.get(key_of(feature)) else { return Vec::new() };
        b.postings(e).iter().take(limit).map(|&d| u64::from(d)).collect()
    }

    fn bucket(&self, feature: u64) -> Option<&Bucket> {
        self.buckets.get(bucket_of(feature)).and_then(Option::as_ref)
    }

    /// Number of distinct features in the loaded buckets.
    pub fn len(&self) -> usize {
        self.buckets.iter().flatten().map(|b| b.keys.len()).sum()
    }

    /// Whether no loaded bucket holds a feature.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes of the page of buckets `first..first + len` (empty when they hold nothing or
    /// are not loaded).
    ///
    /// With `m` features ordered by bucket then key, in columns so that the store's block
    /// compression finds the runs: `m` varint; `m` bucket steps, varint (each feature's bucket
    /// minus the previous one's, the first minus `first`: zeros when a page is one bucket);
    /// `m` keys, u32 LE ([`key_of`]: random bits, which no varint or gap coding would shorten
    /// at the sizes that matter); `m` counts, varint (mostly 1); then, for each feature with a
    /// count up to [`POSTINGS_CAP`], its postings as varint gaps (the first from 0).
    pub fn encode_page(&self, first: usize, len: usize) -> Vec<u8> {
        let Some(buckets) = self.buckets.get(first..first.saturating_add(len).min(BUCKETS)) else { return Vec::new() };
        let m: usize = buckets.iter().flatten().map(|b| b.keys.len()).sum();
        if m == 0 {
            return Vec::new();
        }
        let mut out = Vec::with_capacity(m * 9 + 8);
        put_varint(&mut out, m as u64);
        let mut prev = 0;
        for (i, b) in buckets.iter().enumerate() {
            for _ in b.iter().flat_map(|b| &b.keys) {
                put_varint(&mut out, (i - prev) as u64);
                prev = i;
            }
        }
        for k in buckets.iter().flatten().flat_map(|b| &b.keys) {
            out.extend_from_slice(&k.to_le_bytes());
        }
        for e in buckets.iter().flatten().flat_map(|b| &b.entries) {
            put_varint(&mut out, u64::from(e.count));
        }
        for b in buckets.iter().flatten() {
            for e in b.entries.iter().filter(|e| e.count <= POSTINGS_CAP) {
                let mut prev = 0u64;
                for &d in b.postings(e) {
                    put_varint(&mut out, u64::from(d).wrapping_sub(prev));
                    prev = u64::from(d);
                }
            }
        }
        out
    }

    /// Loads the page of buckets `first..first + len` from bytes written by
    /// [`Self::encode_page`], replacing those buckets; on an error none of them changes.
    pub fn load_page(&mut self, first: usize, len: usize, bytes: &[u8]) -> Result<(), BucketError> {
        let err = |reason| BucketError { bucket: first, reason };
        let end = first.checked_add(len).filter(|&e| e <= BUCKETS && len > 0).ok_or(err("no such page"))?;
        let mut pos = 0;
        let m = if bytes.is_empty() { 0 } else { get_varint(bytes, &mut pos).ok_or(err("truncated feature count"))? };
        // Each feature takes at least 6 bytes (step, key, count): bounds what is allocated.
        let m = usize::try_from(m).ok().filter(|&m| m <= bytes.len() / 6).ok_or(err("feature count out of range"))?;
        let mut which = Vec::with_capacity(m);
        let mut sizes = vec![0usize; len];
        let mut b = 0usize;
        for _ in 0..m {
            let step = get_varint(bytes, &mut pos).ok_or(err("truncated bucket steps"))?;
            b = usize::try_from(step).ok().and_then(|s| b.checked_add(s)).filter(|&b| b < len).ok_or(err("feature outside its page"))?;
            sizes[b] += 1;
            which.push(b);
        }
        let keys = bytes.get(pos..pos + 4 * m).ok_or(err("truncated keys"))?;
        pos += 4 * m;
        let mut buckets: Vec<Bucket> = sizes
            .iter()
            .map(|&n| Bucket { keys: Vec::with_capacity(n), entries: Vec::with_capacity(n), lists: Vec::new() })
            .collect();
        for (&b, k) in which.iter().zip(keys.chunks_exact(4)) {
            let key = u32::from_le_bytes([k[0], k[1], k[2], k[3]]);
            let bucket = &mut buckets[b];
            if bucket.keys.last().is_some_and(|&last| last >= key) {
                return Err(err("keys out of order"));
            }
            bucket.keys.push(key);
        }
        let mut counts = Vec::with_capacity(m);
        for _ in 0..m {
            let count = get_varint(bytes, &mut pos).ok_or(err("truncated counts"))?;
            let count = u32::try_from(count).ok().filter(|&c| c > 0).ok_or(err("count out of range"))?;
            counts.push(count);
        }
        for (&b, &count) in which.iter().zip(&counts) {
            let bucket = &mut buckets[b];
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
            bucket.entries.push(entry);
        }
        if pos != bytes.len() {
            return Err(err("trailing bytes"));
        }
        for (slot, bucket) in self.buckets[first..end].iter_mut().zip(buckets) {
            *slot = Some(bucket);
        }
        Ok(())
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

    fn reload(ix: &FeatureIndex, first: usize, len: usize) -> FeatureIndex {
        let mut back = FeatureIndex::unloaded();
        back.load_page(first, len, &ix.encode_page(first, len)).unwrap();
        back
    }

    #[test]
    fn counts_and_postings_follow_adds_and_survive_encoding() {
        let mut ix = FeatureIndex::default();
        let common = 0xdead_beef_u64;
        let rare = 0x1234_u64 << 48 | 7 << 16;
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
            back.load_page(b, 1, &ix.encode_page(b, 1)).unwrap();
        }
        assert_eq!(back.count(common), ix.count(common));
        assert_eq!(back.postings(rare, 10), vec![3, 9]);
        back.add(11, &[rare]);
        assert_eq!(back.postings(rare, 10), vec![3, 9, 11]);

        // The same from one page holding both buckets.
        let back = reload(&ix, 0, 0x2000);
        assert!(back.is_loaded(0x1fff) && !back.is_loaded(0x2000));
        assert_eq!(back.count(common), ix.count(common));
        assert_eq!(back.postings(rare, 10), vec![3, 9]);
        assert_eq!(back.len(), 2);
    }

    #[test]
    fn a_feature_is_known_by_its_top_48_bits() {
        let mut ix = FeatureIndex::default();
        let f = 0x0123_4567_89ab_0000_u64;
        ix.add(1, &[f | 0x1234]);
        assert_eq!(ix.count(f | 0xffff), 1, "the low 16 bits are not kept");
        assert_eq!(ix.count(f ^ 1 << 16), 0);
        assert_eq!(ix.count(f ^ 1 << 63), 0);
        assert_eq!(bucket_of(f), 0x0123);
        assert_eq!(key_of(f), 0x4567_89ab);
    }

    #[test]
    fn an_empty_page_is_no_bytes() {
        let ix = FeatureIndex::default();
        assert!(ix.encode_page(0, 16).is_empty());
        let mut back = FeatureIndex::unloaded();
        back.load_page(0, 16, &[]).unwrap();
        assert!(back.is_loaded(15) && !back.is_loaded(16) && back.is_empty());
        assert!(back.load_page(BUCKETS - 1, 2, &[]).is_err(), "past the last bucket");
        assert!(back.load_page(0, 0, &[]).is_err());
    }

    #[test]
    fn damaged_page_bytes_are_an_error() {
        let mut ix = FeatureIndex::default();
        ix.add(1, &[5 << 16, 6 << 16, 1 << 48]);
        ix.add(2, &[6 << 16]);
        let bytes = ix.encode_page(0, 2);
        let mut back = FeatureIndex::unloaded();
        for cut in 1..bytes.len() {
            assert!(back.load_page(0, 2, &bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(back.load_page(0, 2, &longer).is_err(), "trailing byte");
        assert!(back.load_page(0, 1, &bytes).is_err(), "a feature of bucket 1 in a one-bucket page");
        let mut swapped = bytes.clone();
        // Keys start after the count (1 byte) and the three bucket steps (1 byte each).
        swapped[4..8].copy_from_slice(&bytes[8..12]);
        swapped[8..12].copy_from_slice(&bytes[4..8]);
        assert!(back.load_page(0, 2, &swapped).is_err(), "keys out of order");
        assert!(!back.is_loaded(0) && !back.is_loaded(1));
        back.load_page(0, 2, &bytes).unwrap();
        assert_eq!(back.postings(6 << 16, 10), vec![1, 2]);
    }

    proptest::proptest! {
        #[test]
        fn encoding_round_trips(
            docs in proptest::collection::vec(proptest::collection::vec(0u64..48, 0..20), 0..300),
            salt in proptest::prelude::any::<u64>(),
            page_bits in 0u32..=BUCKET_BITS,
        ) {
            // 48 features spread over the buckets, some sharing a bucket.
            let feature = |f: u64| (crate::text::mix((f / 2) ^ salt) & !0xffff) | (f % 2) << 16;
            let mut ix = FeatureIndex::default();
            for (d, fs) in docs.iter().enumerate() {
                let mut fs: Vec<u64> = fs.iter().map(|&f| feature(f)).collect();
                fs.sort_unstable();
                fs.dedup();
                ix.add(d as u32, &fs);
            }
            let len = 1usize << page_bits;
            let mut back = FeatureIndex::unloaded();
            for first in (0..BUCKETS).step_by(len) {
                back.load_page(first, len, &ix.encode_page(first, len)).unwrap();
            }
            proptest::prop_assert_eq!(back.len(), ix.len());
            for f in 0..48u64 {
                proptest::prop_assert_eq!(back.count(feature(f)), ix.count(feature(f)));
                proptest::prop_assert_eq!(back.postings(feature(f), 500), ix.postings(feature(f), 500));
            }
        }

        #[test]
        fn any_bytes_load_or_fail_without_panicking(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64), page_bits in 0u32..4) {
            let mut back = FeatureIndex::unloaded();
            let _ = back.load_page(0, 1 << page_bits, &bytes);
        }
    }
}
