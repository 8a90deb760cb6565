//! The archive: articles, captures and relations on top of the content-addressed store.
//!
//! Main types: [`Archive`] (an open repository), [`OpenOptions`], [`AddRequest`] and
//! [`AddOutcome`] (archiving one input), [`Progress`] (progress reporting, implemented by
//! the CLI). Keyspaces are listed in [`ks`].

mod add;
mod corpus;
mod dictionary;
mod export;
mod import;
mod furniture;
mod index;
mod profiles;
mod query;
mod stored;
mod verify;

pub use dictionary::{RawDictionary, SharedEncoder, DICTIONARY_ARTICLES, DICTIONARY_BYTES};
pub use add::{AddOutcome, AddRequest, AddStatus, FoundRelation, PreparedInput};
pub use query::{PairFilter, Stats};
pub use verify::VerifyReport;
pub use profiles::PROFILE_CACHE_BYTES;
pub use export::{ExportReport, ImportReport, TransferReport};

use crate::error::{Error, Result};
use crate::model::{ArticleId, ArticleRecord, Relation};
use std::path::Path;
use stet_store::{Store, StoreOptions};

/// Names of the store keyspaces the archive uses, and their layouts.
pub mod ks {
    /// article id (32 bytes) -> `ArticleRecord` (stored without the id: see `stored`).
    pub const ARTICLES: &str = "articles";
    /// archive sequence (u64 BE) -> article id (32 bytes).
    pub const LOG: &str = "log";
    /// id a ++ id b (64 bytes) -> `Relation` (stored without a and b: see `stored`), `a`
    /// being the relation's `a`; and
    /// id b ++ the first 8 bytes of id a -> empty (the whole id a from older builds), so that
    /// both articles find it by prefix (see `Archive::reverse_targets`).
    pub const RELATIONS: &str = "relations";
    /// url key bytes ++ 0x00 ++ sequence (u64 BE) -> the article id's first 8 bytes (the whole
    /// id from older builds; see `Archive::url_entry_article`).
    pub const URLS: &str = "urls";
    /// first bucket of a page (u16 BE) -> the candidate index's page of buckets (see
    /// `detect::FeatureIndex::encode_page` and `index.rs`), as of the last checkpoint;
    /// `indexed-seq` in [`META`] says how many articles it holds, `index-format` its layout.
    pub const INDEX: &str = "index";
    /// source ++ 0x00 ++ line key -> articles of that source carrying the line (u64 BE).
    pub const SOURCE_LINES: &str = "source-lines";
    /// source -> articles of that source counted for learned boilerplate (u64 BE).
    pub const SOURCE_ARTICLES: &str = "source-articles";
    /// settings and counters: `next-seq`, `next-url-seq`, `indexed-seq` (u64 BE), `index-format`
    /// (the candidate index's format and page shift, 2 bytes).
    pub const META: &str = "archive-meta";
}

/// How to open a repository.
#[derive(Clone, Debug)]
pub struct OpenOptions {
    /// Create the repository when missing.
    pub create: bool,
    /// A fixed clock (RFC 3339) for reproducible output; `None` uses the system clock.
    pub now: Option<String>,
    /// Run detection when adding.
    pub detect: bool,
    /// Many writes are coming (`add`, `import`, `reindex`): see
    /// [`stet_store::StoreOptions::bulk_writes`].
    pub bulk_writes: bool,
    /// Memory budget of the cache of detection profiles of archived articles (estimated bytes):
    /// candidates whose profile is not held are rebuilt from their text.
    pub profile_cache_bytes: usize,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions { create: true, now: None, detect: true, bulk_writes: false, profile_cache_bytes: PROFILE_CACHE_BYTES }
    }
}

/// Progress of a long operation; the CLI shows it, the library only reports.
pub trait Progress {
    /// A new phase with `total` steps (0 when unknown).
    fn start(&self, _what: &str, _total: u64) {}
    /// `n` more steps done.
    fn inc(&self, _n: u64) {}
    /// The phase is over.
    fn finish(&self) {}
}

/// Progress that shows nothing.
pub struct NoProgress;
impl Progress for NoProgress {}

/// An open repository.
pub struct Archive {
    store: Store,
    opts: OpenOptions,
    /// Detection profiles of archived articles, kept across inputs of one command.
    profiles: std::cell::RefCell<profiles::ProfileCache>,
    /// The candidate index, opened on first use (this process is the only writer).
    index: std::cell::RefCell<Option<index::IndexState>>,
    /// The raw-input dictionary's encoder, once known, for threads that prepare inputs.
    raw_encoder: SharedEncoder,
    /// Whether learned-line records are known to have short keys (see `furniture`).
    line_keys_short: std::cell::Cell<bool>,
}

/// Bytes of an article id kept where an entry only has to lead back to its article (url index
/// values, reverse relation keys; [`id_prefix`]): ids are random and cost their size in a
/// pack, and 24 of 32 bytes saved per entry took cases3k's repository from 4,005,888 to
/// 3,940,352 B. Readers resolve the prefix among the archived ids that share it.
pub(crate) const ID_PREFIX_BYTES: usize = 8;

/// The first [`ID_PREFIX_BYTES`] bytes of `id`.
pub(crate) fn id_prefix(id: &ArticleId) -> &[u8] {
    &id.as_bytes()[..ID_PREFIX_BYTES]
}

/// At close, packs totalling at most this are merged into one (a rewrite of at most this much).
const SMALL_PACKS_BYTES: u64 = 16 << 20;
/// At close, every pack is merged into one when the superseded versions of index pages they
/// hold reach `1 / SUPERSEDED_DENOMINATOR` of their bytes (see `Store::merge_if_superseded`).
const SUPERSEDED_DENOMINATOR: u64 = 8;

impl Archive {
    /// Opens (or creates) the repository at `path`.
    pub fn open(path: &Path, opts: OpenOptions) -> Result<Archive> {
        let store = Store::open(path, StoreOptions { create: opts.create, bulk_writes: opts.bulk_writes, ..StoreOptions::default() })?;
        Ok(Archive {
            raw_encoder: dictionary::SharedEncoder::of(&store),
            store,
            profiles: std::cell::RefCell::new(profiles::ProfileCache::new(opts.profile_cache_bytes)),
            opts,
            index: Default::default(),
            line_keys_short: Default::default(),
        })
    }

    /// The underlying store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Flushes everything to disk.
    pub fn flush(&self) -> Result<()> {
        self.store.flush()?;
        Ok(())
    }

    /// Checkpoints what is worth keeping of the candidate index, flushes, and moves what was
    /// written into a pack file: call it when done adding (dropping the archive checkpoints and
    /// flushes too, ignoring errors).
    pub fn close(&self) -> Result<()> {
        let ((hits, misses), (held, bytes)) = {
            let cache = self.profiles.borrow();
            (cache.hits_and_misses(), cache.held())
        };
        tracing::debug!(hits, misses, held, bytes, "profile cache");
        let blocks = self.store.block_reads();
        tracing::debug!(hits = blocks.hits, read = blocks.misses, bytes_read = blocks.bytes, "pack block cache");
        let started = std::time::Instant::now();
        self.close_index()?;
        let indexed = started.elapsed();
        self.flush()?;
        self.store.pack()?;
        let merged = self.store.merge_small_packs(SMALL_PACKS_BYTES)? || self.store.merge_if_superseded(SUPERSEDED_DENOMINATOR)?;
        let (packs, pack_bytes) = self.store.pack_stats();
        tracing::info!(
            index_ms = %format!("{:.1}", indexed.as_secs_f64() * 1e3),
            total_ms = %format!("{:.1}", started.elapsed().as_secs_f64() * 1e3),
            merged,
            packs,
            pack_bytes,
            "closed: candidate index written, records packed"
        );
        Ok(())
    }

    /// Packs what is loose and merges every pack when any superseded bytes are counted in them
    /// (after `reindex`, the whole old index): [`Self::close`] waits for them to be a share of
    /// the packs. Returns whether it merged.
    pub fn merge_superseded(&self) -> Result<bool> {
        self.store.pack()?;
        Ok(self.store.merge_if_superseded(u64::MAX)?)
    }

    /// Gives back the space sled keeps after everything was packed (see
    /// [`stet_store::compact_database`]); call it on a closed archive. Returns whether it did.
    pub fn compact_database(path: &Path) -> Result<bool> {
        Ok(stet_store::compact_database(path)?)
    }

    /// The current time as RFC 3339 UTC (or the pinned clock).
    pub(crate) fn now(&self) -> String {
        match &self.opts.now {
            Some(t) => t.clone(),
            None => chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }

    /// The id of the article archived as number `seq` (its entry in [`ks::LOG`]).
    pub(crate) fn logged_id(&self, seq: u64) -> Result<ArticleId> {
        self.store
            .get(ks::LOG, &seq.to_be_bytes())?
            .and_then(|v| ArticleId::from_slice(&v))
            .ok_or_else(|| Error::Record { what: format!("archive log entry {seq}"), reason: "missing".into() })
    }

    /// Reads an article record.
    pub fn article(&self, id: &ArticleId) -> Result<Option<ArticleRecord>> {
        profiles::read_article(&self.store, id)
    }

    /// Reads an article record that must exist.
    pub fn article_required(&self, id: &ArticleId) -> Result<ArticleRecord> {
        self.article(id)?.ok_or_else(|| Error::NotFound(id.hex()))
    }

    /// The normalised text of an article, verified against its hash.
    pub fn text(&self, rec: &ArticleRecord) -> Result<String> {
        profiles::read_text(&self.store, rec)
    }

    /// The original bytes of an article's first capture, verified against their hash.
    pub fn original(&self, rec: &ArticleRecord) -> Result<Vec<u8>> {
        let cap = rec.captures.first().ok_or_else(|| Error::Record {
            what: format!("article {}", rec.id.hex()),
            reason: "no capture".into(),
        })?;
        let id = parse_blob(&cap.raw, &rec.id)?;
        Ok(self.store.get_blob(&id)?)
    }

    /// The ids of archived articles that start with `prefix`, in id order.
    pub(crate) fn ids_with_prefix<'a>(&'a self, prefix: &[u8]) -> impl Iterator<Item = Result<ArticleId>> + 'a {
        self.store.scan_prefix(ks::ARTICLES, prefix).filter_map(|kv| match kv {
            Ok((k, _)) => ArticleId::from_slice(&k).map(Ok),
            Err(e) => Some(Err(e.into())),
        })
    }

    /// Resolves a unique id prefix (4 to 64 hex digits) to an article id.
    pub fn resolve(&self, prefix: &str) -> Result<ArticleId> {
        let p = prefix.trim().to_ascii_lowercase();
        if p.len() < 4 || p.len() > 64 || !p.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(Error::BadId(prefix.to_string()));
        }
        let even = &p[..p.len() / 2 * 2];
        let bytes: Vec<u8> = (0..even.len())
            .step_by(2)
            .filter_map(|i| u8::from_str_radix(&even[i..i + 2], 16).ok())
            .collect();
        let mut found = Vec::new();
        for id in self.ids_with_prefix(&bytes) {
            let id = id?;
            if id.hex().starts_with(&p) {
                found.push(id);
                if found.len() > 8 {
                    break;
                }
            }
        }
        match found.len() {
            0 => Err(Error::NotFound(prefix.to_string())),
            1 => Ok(found[0]),
            _ => Err(Error::Ambiguous { prefix: prefix.to_string(), candidates: found }),
        }
    }

    /// The shortest prefix of `id` (at least `min` hex digits) that no other article shares.
    pub fn short_id(&self, id: &ArticleId, min: usize) -> String {
        let hex = id.hex();
        let mut len = min.clamp(4, 64);
        while len < 64 {
            let even = len / 2 * 2;
            let prefix = &id.as_bytes()[..even / 2];
            let clash = self.ids_with_prefix(prefix).filter_map(|o| o.ok()).any(|o| o != *id && o.hex()[..len] == hex[..len]);
            if !clash {
                break;
            }
            len += 2;
        }
        hex[..len].to_string()
    }

    /// The relations of one article.
    pub fn relations_of(&self, id: &ArticleId) -> Result<Vec<Relation>> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for kv in self.store.scan_prefix(ks::RELATIONS, id.as_bytes()) {
            let (k, v) = kv?;
            let records = if v.is_empty() {
                // The reverse entry: the record is stored once, under the other order.
                let found = self.reverse_targets(&k)?;
                if found.is_empty() {
                    return Err(Error::Record { what: format!("relation {}", hex(&k)), reason: "missing (only its reverse entry is stored)".into() });
                }
                found
            } else {
                vec![(k.to_vec(), v)]
            };
            for (k, v) in records {
                // A relation found again after an older build stored it has two reverse entries.
                if seen.insert(k.clone()) {
                    out.push(stored::decode_relation(&k, &v)?);
                }
            }
        }
        Ok(out)
    }

    /// The keys and records a reverse relation entry (`b ++` the first 8 bytes of `a`, or the
    /// whole `a` from older builds) stands for: the records under `a ++ b` for the articles `a`
    /// whose ids start with those bytes (nearly always one; none when the record is missing).
    pub(crate) fn reverse_targets(&self, k: &[u8]) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        let (Some(b), Some(a)) = (k.get(..32), k.get(32..)) else { return Ok(Vec::new()) };
        if a.len() == 32 {
            let canonical = [a, b].concat();
            return Ok(self.store.get(ks::RELATIONS, &canonical)?.map(|v| (canonical, v)).into_iter().collect());
        }
        if a.len() != ID_PREFIX_BYTES {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for kv in self.store.scan_prefix(ks::RELATIONS, a) {
            let (key, v) = kv?;
            if key.len() == 64 && &key[32..] == b && !v.is_empty() {
                out.push((key, v));
            }
        }
        Ok(out)
    }

    /// Adds a relation to a batch: the record under (a, b), an empty entry under (b, a's
    /// `id_prefix`).
    pub fn put_relation(batch: &mut stet_store::Batch<'_>, rel: &Relation) {
        batch.insert(ks::RELATIONS, &[rel.a.as_bytes().as_slice(), rel.b.as_bytes()].concat(), &stored::encode_relation(rel));
        batch.insert(ks::RELATIONS, &[rel.b.as_bytes().as_slice(), id_prefix(&rel.a)].concat(), &[]);
    }
}

impl Drop for Archive {
    fn drop(&mut self) {
        let _ = self.close_index();
    }
}

/// Encodes a record as JSON.
pub(crate) fn encode<T: serde::Serialize>(v: &T) -> Vec<u8> {
    // Serialising plain records with string keys cannot fail.
    serde_json::to_vec(v).unwrap_or_default()
}

fn parse_blob(hex: &str, owner: &ArticleId) -> Result<stet_store::BlobId> {
    stet_store::BlobId::from_hex(hex).ok_or_else(|| Error::Record {
        what: format!("article {}", owner.hex()),
        reason: format!("bad blob id '{hex}'"),
    })
}

pub(crate) fn hex(b: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(2 * b.len());
    for x in b {
        s.push(DIGITS[usize::from(x >> 4)] as char);
        s.push(DIGITS[usize::from(x & 0x0f)] as char);
    }
    s
}
