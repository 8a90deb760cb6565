//! An in-memory [`Corpus`]: the candidate index and profiles held in hash maps.
//!
//! Main item: [`MemoryCorpus`], for tests, examples and calibration runs that detect without a
//! repository. The archive's own corpus reads the same things from the store.

use super::{Corpus, CorpusError, Profile};
use crate::model::ArticleId;
use std::collections::HashMap;

/// Postings and profiles of the articles added so far, in memory.
#[derive(Default)]
pub struct MemoryCorpus {
    postings: HashMap<u64, Vec<ArticleId>>,
    /// Profiles by article id.
    pub profiles: HashMap<ArticleId, Profile>,
}

impl MemoryCorpus {
    /// Adds an article's profile and its index features.
    pub fn add(&mut self, p: Profile) {
        for f in p.index_features() {
            self.postings.entry(f).or_default().push(p.id);
        }
        self.profiles.insert(p.id, p);
    }
}

impl Corpus for MemoryCorpus {
    fn article_count(&self) -> Result<u64, CorpusError> {
        Ok(self.profiles.len() as u64)
    }
    fn feature_count(&self, feature: u64) -> Result<u64, CorpusError> {
        Ok(self.postings.get(&feature).map_or(0, |v| v.len() as u64))
    }
    fn postings(&self, feature: u64, limit: usize) -> Result<Vec<ArticleId>, CorpusError> {
        Ok(self.postings.get(&feature).map(|v| v.iter().take(limit).copied().collect()).unwrap_or_default())
    }
    fn profile(&self, id: &ArticleId) -> Result<Profile, CorpusError> {
        self.profiles.get(id).cloned().ok_or_else(|| format!("no article {} in the corpus", id.hex()).into())
    }
}
