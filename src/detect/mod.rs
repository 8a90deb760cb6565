//! Detection of related articles: fingerprints, candidates, verification, classification.
//!
//! Main items: [`Profile`] (what detection keeps of one article), [`Corpus`] (read access to
//! the archive's index, implemented by the archive over the store), [`detect`] and [`Finding`].

use crate::align::AlignedPair;
use crate::model::{ArticleId, RelationKind};

/// Errors from the corpus while detecting.
pub type CorpusError = Box<dyn std::error::Error + Send + Sync>;

/// What detection keeps of one article's normalised text.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    /// Sentences of the text.
    pub sentences: Vec<String>,
}

/// Profiles a normalised text.
pub fn profile(text: &str) -> Profile {
    let sentences = crate::text::sentences(text).into_iter().map(|r| text[r].to_string()).collect();
    Profile { sentences }
}

impl Profile {
    /// Feature keys to add to the candidate index for this article.
    pub fn index_features(&self) -> Vec<u64> {
        Vec::new()
    }
}

/// Read access to the archive that detection needs.
pub trait Corpus {
    /// Number of archived articles.
    fn article_count(&self) -> Result<u64, CorpusError>;
    /// How many articles carry `feature`.
    fn feature_count(&self, feature: u64) -> Result<u64, CorpusError>;
    /// Up to `limit` articles carrying `feature`.
    fn postings(&self, feature: u64, limit: usize) -> Result<Vec<ArticleId>, CorpusError>;
    /// The profile of an archived article.
    fn profile(&self, id: &ArticleId) -> Result<Profile, CorpusError>;
}

/// A related archived article found for a new one.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// The archived article.
    pub other: ArticleId,
    /// How they are related.
    pub kind: RelationKind,
    /// Strength in [0, 1].
    pub score: f32,
    /// Share of the new article's sentences aligned.
    pub coverage_new: f32,
    /// Share of the other article's sentences aligned.
    pub coverage_other: f32,
    /// Share of aligned text that is verbatim.
    pub verbatim: f32,
    /// Evidence: aligned sentence pairs, `a` = new article, `b` = other.
    pub evidence: Vec<AlignedPair>,
}

/// Finds archived articles related to `new` (placeholder: none).
pub fn detect(new: &Profile, corpus: &dyn Corpus) -> Result<Vec<Finding>, CorpusError> {
    let _ = (new, corpus);
    Ok(Vec::new())
}
