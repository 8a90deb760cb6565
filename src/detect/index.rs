//! The candidate index in memory: for each feature, how many documents carry it and which.
//!
//! Main items: [`FeatureIndex`] and [`POSTINGS_CAP`]. Features are 64-bit hashes (content
//! stems and sentence fingerprints, see [`super::Profile::index_features`]); documents are
//! numbered by the caller (the archive uses its archive sequence). The index is split into
//! [`BUCKETS`] buckets by the feature's top [`BUCKET_BITS`] bits so that the archive can load and
//! checkpoint it a page (a run of consecutive buckets) at a time ([`FeatureIndex::encode_page`],
//! [`FeatureIndex::load_page`]).
//!
//! # A feature is known by 36 bits of its hash
//!
//! The index keeps the top [`IDENTITY_BITS`] (36) bits of a feature: its bucket (16 bits, implied
//! by where it is kept and stored) and a [`KEY_BITS`]-bit key ([`key_of`]). Features that agree
//! on those 36 bits are counted as one. The hashes are uniform, so a feature looked up in an
//! index of `D` distinct features matches another one with probability about `D / 2^36`: 2.5e-7
//! at 3,000 articles (~17,000 distinct features), 5.8e-4 at 1M articles (some 40M), where a new
//! article meets about one such match among its ~1,500 lookups. A false match only makes the
//! feature look more common than it is (a slightly lower rarity weight) or lends one vote to the
//! other feature's few articles, which then compete for the same bounded candidate slots as any
//! weak candidate and are rejected by verification (sentence alignment of the two texts); it
//! cannot hide a candidate that shares other rare features, nor add a relation. Two archived
//! features merging into one makes both look a little more common. The stored index pays for
//! every bit of the key (its pages are Rice-coded, see [`FeatureIndex::encode_page`]): 36 bits
//! instead of 40 took 4 bits off each of cases3k's 57,602 features (33 KB of its 3.9 MB
//! repository; 12 KB of eval/dev's 0.8 MB), 40 instead of 48 had taken 58 KB, and `stet dups`
//! found the same pairs with the same figures on cases3k, eval/dev and another case set of 3,700
//! files at each step. Pages written with wider keys (32 bits in index format 2, 24 in format 3)
//! are read and narrowed ([`FeatureIndex::load_page_keyed`]).
//!
//! Memory: per distinct feature a 4-byte key and an 8-byte entry in a bucket's sorted arrays
//! (exact after loading, grown by an eighth at a time: no hash-table slack; the hash map keyed by
//! u64 this replaces took ~26 bytes per feature at its average load); a feature carried by one
//! document keeps its posting inline, up to [`POSTINGS_CAP`] postings go to a list, past that
//! only the count is kept (detection never looks up postings of such common features). Lookups
//! are binary searches in a bucket (a few hundred features at a million articles).

/// Most postings kept per feature: the upper bound of [`super::max_postings`].
pub const POSTINGS_CAP: u32 = 200;
/// Bits of the feature hash that select its bucket.
pub const BUCKET_BITS: u32 = 16;
/// Number of buckets.
pub const BUCKETS: usize = 1 << BUCKET_BITS;
/// Bits of a feature's key within its bucket.
pub const KEY_BITS: u32 = 20;
/// Bits of the feature hash the index keeps: the bucket's and the key's.
pub const IDENTITY_BITS: u32 = BUCKET_BITS + KEY_BITS;
const KEY_MASK: u64 = (1 << KEY_BITS) - 1;

/// The bucket of a feature.
pub fn bucket_of(feature: u64) -> usize {
    (feature >> (64 - BUCKET_BITS)) as usize
}

/// The key of a feature in its bucket: the [`KEY_BITS`] bits of the hash after the bucket's.
pub fn key_of(feature: u64) -> u32 {
    ((feature >> (64 - IDENTITY_BITS)) & KEY_MASK) as u32
}

/// Marks an entry whose postings were dropped (count above [`POSTINGS_CAP`]).
const NO_LIST: u32 = u32::MAX;

/// The shape and heap size of an index's loaded buckets ([`FeatureIndex::memory`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IndexMemory {
    /// Buckets in memory (of [`BUCKETS`]).
    pub buckets_loaded: u64,
    /// Distinct features.
    pub features: u64,
    /// Features with a postings list (carried by 2 to [`POSTINGS_CAP`] documents).
    pub lists: u64,
    /// Postings held in those lists.
    pub listed_postings: u64,
    /// Bytes of the buckets' arrays and lists as allocated.
    pub heap_bytes: u64,
}

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
        self.posting_docs(feature).iter().take(limit).map(|&d| u64::from(d)).collect()
    }

    /// All the kept documents carrying `feature`, oldest first, as stored (none when more than
    /// [`POSTINGS_CAP`] carry it or its bucket is not loaded).
    pub fn posting_docs(&self, feature: u64) -> &[u32] {
        let Some(b) = self.bucket(feature) else { return &[] };
        b.get(key_of(feature)).map_or(&[], |e| b.postings(e))
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

    /// What the loaded buckets hold and the heap bytes they take (allocator overhead aside).
    pub fn memory(&self) -> IndexMemory {
        let mut m = IndexMemory { buckets_loaded: 0, features: 0, lists: 0, listed_postings: 0, heap_bytes: 0 };
        let slot = std::mem::size_of::<Option<Bucket>>();
        m.heap_bytes = (self.buckets.capacity() * slot) as u64;
        for b in self.buckets.iter().flatten() {
            m.buckets_loaded += 1;
            m.features += b.keys.len() as u64;
            m.lists += b.lists.iter().filter(|l| !l.is_empty()).count() as u64;
            m.listed_postings += b.lists.iter().map(|l| l.len() as u64).sum::<u64>();
            m.heap_bytes += (b.keys.capacity() * 4 + b.entries.capacity() * std::mem::size_of::<Entry>()) as u64
                + (b.lists.capacity() * std::mem::size_of::<Vec<u32>>()) as u64
                + b.lists.iter().map(|l| l.capacity() as u64 * 4).sum::<u64>();
        }
        m
    }

    /// The bytes of the page of buckets `first..first + len` (empty when they hold nothing or
    /// are not loaded).
    ///
    /// Dense, so that the store's block compression finds nothing left to gain and keeps the
    /// blocks as they are (reading a block then costs its hash check, not a decompression): a
    /// header of `m` (the number of features, varint), `k` (u8) and `w` (u8), then a bit stream
    /// (least significant bit first, zero-padded to a byte) with, for each feature in order of
    /// bucket then key:
    ///
    /// - its place in the page, `(bucket - first) << KEY_BITS | key` ([`key_of`]), as the Rice
    ///   code (parameter `k`, chosen from the page's density) of its gap from the previous one
    ///   (the first from 0). These bits are uniform, so gaps are about geometric and Rice codes
    ///   are within a bit or two of their entropy: ~26 bits per feature at 3,000 articles (pages
    ///   of 128 buckets), ~22 at 100,000 (pages of 4);
    /// - its count, Elias gamma (1 bit for the most common count, 1);
    /// - when the count is at most [`POSTINGS_CAP`], its postings: the first document in `w`
    ///   bits (`w` = the bits of the page's largest document number), and when there are more, a
    ///   5-bit Rice parameter followed by the Rice codes of the gaps between them.
    pub fn encode_page(&self, first: usize, len: usize) -> Vec<u8> {
        self.encode_page_keyed(first, len, KEY_BITS)
    }

    /// [`Self::encode_page`] with keys of `key_bits` bits (tests write older formats' pages with it).
    fn encode_page_keyed(&self, first: usize, len: usize, key_bits: u32) -> Vec<u8> {
        let Some(buckets) = self.buckets.get(first..first.saturating_add(len).min(BUCKETS)) else { return Vec::new() };
        let m: usize = buckets.iter().flatten().map(|b| b.keys.len()).sum();
        if m == 0 {
            return Vec::new();
        }
        let span = (buckets.len() as u64) << key_bits;
        let k = rice_parameter(span / m as u64);
        let max_doc = buckets
            .iter()
            .flatten()
            .flat_map(|b| b.entries.iter().filter(|e| e.count <= POSTINGS_CAP).flat_map(|e| b.postings(e).last()))
            .max()
            .copied()
            .unwrap_or(0);
        let w = 32 - max_doc.leading_zeros();
        let mut out = Vec::with_capacity(m * 6 + 12);
        put_varint(&mut out, m as u64);
        out.push(k as u8);
        out.push(w as u8);
        let mut bits = BitWriter { out, acc: 0, n: 0 };
        let mut prev = 0u64;
        for (i, b) in buckets.iter().enumerate() {
            let Some(b) = b else { continue };
            for (&key, e) in b.keys.iter().zip(&b.entries) {
                let place = (i as u64) << key_bits | u64::from(key);
                bits.rice(place - prev, k);
                prev = place;
                bits.gamma(u64::from(e.count));
                if e.count > POSTINGS_CAP {
                    continue;
                }
                let docs = b.postings(e);
                let Some((&first_doc, rest)) = docs.split_first() else { continue };
                bits.put(u64::from(first_doc), w);
                if let Some(&last) = rest.last() {
                    let kd = rice_parameter(u64::from(last.saturating_sub(first_doc)) / rest.len() as u64);
                    bits.put(u64::from(kd), 5);
                    let mut p = first_doc;
                    for &d in rest {
                        bits.rice(u64::from(d.saturating_sub(p)), kd);
                        p = d;
                    }
                }
            }
        }
        bits.finish()
    }

    /// The page as an older index format wrote it, with `key_bits`-bit keys: each key followed
    /// by zero bits (what such a page of these features narrows back to).
    #[cfg(test)]
    pub(crate) fn encode_page_widened(&self, first: usize, len: usize, key_bits: u32) -> Vec<u8> {
        let widen = |b: &Bucket| Bucket {
            keys: b.keys.iter().map(|&k| k << (key_bits - KEY_BITS)).collect(),
            entries: b.entries.clone(),
            lists: b.lists.clone(),
        };
        let wide = FeatureIndex { buckets: self.buckets.iter().map(|b| b.as_ref().map(widen)).collect() };
        wide.encode_page_keyed(first, len, key_bits)
    }

    /// Loads the page of buckets `first..first + len` from bytes written by
    /// [`Self::encode_page`], replacing those buckets; on an error none of them changes.
    pub fn load_page(&mut self, first: usize, len: usize, bytes: &[u8]) -> Result<(), BucketError> {
        self.load_page_keyed(first, len, bytes, KEY_BITS)
    }

    /// [`Self::load_page`] for a page whose keys have `key_bits` bits (32 in index format 2, 24
    /// in format 3):
    /// keys are cut to their top [`KEY_BITS`] bits, and features that then agree become one,
    /// with the sum of their counts and their postings merged in document order, exactly as if
    /// they had been added as one.
    pub fn load_page_keyed(&mut self, first: usize, len: usize, bytes: &[u8], key_bits: u32) -> Result<(), BucketError> {
        let err = |reason| BucketError { bucket: first, reason };
        if !(KEY_BITS..=32).contains(&key_bits) {
            return Err(err("unsupported key width"));
        }
        let end = first.checked_add(len).filter(|&e| e <= BUCKETS && len > 0).ok_or(err("no such page"))?;
        // Decoded page-wide first, then cut into buckets with exact allocations.
        let mut places: Vec<u64> = Vec::new();
        let mut entries: Vec<Entry> = Vec::new();
        let mut lists: Vec<Vec<u32>> = Vec::new();
        if !bytes.is_empty() {
            let mut pos = 0;
            let m = get_varint(bytes, &mut pos).ok_or(err("truncated header"))?;
            // Each feature takes at least 2 bits (place and count): bounds what is allocated.
            let m = usize::try_from(m).ok().filter(|&m| m > 0 && m <= bytes.len() * 4).ok_or(err("feature count out of range"))?;
            let (k, w) = match bytes.get(pos..pos + 2) {
                Some(&[k, w]) if k <= 48 && w <= 32 => (u32::from(k), u32::from(w)),
                Some(_) => return Err(err("bad header")),
                None => return Err(err("truncated header")),
            };
            let mut bits = BitReader { bytes: &bytes[pos + 2..], pos: 0 };
            let span = (len as u64) << key_bits;
            let mut place = 0u64;
            places.reserve_exact(m);
            entries.reserve_exact(m);
            for i in 0..m {
                let gap = bits.rice(k).ok_or(err("truncated features"))?;
                if i > 0 && gap == 0 {
                    return Err(err("features out of order"));
                }
                place = place.checked_add(gap).filter(|&p| p < span).ok_or(err("feature outside its page"))?;
                let count = bits.gamma().ok_or(err("truncated counts"))?;
                let count = u32::try_from(count).map_err(|_| err("count out of range"))?;
                let entry = if count > POSTINGS_CAP {
                    Entry { count, post: NO_LIST }
                } else {
                    let first_doc = bits.get(w).ok_or(err("truncated postings"))? as u32;
                    if count == 1 {
                        Entry { count, post: first_doc }
                    } else {
                        let kd = bits.get(5).ok_or(err("truncated postings"))? as u32;
                        let mut docs = Vec::with_capacity(count as usize);
                        docs.push(first_doc);
                        let mut d = u64::from(first_doc);
                        for _ in 1..count {
                            d = d.checked_add(bits.rice(kd).ok_or(err("truncated postings"))?).ok_or(err("document number out of range"))?;
                            docs.push(u32::try_from(d).map_err(|_| err("document number out of range"))?);
                        }
                        lists.push(docs);
                        // A page-wide list number for now.
                        Entry { count, post: (lists.len() - 1) as u32 }
                    }
                };
                places.push(place);
                entries.push(entry);
            }
            if !bits.at_end() {
                return Err(err("trailing bytes"));
            }
            if key_bits > KEY_BITS {
                (places, entries, lists) = narrow_keys(&places, entries, lists, key_bits);
            }
        }
        let has_list = |e: &Entry| (2..=POSTINGS_CAP).contains(&e.count);
        let mut lists = lists.into_iter();
        let (mut i, mut list_base) = (0usize, 0u32);
        for (b, slot) in self.buckets[first..end].iter_mut().enumerate() {
            let n = places[i..].iter().take_while(|&&p| (p >> KEY_BITS) as usize == b).count();
            let (keys, bucket_entries) = (&places[i..i + n], &entries[i..i + n]);
            let n_lists = bucket_entries.iter().filter(|e| has_list(e)).count();
            *slot = Some(Bucket {
                keys: keys.iter().map(|&p| (p & KEY_MASK) as u32).collect(),
                entries: bucket_entries
                    .iter()
                    .map(|&e| if has_list(&e) { Entry { count: e.count, post: e.post - list_base } } else { e })
                    .collect(),
                lists: lists.by_ref().take(n_lists).collect(),
            });
            i += n;
            list_base += n_lists as u32;
        }
        Ok(())
    }
}

/// Page-wide features decoded with `from`-bit keys, their keys cut to [`KEY_BITS`] bits (see
/// [`FeatureIndex::load_page_keyed`]). Lists are numbered page-wide in feature order, and
/// cutting keeps that order, so only the last feature kept can meet the next one.
fn narrow_keys(places: &[u64], entries: Vec<Entry>, mut lists: Vec<Vec<u32>>, from: u32) -> (Vec<u64>, Vec<Entry>, Vec<Vec<u32>>) {
    let has_list = |e: &Entry| (2..=POSTINGS_CAP).contains(&e.count);
    let mut out_places: Vec<u64> = Vec::with_capacity(places.len());
    let mut out_entries: Vec<Entry> = Vec::with_capacity(entries.len());
    let mut out_lists: Vec<Vec<u32>> = Vec::with_capacity(lists.len());
    for (&p, e) in places.iter().zip(entries) {
        let place = (p >> from) << KEY_BITS | (p & ((1 << from) - 1)) >> (from - KEY_BITS);
        let docs = match e.count {
            1 => vec![e.post],
            _ if has_list(&e) => lists.get_mut(e.post as usize).map(std::mem::take).unwrap_or_default(),
            _ => Vec::new(),
        };
        let last = out_entries.last_mut().filter(|_| out_places.last() == Some(&place));
        let Some(last) = last else {
            out_places.push(place);
            out_entries.push(if has_list(&e) {
                out_lists.push(docs);
                Entry { count: e.count, post: (out_lists.len() - 1) as u32 }
            } else {
                e
            });
            continue;
        };
        let count = last.count.saturating_add(e.count);
        let last_docs = match last.count {
            1 => vec![last.post],
            _ if has_list(last) => out_lists.pop().unwrap_or_default(),
            _ => Vec::new(),
        };
        *last = if count > POSTINGS_CAP {
            Entry { count, post: NO_LIST }
        } else {
            // Documents are added in increasing order: the merged list is the sorted union.
            let mut merged = [last_docs, docs].concat();
            merged.sort_unstable();
            out_lists.push(merged);
            Entry { count, post: (out_lists.len() - 1) as u32 }
        };
    }
    (out_places, out_entries, out_lists)
}

/// The Rice parameter for values of about `mean`: its bits minus one (0 for means below 2).
fn rice_parameter(mean: u64) -> u32 {
    mean.checked_ilog2().unwrap_or(0)
}

/// Writes bits least significant first.
struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl BitWriter {
    /// The low `bits` bits of `v` (at most 32 at a time, so the accumulator never overflows).
    fn put(&mut self, v: u64, bits: u32) {
        let mut v = v;
        let mut bits = bits;
        while bits > 0 {
            let take = bits.min(32);
            self.acc |= (v & ((1u64 << take) - 1)) << self.n;
            self.n += take;
            v >>= take;
            bits -= take;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
    }

    /// `v` as `v >> k` one bits, a zero bit, then the low `k` bits.
    fn rice(&mut self, v: u64, k: u32) {
        let mut q = v >> k;
        while q >= 32 {
            self.put(u64::from(u32::MAX), 32);
            q -= 32;
        }
        self.put((1u64 << q) - 1, q as u32 + 1);
        self.put(v, k);
    }

    /// `v >= 1` in Elias gamma, least significant first: as many zero bits as `v` has bits
    /// after its leading one, a one bit, then those bits.
    fn gamma(&mut self, v: u64) {
        let n = v.max(1).ilog2();
        self.put(0, n);
        self.put(1, 1);
        self.put(v, n);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// Reads what [`BitWriter`] wrote; every read is bounds-checked (`None` past the end).
struct BitReader<'a> {
    bytes: &'a [u8],
    /// The next bit.
    pos: usize,
}

impl BitReader<'_> {
    /// The next 57 bits or more from the current one (zeros past the end), without taking them.
    #[inline]
    fn peek(&self) -> u64 {
        let byte = self.pos / 8;
        let window = match self.bytes.get(byte..byte + 8) {
            Some(w) => u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]),
            None => {
                let mut w = [0u8; 8];
                let tail = self.bytes.get(byte..).unwrap_or(&[]);
                w[..tail.len()].copy_from_slice(tail);
                u64::from_le_bytes(w)
            }
        };
        window >> (self.pos % 8)
    }

    /// Takes `bits` bits, when that many are left.
    #[inline]
    fn skip(&mut self, bits: u32) -> Option<()> {
        let end = self.pos.checked_add(bits as usize).filter(|&e| e <= self.bytes.len() * 8)?;
        self.pos = end;
        Some(())
    }

    /// The next `bits` bits (at most 56).
    #[inline]
    fn get(&mut self, bits: u32) -> Option<u64> {
        let v = self.peek() & ((1u64 << bits) - 1);
        self.skip(bits)?;
        Some(v)
    }

    /// A Rice code with parameter `k` (at most 48); `None` when truncated or above 2^64.
    #[inline]
    fn rice(&mut self, k: u32) -> Option<u64> {
        let w = self.peek();
        let ones = w.trailing_ones();
        if ones + 1 + k <= 56 {
            let v = u64::from(ones) << k | (w >> (ones + 1)) & ((1u64 << k) - 1);
            self.skip(ones + 1 + k)?;
            return Some(v);
        }
        // A long run of ones (or a large k): 32 bits at a time.
        let mut q = 0u64;
        loop {
            let ones = (self.peek() as u32).trailing_ones();
            q += u64::from(ones);
            if ones < 32 {
                self.skip(ones + 1)?;
                break;
            }
            self.skip(32)?;
        }
        let low = self.get(k)?;
        q.checked_mul(1u64 << k).map(|h| h | low)
    }

    /// An Elias gamma code (at most 32 bits after the leading one).
    #[inline]
    fn gamma(&mut self) -> Option<u64> {
        let n = self.peek().trailing_zeros();
        if n > 32 {
            return None;
        }
        self.skip(n + 1)?;
        Some(1u64 << n | self.get(n)?)
    }

    /// Whether only the zero padding of the last byte is left.
    fn at_end(&self) -> bool {
        match (self.bytes.len() * 8).checked_sub(self.pos) {
            Some(0) => true,
            Some(r) if r < 8 => self.bytes.last().is_some_and(|&b| b >> (self.pos % 8) == 0),
            _ => false,
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
    /// Pages of index formats 2 and 3 (32- and 24-bit keys) load as the index the same
    /// documents make with [`KEY_BITS`]-bit keys: features that meet are summed, postings
    /// merged, lists dropped past the cap.
    #[test]
    fn pages_with_wider_keys_narrow_to_the_index_built_directly() {
        for key_bits in [32u32, 24] {
            let mut x = 0x9e37_79b9_7f4a_7c15u64;
            let mut next = || {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x
            };
            // Bucket 0..4, with groups that agree on 36 bits and differ below, within the wider
            // keys (they meet when cut).
            let mut features: Vec<u64> = Vec::new();
            for g in 0..300u64 {
                let top = (g % 4) << 48 | (next() & 0xffff_f000_0000);
                for low in 0..(1 + g % 3) {
                    features.push(top | low << 24 | (next() & 0xff_ffff));
                }
            }
            let key_mask = (1u64 << key_bits) - 1;
            let (mut wide, mut direct) = (FeatureIndex::default(), FeatureIndex::default());
            for doc in 0..400u32 {
                let mut carried: Vec<u64> = features.iter().copied().filter(|_| next() % 7 == 0).collect();
                if doc % 3 == 0 {
                    carried = features.clone(); // common features: counts past the cap
                }
                carried.sort_unstable();
                carried.dedup();
                let mut keys: Vec<(usize, u32)> = carried.iter().map(|&f| (bucket_of(f), (f >> (48 - key_bits) & key_mask) as u32)).collect();
                keys.dedup();
                for (b, key) in keys {
                    wide.buckets[b].get_or_insert_with(Bucket::default).add(key, doc);
                }
                direct.add(doc, &carried);
            }
            let stored = wide.encode_page_keyed(0, 4, key_bits);
            let mut back = FeatureIndex::unloaded();
            back.load_page_keyed(0, 4, &stored, key_bits).unwrap();
            assert!(direct.memory().features < wide.memory().features, "some features met ({key_bits} bits)");
            let counts: Vec<u64> = features.iter().map(|&f| direct.count(f)).collect();
            assert!(counts.iter().any(|&c| c > u64::from(POSTINGS_CAP)) && counts.iter().any(|&c| (2..=u64::from(POSTINGS_CAP)).contains(&c)));
            assert_eq!(back.encode_page(0, 4), direct.encode_page(0, 4), "{key_bits} bits");
            for &f in &features {
                assert_eq!((back.count(f), back.posting_docs(f)), (direct.count(f), direct.posting_docs(f)));
            }
            assert!(back.load_page_keyed(0, 4, &stored, 16).is_err(), "narrower than KEY_BITS");
        }
    }

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
    fn a_feature_is_known_by_its_top_36_bits() {
        assert_eq!(IDENTITY_BITS, 36);
        let mut ix = FeatureIndex::default();
        let f = 0x0123_4567_8000_0000_u64;
        ix.add(1, &[f | 0xab_1234]);
        assert_eq!(ix.count(f | 0xfff_ffff), 1, "the low 28 bits are not kept");
        assert_eq!(ix.count(f ^ 1 << 28), 0);
        assert_eq!(ix.count(f ^ 1 << 63), 0);
        assert_eq!(bucket_of(f), 0x0123);
        assert_eq!(key_of(f), 0x4_5678);
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
        ix.add(1, &[5 << 28, 6 << 28, 1 << 48]);
        ix.add(2, &[6 << 28]);
        let bytes = ix.encode_page(0, 2);
        let mut back = FeatureIndex::unloaded();
        for cut in 1..bytes.len() {
            assert!(back.load_page(0, 2, &bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(back.load_page(0, 2, &longer).is_err(), "trailing byte");
        assert!(back.load_page(0, 1, &bytes).is_err(), "a feature of bucket 1 in a one-bucket page");
        for bit in 0..bytes.len() * 8 {
            let mut flipped = bytes.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            // An error, or a page that decodes to something else: never a panic.
            if FeatureIndex::unloaded().load_page(0, 2, &flipped).is_ok() {
                let _ = FeatureIndex::unloaded().encode_page(0, 2);
            }
        }
        assert!(!back.is_loaded(0) && !back.is_loaded(1));
        back.load_page(0, 2, &bytes).unwrap();
        assert_eq!(back.postings(6 << 28, 10), vec![1, 2]);
    }

    proptest::proptest! {
        #[test]
        fn encoding_round_trips(
            docs in proptest::collection::vec(proptest::collection::vec(0u64..48, 0..20), 0..300),
            salt in proptest::prelude::any::<u64>(),
            page_bits in 0u32..=BUCKET_BITS,
            first_doc in 0u32..(u32::MAX - 400),
        ) {
            // 48 features spread over the buckets, some sharing a bucket.
            let feature = |f: u64| (crate::text::mix((f / 2) ^ salt) & !0xffff) | (f % 2) << 16;
            let mut ix = FeatureIndex::default();
            for (d, fs) in docs.iter().enumerate() {
                let mut fs: Vec<u64> = fs.iter().map(|&f| feature(f)).collect();
                fs.sort_unstable();
                fs.dedup();
                ix.add(first_doc + d as u32, &fs);
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
