//! Import: an export (see the `export` module for the format) read into a new repository,
//! keeping what verifies.
//!
//! Main item: [`Archive::import`].

use super::export::{no_capture_verifies, stream_err, ImportReport, Line, Original, FORMAT, OLDEST_VERSION, RECORD_KEYSPACES, VERSION};
use super::{ks, Archive};
use crate::error::Result;
use crate::model::{ArticleId, ArticleRecord};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use std::collections::HashSet;
use std::io::BufRead;
use stet_store::BlobId;

impl Archive {
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
        let lead = record.lead.clone().or_else(|| record.title.is_none().then(|| crate::model::lead_of(text)).flatten());
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
