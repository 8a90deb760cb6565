//! Archiving one input: extract, normalise, deduplicate, detect, and commit in one batch.

use super::{corpus::StoreCorpus, ks, Archive};
use crate::detect::{self, Finding};
use crate::error::{Error, InputError};
use crate::extract;
use crate::model::{ArticleId, ArticleRecord, Capture, Relation, RelationKind};
use serde::Serialize;
use super::SharedEncoder;
use stet_store::{BlobId, EncodedBlob, EncodedDelta};

/// One input to archive, with what the user said about it.
#[derive(Clone, Debug, Default)]
pub struct AddRequest {
    /// The input's name: a path, a URL, or "-" for stdin.
    pub input: String,
    /// Its raw bytes.
    pub bytes: Vec<u8>,
    /// Url given by the user (overrides the one found in the input).
    pub url: Option<String>,
    /// Title given by the user.
    pub title: Option<String>,
    /// Publication date given by the user (RFC 3339 or YYYY-MM-DD).
    pub published: Option<String>,
    /// Source label given by the user.
    pub source: Option<String>,
}

impl AddRequest {
    /// The capture record of this input, archived at `at` under the raw blob `raw`.
    fn capture(&self, at: String, raw: BlobId, format: Option<extract::Format>) -> Capture {
        Capture { input: self.input.clone(), at, raw: raw.hex(), size: self.bytes.len() as u64, format }
    }
}

/// What happened to one input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AddStatus {
    /// A new article.
    Added,
    /// The same text was already archived: at most a capture was added, or the article's
    /// metadata corrected (see [`Archive::add_prepared`]).
    Identical,
}

/// A relation found for a newly archived article, as reported by `add`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FoundRelation {
    /// How they are related.
    pub kind: RelationKind,
    /// The archived article it relates to.
    pub other: ArticleId,
    /// Strength in [0, 1].
    pub score: f32,
    /// The parent, when known.
    pub parent: Option<ArticleId>,
    /// The new article is the longer side, holding most of the other's text (for an excerpt:
    /// it quotes or expands the other rather than being cut from it). Not in JSON.
    #[serde(skip)]
    pub contains_other: bool,
}

/// The outcome of archiving one input.
#[derive(Clone, Debug)]
pub struct AddOutcome {
    /// Added or identical.
    pub status: AddStatus,
    /// The article id.
    pub id: ArticleId,
    /// Its title.
    pub title: Option<String>,
    /// The opening words of an untitled article (`ArticleRecord::lead`).
    pub lead: Option<String>,
    /// Relations to archived articles found for it.
    pub relations: Vec<FoundRelation>,
    /// Non-fatal notes (e.g. invalid UTF-8 replaced).
    pub warnings: Vec<String>,
}

/// An input read and analysed ahead of archiving: extraction, normalisation and the detection
/// profile, which need no access to the archive and so can run on other threads while earlier
/// inputs are archived ([`Archive::add_prepared`]).
pub struct PreparedInput {
    req: AddRequest,
    ex: Result<extract::Extracted, InputError>,
    /// The normalised text before learned furniture is stripped, and its profile.
    text: String,
    profile: Option<detect::Profile>,
    /// The raw input compressed with the dictionary, when it was known.
    raw: Option<EncodedBlob>,
    /// The text as a delta against the raw input.
    text_delta: Option<EncodedDelta>,
}

impl PreparedInput {
    /// Extracts, normalises and profiles one input.
    pub fn new(req: AddRequest) -> PreparedInput {
        PreparedInput::new_with(req, &SharedEncoder::default())
    }

    /// Like [`PreparedInput::new`], also compressing the raw input with the archive's
    /// dictionary when `encoder` knows it ([`Archive::shared_encoder`]): the part of storing
    /// it that does not depend on what is archived, unless it has a close relative.
    pub fn new_with(mut req: AddRequest, encoder: &SharedEncoder) -> PreparedInput {
        // What the user gives is held to the same rule as what is extracted: one printable line.
        for field in [&mut req.url, &mut req.title, &mut req.published, &mut req.source] {
            *field = field.take().map(|v| extract::one_line_meta(&v)).filter(|v| !v.is_empty());
        }
        let ex = extract::extract(&req.bytes, &req.input).map_err(InputError::from);
        let text = ex.as_ref().map(|e| crate::text::normalize(&e.text)).unwrap_or_default();
        let profile = (!text.trim().is_empty()).then(|| detect::profile(&text));
        let (raw, text_delta) = match profile {
            Some(_) => (encoder.encode(&req.bytes), encoder.text_delta(text.as_bytes(), &req.bytes)),
            None => (None, None),
        };
        PreparedInput { req, ex, text, profile, raw, text_delta }
    }
}

impl Archive {
    /// Archives one input as one atomic batch.
    pub fn add(&self, req: &AddRequest) -> Result<AddOutcome, InputError> {
        self.add_prepared(PreparedInput::new(req.clone()))
    }

    /// Metadata given with an input archived already, the same bytes under the same name and
    /// url (`--title`, `--source`, `--published`, and `--url` for an article without one),
    /// replaces the article's: the user is correcting it. A new publication date
    /// also re-decides by date the direction of the article's relations where the other side is
    /// dated too, as detection would have. What changed is said in `notes`; returns whether the
    /// record changed.
    fn apply_given_metadata(&self, batch: &mut stet_store::Batch<'_>, rec: &mut ArticleRecord, req: &AddRequest, notes: &mut Vec<String>) -> Result<bool, Error> {
        let mut changed: Vec<&str> = Vec::new();
        if let (None, Some(u)) = (&rec.url, &req.url) {
            rec.url = Some(u.clone());
            changed.push("url");
        }
        if let Some(t) = req.title.as_ref().filter(|t| rec.title.as_ref() != Some(*t)) {
            rec.title = Some(t.clone());
            changed.push("title");
        }
        if let Some(s) = req.source.as_ref().filter(|s| rec.source.as_ref() != Some(*s)) {
            rec.source = Some(s.clone());
            changed.push("source");
        }
        let published = req.published.as_deref().and_then(crate::lineage::parse_date);
        let redate = published.is_some() && published != rec.published;
        if redate {
            rec.published = published;
            changed.push("publication date");
        }
        if changed.is_empty() {
            return Ok(false);
        }
        let mut redirected = 0usize;
        if redate {
            for mut rel in self.relations_of(&rec.id)? {
                let Some(other) = self.article(&rel.other(&rec.id))? else { continue };
                if let Some(parent) = crate::lineage::parent_by_date(&other, rec).filter(|p| rel.parent != Some(*p)) {
                    rel.parent = Some(parent);
                    Archive::put_relation(batch, &rel);
                    redirected += 1;
                }
            }
        }
        let mut note = format!("the text is archived already; its {} updated as given", changed.join(" and "));
        if redirected > 0 {
            note.push_str(&format!(", and {} now directed by date", if redirected == 1 { "1 relation".to_string() } else { format!("{redirected} relations") }));
        }
        notes.push(note);
        Ok(true)
    }

    /// Archives one prepared input as one atomic batch.
    pub fn add_prepared(&self, prepared: PreparedInput) -> Result<AddOutcome, InputError> {
        let PreparedInput { req, ex, text: full_text, profile: full_profile, raw: raw_ahead, text_delta } = prepared;
        let req = &req;
        let ex = ex?;
        let url = req.url.clone().or(ex.url.clone());
        let source = super::furniture::source_key(req.source.as_deref().or(ex.site_name.as_deref()), url.as_deref());
        let stripped = self.strip_furniture(source.as_deref(), &ex.text)?;
        // The text and profile computed ahead hold unless learned furniture was stripped.
        let (text, profile) = match full_profile {
            Some(p) if stripped == ex.text => (full_text, Some(p)),
            _ => (crate::text::normalize(&stripped), None),
        };
        if text.trim().is_empty() {
            return Err(InputError::EmptyText);
        }
        let id = ArticleId::of_text(&text);
        let now = self.now();
        let mut batch = self.store.batch();

        if let Some(mut rec) = self.article(&id)? {
            let raw = BlobId::of(&req.bytes);
            // A capture per input that produced this text: new bytes, or the same bytes under
            // another name (a copy of the file elsewhere left no trace before); archiving the
            // same file again adds nothing.
            // Names are compared by file name: `x.txt`, `./x.txt` and `/abs/x.txt` are one input
            // typed three ways, not three captures.
            let name = |p: &str| std::path::Path::new(p).file_name().map(|n| n.to_os_string());
            let mut warnings = ex.warnings;
            let changed = if !rec.captures.iter().any(|c| c.raw == raw.hex() && name(&c.input) == name(&req.input)) {
                batch.put_blob(&req.bytes)?;
                rec.captures.push(req.capture(now, raw, ex.format));
                if rec.url.is_none() {
                    rec.url = url.clone();
                }
                true
            } else if same_url(url.as_deref(), rec.url.as_deref()) {
                // The very input archived before, given again with metadata: a correction. (A
                // new capture's metadata, or a copy's under another url, describes that copy, a
                // mirror's say, not the article.)
                self.apply_given_metadata(&mut batch, &mut rec, req, &mut warnings)?
            } else {
                if req.title.is_some() || req.published.is_some() || req.source.is_some() {
                    warnings.push("the text is archived already under another url: the metadata given describes this copy and leaves the article's alone".into());
                }
                false
            };
            if changed {
                batch.insert(ks::ARTICLES, id.as_bytes(), &super::stored::encode_article(&rec));
            }
            self.index_url(&mut batch, url.as_deref(), &id)?;
            if !batch.is_empty() {
                self.store.commit(batch)?;
            }
            return Ok(AddOutcome {
                status: AddStatus::Identical,
                id,
                title: rec.title,
                lead: rec.lead,
                relations: Vec::new(),
                warnings,
            });
        }

        let seq = self.next_seq(&batch)?;
        let title = req.title.clone().or(ex.title.clone());
        let rec = ArticleRecord {
            id,
            seq,
            lead: title.is_none().then(|| crate::model::lead_of(&text)).flatten(),
            title,
            url: url.clone(),
            published: req.published.as_deref().and_then(crate::lineage::parse_date).or(ex.published.clone()),
            byline: ex.byline.clone(),
            source: req.source.clone().or(ex.site_name.clone()),
            archived: now.clone(),
            text: String::new(),
            text_len: text.len() as u64,
            captures: Vec::new(),
            lang: None,
        };

        // Detection against what is archived, then the url's earlier versions.
        let profile = profile.unwrap_or_else(|| detect::profile(&text));
        let started = std::time::Instant::now();
        let mut findings = if self.opts.detect {
            let corpus = StoreCorpus::new(self);
            detect::detect(&profile, &corpus).map_err(|e| Error::Record { what: "candidate index".into(), reason: e.to_string() })?
        } else {
            Vec::new()
        };
        tracing::info!(input = %req.input, sentences = profile.sentences.len(), related = findings.len(), ms = %format!("{:.2}", started.elapsed().as_secs_f64() * 1e3), "detection");
        findings.retain(|f| f.other != id);
        let mut relations = Vec::new();
        let mut delta_base: Option<(ArticleRecord, f32)> = None;
        // An article archived under this url that detection relates to this one is a version of
        // it, not only the latest (a fourth version was a near-duplicate of the second); the
        // latest is related below even when detection finds nothing.
        let url_versions = match &url {
            Some(u) => self.versions(u)?,
            None => Vec::new(),
        };
        for f in findings.iter_mut().filter(|f| url_versions.contains(&f.other)) {
            f.kind = RelationKind::Version;
        }
        if let Some(&prev) = url_versions.last() {
            if prev != id && !findings.iter().any(|f| f.other == prev) {
                // Same url, and the content is not (or no longer) close enough to be found by
                // detection: a version all the same, scored by how much of the text survives.
                let fig = detect::compare(&profile, &*self.cached_profile(&prev)?, &|_| 1.0, crate::align::MIN_SIM);
                findings.push(Finding {
                    other: prev,
                    kind: RelationKind::Version,
                    score: (fig.weighted_a + fig.weighted_b) / 2.0,
                    coverage_new: fig.coverage_a,
                    coverage_other: fig.coverage_b,
                    verbatim: fig.verbatim,
                    order: fig.order,
                    parent_hint: None,
                    evidence: Vec::new(),
                });
            }
            for f in findings.iter_mut().filter(|f| f.other == prev) {
                f.kind = RelationKind::Version;
            }
        }
        for f in &findings {
            let Some(other) = self.article(&f.other)? else { continue };
            // Direction: publication dates when both have them; else what the content says
            // (one text lies inside a much longer one); else archive order.
            let parent = match (crate::lineage::parent_by_date(&other, &rec), f.parent_hint) {
                (Some(p), _) => p,
                (None, Some(detect::Side::New)) => rec.id,
                (None, Some(detect::Side::Other)) => other.id,
                (None, None) => crate::lineage::parent_of(&other, &rec),
            };
            let rel = Relation {
                a: other.id,
                b: id,
                kind: f.kind,
                parent: Some(parent),
                score: f.score,
                coverage_a: f.coverage_other,
                coverage_b: f.coverage_new,
                verbatim: f.verbatim,
                evidence: f
                    .evidence
                    .iter()
                    .map(|p| crate::align::AlignedPair { a: p.b, b: p.a, ..*p })
                    .collect(),
                found: now.clone(),
            }
            .rounded();
            Archive::put_relation(&mut batch, &rel);
            if matches!(f.kind, RelationKind::NearDuplicate | RelationKind::Version | RelationKind::Excerpt)
                && delta_base.as_ref().is_none_or(|(_, s)| f.score > *s)
            {
                delta_base = Some((other.clone(), f.score));
            }
            let contains_other = f.coverage_other > f.coverage_new;
            relations.push(FoundRelation { kind: f.kind, other: other.id, score: rel.score, parent: Some(parent), contains_other });
        }
        // Strongest first, but the url's previous version leads: it is what the new text
        // replaces.
        let prev = url_versions.last();
        relations.sort_by(|x, y| (Some(&y.other) == prev).cmp(&(Some(&x.other) == prev)).then(y.score.total_cmp(&x.score)));

        // Blobs: the raw input (as a delta against a close relative's when there is one), then
        // the text as a delta against this input's raw bytes, which hold it nearly word for word,
        // or against the relative's text when that is smaller (measured on cases3k: the own raw
        // wins for most relatives' texts too, 340 -> ~100 bytes each).
        let raw_base = delta_base.as_ref().and_then(|(o, _)| o.captures.first()).and_then(|c| BlobId::from_hex(&c.raw));
        let raw_blob = match (raw_base, self.raw_dictionary(&mut batch, seq)?) {
            (Some(base), _) => batch.put_blob_delta(&req.bytes, &base)?,
            (None, Some(dict)) => self.put_raw_with_dictionary(&mut batch, dict, &req.bytes, raw_ahead)?,
            (None, None) => batch.put_blob(&req.bytes)?,
        };
        let relative_text = delta_base.as_ref().and_then(|(o, _)| BlobId::from_hex(&o.text));
        let text_bases: Vec<BlobId> = std::iter::once(raw_blob).chain(relative_text).collect();
        let text_blob = batch.put_blob_delta_smallest_with(text.as_bytes(), &text_bases, text_delta)?;
        let mut rec = rec;
        rec.text = text_blob.hex();
        rec.lang = Some(profile.lang.clone().unwrap_or_else(|| "und".into()));
        rec.captures.push(req.capture(now, raw_blob, ex.format));
        batch.insert(ks::ARTICLES, id.as_bytes(), &super::stored::encode_article(&rec));
        batch.insert(ks::LOG, &seq.to_be_bytes(), id.as_bytes());
        batch.insert(ks::META, b"next-seq", &(seq + 1).to_be_bytes());
        self.index_url(&mut batch, url.as_deref(), &id)?;
        if let Some(source) = &source {
            let copy = findings.iter().any(|f| matches!(f.kind, RelationKind::NearDuplicate | RelationKind::Version));
            if !copy {
                self.learn_furniture(&mut batch, source, &ex.text)?;
            }
        }
        self.store.commit(batch)?;
        if self.opts.detect {
            self.index_article(seq, &profile.index_features())?;
            self.remember_profile(id, std::sync::Arc::new(profile));
        }
        Ok(AddOutcome { status: AddStatus::Added, id, title: rec.title, lead: rec.lead, relations, warnings: ex.warnings })
    }

    fn next_seq(&self, batch: &stet_store::Batch<'_>) -> Result<u64, Error> {
        Ok(batch.get(ks::META, b"next-seq")?.map(|v| be_u64(&v)).unwrap_or(0))
    }

    /// Records `id` as the newest version of `url`, unless it already is.
    fn index_url(&self, batch: &mut stet_store::Batch<'_>, url: Option<&str>, id: &ArticleId) -> Result<(), Error> {
        let Some(url) = url.map(crate::lineage::url_key) else { return Ok(()) };
        if self.latest_version(&url)? == Some(*id) {
            return Ok(());
        }
        // Entries are numbered by their own counter, so archiving an earlier text again makes
        // it the newest version.
        let n = batch.get(ks::META, b"next-url-seq")?.map(|v| be_u64(&v)).unwrap_or(0);
        batch.insert(ks::META, b"next-url-seq", &(n + 1).to_be_bytes());
        let mut key = url.into_bytes();
        key.push(0);
        key.extend_from_slice(&n.to_be_bytes());
        batch.insert(ks::URLS, &key, super::id_prefix(id));
        Ok(())
    }

    /// The article a url index entry of `url_key` names. Its value is the article's
    /// [`super::id_prefix`] (the whole id, from older builds, is read too), resolved among the
    /// archived articles whose ids start with it: nearly always one; when several, the one
    /// archived under this url. `None` when no article fits.
    pub(crate) fn url_entry_article(&self, url_key: &str, v: &[u8]) -> Result<Option<ArticleId>, Error> {
        if let Some(id) = ArticleId::from_slice(v) {
            return Ok(Some(id));
        }
        if v.len() != super::ID_PREFIX_BYTES {
            return Ok(None);
        }
        let mut found = self.ids_with_prefix(v).collect::<Result<Vec<_>, _>>()?;
        if found.len() <= 1 {
            return Ok(found.pop());
        }
        for id in found {
            let url = self.article(&id)?.and_then(|r| r.url);
            if url.is_some_and(|u| crate::lineage::url_key(&u) == url_key) {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }

    /// The versions archived under one url, oldest first.
    pub fn versions(&self, url: &str) -> Result<Vec<ArticleId>, Error> {
        let url_key = crate::lineage::url_key(url);
        let mut prefix = url_key.clone().into_bytes();
        prefix.push(0);
        let mut out = Vec::new();
        for kv in self.store.scan_prefix(ks::URLS, &prefix) {
            let (_, v) = kv?;
            if let Some(id) = self.url_entry_article(&url_key, &v)? {
                if out.last() != Some(&id) {
                    out.push(id);
                }
            }
        }
        Ok(out)
    }

    fn latest_version(&self, url: &str) -> Result<Option<ArticleId>, Error> {
        Ok(self.versions(url)?.last().copied())
    }
}

pub(crate) fn be_u64(v: &[u8]) -> u64 {
    <[u8; 8]>::try_from(v).map(u64::from_be_bytes).unwrap_or(0)
}


/// Whether an input's url (`given`) leaves it the same input as an article archived under
/// `archived`: no url given, none archived, or the same url spelled either way
/// ([`crate::lineage::url_key`]).
fn same_url(given: Option<&str>, archived: Option<&str>) -> bool {
    match (given, archived) {
        (Some(g), Some(a)) => crate::lineage::url_key(g) == crate::lineage::url_key(a),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::{NoProgress, OpenOptions, DICTIONARY_ARTICLES};

    /// Url entries keep 8 bytes of the id; entries of older builds (the whole id) still read, and
    /// an id prefix two archived articles share resolves to the one archived under the url.
    #[test]
    fn url_entries_find_their_article_from_an_id_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let a = Archive::open(dir.path(), OpenOptions { now: Some("2026-01-01T00:00:00Z".into()), detect: false, ..Default::default() }).unwrap();
        let url = "https://example.org/news/1";
        let add = |i: u64| {
            let req = AddRequest { input: format!("{i}.txt"), bytes: story(i), url: Some(url.into()), ..Default::default() };
            a.add(&req).unwrap().id
        };
        let (v1, v2) = (add(1), add(2));
        assert_eq!(a.versions(url).unwrap(), vec![v1, v2]);
        let entries: Vec<(Vec<u8>, Vec<u8>)> = a.store.iter(ks::URLS).map(|kv| kv.unwrap()).collect();
        assert!(entries.iter().all(|(_, v)| v.len() == super::super::ID_PREFIX_BYTES), "{entries:?}");
        // An older build's entry: the whole id.
        let mut batch = a.store.batch();
        batch.insert(ks::URLS, &entries[0].0, v1.as_bytes());
        // A forged article whose id starts like v2's, under another url.
        let mut twin = a.article_required(&v2).unwrap();
        let mut bytes = *v2.as_bytes();
        bytes[31] ^= 1;
        twin.id = ArticleId::from_slice(&bytes).unwrap();
        twin.url = Some("https://example.org/other".into());
        batch.insert(ks::ARTICLES, twin.id.as_bytes(), &super::super::stored::encode_article(&twin));
        a.store.commit(batch).unwrap();
        assert_eq!(a.versions(url).unwrap(), vec![v1, v2]);
        assert_eq!(a.url_entry_article("example.org/other", super::super::id_prefix(&v2)).unwrap(), Some(twin.id));
        assert_eq!(a.url_entry_article("example.org/news/1", &[1, 2, 3]).unwrap(), None);
    }

    /// Reverse relation entries keep 8 bytes of the other id; an older build's entry (the whole
    /// id) beside a new one for the same relation gives the relation once.
    #[test]
    fn relations_are_found_from_both_sides_through_short_reverse_entries() {
        let dir = tempfile::tempdir().unwrap();
        let a = Archive::open(dir.path(), OpenOptions { now: Some("2026-01-01T00:00:00Z".into()), ..Default::default() }).unwrap();
        let seed = |name: &str| {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seeds").join(name);
            a.add(&AddRequest { input: name.into(), bytes: std::fs::read(path).unwrap(), ..Default::default() }).unwrap().id
        };
        let (first, copy) = (seed("000_856e4ff5e2b4e0a7.txt"), seed("002_cd06db6dfbca252d.txt"));
        let from_first = a.relations_of(&first).unwrap();
        assert_eq!(from_first.len(), 1);
        assert_eq!(a.relations_of(&copy).unwrap(), from_first);
        let mut keys: Vec<usize> = a.store.iter(ks::RELATIONS).map(|kv| kv.unwrap().0.len()).collect();
        keys.sort_unstable();
        assert_eq!(keys, vec![40, 64], "a reverse entry of 32 + 8 bytes and the record's key");
        let r = &from_first[0];
        let mut batch = a.store.batch();
        batch.insert(ks::RELATIONS, &[r.b.as_bytes().as_slice(), r.a.as_bytes()].concat(), &[]);
        a.store.commit(batch).unwrap();
        assert_eq!(a.relations_of(&r.b).unwrap(), from_first, "once, not twice");
        assert!(a.verify(&NoProgress).unwrap().damaged.is_empty());
        // A reverse entry whose record is gone is damage.
        let mut batch = a.store.batch();
        batch.remove(ks::RELATIONS, &[r.a.as_bytes().as_slice(), r.b.as_bytes()].concat());
        a.store.commit(batch).unwrap();
        assert!(a.relations_of(&r.b).is_err());
        assert_eq!(a.verify(&NoProgress).unwrap().damaged.len(), 2, "both reverse entries");
    }

    /// A distinct plain-text story (distinct rare words, so that detection finds no copies).
    fn story(i: u64) -> Vec<u8> {
        format!(
            "Report {i} from the county desk\n\nThe council of district{i} approved the budget{i} plan on Monday, \
             officials said, after a long debate about roads{i} and schools{i} in the area.\n\n\
             Residents of town{i} said they expected the works to start before the winter season.\n"
        )
        .into_bytes()
    }

    #[test]
    fn raw_inputs_after_the_first_articles_are_compressed_against_a_dictionary_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let a = Archive::open(dir.path(), OpenOptions { now: Some("2026-01-01T00:00:00Z".into()), ..Default::default() }).unwrap();
        let mut ids = Vec::new();
        for i in 0..DICTIONARY_ARTICLES + 20 {
            let req = AddRequest { input: format!("{i}.txt"), bytes: story(i), ..Default::default() };
            ids.push(a.add(&req).unwrap().id);
            if i == DICTIONARY_ARTICLES / 2 {
                a.store.pack().unwrap(); // the first inputs are recompressed out of a pack
            }
            let has_dict = a.store.get(ks::META, b"raw-dictionary").unwrap().is_some();
            assert_eq!(has_dict, i >= DICTIONARY_ARTICLES, "dictionary at article {i}");
        }
        let mut batch = a.store.batch();
        let dict = a.raw_dictionary(&mut batch, DICTIONARY_ARTICLES).unwrap().unwrap();
        let last = a.article_required(ids.last().unwrap()).unwrap();
        let raw = BlobId::from_hex(&last.captures[0].raw).unwrap();
        let info = a.store.blob_info(&raw).unwrap().unwrap();
        assert_eq!(info.base, Some(dict.id()), "the raw input is compressed with the dictionary");
        let codec = match dict {
            crate::archive::RawDictionary::Trained(_) => stet_store::Codec::ZstdDict,
            crate::archive::RawDictionary::RawContent(_) => stet_store::Codec::ZstdDelta,
        };
        assert_eq!(info.codec, codec);
        let first = BlobId::from_hex(&a.article_required(&ids[0]).unwrap().captures[0].raw).unwrap();
        let first = a.store.blob_info(&first).unwrap().unwrap();
        assert_eq!((first.base, first.codec), (Some(dict.id()), codec), "inputs made before the dictionary are recompressed");
        assert!(info.stored_len < story(0).len() as u64, "{info:?}");
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(a.original(&a.article_required(id).unwrap()).unwrap(), story(i as u64));
        }
        assert!(a.verify(&NoProgress).unwrap().damaged.is_empty());
    }

    /// Inputs whose raw bytes were compressed ahead with the shared encoder (on the threads that
    /// prepare inputs) are stored exactly as those compressed by the writer.
    #[test]
    fn raw_inputs_compressed_ahead_are_stored_as_the_writer_stores_them() {
        let open = |dir: &std::path::Path| Archive::open(dir, OpenOptions { now: Some("2026-01-01T00:00:00Z".into()), ..Default::default() }).unwrap();
        let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (plain, ahead) = (open(d1.path()), open(d2.path()));
        let (mut used_ahead, mut deltas_ahead) = (0, 0);
        for i in 0..DICTIONARY_ARTICLES + 20 {
            let req = AddRequest { input: format!("{i}.txt"), bytes: story(i), ..Default::default() };
            let id = plain.add(&req).unwrap().id;
            let prepared = PreparedInput::new_with(req, &ahead.shared_encoder());
            used_ahead += usize::from(prepared.raw.is_some());
            deltas_ahead += usize::from(prepared.text_delta.is_some());
            assert_eq!(ahead.add_prepared(prepared).unwrap().id, id);
            let blobs = |a: &Archive| {
                let rec = a.article_required(&id).unwrap();
                let raw = BlobId::from_hex(&rec.captures[0].raw).unwrap();
                let text = BlobId::from_hex(&rec.text).unwrap();
                let info = |b: &BlobId| a.store.blob_info(b).unwrap().unwrap();
                (info(&raw), a.original(&rec).unwrap(), info(&text), a.text(&rec).unwrap())
            };
            assert_eq!(blobs(&plain), blobs(&ahead), "article {i}");
        }
        // Every text is a delta against its own raw input, computed ahead.
        assert_eq!(deltas_ahead, DICTIONARY_ARTICLES as usize + 20);
        // The dictionary is made with article DICTIONARY_ARTICLES; the encoder learns it while
        // storing the next one, so the 18 inputs prepared from then on are compressed ahead.
        assert_eq!(used_ahead, 18);
    }

    /// Repositories made before format 3 hold a raw-content dictionary (meta value: the bare
    /// id); their inputs stay deltas against it.
    #[test]
    fn a_raw_content_dictionary_from_format_2_keeps_being_used() {
        let dir = tempfile::tempdir().unwrap();
        let a = Archive::open(dir.path(), OpenOptions { now: Some("2026-01-01T00:00:00Z".into()), ..Default::default() }).unwrap();
        let mut b = a.store.batch();
        let sample: Vec<u8> = (0..40).flat_map(story).collect();
        let dict = b.put_blob(&sample).unwrap();
        b.insert(ks::META, b"raw-dictionary", dict.as_bytes());
        a.store.commit(b).unwrap();
        let id = a.add(&AddRequest { input: "x.txt".into(), bytes: story(7), ..Default::default() }).unwrap().id;
        let raw = BlobId::from_hex(&a.article_required(&id).unwrap().captures[0].raw).unwrap();
        let info = a.store.blob_info(&raw).unwrap().unwrap();
        assert_eq!((info.codec, info.base), (stet_store::Codec::ZstdDelta, Some(dict)));
        assert_eq!(a.original(&a.article_required(&id).unwrap()).unwrap(), story(7));
    }
}
