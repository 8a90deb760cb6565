//! `verify`: re-hash every blob and check every reference between records.

use super::{ks, Archive, Progress};
use crate::error::Result;
use crate::model::{ArticleId, ArticleRecord, Relation};
use stet_store::BlobId;

/// What `verify` found.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct VerifyReport {
    /// Blobs re-hashed.
    pub blobs: u64,
    /// Article records checked.
    pub articles: u64,
    /// Relations checked.
    pub relations: u64,
    /// Damaged objects, one line each: what and why.
    pub damaged: Vec<String>,
}

impl Archive {
    /// Re-hashes every blob and checks every article, capture and relation reference.
    pub fn verify(&self, progress: &dyn Progress) -> Result<VerifyReport> {
        let mut rep = VerifyReport::default();
        let total = self.store.blob_stats().map(|s| s.count).unwrap_or(0);
        progress.start("verifying blobs", total);
        let damage = self.store.verify_blobs(&mut |done, _| progress.inc(done.min(1)))?;
        progress.finish();
        rep.blobs = total;
        rep.damaged.extend(damage.into_iter().map(|d| format!("{}: {}", d.what, d.reason)));
        for kv in self.store.iter(ks::ARTICLES) {
            let (k, v) = match kv {
                Ok(kv) => kv,
                Err(e) => {
                    rep.damaged.push(format!("articles index: {e}"));
                    continue;
                }
            };
            rep.articles += 1;
            let key_id = ArticleId::from_slice(&k);
            let rec: ArticleRecord = match serde_json::from_slice(&v) {
                Ok(r) => r,
                Err(e) => {
                    rep.damaged.push(format!("article {}: record unreadable: {e}", super::hex(&k)));
                    continue;
                }
            };
            let name = format!("article {}", rec.id.hex());
            if key_id != Some(rec.id) {
                rep.damaged.push(format!("{name}: stored under another key {}", super::hex(&k)));
            }
            // The text blob is keyed by the hash of the text, which is the article id; the
            // blob itself was re-hashed above with every other blob.
            match BlobId::from_hex(&rec.text) {
                Some(b) if b.as_bytes() != rec.id.as_bytes() => rep.damaged.push(format!("{name}: text blob {} is not the article's text", rec.text)),
                Some(b) => match self.store.contains_blob(&b) {
                    Ok(true) => {}
                    Ok(false) => rep.damaged.push(format!("{name}: text blob missing")),
                    Err(e) => rep.damaged.push(format!("{name}: text: {e}")),
                },
                None => rep.damaged.push(format!("{name}: bad text blob id")),
            }
            if rec.captures.is_empty() {
                rep.damaged.push(format!("{name}: no capture"));
            }
            for c in &rec.captures {
                match BlobId::from_hex(&c.raw) {
                    Some(b) => match self.store.contains_blob(&b) {
                        Ok(true) => {}
                        Ok(false) => rep.damaged.push(format!("{name}: capture {} missing blob {}", c.input, c.raw)),
                        Err(e) => rep.damaged.push(format!("{name}: capture {}: {e}", c.input)),
                    },
                    None => rep.damaged.push(format!("{name}: capture {} has a bad blob id", c.input)),
                }
            }
        }
        for kv in self.store.iter(ks::RELATIONS) {
            let (k, v) = match kv {
                Ok(kv) => kv,
                Err(e) => {
                    rep.damaged.push(format!("relations index: {e}"));
                    continue;
                }
            };
            if v.is_empty() {
                // A reverse entry: its record must be stored under the other order.
                let canonical = [k.get(32..).unwrap_or_default(), k.get(..32).unwrap_or_default()].concat();
                if !self.store.contains(ks::RELATIONS, &canonical)? {
                    rep.damaged.push(format!("relation {}: reverse entry without its record", super::hex(&k)));
                }
                continue;
            }
            rep.relations += 1;
            match serde_json::from_slice::<Relation>(&v) {
                Ok(r) => {
                    for id in [r.a, r.b] {
                        if !self.store.contains(ks::ARTICLES, id.as_bytes())? {
                            rep.damaged.push(format!("relation {}: names missing article {}", super::hex(&k), id.hex()));
                        }
                    }
                }
                Err(e) => rep.damaged.push(format!("relation {}: unreadable: {e}", super::hex(&k))),
            }
        }
        Ok(rep)
    }
}
