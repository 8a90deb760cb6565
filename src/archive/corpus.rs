//! The archive as detection's [`Corpus`]: the candidate index (`index.rs`) and profiles of
//! archived articles, documents numbered by archive sequence.

use super::{ks, Archive};
use crate::detect::{Corpus, CorpusError, Profile};
use crate::model::ArticleId;
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

    fn postings(&self, feature: u64, limit: usize) -> Result<Vec<u64>, CorpusError> {
        self.archive.load_buckets(&[feature])?;
        Ok(self.archive.with_index(|s| s.index.postings(feature, limit))?)
    }

    fn profile(&self, doc: u64) -> Result<Arc<Profile>, CorpusError> {
        let id = self
            .archive
            .store
            .get(ks::LOG, &doc.to_be_bytes())?
            .and_then(|v| ArticleId::from_slice(&v))
            .ok_or_else(|| format!("archive log entry {doc} is missing"))?;
        Ok(self.archive.cached_profile(&id)?)
    }
}
