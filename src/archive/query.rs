//! Reading the archive: the log, related pairs, statistics.

use super::{ks, Archive};
use crate::error::Result;
use crate::model::{ArticleId, ArticleRecord, Relation, RelationKind};
use serde::Serialize;
use std::collections::BTreeMap;

/// Which related pairs to list.
#[derive(Clone, Debug, Default)]
pub struct PairFilter {
    /// Only pairs involving this article.
    pub id: Option<ArticleId>,
    /// Only these kinds (all when empty).
    pub kinds: Vec<RelationKind>,
    /// Only pairs scoring at least this.
    pub min_score: f32,
}

/// Figures about the repository.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Stats {
    /// Articles archived.
    pub articles: u64,
    /// Inputs archived (captures), identical copies included.
    pub captures: u64,
    /// Relations between articles, by kind.
    pub relations: BTreeMap<String, u64>,
    /// Bytes of all inputs as given.
    pub raw_bytes: u64,
    /// Bytes of the distinct blobs before compression.
    pub blob_bytes: u64,
    /// Bytes of the blobs as stored (compressed, deltas).
    pub stored_bytes: u64,
    /// Blobs stored as deltas.
    pub delta_blobs: u64,
    /// Bytes of the repository folder on disk.
    pub disk_bytes: u64,
    /// raw_bytes / disk_bytes.
    pub ratio: f64,
}

impl Archive {
    /// Every article, newest first.
    pub fn log(&self) -> impl Iterator<Item = Result<ArticleRecord>> + '_ {
        self.store.iter(ks::LOG).rev().map(move |kv| {
            let (_, v) = kv?;
            let id = ArticleId::from_slice(&v).ok_or_else(|| crate::error::Error::Record {
                what: "log entry".into(),
                reason: "bad id".into(),
            })?;
            self.article_required(&id)
        })
    }

    /// Number of archived articles.
    pub fn article_count(&self) -> Result<u64> {
        // Every new article takes the next sequence number, so the counter is the count;
        // sled's `len` would walk the whole tree.
        Ok(self.store.get(ks::META, b"next-seq")?.map(|v| super::add::be_u64(&v)).unwrap_or(0))
    }

    /// Related pairs, strongest first; each pair once.
    pub fn pairs(&self, filter: &PairFilter) -> Result<Vec<Relation>> {
        let rels = match &filter.id {
            Some(id) => self.relations_of(id)?,
            None => {
                let mut out = Vec::new();
                for kv in self.store.iter(ks::RELATIONS) {
                    let (k, v) = kv?;
                    // Empty values are the reverse entries; each record is stored once.
                    if !v.is_empty() {
                        out.push(super::stored::decode_relation(&k, &v)?);
                    }
                }
                out
            }
        };
        let mut rels: Vec<Relation> = rels
            .into_iter()
            .filter(|r| filter.kinds.is_empty() || filter.kinds.contains(&r.kind))
            .filter(|r| r.score >= filter.min_score)
            .collect();
        rels.sort_by(|x, y| y.score.total_cmp(&x.score).then(x.a.cmp(&y.a)).then(x.b.cmp(&y.b)));
        Ok(rels)
    }

    /// Articles archived from more than one input (captures whose normalised text is the
    /// same: kind `identical`): that one article when `id` is given, else all of them, oldest
    /// first (a read of every article record).
    pub fn identical_captures(&self, id: Option<&ArticleId>) -> Result<Vec<ArticleRecord>> {
        let mut out = Vec::new();
        match id {
            Some(id) => out.extend(self.article(id)?.filter(|r| r.captures.len() > 1)),
            None => {
                for kv in self.store.iter(ks::ARTICLES) {
                    let (k, v) = kv?;
                    let rec = super::stored::decode_article(&k, &v)?;
                    if rec.captures.len() > 1 {
                        out.push(rec);
                    }
                }
                out.sort_by_key(|r| r.seq);
            }
        }
        Ok(out)
    }

    /// Figures about the repository.
    pub fn stats(&self) -> Result<Stats> {
        let mut s = Stats::default();
        for kv in self.store.iter(ks::ARTICLES) {
            let (k, v) = kv?;
            let rec: ArticleRecord = super::stored::decode_article(&k, &v)?;
            s.articles += 1;
            s.captures += rec.captures.len() as u64;
            s.raw_bytes += rec.captures.iter().map(|c| c.size).sum::<u64>();
        }
        for r in self.pairs(&PairFilter::default())? {
            *s.relations.entry(r.kind.to_string()).or_default() += 1;
        }
        let b = self.store.blob_stats()?;
        s.blob_bytes = b.raw_bytes;
        s.stored_bytes = b.stored_bytes;
        s.delta_blobs = b.deltas;
        s.disk_bytes = self.store.disk_size()?;
        s.ratio = if s.disk_bytes > 0 { s.raw_bytes as f64 / s.disk_bytes as f64 } else { 0.0 };
        Ok(s)
    }
}
