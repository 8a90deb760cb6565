//! The archive as detection's [`Corpus`]: the candidate index and profiles read from the store.

use super::{ks, Archive};
use crate::detect::{Corpus, CorpusError, Profile};
use crate::model::ArticleId;

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
        Ok(self.archive.feature_count(feature)?)
    }

    fn postings(&self, feature: u64, limit: usize) -> Result<Vec<ArticleId>, CorpusError> {
        let mut out = Vec::new();
        for kv in self.archive.store.scan_prefix(ks::POSTINGS, &feature.to_be_bytes()).take(limit) {
            let (k, _) = kv?;
            if let Some(id) = k.get(8..).and_then(ArticleId::from_slice) {
                out.push(id);
            }
        }
        Ok(out)
    }

    fn profile(&self, id: &ArticleId) -> Result<Profile, CorpusError> {
        Ok(self.archive.cached_profile(id)?)
    }
}
