//! The archive as detection's [`Corpus`]: the candidate index (`index.rs`) and profiles of
//! archived articles, documents numbered by archive sequence.

use super::Archive;
use crate::detect::{Corpus, CorpusError, Profile};
use std::sync::Arc;

/// Read access to the candidate index and article texts for detection.
pub(crate) struct StoreCorpus<'a> {
    archive: &'a Archive,
}

impl<'a> StoreCorpus<'a> {
    pub(crate) fn new(archive: &'a Archive) -> Self {
        StoreCorpus { archive }
    }

}

impl Corpus for StoreCorpus<'_> {
    fn article_count(&self) -> Result<u64, CorpusError> {
        Ok(self.archive.article_count()?)
    }

    fn feature_count(&self, feature: u64) -> Result<u64, CorpusError> {
        if let Some(n) = self.archive.loaded_count(feature) {
            return Ok(n);
        }
        self.archive.load_buckets(&[feature])?;
        Ok(self.archive.with_index(|s| s.index.count(feature))?)
    }

    fn visit_postings(&self, feature: u64, limit: usize, visit: &mut dyn FnMut(u64)) -> Result<(), CorpusError> {
        if self.archive.loaded_count(feature).is_none() {
            self.archive.load_buckets(&[feature])?;
        }
        self.archive.with_index(|s| s.index.posting_docs(feature).iter().take(limit).for_each(|&d| visit(u64::from(d))))?;
        Ok(())
    }

    /// Loads the missing pages of all `features` at once, then counts them under one borrow of
    /// the index.
    fn feature_counts(&self, features: &[u64], out: &mut Vec<u64>) -> Result<(), CorpusError> {
        self.archive.load_buckets(features)?;
        self.archive.with_index(|s| out.extend(features.iter().map(|&f| s.index.count(f))))?;
        Ok(())
    }

    fn profile(&self, doc: u64) -> Result<Arc<Profile>, CorpusError> {
        Ok(self.archive.cached_profile(&self.archive.logged_id(doc)?)?)
    }

    /// Rebuilds the profiles missing from the cache in parallel.
    fn profiles(&self, docs: &[u64]) -> Result<Vec<Arc<Profile>>, CorpusError> {
        let ids = docs.iter().map(|&d| self.archive.logged_id(d)).collect::<Result<Vec<_>, _>>()?;
        Ok(self.archive.profiles_of(&ids)?)
    }
}
