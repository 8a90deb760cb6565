//! An in-memory [`Corpus`]: the candidate index and profiles held in memory.
//!
//! Main item: [`MemoryCorpus`], for tests, examples and calibration runs that detect without a
//! repository. The archive's own corpus uses the same [`FeatureIndex`], checkpointed to the store.

use super::{Corpus, CorpusError, FeatureIndex, Profile};
use crate::model::ArticleId;
use std::collections::HashMap;
use std::sync::Arc;

/// The index and profiles of the articles added so far, in memory.
#[derive(Default)]
pub struct MemoryCorpus {
    index: FeatureIndex,
    /// Profiles by document number (order of adding).
    docs: Vec<Arc<Profile>>,
    /// Profiles by article id (the same shared profiles as `docs`).
    pub profiles: HashMap<ArticleId, Arc<Profile>>,
}

impl MemoryCorpus {
    /// Adds an article's profile and its index features.
    pub fn add(&mut self, p: Profile) {
        let doc = self.docs.len() as u32;
        self.index.add(doc, &p.index_features());
        let p = Arc::new(p);
        self.profiles.insert(p.id, p.clone());
        self.docs.push(p);
    }
}

impl Corpus for MemoryCorpus {
    fn article_count(&self) -> Result<u64, CorpusError> {
        Ok(self.docs.len() as u64)
    }
    fn feature_count(&self, feature: u64) -> Result<u64, CorpusError> {
        Ok(self.index.count(feature))
    }
    fn visit_postings(&self, feature: u64, limit: usize, visit: &mut dyn FnMut(u64)) -> Result<(), CorpusError> {
        self.index.posting_docs(feature).iter().take(limit).for_each(|&d| visit(u64::from(d)));
        Ok(())
    }
    fn profile(&self, doc: u64) -> Result<Arc<Profile>, CorpusError> {
        let p = usize::try_from(doc).ok().and_then(|d| self.docs.get(d));
        p.cloned().ok_or_else(|| format!("no document {doc} in the corpus").into())
    }
}
