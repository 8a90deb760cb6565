//! The archive's candidate index: a [`FeatureIndex`] in memory, loaded a bucket at a time from
//! the store and checkpointed to it.
//!
//! Main items: [`IndexState`] and the `Archive` methods `index_article`, `checkpoint_index` and
//! the [`Corpus`](crate::detect::Corpus) reads in `corpus.rs`.
//!
//! The index is derived data: articles are committed first, the index follows in memory, and
//! dirty buckets are written back ([`ks::INDEX`], with the covered article count under
//! `indexed-seq` in [`ks::META`], in one atomic batch) only now and then: when the articles not
//! yet checkpointed reach a quarter of those that are (at least [`MIN_CHECKPOINT`]), and when
//! the archive is closed with more than [`CLOSE_CHECKPOINT`] of them. Whatever a kill loses is
//! rebuilt on the next use from the article log (`catch_up`), so each article costs a handful of
//! sled keys instead of one per feature, and rewriting buckets stays proportional to the index.

use super::add::be_u64;
use super::{ks, Archive};
use crate::detect::{bucket_of, FeatureIndex, BUCKETS};
use crate::error::{Error, Result};
use crate::model::ArticleId;

/// Fewest pending articles that trigger a checkpoint while archiving.
pub const MIN_CHECKPOINT: u64 = 2_000;
/// Pending articles above which closing the archive checkpoints (fewer are re-indexed from the
/// log on the next open, which is cheaper than rewriting their buckets).
pub const CLOSE_CHECKPOINT: u64 = 256;

/// The index of an open archive.
pub(crate) struct IndexState {
    pub(crate) index: FeatureIndex,
    /// Articles (archive sequences `0..covered`) the in-memory index holds.
    pub(crate) covered: u64,
    /// Articles the stored buckets hold.
    checkpointed: u64,
    dirty: Vec<bool>,
}

fn meta_u64(archive: &Archive, key: &[u8]) -> Result<u64> {
    Ok(archive.store.get(ks::META, key)?.map(|v| be_u64(&v)).unwrap_or(0))
}

impl Archive {
    /// Runs `f` on the index, opening it (and catching up with the log) on first use.
    pub(crate) fn with_index<R>(&self, f: impl FnOnce(&mut IndexState) -> R) -> Result<R> {
        if self.index.borrow().is_none() {
            let checkpointed = meta_u64(self, b"indexed-seq")?;
            *self.index.borrow_mut() = Some(IndexState {
                index: FeatureIndex::unloaded(),
                covered: checkpointed,
                checkpointed,
                dirty: vec![false; BUCKETS],
            });
            self.catch_up(&super::NoProgress)?;
        }
        let mut guard = self.index.borrow_mut();
        match guard.as_mut() {
            Some(state) => Ok(f(state)),
            None => Err(Error::Record { what: "candidate index".into(), reason: "not open".into() }),
        }
    }

    /// The count of `feature` when the index is open and its bucket loaded (the fast path).
    pub(crate) fn loaded_count(&self, feature: u64) -> Option<u64> {
        let guard = self.index.borrow();
        let s = guard.as_ref()?;
        s.index.is_loaded(bucket_of(feature)).then(|| s.index.count(feature))
    }

    /// Loads the buckets of `features` that are not in memory yet.
    pub(crate) fn load_buckets(&self, features: &[u64]) -> Result<()> {
        let missing: Vec<usize> = self.with_index(|s| {
            let mut m: Vec<usize> = features.iter().map(|&f| bucket_of(f)).filter(|&b| !s.index.is_loaded(b)).collect();
            m.sort_unstable();
            m.dedup();
            m
        })?;
        for b in missing {
            let bytes = self.store.get(ks::INDEX, &(b as u16).to_be_bytes())?.unwrap_or_default();
            self.with_index(|s| s.index.load_bucket(b, &bytes))?.map_err(|e| Error::Record {
                what: "candidate index".into(),
                reason: format!("{e}; `stet reindex` rebuilds it"),
            })?;
        }
        Ok(())
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

    /// Indexes the archived articles the index does not hold yet (after a kill, or when fewer
    /// than [`CLOSE_CHECKPOINT`] were left out at close).
    fn catch_up(&self, progress: &dyn super::Progress) -> Result<()> {
        let next = self.article_count()?;
        let mut seq = self.with_index(|s| s.covered)?;
        if seq < next {
            tracing::info!(from = seq, to = next, "indexing articles the candidate index does not hold yet");
        }
        progress.start("indexing", next - seq.min(next));
        while seq < next {
            progress.inc(1);
            let id = self
                .store
                .get(ks::LOG, &seq.to_be_bytes())?
                .and_then(|v| ArticleId::from_slice(&v))
                .ok_or_else(|| Error::Record { what: format!("archive log entry {seq}"), reason: "missing".into() })?;
            let profile = self.cached_profile(&id)?;
            self.index_article(seq, &profile.index_features())?;
            seq += 1;
        }
        Ok(())
    }

    /// Rebuilds the candidate index from the archived texts (after damage, or to reclaim its
    /// space); returns the number of articles indexed.
    pub fn reindex(&self, progress: &dyn super::Progress) -> Result<u64> {
        let mut batch = self.store.batch();
        for kv in self.store.iter(ks::INDEX) {
            let (k, _) = kv?;
            batch.remove(ks::INDEX, &k);
        }
        batch.remove(ks::META, b"indexed-seq");
        self.store.commit(batch)?;
        *self.index.borrow_mut() = Some(IndexState {
            index: FeatureIndex::default(),
            covered: 0,
            checkpointed: 0,
            dirty: vec![false; BUCKETS],
        });
        self.catch_up(progress)?;
        progress.finish();
        self.checkpoint_index()?;
        self.flush()?;
        self.with_index(|s| s.covered)
    }

    /// Writes the dirty buckets and the covered count in one batch.
    pub(crate) fn checkpoint_index(&self) -> Result<()> {
        let Some((buckets, covered)) = self.with_index(|s| {
            let dirty: Vec<usize> = (0..BUCKETS).filter(|&b| s.dirty[b]).collect();
            (s.covered > s.checkpointed || !dirty.is_empty())
                .then(|| (dirty.into_iter().map(|b| (b, s.index.encode_bucket(b))).collect::<Vec<_>>(), s.covered))
        })?
        else {
            return Ok(());
        };
        let mut batch = self.store.batch();
        for (b, bytes) in &buckets {
            batch.insert(ks::INDEX, &(*b as u16).to_be_bytes(), bytes);
        }
        batch.insert(ks::META, b"indexed-seq", &covered.to_be_bytes());
        self.store.commit(batch)?;
        self.with_index(|s| {
            s.dirty.iter_mut().for_each(|d| *d = false);
            s.checkpointed = covered;
        })?;
        Ok(())
    }

    /// Checkpoints the index if enough articles would otherwise be re-indexed on the next open.
    pub(crate) fn close_index(&self) -> Result<()> {
        let pending = match self.index.borrow().as_ref() {
            Some(s) => s.covered - s.checkpointed,
            None => return Ok(()),
        };
        if pending > CLOSE_CHECKPOINT {
            self.checkpoint_index()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::{AddRequest, Archive, OpenOptions, RelationKind};

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
            // Dropped with too few articles to checkpoint: only the log has them.
        }
        let a = open(dir.path());
        assert!(a.store.get(super::ks::META, b"indexed-seq").unwrap().is_none());
        assert!(rewrite_found(&a), "the rewrite of 000 is found after catching up");
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
}
