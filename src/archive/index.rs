//! The archive's candidate index: a [`FeatureIndex`] in memory, loaded a page at a time from
//! the store and checkpointed to it.
//!
//! Main items: [`IndexState`] and the `Archive` methods `index_article`, `checkpoint_index` and
//! the [`Corpus`](crate::detect::Corpus) reads in `corpus.rs`.
//!
//! The index is derived data: articles are committed first, the index follows in memory, and
//! dirty pages are written back ([`ks::INDEX`], with the covered article count under
//! `indexed-seq` in [`ks::META`], in one atomic batch) only now and then: when the articles not
//! yet checkpointed reach a quarter of those that are (at least [`MIN_CHECKPOINT`]), and when
//! the archive is closed with any pending ([`CLOSE_CHECKPOINT`]). Whatever a kill loses is
//! rebuilt on the next use from the article log (`catch_up`), so each article costs a handful of
//! sled keys instead of one per feature, and rewriting pages stays proportional to the index.
//!
//! # Pages
//!
//! The store keeps the index's [`BUCKETS`] buckets in pages of `2^shift` consecutive buckets,
//! each under its first bucket (u16 BE); a page is loaded whole. The shift follows the archive's
//! size ([`page_shift`]): a page holds the features of about [`ARTICLES_PER_PAGE`] articles
//! (~350 bytes), and from 131,072 articles on a page is one bucket. Why not always one bucket:
//! every stored key costs the same whatever its size (a sled lookup, a pack Bloom filter probe
//! and block search to read it, ~5,000 instructions; ~13 bytes of pack entry and 10 Bloom bits to
//! keep it), and 65,536 keys for an archive of 3,000 articles would hold one or two features each
//! (at two articles per page the keys cost 2.5% of the index). Why one bucket at scale: what a
//! fresh process decodes then follows its lookups (a few hundred features each), not the
//! archive's size, where 4,096 buckets made each lookup decode 1/4,096 of the index. Dirty pages
//! are those with a dirty bucket: while archiving many articles that is nearly all of them (2,000
//! articles carry some 400,000 features), so a checkpoint rewrites about the whole index
//! whatever the page size, and checkpoints are spaced so that this stays proportional to the
//! index; a close that checkpoints a few hundred articles rewrites only their pages.
//!
//! `index-format` in [`ks::META`] holds `[INDEX_FORMAT, shift]`. A checkpoint whose article count
//! calls for another shift loads every page (a process that checkpoints has loaded nearly all of
//! them already) and writes all of them under the new shift; the shift only shrinks as the archive
//! grows, so every old page key is a new page key too and is overwritten (with empty bytes when
//! that page is now empty).
//!
//! # Older repositories
//!
//! Format 2 stored 32-bit keys (48 bits of each feature), format 3 24-bit keys (40 bits). Their
//! pages are read and narrowed to [`KEY_BITS`] as they load, and the first checkpoint rewrites
//! every page in format 4 (as a change of shift does), marker included, in one batch; until then
//! the stored pages and the marker stay as they were. Closing an archive that opened such an
//! index checkpoints it. (A build that reads format 3 at most discards a format-4 index, as
//! below, and rebuilds it.)
//!
//! Before format 2 (no `index-format`), the index was 4,096 buckets under the same kind of keys,
//! each feature stored with its 64 bits. An index without a marker this build reads is discarded
//! when first opened (its keys and `indexed-seq` removed and the marker written, in one batch)
//! and rebuilt from the article log as `catch_up` indexes every article again.

use super::add::be_u64;
use super::{ks, Archive};
use crate::detect::{bucket_of, FeatureIndex, BUCKETS, BUCKET_BITS, KEY_BITS};
use crate::error::{Error, Result};

/// Fewest pending articles that trigger a checkpoint while archiving.
pub const MIN_CHECKPOINT: u64 = 2_000;
/// Pending articles above which closing the archive checkpoints: none, so every close
/// checkpoints what it added. Articles left out are re-indexed from the log by every later
/// `add` until a checkpoint, each reloading the pages its features are in; left out up to 256,
/// 40 one-file adds in a row into a million-article archive took 2.90 s of CPU against 1.84 s
/// when each close writes its article's few hundred pages.
pub const CLOSE_CHECKPOINT: u64 = 0;
/// Articles whose profiles `catch_up` rebuilds at once (in parallel).
const CATCH_UP_CHUNK: u64 = 64;
/// Articles whose features one stored page holds, about (see the module doc).
pub const ARTICLES_PER_PAGE: u64 = 2;
/// The layout of the stored index this build writes (see the module doc): 4, keys of
/// [`KEY_BITS`] bits. Formats 2 (32-bit keys) and 3 (24-bit keys) are read, narrowed, and
/// rewritten whole at the next checkpoint.
pub const INDEX_FORMAT: u8 = 4;
/// The older layouts still read: pages with 32-bit keys,
const INDEX_FORMAT_32: u8 = 2;
/// and pages with 24-bit keys.
const INDEX_FORMAT_24: u8 = 3;

/// Whether to load every page in one pass rather than the next ones one at a time (see
/// [`Archive::load_buckets`]): `wanted` pages asked for one at a time so far (those about to be
/// loaded included) of `pages`; `loaded` of them read already, `loaded_bytes` stored; `read_bytes`
/// of store blocks read from disk for them.
fn load_all_at_once(wanted: usize, pages: usize, loaded: usize, loaded_bytes: usize, read_bytes: u64) -> bool {
    // The stored index's size, estimated from the pages read so far.
    let index_bytes = match loaded {
        0 => u64::MAX,
        n => loaded_bytes as u64 * pages as u64 / n as u64,
    };
    wanted > pages / 4 || read_bytes > index_bytes
}

/// Bits of the keys in the stored pages of an index of `format`, when this build reads it.
fn format_key_bits(format: u8) -> Option<u32> {
    match format {
        INDEX_FORMAT => Some(KEY_BITS),
        INDEX_FORMAT_24 => Some(24),
        INDEX_FORMAT_32 => Some(32),
        _ => None,
    }
}
/// The key of `[INDEX_FORMAT, shift]` in [`ks::META`].
const FORMAT_KEY: &[u8] = b"index-format";

/// The page shift for an index of `articles` articles: pages of `2^shift` buckets, about
/// `articles / ARTICLES_PER_PAGE` pages (a power of two, from 1 to [`BUCKETS`]).
pub fn page_shift(articles: u64) -> u32 {
    let pages = (articles / ARTICLES_PER_PAGE).clamp(1, BUCKETS as u64);
    BUCKET_BITS - pages.ilog2()
}

/// The index of an open archive.
pub(crate) struct IndexState {
    pub(crate) index: FeatureIndex,
    /// Articles (archive sequences `0..covered`) the in-memory index holds.
    pub(crate) covered: u64,
    /// Articles the stored pages hold.
    checkpointed: u64,
    /// Buckets changed since the last checkpoint.
    dirty: Vec<bool>,
    /// Pages of the stored index (and of loading) are `2^shift` buckets.
    shift: u32,
    /// Bits of the keys in the stored pages: [`KEY_BITS`], or until the first checkpoint of an
    /// index of an older format (which rewrites every page) 32 (format 2) or 24 (format 3).
    stored_key_bits: u32,
    /// Pages loaded one at a time so far, their stored bytes, and the bytes of the store blocks
    /// read from disk for them (see [`Archive::load_buckets`]).
    fetched: usize,
    fetched_bytes: usize,
    read_bytes: u64,
    /// Bytes of the stored entry (key and value) of each page loaded or written, by its first
    /// bucket (0: none, or not read): what rewriting that page leaves dead in the packs.
    stored_bytes: Vec<u32>,
}

impl IndexState {
    /// An empty index, all loaded, for a store that holds none (stored pages, if any, are to be
    /// removed): its first checkpoint writes every page.
    fn empty() -> IndexState {
        IndexState {
            index: FeatureIndex::default(),
            covered: 0,
            checkpointed: 0,
            dirty: vec![false; BUCKETS],
            shift: BUCKET_BITS,
            stored_key_bits: KEY_BITS,
            fetched: 0,
            fetched_bytes: 0,
            read_bytes: 0,
            stored_bytes: vec![0; BUCKETS],
        }
    }

    /// Buckets per stored page.
    fn page_len(&self) -> usize {
        1 << self.shift
    }

    /// Records the size of page `first`'s stored entry (`value_len` bytes of value).
    fn note_stored(&mut self, first: usize, value_len: usize) {
        let bytes = stet_store::Batch::entry_bytes(ks::INDEX, page_key(first).len(), value_len);
        self.stored_bytes[first] = u32::try_from(bytes).unwrap_or(u32::MAX);
    }

    /// The recorded size of page `first`'s stored entry, forgotten: it is being replaced.
    fn take_stored(&mut self, first: usize) -> u64 {
        u64::from(std::mem::take(&mut self.stored_bytes[first]))
    }
}

fn meta_u64(archive: &Archive, key: &[u8]) -> Result<u64> {
    Ok(archive.store.get(ks::META, key)?.map(|v| be_u64(&v)).unwrap_or(0))
}

fn page_key(first: usize) -> [u8; 2] {
    (first as u16).to_be_bytes()
}

fn index_error(e: impl std::fmt::Display) -> Error {
    Error::Record { what: "candidate index".into(), reason: format!("{e}; `stet reindex` rebuilds it") }
}

impl Archive {
    /// Runs `f` on the index, opening it (and catching up with the log) on first use.
    pub(crate) fn with_index<R>(&self, f: impl FnOnce(&mut IndexState) -> R) -> Result<R> {
        if self.index.borrow().is_none() {
            let known = match self.store.get(ks::META, FORMAT_KEY)?.as_deref() {
                Some(&[format, shift]) if u32::from(shift) <= BUCKET_BITS => format_key_bits(format).map(|bits| (bits, shift)),
                _ => None,
            };
            let state = match known {
                Some((stored_key_bits, shift)) => {
                    let checkpointed = meta_u64(self, b"indexed-seq")?;
                    IndexState {
                        index: FeatureIndex::unloaded(),
                        covered: checkpointed,
                        checkpointed,
                        dirty: vec![false; BUCKETS],
                        shift: u32::from(shift),
                        stored_key_bits,
                        fetched: 0,
                        fetched_bytes: 0,
                        read_bytes: 0,
                        stored_bytes: vec![0; BUCKETS],
                    }
                }
                None => self.discard_stored_index()?,
            };
            *self.index.borrow_mut() = Some(state);
            self.catch_up(&super::NoProgress)?;
        }
        let mut guard = self.index.borrow_mut();
        match guard.as_mut() {
            Some(state) => Ok(f(state)),
            None => Err(Error::Record { what: "candidate index".into(), reason: "not open".into() }),
        }
    }

    /// Removes the stored index (pages and `indexed-seq`) and writes the current format marker, in
    /// one batch; returns the empty index that replaces it.
    fn discard_stored_index(&self) -> Result<IndexState> {
        let mut batch = self.store.batch();
        let (mut pages, mut dead) = (0u64, 0u64);
        for kv in self.store.iter(ks::INDEX) {
            let (k, v) = kv?;
            batch.remove(ks::INDEX, &k);
            pages += 1;
            dead += stet_store::Batch::entry_bytes(ks::INDEX, k.len(), v.len());
        }
        // Counted so that the space they hold in packs is merged away (`stet reindex` at scale).
        batch.supersedes(dead);
        if pages > 0 {
            tracing::info!(pages, "candidate index from an older format: rebuilding it from the article log");
        }
        batch.remove(ks::META, b"indexed-seq");
        let state = IndexState::empty();
        batch.insert(ks::META, FORMAT_KEY, &[INDEX_FORMAT, state.shift as u8]);
        self.store.commit(batch)?;
        Ok(state)
    }

    /// The count of `feature` when the index is open and its bucket loaded (the fast path).
    pub(crate) fn loaded_count(&self, feature: u64) -> Option<u64> {
        let guard = self.index.borrow();
        let s = guard.as_ref()?;
        s.index.is_loaded(bucket_of(feature)).then(|| s.index.count(feature))
    }

    /// Loads the pages holding `features` that are not in memory yet.
    ///
    /// One at a time while few are needed (adding a few articles); all the others in one pass
    /// ([`Self::load_all_pages`]) once a quarter of the pages have been loaded, or once the store
    /// blocks read for them add up to the stored index's size (estimated from the pages loaded).
    /// Decoding is most of what a page costs, and a command that has needed a quarter of them
    /// will need nearly all; each page read also reads and checks the ~32 KB block around it,
    /// and reads it again once the store's block cache has dropped it, which the second bound
    /// caps at one pass's worth. An article looks up a few hundred pages: at a million articles
    /// (65,536 pages, about 40 MB stored) the rule this replaces, a quarter of the blocks (some
    /// 1,300), was reached by the second article of any add, which then decoded the whole
    /// index: 290 ms for a one-file add that takes 30 ms without.
    pub(crate) fn load_buckets(&self, features: &[u64]) -> Result<()> {
        let (missing, len, scan) = self.with_index(|s| {
            let len = s.page_len();
            let mut m: Vec<usize> =
                features.iter().map(|&f| bucket_of(f) & !(len - 1)).filter(|&p| !s.index.is_loaded(p)).collect();
            m.sort_unstable();
            m.dedup();
            let loaded = s.fetched;
            s.fetched += m.len();
            let scan = !m.is_empty() && load_all_at_once(s.fetched, BUCKETS / len, loaded, s.fetched_bytes, s.read_bytes);
            (m, len, scan)
        })?;
        if scan {
            return self.load_all_pages();
        }
        let read_before = self.store.block_reads().bytes;
        for p in missing {
            let bytes = self.store.get(ks::INDEX, &page_key(p))?.unwrap_or_default();
            self.with_index(|s| {
                s.fetched_bytes += bytes.len();
                if !bytes.is_empty() {
                    s.note_stored(p, bytes.len());
                }
                s.index.load_page_keyed(p, len, &bytes, s.stored_key_bits)
            })?
            .map_err(index_error)?;
        }
        let read = self.store.block_reads().bytes.saturating_sub(read_before);
        self.with_index(|s| s.read_bytes = s.read_bytes.saturating_add(read))?;
        Ok(())
    }

    /// Loads every page not in memory yet, in one pass over the stored index.
    fn load_all_pages(&self) -> Result<()> {
        let len = self.with_index(|s| s.page_len())?;
        for kv in self.store.iter(ks::INDEX) {
            let (k, v) = kv?;
            let first = match <[u8; 2]>::try_from(k.as_slice()) {
                Ok(k) => usize::from(u16::from_be_bytes(k)),
                Err(_) => return Err(index_error(format!("a page key of {} bytes", k.len()))),
            };
            if first % len != 0 {
                return Err(index_error(format!("page key {first} is not a multiple of {len}")));
            }
            self.with_index(|s| {
                if s.index.is_loaded(first) {
                    return Ok(());
                }
                s.note_stored(first, v.len());
                s.index.load_page_keyed(first, len, &v, s.stored_key_bits)
            })?
            .map_err(index_error)?;
        }
        self.with_index(|s| {
            for p in (0..BUCKETS).step_by(len) {
                if !s.index.is_loaded(p) {
                    s.index.load_page(p, len, &[])?;
                }
            }
            Ok::<(), crate::detect::BucketError>(())
        })?
        .map_err(index_error)
    }

    /// Loads the whole candidate index and reports its shape and size in memory (reads every
    /// stored page: for benchmarks and diagnosis).
    pub fn index_memory(&self) -> Result<crate::detect::IndexMemory> {
        self.load_all_pages()?;
        self.with_index(|s| s.index.memory())
    }

    /// Adds a committed article (archive sequence `seq`) to the index.
    pub(crate) fn index_article(&self, seq: u64, features: &[u64]) -> Result<()> {
        self.load_buckets(features)?;
        let doc = u32::try_from(seq).map_err(|_| Error::Record {
            what: "candidate index".into(),
            reason: format!("archive sequence {seq} beyond the index's range"),
        })?;
        let due = self.with_index(|s| {
            s.index.add(doc, features);
            for &f in features {
                s.dirty[bucket_of(f)] = true;
            }
            s.covered = s.covered.max(seq + 1);
            s.covered - s.checkpointed >= MIN_CHECKPOINT.max(s.checkpointed / 4)
        })?;
        if due {
            self.checkpoint_index()?;
        }
        Ok(())
    }

    /// Indexes the archived articles the index does not hold yet (after a kill, or when a
    /// close left some out: at most [`CLOSE_CHECKPOINT`]).
    fn catch_up(&self, progress: &dyn super::Progress) -> Result<()> {
        let next = self.article_count()?;
        let mut seq = self.with_index(|s| s.covered)?;
        if seq < next {
            tracing::info!(from = seq, to = next, "indexing articles the candidate index does not hold yet");
        }
        progress.start("indexing", next - seq.min(next));
        // Profiles are rebuilt a chunk at a time, on both cores; indexing stays in order.
        while seq < next {
            let end = next.min(seq + CATCH_UP_CHUNK);
            let ids = (seq..end).map(|k| self.logged_id(k)).collect::<Result<Vec<_>>>()?;
            for profile in self.profiles_of(&ids)? {
                self.index_article(seq, &profile.index_features())?;
                progress.inc(1);
                seq += 1;
            }
        }
        Ok(())
    }

    /// Rebuilds the candidate index from the archived texts (after damage, or to reclaim its
    /// space); returns the number of articles indexed.
    pub fn reindex(&self, progress: &dyn super::Progress) -> Result<u64> {
        *self.index.borrow_mut() = Some(self.discard_stored_index()?);
        self.catch_up(progress)?;
        progress.finish();
        self.checkpoint_index()?;
        self.flush()?;
        self.with_index(|s| s.covered)
    }

    /// Writes the dirty pages, the covered count and the format marker in one batch (every page,
    /// under a new shift, when the article count calls for one).
    pub(crate) fn checkpoint_index(&self) -> Result<()> {
        let (old, covered, narrowed) = self.with_index(|s| (s.shift, s.covered, s.stored_key_bits != KEY_BITS))?;
        let new = page_shift(covered);
        // Every page is rewritten under a new shift, and when the stored pages have keys of
        // another width (all pages carry the one format marker).
        let rewrite_all = new != old || narrowed;
        let mut stale = Vec::new();
        if rewrite_all {
            self.load_all_pages()?;
            if new > old {
                // Coarser pages (not while an archive grows): old keys that start no new page go.
                for kv in self.store.iter(ks::INDEX) {
                    let (k, _) = kv?;
                    stale.push(k);
                }
            }
        }
        let Some(pages) = self.with_index(|s| {
            let len = 1usize << new;
            let pages: Vec<([u8; 2], Vec<u8>)> = (0..BUCKETS)
                .step_by(len)
                .filter(|&p| rewrite_all || s.dirty[p..p + len].contains(&true))
                .map(|p| (p, s.index.encode_page(p, len)))
                .filter(|(p, bytes)| !bytes.is_empty() || (rewrite_all && p % (1 << old) == 0))
                .map(|(p, bytes)| (page_key(p), bytes))
                .collect();
            (s.covered > s.checkpointed || !pages.is_empty()).then_some(pages)
        })?
        else {
            return Ok(());
        };
        // The stored versions these pages replace are dead in the packs until merged away.
        let dead = self.with_index(|s| {
            let mut dead = 0;
            for k in &stale {
                if let Ok(k) = <[u8; 2]>::try_from(k.as_slice()) {
                    dead += s.take_stored(usize::from(u16::from_be_bytes(k)));
                }
            }
            for (k, bytes) in &pages {
                let first = usize::from(u16::from_be_bytes(*k));
                dead += s.take_stored(first);
                s.note_stored(first, bytes.len());
            }
            dead
        })?;
        let mut batch = self.store.batch();
        for k in &stale {
            batch.remove(ks::INDEX, k);
        }
        for (k, bytes) in &pages {
            batch.insert(ks::INDEX, k, bytes);
        }
        batch.supersedes(dead);
        batch.insert(ks::META, b"indexed-seq", &covered.to_be_bytes());
        batch.insert(ks::META, FORMAT_KEY, &[INDEX_FORMAT, new as u8]);
        // A pack of its own: through sled, a checkpoint of the whole index took ~9 times its
        // bytes in memory (see `Store::commit_packed`).
        self.store.commit_packed(batch)?;
        self.with_index(|s| {
            s.dirty.iter_mut().for_each(|d| *d = false);
            s.checkpointed = covered;
            s.shift = new;
            s.stored_key_bits = KEY_BITS;
        })?;
        Ok(())
    }

    /// Checkpoints the index if enough articles would otherwise be re-indexed on the next open.
    pub(crate) fn close_index(&self) -> Result<()> {
        // An index of the older format is rewritten at the first close of a process that used
        // it, once, rather than narrowed again by every process that loads it.
        let (pending, narrowed) = match self.index.borrow().as_ref() {
            Some(s) => (s.covered - s.checkpointed, s.stored_key_bits != KEY_BITS),
            None => return Ok(()),
        };
        if pending > CLOSE_CHECKPOINT || narrowed {
            self.checkpoint_index()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::{AddRequest, Archive, OpenOptions, RelationKind};
    use crate::detect::{BUCKETS, KEY_BITS};

    fn seed(name: &str) -> AddRequest {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seeds").join(name);
        AddRequest { input: name.into(), bytes: std::fs::read(path).unwrap(), ..Default::default() }
    }

    fn open(dir: &std::path::Path) -> Archive {
        Archive::open(dir, OpenOptions { now: Some("2026-01-01T00:00:00Z".into()), ..Default::default() }).unwrap()
    }

    fn rewrite_found(archive: &Archive) -> bool {
        let out = archive.add(&seed("002_cd06db6dfbca252d.txt")).unwrap();
        out.relations.iter().any(|r| r.kind == RelationKind::Rewrite)
    }

    #[test]
    fn articles_left_out_of_the_stored_index_are_caught_up_from_the_log() {
        let dir = tempfile::tempdir().unwrap();
        {
            let a = open(dir.path());
            a.add(&seed("000_856e4ff5e2b4e0a7.txt")).unwrap();
            a.add(&seed("001_1848e0611e54fac2.txt")).unwrap();
            a.checkpoint_index().unwrap();
            // As if killed before any checkpoint: only the log has them.
            let mut batch = a.store.batch();
            for kv in a.store.iter(super::ks::INDEX) {
                batch.remove(super::ks::INDEX, &kv.unwrap().0);
            }
            batch.remove(super::ks::META, b"indexed-seq");
            a.store.commit(batch).unwrap();
        }
        let a = open(dir.path());
        assert!(a.store.get(super::ks::META, b"indexed-seq").unwrap().is_none());
        assert!(rewrite_found(&a), "the rewrite of 000 is found after catching up");
    }

    /// Regression: a close left up to 256 articles out of the stored index, and every later add
    /// re-indexed them from the log, reloading their pages (at a million articles, a one-file add
    /// then decoded the whole index).
    #[test]
    fn a_close_checkpoints_even_one_article() {
        let dir = tempfile::tempdir().unwrap();
        for (k, name) in ["000_856e4ff5e2b4e0a7.txt", "001_1848e0611e54fac2.txt"].into_iter().enumerate() {
            let a = open(dir.path());
            a.add(&seed(name)).unwrap();
            a.close().unwrap();
            drop(a);
            let a = open(dir.path());
            let stored = a.store.get(super::ks::META, b"indexed-seq").unwrap().map(|v| super::be_u64(&v));
            assert_eq!(stored, Some(k as u64 + 1), "after add {k}");
        }
    }

    /// Regression: at a million articles (65,536 pages of about 620 bytes, ~1,300 store blocks),
    /// the second article of an add had asked for 515 pages, a quarter of the blocks, and the
    /// whole index was decoded for it (290 ms for a one-file add, 30 ms without).
    #[test]
    fn two_articles_lookups_at_a_million_articles_do_not_load_the_whole_index() {
        // Stored blocks of pages are about 32 KB.
        let block = 32 * 1024;
        // What that add had read when it decided: 208 pages, 128,666 bytes, 236 blocks.
        assert!(!super::load_all_at_once(515, super::BUCKETS, 208, 128_666, 236 * block));
        // A quarter of the pages asked for: the rest will be needed too.
        assert!(super::load_all_at_once(16_385, super::BUCKETS, 16_000, 9_920_000, 4_000 * block));
        // Blocks read again and again (dropped by the store's cache): past one pass's worth.
        assert!(super::load_all_at_once(5_000, super::BUCKETS, 4_900, 3_038_000, 1_300 * block));
        // Nothing read yet: no estimate, one at a time.
        assert!(!super::load_all_at_once(300, super::BUCKETS, 0, 0, 0));
    }

    /// Bytes of the stored index pages as the store counts entries (composite key and value).
    fn stored_page_bytes(a: &Archive) -> u64 {
        a.store.iter(super::ks::INDEX).map(|kv| kv.unwrap()).map(|(k, v)| stet_store::Batch::entry_bytes(super::ks::INDEX, k.len(), v.len())).sum()
    }

    #[test]
    fn rewritten_index_pages_are_counted_superseded_until_merged_away() {
        let dir = tempfile::tempdir().unwrap();
        let a = open(dir.path());
        a.add(&seed("000_856e4ff5e2b4e0a7.txt")).unwrap();
        a.add(&seed("001_1848e0611e54fac2.txt")).unwrap();
        a.checkpoint_index().unwrap();
        // The rest of a bigger archive, packed and merged with the pages: one pack, big beside
        // the next checkpoint's, which therefore stays apart.
        let mut b = a.store.batch();
        let mut filler = vec![0; 256 * 1024];
        blake3::Hasher::new().finalize_xof().fill(&mut filler);
        b.insert("filler", b"k", &filler);
        a.store.commit(b).unwrap();
        a.store.pack().unwrap();
        assert_eq!(a.store.pack_stats().0, 1);
        let first = stored_page_bytes(&a);
        assert!(first > 0);
        assert_eq!(a.store.superseded_bytes().unwrap(), 0, "nothing was stored before");
        a.add(&seed("003_0340407d416bbbc1.txt")).unwrap();
        a.add(&seed("004_e346fb210af27363.txt")).unwrap();
        a.checkpoint_index().unwrap();
        // Both pages (two at this size) took new features: every first version is dead.
        assert_eq!(a.store.pack_stats().0, 2);
        assert_eq!(a.store.superseded_bytes().unwrap(), first);
        a.close().unwrap();
        assert_eq!(a.store.pack_stats().0, 1);
        assert_eq!(a.store.superseded_bytes().unwrap(), 0, "the merge at close dropped them");
    }

    #[test]
    fn a_checkpointed_index_is_read_back_from_its_buckets() {
        let dir = tempfile::tempdir().unwrap();
        {
            let a = open(dir.path());
            a.add(&seed("000_856e4ff5e2b4e0a7.txt")).unwrap();
            a.add(&seed("001_1848e0611e54fac2.txt")).unwrap();
            a.checkpoint_index().unwrap();
        }
        let a = open(dir.path());
        let stored = a.store.get(super::ks::META, b"indexed-seq").unwrap().map(|v| super::be_u64(&v));
        assert_eq!(stored, Some(2));
        assert!(rewrite_found(&a));
        assert_eq!(a.with_index(|s| s.covered).unwrap(), 3);
    }

    #[test]
    fn a_damaged_bucket_is_an_error_naming_the_index() {
        let dir = tempfile::tempdir().unwrap();
        {
            let a = open(dir.path());
            a.add(&seed("000_856e4ff5e2b4e0a7.txt")).unwrap();
            a.checkpoint_index().unwrap();
            let mut batch = a.store.batch();
            for kv in a.store.iter(super::ks::INDEX) {
                let (k, v) = kv.unwrap();
                batch.insert(super::ks::INDEX, &k, &v[..v.len() - 1]);
            }
            a.store.commit(batch).unwrap();
        }
        let a = open(dir.path());
        let err = a.add(&seed("002_cd06db6dfbca252d.txt")).unwrap_err().to_string();
        assert!(err.contains("candidate index"), "{err}");
        assert_eq!(a.reindex(&crate::archive::NoProgress).unwrap(), 1);
        assert!(rewrite_found(&a), "found once the index is rebuilt");
    }

    #[test]
    fn reindex_counts_the_old_pages_superseded_and_merging_drops_them() {
        let dir = tempfile::tempdir().unwrap();
        let a = open(dir.path());
        for name in ["000_856e4ff5e2b4e0a7.txt", "001_1848e0611e54fac2.txt", "003_0340407d416bbbc1.txt"] {
            a.add(&seed(name)).unwrap();
        }
        a.checkpoint_index().unwrap();
        a.close().unwrap();
        let old = stored_page_bytes(&a);
        assert!(old > 0);
        a.reindex(&crate::archive::NoProgress).unwrap();
        assert!(a.store.superseded_bytes().unwrap() >= old, "the discarded pages are counted");
        assert!(a.merge_superseded().unwrap());
        assert_eq!(a.store.superseded_bytes().unwrap(), 0);
        assert_eq!(a.store.pack_stats().0, 1);
        assert_eq!(stored_page_bytes(&a), old, "the same index, rebuilt");
    }

    /// Every article's features are found in the index with the article among their postings.
    fn every_article_is_indexed(a: &Archive) {
        let n = a.article_count().unwrap();
        for seq in 0..n {
            let id = a.logged_id(seq).unwrap();
            let features = a.cached_profile(&id).unwrap().index_features();
            a.load_buckets(&features).unwrap();
            a.with_index(|s| {
                for &f in &features {
                    let c = s.index.count(f);
                    assert!(c >= 1, "article {seq}: a feature is missing");
                    if c <= u64::from(crate::detect::POSTINGS_CAP) {
                        assert!(s.index.postings(f, 1000).contains(&seq), "article {seq} missing from postings");
                    }
                }
            })
            .unwrap();
        }
    }

    fn numbered(i: usize) -> AddRequest {
        let words = ["harbour", "railway", "senate", "orchard", "glacier", "festival", "quarry", "vaccine"];
        let text: Vec<String> = (0..12)
            .map(|s| format!("Report {i} sentence {s} mentions the {} and the {} near town {}.", words[(i + s) % 8], words[(i * 3 + s) % 8], i * 100 + s))
            .collect();
        AddRequest { input: format!("n{i}.txt"), bytes: text.join(" ").into_bytes(), ..Default::default() }
    }

    #[test]
    fn pages_follow_the_archive_size() {
        assert_eq!(super::page_shift(0), 16);
        assert_eq!(super::page_shift(3), 16);
        assert_eq!(super::page_shift(4), 15);
        assert_eq!(super::page_shift(3_210), 6);
        assert_eq!(super::page_shift(10_000), 4);
        assert_eq!(super::page_shift(100_000), 1);
        assert_eq!(super::page_shift(131_072), 0);
        assert_eq!(super::page_shift(u64::MAX), 0);
    }

    #[test]
    fn an_index_rewritten_in_smaller_pages_reads_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let len = {
            let a = open(dir.path());
            for i in 0..3 {
                a.add(&numbered(i)).unwrap();
            }
            a.checkpoint_index().unwrap();
            assert_eq!(a.store.get(super::ks::META, super::FORMAT_KEY).unwrap(), Some(vec![super::INDEX_FORMAT, 16]));
            for i in 3..10 {
                a.add(&numbered(i)).unwrap();
            }
            a.checkpoint_index().unwrap();
            assert_eq!(a.store.get(super::ks::META, super::FORMAT_KEY).unwrap(), Some(vec![super::INDEX_FORMAT, 14]));
            a.with_index(|s| s.index.len()).unwrap()
        };
        let a = open(dir.path());
        assert_eq!(a.with_index(|s| s.covered).unwrap(), 10);
        a.load_all_pages().unwrap();
        assert_eq!(a.with_index(|s| s.index.len()).unwrap(), len);
        let keys: Vec<Vec<u8>> = a.store.iter(super::ks::INDEX).map(|kv| kv.unwrap().0).collect();
        assert!(keys.iter().all(|k| k.len() == 2 && u16::from_be_bytes([k[0], k[1]]) % (1 << 14) == 0), "{keys:?}");
        every_article_is_indexed(&a);
    }

    #[test]
    fn an_index_of_the_older_format_is_rebuilt_from_the_log() {
        let dir = tempfile::tempdir().unwrap();
        {
            let a = open(dir.path());
            a.add(&seed("000_856e4ff5e2b4e0a7.txt")).unwrap();
            a.add(&seed("001_1848e0611e54fac2.txt")).unwrap();
            // Checkpointed now, so that the close leaves the forged index below as it is.
            a.checkpoint_index().unwrap();
            // What format 1 stored: 4,096 buckets of `feature u64 LE, count, postings`, covering
            // both articles, and no format marker.
            let mut batch = a.store.batch();
            for kv in a.store.iter(super::ks::INDEX) {
                batch.remove(super::ks::INDEX, &kv.unwrap().0);
            }
            let mut old: std::collections::BTreeMap<u16, Vec<u8>> = Default::default();
            for seq in 0..2u8 {
                let id = a.logged_id(u64::from(seq)).unwrap();
                for f in a.cached_profile(&id).unwrap().index_features() {
                    let v = old.entry((f >> 52) as u16).or_default();
                    v.extend_from_slice(&f.to_le_bytes());
                    v.extend_from_slice(&[1, seq]);
                }
            }
            for (b, v) in &old {
                batch.insert(super::ks::INDEX, &b.to_be_bytes(), v);
            }
            batch.insert(super::ks::META, b"indexed-seq", &2u64.to_be_bytes());
            batch.remove(super::ks::META, super::FORMAT_KEY);
            a.store.commit(batch).unwrap();
        }
        let a = open(dir.path());
        assert!(rewrite_found(&a), "the rewrite of 000 is found with the rebuilt index");
        every_article_is_indexed(&a);
        assert_eq!(a.store.get(super::ks::META, super::FORMAT_KEY).unwrap(), Some(vec![super::INDEX_FORMAT, 16]));
        assert!(a.store.iter(super::ks::INDEX).next().is_none(), "the old buckets are gone");
        a.checkpoint_index().unwrap();
        drop(a);
        let a = open(dir.path());
        assert_eq!(a.with_index(|s| s.covered).unwrap(), 3);
        every_article_is_indexed(&a);
    }

    #[test]
    fn indexes_with_wider_keys_are_read_and_rewritten_at_the_next_checkpoint() {
        for (format, key_bits) in [(super::INDEX_FORMAT_32, 32), (super::INDEX_FORMAT_24, 24)] {
            let dir = tempfile::tempdir().unwrap();
            let shift = {
                let a = open(dir.path());
                a.add(&seed("000_856e4ff5e2b4e0a7.txt")).unwrap();
                a.add(&seed("001_1848e0611e54fac2.txt")).unwrap();
                a.checkpoint_index().unwrap();
                // What the older format stored: the same pages with wider keys.
                let (shift, pages) = a
                    .with_index(|s| {
                        let len = 1usize << s.shift;
                        (s.shift, (0..BUCKETS).step_by(len).map(|p| (p, s.index.encode_page_widened(p, len, key_bits))).collect::<Vec<_>>())
                    })
                    .unwrap();
                let mut batch = a.store.batch();
                for (p, bytes) in pages.iter().filter(|(_, b)| !b.is_empty()) {
                    assert_eq!(a.store.get(super::ks::INDEX, &super::page_key(*p)).unwrap().map(|v| v.len() < bytes.len()), Some(true));
                    batch.insert(super::ks::INDEX, &super::page_key(*p), bytes);
                }
                batch.insert(super::ks::META, super::FORMAT_KEY, &[format, shift as u8]);
                a.store.commit(batch).unwrap();
                shift
            };
            let a = open(dir.path());
            assert!(rewrite_found(&a), "the rewrite of 000 is found with the narrowed index (format {format})");
            every_article_is_indexed(&a);
            let marker = || a.store.get(super::ks::META, super::FORMAT_KEY).unwrap();
            assert_eq!(marker(), Some(vec![format, shift as u8]), "format {format} until a checkpoint");
            // One article pending: too few for a checkpoint at close, but the old format is one.
            a.close().unwrap();
            assert_eq!(marker(), Some(vec![super::INDEX_FORMAT, super::page_shift(3) as u8]));
            drop(a);
            let a = open(dir.path());
            assert_eq!(a.with_index(|s| (s.covered, s.stored_key_bits)).unwrap(), (3, KEY_BITS));
            every_article_is_indexed(&a);
        }
    }
}
