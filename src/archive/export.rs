//! Export: the archive as JSON Lines, for backups, moving to a new store format, and
//! rebuilding a clean repository from a damaged one (read back by the `import` module).
//!
//! Main items: [`Archive::export`], [`ExportReport`], [`ImportReport`], and the line types
//! [`Line`] and [`Original`].
//!
//! # Format (`stet-export`, version 2)
//!
//! One JSON object per line, each with a `type`:
//!
//! 1. `header`: `format` (`"stet-export"`), `version` (2), `created` (RFC 3339), `generator`.
//! 2. `article`, one per article in archive order (oldest first): `record` (the stored
//!    [`ArticleRecord`]), `text` (the normalised text; its blake3 is the article id) and
//!    `originals` (the raw bytes of its captures, base64, each with its blake3 `blob` id).
//! 3. `relation`, one per relation: `relation` (the stored [`Relation`]).
//! 4. `url`: the url index, `url` (as stored), `n` (its entry number) and `id`.
//! 5. `record`: other archive state worth keeping (what was learned of each source's page
//!    furniture): `keyspace`, base64 `key` and `value`. Version 2 differs from version 1 only
//!    here: learned-line keys are 16 hex digits, not 64 (version 1 is read, its keys shortened
//!    and counts that meet added up). A build that reads only version 1 refuses version 2
//!    instead of importing line counts it would never match.
//! 6. `manifest`: counts of each type and `blake3`, the hash of every byte before this line.
//!
//! Export skips what does not verify (an article whose text does not hash to its id, a capture
//! whose bytes do not hash to their blob id, a relation naming a skipped article) and reports
//! each lost object. Import checks the manifest and every hash again, writes what verifies
//! into an empty repository, and reports what it could not keep. The candidate index is not
//! exported: it is derived data, rebuilt by import from the imported articles
//! ([`Archive::reindex`]).

use super::{encode, ks, Archive};
use crate::error::{Error, Result};
use crate::model::{ArticleId, ArticleRecord, Relation};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::io::Write;
use stet_store::BlobId;

/// The format name in the header line.
pub const FORMAT: &str = "stet-export";
/// The format version this build writes; it reads this one and version 1.
pub const VERSION: u32 = 2;
/// The oldest format version this build reads.
pub(super) const OLDEST_VERSION: u32 = 1;

/// Keyspaces exported as plain `record` lines.
pub(super) const RECORD_KEYSPACES: &[&str] = &[ks::SOURCE_LINES, ks::SOURCE_ARTICLES];

/// The raw bytes of one capture.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Original {
    /// blake3 of the bytes (the capture's `raw`).
    pub blob: String,
    /// The bytes, base64.
    pub base64: String,
}

/// One line of an export.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Line {
    /// The first line.
    Header {
        /// Always [`FORMAT`].
        format: String,
        /// [`VERSION`].
        version: u32,
        /// When the export was made (RFC 3339).
        created: String,
        /// The program that wrote it.
        generator: String,
    },
    /// One article.
    Article {
        /// Its stored record.
        record: ArticleRecord,
        /// Its normalised text.
        text: String,
        /// The raw bytes of its captures.
        originals: Vec<Original>,
    },
    /// One relation.
    Relation {
        /// Its stored record.
        relation: Relation,
    },
    /// One entry of the url index.
    Url {
        /// The url as stored (normalised).
        url: String,
        /// The entry's number.
        n: u64,
        /// The article.
        id: ArticleId,
    },
    /// A record of another keyspace.
    Record {
        /// The keyspace.
        keyspace: String,
        /// The key, base64.
        key: String,
        /// The value, base64.
        value: String,
    },
    /// The last line.
    Manifest {
        /// Article lines.
        articles: u64,
        /// Originals in article lines.
        originals: u64,
        /// Relation lines.
        relations: u64,
        /// Url lines.
        urls: u64,
        /// Record lines.
        records: u64,
        /// Objects the export skipped because they did not verify.
        lost: u64,
        /// blake3 (hex) of every byte before this line.
        blake3: String,
    },
}

/// What an export wrote (or an import kept) and what it lost.
#[derive(Clone, Debug, Default, Serialize)]
pub struct TransferReport {
    /// Articles written.
    pub articles: u64,
    /// Originals (capture bytes) written.
    pub originals: u64,
    /// Relations written.
    pub relations: u64,
    /// Url index entries written.
    pub urls: u64,
    /// Other records written.
    pub records: u64,
    /// Objects skipped, one line each: what and why.
    pub lost: Vec<String>,
}

/// What an export wrote and what it lost.
pub type ExportReport = TransferReport;
/// What an import kept and what it lost.
pub type ImportReport = TransferReport;

/// Writes lines and hashes every byte written.
struct Hashing<'w> {
    out: &'w mut dyn Write,
    hasher: blake3::Hasher,
}

impl Hashing<'_> {
    fn line(&mut self, line: &Line) -> Result<()> {
        let mut bytes = encode(line);
        bytes.push(b'\n');
        self.hasher.update(&bytes);
        self.out
            .write_all(&bytes)
            .map_err(|e| stream_err("export output", e))
    }
}

pub(super) fn stream_err(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Stream {
        what: what.to_string(),
        reason: e.to_string(),
    }
}

impl Archive {
    /// Writes the whole archive to `out` as JSON Lines (see the module docs), skipping and
    /// reporting what does not verify. `Err` only when `out` fails or nothing can be read.
    pub fn export(&self, out: &mut dyn Write) -> Result<ExportReport> {
        let mut rep = ExportReport::default();
        let mut w = Hashing {
            out,
            hasher: blake3::Hasher::new(),
        };
        w.line(&Line::Header {
            format: FORMAT.into(),
            version: VERSION,
            created: self.now(),
            generator: format!("stet {}", env!("CARGO_PKG_VERSION")),
        })?;
        let mut kept: HashSet<ArticleId> = HashSet::new();
        // Each loop reads past damaged pack blocks (salvaging iterators yield each once) and
        // ends at any other read error.
        let mut order: Vec<(u64, ArticleId)> = Vec::new();
        let mut log_damaged = false;
        for kv in self.store.iter(ks::LOG).salvaging() {
            match kv {
                Ok((k, v)) => match (k.as_slice().try_into().map(u64::from_be_bytes), ArticleId::from_slice(&v)) {
                    (Ok(seq), Some(id)) => order.push((seq, id)),
                    _ => rep.lost.push(format!("archive log entry {}: malformed", super::hex(&k))),
                },
                Err(e) => {
                    rep.lost.push(lost_read("archive log", &e));
                    log_damaged = true;
                }
            }
        }
        if log_damaged {
            // A damaged block of the log loses ~700 entries whose articles may be intact: the
            // article records name them, with their place in archive order.
            let logged: HashSet<ArticleId> = order.iter().map(|(_, id)| *id).collect();
            for kv in self.store.iter(ks::ARTICLES).salvaging() {
                match kv {
                    Ok((k, v)) => {
                        if let Some(id) = ArticleId::from_slice(&k).filter(|id| !logged.contains(id)) {
                            // The record is at hand: its place in archive order without reading it again.
                            match super::stored::decode_article(&k, &v) {
                                Ok(rec) => order.push((rec.seq, id)),
                                Err(e) => rep.lost.push(format!("article {}: {e}", id.hex())),
                            }
                        }
                    }
                    Err(e) => rep.lost.push(lost_read("article records", &e)),
                }
            }
            order.sort_by_key(|&(seq, id)| (seq, id));
        }
        for (_, id) in order {
            match self.export_article(&id, &mut rep) {
                Ok(Some(line)) => {
                    w.line(&line)?;
                    kept.insert(id);
                }
                Ok(None) => {}
                Err(e) => rep.lost.push(format!("article {}: {e}", id.hex())),
            }
        }
        for kv in self.store.iter(ks::RELATIONS).salvaging() {
            let (k, v) = match kv {
                Ok(kv) => kv,
                Err(e) => {
                    rep.lost.push(lost_read("relations", &e));
                    continue;
                }
            };
            if v.is_empty() {
                continue; // the reverse entry of a relation stored under the other order
            }
            match super::stored::decode_relation(&k, &v) {
                Ok(r) if kept.contains(&r.a) && kept.contains(&r.b) => {
                    w.line(&Line::Relation { relation: r })?;
                    rep.relations += 1;
                }
                Ok(r) => rep.lost.push(format!(
                    "relation {} - {}: names a lost article",
                    r.a.hex(),
                    r.b.hex()
                )),
                Err(e) => rep
                    .lost
                    .push(format!("relation {}: unreadable: {e}", super::hex(&k))),
            }
        }
        for kv in self.store.iter(ks::URLS).salvaging() {
            let (k, v) = match kv {
                Ok(kv) => kv,
                Err(e) => {
                    rep.lost.push(lost_read("url index", &e));
                    continue;
                }
            };
            let parsed = k.len().checked_sub(9).and_then(|at| {
                let (url, rest) = k.split_at(at);
                let url = std::str::from_utf8(url).ok()?.to_string();
                let n = u64::from_be_bytes(rest.get(1..)?.try_into().ok()?);
                (rest.first() == Some(&0)).then_some((url, n))
            });
            let id = match &parsed {
                // An unreadable article shows as a url naming none (reported lost below).
                Some((url, _)) => self.url_entry_article(url, &v).unwrap_or(None),
                None => None,
            };
            match (parsed, id) {
                (Some((url, n)), Some(id)) if kept.contains(&id) => {
                    w.line(&Line::Url { url, n, id })?;
                    rep.urls += 1;
                }
                (Some((url, _)), Some(id)) => rep
                    .lost
                    .push(format!("url {url}: version {} is a lost article", id.hex())),
                _ => rep
                    .lost
                    .push(format!("url index entry {}: malformed, or naming no readable article", super::hex(&k))),
            }
        }
        for keyspace in RECORD_KEYSPACES {
            for kv in self.store.iter(keyspace).salvaging() {
                match kv {
                    Ok((k, v)) => {
                        w.line(&Line::Record {
                            keyspace: keyspace.to_string(),
                            key: B64.encode(&k),
                            value: B64.encode(&v),
                        })?;
                        rep.records += 1;
                    }
                    Err(e) => {
                        rep.lost.push(lost_read(keyspace, &e));
                        continue;
                    }
                }
            }
        }
        let blake3 = w.hasher.finalize().to_hex().to_string();
        w.line(&Line::Manifest {
            articles: rep.articles,
            originals: rep.originals,
            relations: rep.relations,
            urls: rep.urls,
            records: rep.records,
            lost: rep.lost.len() as u64,
            blake3,
        })?;
        w.out.flush().map_err(|e| stream_err("export output", e))?;
        Ok(rep)
    }

    /// The article line of `id`, with the originals that verify; `None` (and the reason in
    /// `rep.lost`) when no part of it that matters verifies.
    fn export_article(&self, id: &ArticleId, rep: &mut ExportReport) -> Result<Option<Line>> {
        let rec = self.article_required(id)?;
        if rec.id != *id {
            rep.lost.push(format!(
                "article {}: its record names another id {}",
                id.hex(),
                rec.id.hex()
            ));
            return Ok(None);
        }
        if rec.text != id.hex() {
            rep.lost.push(format!(
                "article {}: its text blob {} is not the article's text",
                id.hex(),
                rec.text
            ));
            return Ok(None);
        }
        // The store re-hashes the text blob, whose id is the article id.
        let text = self.text(&rec)?;
        let mut originals = Vec::new();
        let mut captures = Vec::new();
        for c in &rec.captures {
            let bytes = BlobId::from_hex(&c.raw)
                .ok_or_else(|| {
                    stream_err(
                        &format!("capture {}", c.input),
                        format!("bad blob id '{}'", c.raw),
                    )
                })
                .and_then(|b| Ok(self.store.get_blob(&b)?));
            match bytes {
                Ok(bytes) => {
                    if !originals.iter().any(|o: &Original| o.blob == c.raw) {
                        originals.push(Original {
                            blob: c.raw.clone(),
                            base64: B64.encode(&bytes),
                        });
                    }
                    captures.push(c.clone());
                }
                Err(e) => rep.lost.push(format!(
                    "article {}: capture {} ({}): {e}",
                    id.hex(),
                    c.input,
                    c.at
                )),
            }
        }
        if captures.is_empty() {
            rep.lost.push(no_capture_verifies(id));
            return Ok(None);
        }
        rep.articles += 1;
        rep.originals += originals.len() as u64;
        Ok(Some(Line::Article {
            record: ArticleRecord { captures, ..rec },
            text,
            originals,
        }))
    }
}

/// What a transfer report says of an article none of whose captures verified.
pub(super) fn no_capture_verifies(id: &ArticleId) -> String {
    format!("article {}: no capture's original bytes verify; article left out", id.hex())
}

/// What a read error while exporting `what` lost: the records of one damaged pack block
/// (reading goes on after it), or everything from there on.
fn lost_read(what: &str, e: &stet_store::StoreError) -> String {
    match e {
        stet_store::StoreError::Pack { .. } => {
            format!("{what}: the records of a damaged block (older versions of them, where an older pack holds some, are exported instead): {e}")
        }
        _ => format!("{what}: unreadable from here on: {e}"),
    }
}

