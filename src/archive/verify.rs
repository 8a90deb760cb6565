//! `verify`: re-hash every blob and check every reference between records.

use super::{ks, Archive, Progress};
use crate::error::Result;
use crate::model::{ArticleId, ArticleRecord};
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
        // When the blob listing itself cannot be read, listing it again (as `verify_blobs`
        // does) may never end; each blob an article names is re-hashed by id instead, below.
        let listing = self.store.blob_stats();
        let by_id = listing.is_err();
        match listing {
            Ok(stats) => {
                progress.start("verifying blobs", stats.count);
                let mut done_blobs = 0u64;
                // `done` counts the blobs checked so far.
                let result = self.store.verify_blobs(&mut |done, _| {
                    done_blobs = done;
                    progress.inc(done.min(1))
                });
                match result {
                    Ok(damage) => {
                        rep.blobs = stats.count;
                        rep.damaged.extend(damage.into_iter().map(|d| format!("{}: {}", d.what, d.reason)));
                    }
                    Err(e) => {
                        // Only what was re-hashed before it stopped counts as re-hashed.
                        rep.blobs = done_blobs.min(stats.count);
                        rep.damaged.push(format!("blobs: re-hashing stopped: {e}"));
                    }
                }
                progress.finish();
            }
            Err(e) => rep.damaged.push(format!("blob index: unreadable: {e}")),
        }
        // Without the listing, each blob an article names is re-hashed here instead. Once some
        // blob is damaged, each article's text and captures are read back too, so that the
        // report names every article the damage reaches (through a damaged block, or a delta
        // whose base is damaged), not only the damaged block.
        let check = if by_id {
            BlobCheck::Rehash
        } else if !rep.damaged.is_empty() {
            BlobCheck::Read
        } else {
            BlobCheck::Present
        };
        // A store iterator may repeat a read error forever: stop at the first one.
        for kv in self.store.iter(ks::ARTICLES) {
            let (k, v) = match kv {
                Ok(kv) => kv,
                Err(e) => {
                    rep.damaged.push(format!("articles index: {e}"));
                    break;
                }
            };
            rep.articles += 1;
            let key_id = ArticleId::from_slice(&k);
            let rec: ArticleRecord = match super::stored::decode_article(&k, &v) {
                Ok(r) => r,
                Err(e) => {
                    rep.damaged.push(format!("article {}: record unreadable: {}", super::hex(&k), reason(e)));
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
                Some(b) => self.check_blob(&mut rep, check, &b, || format!("{name}: text blob missing"), || format!("{name}: text")),
                None => rep.damaged.push(format!("{name}: bad text blob id")),
            }
            if rec.captures.is_empty() {
                rep.damaged.push(format!("{name}: no capture"));
            }
            for c in &rec.captures {
                match BlobId::from_hex(&c.raw) {
                    Some(b) => self.check_blob(
                        &mut rep,
                        check,
                        &b,
                        || format!("{name}: capture {} missing blob {}", c.input, c.raw),
                        || format!("{name}: capture {}", c.input),
                    ),
                    None => rep.damaged.push(format!("{name}: capture {} has a bad blob id", c.input)),
                }
            }
        }
        for kv in self.store.iter(ks::RELATIONS) {
            let (k, v) = match kv {
                Ok(kv) => kv,
                Err(e) => {
                    rep.damaged.push(format!("relations index: {e}"));
                    break;
                }
            };
            if v.is_empty() {
                // A reverse entry: its record must be stored under the other order.
                // A damaged block under the records is reported, not a reason to stop: the
                // rest of the report is what the user needs (it stopped here with one error).
                match self.reverse_targets(&k) {
                    Ok(t) if t.is_empty() => rep.damaged.push(format!("relation {}: reverse entry without its record", super::hex(&k))),
                    Ok(_) => {}
                    Err(e) => rep.damaged.push(format!("relations index: {e}")),
                }
                continue;
            }
            rep.relations += 1;
            match super::stored::decode_relation(&k, &v) {
                Ok(r) => {
                    for id in [r.a, r.b] {
                        match self.store.contains(ks::ARTICLES, id.as_bytes()) {
                            Ok(true) => {}
                            Ok(false) => rep.damaged.push(format!("relation {}: names missing article {}", super::hex(&k), id.hex())),
                            Err(e) => rep.damaged.push(format!("articles index: {e}")),
                        }
                    }
                }
                Err(e) => rep.damaged.push(format!("relation {}: unreadable: {}", super::hex(&k), reason(e))),
            }
        }
        let mut seen = std::collections::HashSet::new();
        rep.damaged.retain(|d| seen.insert(d.clone()));
        Ok(rep)
    }

    /// Checks a blob an article names as `check` says. A blob that cannot be read is reported as
    /// what `whose` names (the article and which of its blobs) and why.
    fn check_blob(&self, rep: &mut VerifyReport, check: BlobCheck, b: &BlobId, missing: impl FnOnce() -> String, whose: impl FnOnce() -> String) {
        if check != BlobCheck::Present {
            rep.blobs += u64::from(check == BlobCheck::Rehash);
            match self.store.get_blob(b) {
                Ok(_) => {}
                Err(stet_store::StoreError::NotFound { .. }) => rep.damaged.push(missing()),
                Err(e) => rep.damaged.push(format!("{}: unreadable: {e}", whose())),
            }
            return;
        }
        match self.store.contains_blob(b) {
            Ok(true) => {}
            Ok(false) => rep.damaged.push(missing()),
            Err(e) => rep.damaged.push(e.to_string()),
        }
    }
}

/// How `verify` checks the blobs an article names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BlobCheck {
    /// Listed in the store (their bytes were re-hashed with every other blob).
    Present,
    /// Read back, decoded and re-hashed, to name the articles some damage reaches.
    Read,
    /// As `Read`, and counted as re-hashed: the blob listing could not be read.
    Rehash,
}

/// What is wrong with a record, without the record's name (the report line names it).
fn reason(e: crate::error::Error) -> String {
    match e {
        crate::error::Error::Record { reason, .. } => reason,
        other => other.to_string(),
    }
}
