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
            self.catch_up()?;
        }
        let mut guard = self.index.borrow_mut();
        match guard.as_mut() {
            Some(state) => Ok(f(state)),
            None => Err(Error::Record { what: "candidate index".into(), reason: "not open".into() }),
        }
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
        let pending = self.with_index(|s| {
            s.index.add(doc, features);
            for &f in features {
                s.dirty[bucket_of(f)] = true;
            }
            s.covered = s.covered.max(seq + 1);
            s.covered - s.checkpointed
        })?;
        let checkpointed = self.with_index(|s| s.checkpointed)?;
        if pending >= MIN_CHECKPOINT.max(checkpointed / 4) {
            self.checkpoint_index()?;
        }
        Ok(())
    }

    /// Indexes the archived articles the index does not hold yet (after a kill, or when fewer
    /// than [`CLOSE_CHECKPOINT`] were left out at close).
    fn catch_up(&self) -> Result<()> {
        let next = self.article_count()?;
        let mut seq = self.with_index(|s| s.covered)?;
        if seq < next {
            tracing::info!(from = seq, to = next, "indexing articles the candidate index does not hold yet");
        }
        while seq < next {
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
