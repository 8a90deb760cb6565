//! Export and import: the archive as JSON Lines, for backups, moving to a new store format,
//! and rebuilding a clean repository from a damaged one.
//!
//! Main items: [`Archive::export`], [`Archive::import`], [`ExportReport`], [`ImportReport`],
//! and the line types [`Line`] and [`Original`].
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
use std::io::{BufRead, Write};
use stet_store::BlobId;

/// The format name in the header line.
pub const FORMAT: &str = "stet-export";
/// The format version this build writes; it reads this one and version 1.
pub const VERSION: u32 = 2;
/// The oldest format version this build reads.
const OLDEST_VERSION: u32 = 1;

/// Keyspaces exported as plain `record` lines.
const RECORD_KEYSPACES: &[&str] = &[ks::SOURCE_LINES, ks::SOURCE_ARTICLES];

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

fn stream_err(what: &str, e: impl std::fmt::Display) -> Error {
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
                    Ok((k, _)) => match ArticleId::from_slice(&k).filter(|id| !logged.contains(id)) {
                        Some(id) => match self.article(&id) {
                            Ok(Some(rec)) => order.push((rec.seq, id)),
                            Ok(None) => {}
                            Err(e) => rep.lost.push(format!("article {}: {e}", id.hex())),
                        },
                        None => {}
                    },
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

    /// Reads an export (see the module docs) into this repository, which must hold no
    /// article yet: checks the header, the manifest and every hash, writes what verifies (one
    /// atomic batch per article), rebuilds the candidate index (reporting to `progress`) and
    /// reports what it could not keep. `Err` when the input cannot be read or is not an export,
    /// or the repository fails.
    pub fn import(
        &self,
        input: &mut dyn BufRead,
        progress: &dyn super::Progress,
    ) -> Result<ImportReport> {
        if self.article_count()? > 0 || self.store.iter(ks::ARTICLES).next().is_some() {
            return Err(stream_err(
                "import",
                "the repository already holds articles; import into a new one",
            ));
        }
        let mut rep = ImportReport::default();
        let mut hasher = blake3::Hasher::new();
        let mut buf = Vec::new();
        let mut lineno = 0u64;
        let mut header = false;
        let mut manifest = None;
        let mut kept: HashSet<ArticleId> = HashSet::new();
        let mut seq = 0u64;
        let mut next_url = 0u64;
        loop {
            buf.clear();
            let n = input
                .read_until(b'\n', &mut buf)
                .map_err(|e| stream_err("import input", e))?;
            if n == 0 {
                break;
            }
            lineno += 1;
            if manifest.is_some() {
                rep.lost
                    .push(format!("line {lineno}: after the manifest, ignored"));
                continue;
            }
            let line: Line = match serde_json::from_slice(&buf) {
                Ok(l) => l,
                Err(e) if !header => {
                    return Err(stream_err(
                        "import input",
                        format!("not a stet export (line 1: {e})"),
                    ))
                }
                Err(e) => {
                    hasher.update(&buf);
                    rep.lost.push(format!("line {lineno}: unreadable: {e}"));
                    continue;
                }
            };
            if let Line::Manifest { .. } = line {
                manifest = Some((line, hasher.finalize()));
                continue;
            }
            hasher.update(&buf);
            match line {
                Line::Header {
                    format, version, ..
                } if !header => {
                    if format != FORMAT || !(OLDEST_VERSION..=VERSION).contains(&version) {
                        return Err(stream_err("import input", format!("{format} version {version} is not supported (this stet reads {FORMAT} versions {OLDEST_VERSION} to {VERSION})")));
                    }
                    header = true;
                }
                _ if !header => {
                    return Err(stream_err(
                        "import input",
                        "not a stet export (no header line)",
                    ))
                }
                Line::Header { .. } => rep
                    .lost
                    .push(format!("line {lineno}: a second header, ignored")),
                Line::Article {
                    record,
                    text,
                    originals,
                } => {
                    let id = record.id;
                    match self.import_article(record, &text, &originals, seq, &mut rep) {
                        Ok(true) => {
                            kept.insert(id);
                            seq += 1;
                        }
                        Ok(false) => {}
                        Err(e) => rep.lost.push(format!("article {}: {e}", id.hex())),
                    }
                }
                Line::Relation { relation } => {
                    if kept.contains(&relation.a) && kept.contains(&relation.b) {
                        let mut batch = self.store.batch();
                        Archive::put_relation(&mut batch, &relation);
                        self.store.commit(batch)?;
                        rep.relations += 1;
                    } else {
                        rep.lost.push(format!(
                            "relation {} - {}: names an article not imported",
                            relation.a.hex(),
                            relation.b.hex()
                        ));
                    }
                }
                Line::Url { url, n, id } => {
                    if kept.contains(&id) {
                        let mut key = url.into_bytes();
                        key.push(0);
                        key.extend_from_slice(&n.to_be_bytes());
                        let mut batch = self.store.batch();
                        batch.insert(ks::URLS, &key, super::id_prefix(&id));
                        next_url = next_url.max(n + 1);
                        batch.insert(ks::META, b"next-url-seq", &next_url.to_be_bytes());
                        self.store.commit(batch)?;
                        rep.urls += 1;
                    } else {
                        rep.lost
                            .push(format!("url {url}: names an article not imported"));
                    }
                }
                Line::Record {
                    keyspace,
                    key,
                    value,
                } => {
                    match (
                        RECORD_KEYSPACES.iter().find(|k| **k == keyspace),
                        B64.decode(&key),
                        B64.decode(&value),
                    ) {
                        (Some(space), Ok(k), Ok(v)) => {
                            let mut batch = self.store.batch();
                            // Line records exported by older builds have long keys; two that
                            // shorten to one key add up, as in `shorten_line_keys`.
                            match (*space == ks::SOURCE_LINES).then(|| super::furniture::shortened_line_record(&k)).flatten() {
                                Some(short) => super::furniture::add_count(&mut batch, space, &short, super::add::be_u64(&v))?,
                                None => batch.insert(space, &k, &v),
                            }
                            self.store.commit(batch)?;
                            rep.records += 1;
                        }
                        _ => rep.lost.push(format!(
                            "line {lineno}: a {keyspace} record that is not one this stet keeps"
                        )),
                    }
                }
                Line::Manifest { .. } => {}
            }
        }
        match manifest {
            None => rep.lost.push(
                "manifest: missing (the export is truncated); what came before it was imported"
                    .into(),
            ),
            Some((
                Line::Manifest {
                    blake3,
                    articles,
                    relations,
                    ..
                },
                actual,
            )) => {
                if actual.to_hex().as_str() != blake3 {
                    rep.lost.push(format!("manifest: the export's bytes do not hash to {blake3} (damaged in transit); every object was checked on its own"));
                }
                if rep.articles < articles {
                    rep.lost.push(format!(
                        "manifest: {} of {articles} articles imported",
                        rep.articles
                    ));
                }
                if rep.relations < relations {
                    rep.lost.push(format!(
                        "manifest: {} of {relations} relations imported",
                        rep.relations
                    ));
                }
            }
            Some(_) => {}
        }
        if self.opts.detect {
            // The candidate index is derived data: built now from the imported articles, so
            // that the next `add` finds them.
            self.reindex(progress)?;
        }
        self.flush()?;
        Ok(rep)
    }

    /// Writes one article if its text and at least one original verify; false (reasons in
    /// `rep.lost`) when it is left out.
    fn import_article(
        &self,
        record: ArticleRecord,
        text: &str,
        originals: &[Original],
        seq: u64,
        rep: &mut ImportReport,
    ) -> Result<bool> {
        let id = record.id;
        if ArticleId::of_text(text) != id || record.text != id.hex() {
            rep.lost.push(format!(
                "article {}: its text does not hash to its id",
                id.hex()
            ));
            return Ok(false);
        }
        if self.article(&id)?.is_some() {
            rep.lost.push(format!(
                "article {}: appears twice, second copy ignored",
                id.hex()
            ));
            return Ok(false);
        }
        let mut batch = self.store.batch();
        // Stored like `add` stores them: originals with the raw-input dictionary, the text as a
        // delta against its first original (plain blobs doubled an imported repository).
        let dictionary = self.raw_dictionary(&mut batch, seq)?;
        let mut good: HashSet<&str> = HashSet::new();
        for o in originals {
            match B64.decode(&o.base64) {
                Ok(bytes) if BlobId::of(&bytes).hex() == o.blob => {
                    match dictionary {
                        Some(d) => d.put(&mut batch, &bytes)?,
                        None => batch.put_blob(&bytes)?,
                    };
                    good.insert(o.blob.as_str());
                }
                Ok(_) => rep.lost.push(format!(
                    "article {}: original {} does not hash to its id",
                    id.hex(),
                    o.blob
                )),
                Err(e) => rep.lost.push(format!(
                    "article {}: original {} is not base64: {e}",
                    id.hex(),
                    o.blob
                )),
            }
        }
        let captures: Vec<_> = record
            .captures
            .iter()
            .filter(|c| good.contains(c.raw.as_str()))
            .cloned()
            .collect();
        for c in record
            .captures
            .iter()
            .filter(|c| !good.contains(c.raw.as_str()))
        {
            rep.lost.push(format!(
                "article {}: capture {} ({}): original bytes missing",
                id.hex(),
                c.input,
                c.at
            ));
        }
        if captures.is_empty() {
            rep.lost.push(no_capture_verifies(&id));
            return Ok(false);
        }
        let bases: Vec<BlobId> = captures.iter().filter_map(|c| BlobId::from_hex(&c.raw)).take(1).collect();
        batch.put_blob_delta_smallest(text.as_bytes(), &bases)?;
        // Records exported before leads were kept get one here, where the text is at hand.
        let lead = record.lead.clone().or_else(|| record.title.is_none().then(|| crate::model::lead_of(&text)).flatten());
        let rec = ArticleRecord {
            seq,
            captures,
            lead,
            ..record
        };
        batch.insert(ks::ARTICLES, id.as_bytes(), &super::stored::encode_article(&rec));
        batch.insert(ks::LOG, &seq.to_be_bytes(), id.as_bytes());
        batch.insert(ks::META, b"next-seq", &(seq + 1).to_be_bytes());
        self.store.commit(batch)?;
        rep.articles += 1;
        rep.originals += good.len() as u64;
        Ok(true)
    }
}

/// What a transfer report says of an article none of whose captures verified.
fn no_capture_verifies(id: &ArticleId) -> String {
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

