//! Where the lineage walks read relations from.
//!
//! Main items: [`RelationSource`] (the relations of one article, implemented by
//! [`crate::Archive`]) and [`MemoryGraph`] (relations held in memory, for tests and for
//! walking a list of pairs already read).

use crate::archive::Archive;
use crate::error::Result;
use crate::model::{ArticleId, Relation};
use std::collections::BTreeMap;

/// Something that can list the relations of one article.
pub trait RelationSource {
    /// Every relation that involves `id`, in a stable order.
    fn relations(&self, id: &ArticleId) -> Result<Vec<Relation>>;
}

impl RelationSource for Archive {
    fn relations(&self, id: &ArticleId) -> Result<Vec<Relation>> {
        self.relations_of(id)
    }
}

/// Relations held in memory, indexed by both of their articles.
#[derive(Clone, Debug, Default)]
pub struct MemoryGraph {
    by_id: BTreeMap<ArticleId, Vec<Relation>>,
}

impl MemoryGraph {
    /// Indexes `relations` by both of their articles (a self-relation once).
    pub fn new(relations: impl IntoIterator<Item = Relation>) -> MemoryGraph {
        let mut g = MemoryGraph::default();
        for r in relations {
            if r.a != r.b {
                g.by_id.entry(r.b).or_default().push(r.clone());
            }
            g.by_id.entry(r.a).or_default().push(r);
        }
        g
    }
}

impl RelationSource for MemoryGraph {
    fn relations(&self, id: &ArticleId) -> Result<Vec<Relation>> {
        Ok(self.by_id.get(id).cloned().unwrap_or_default())
    }
}
