//! Learned boilerplate: paragraphs that recur verbatim across many archived articles of one
//! source are site furniture and are left out of the normalised text.
//!
//! Counts live in two keyspaces: [`ks::SOURCE_LINES`] (`source \0 line key` -> articles that
//! carried the line, u64 BE) and [`ks::SOURCE_ARTICLES`] (`source` -> articles counted). Line
//! keys are 16 hex digits ([`crate::extract::line_key`]); records written with the 64 digits of
//! older builds are rewritten under the short key on first use ([`Archive::shorten_line_keys`]). Only articles
//! that are not copies of archived ones are counted, so that republished copies and versions
//! of one story do not teach their own sentences as furniture. The original bytes are kept
//! untouched as the capture.

use super::add::be_u64;
use super::{ks, Archive};
use crate::error::Error;
use crate::extract::{remove_lines, repeated_line_candidates, LINE_KEY_HEX};

/// A source needs this many counted articles before anything is learned from it.
pub const MIN_SOURCE_ARTICLES: u64 = 20;
/// A line is furniture once this many counted articles of its source carried it...
pub const MIN_LINE_ARTICLES: u64 = 5;
/// ...and they are more than this share of the source's counted articles.
pub const MIN_LINE_SHARE: f64 = 0.3;

/// The key of a source: the user's label, else the site name, else the url's host.
pub(crate) fn source_key(label: Option<&str>, url: Option<&str>) -> Option<String> {
    if let Some(l) = label.map(str::trim).filter(|l| !l.is_empty()) {
        return Some(l.to_lowercase());
    }
    let host = crate::lineage::url_key(url?);
    let host = host.split('/').next().unwrap_or("").to_string();
    (!host.is_empty()).then_some(host)
}

fn line_record(source: &str, key: &str) -> Vec<u8> {
    let mut k = source.as_bytes().to_vec();
    k.push(0);
    k.extend_from_slice(key.as_bytes());
    k
}

/// Adds `n` to the count (u64 BE) under `key` in `keyspace`, as the batch sees it.
pub(crate) fn add_count(batch: &mut stet_store::Batch<'_>, keyspace: &str, key: &[u8], n: u64) -> Result<(), Error> {
    let old = batch.get(keyspace, key)?.map(|v| be_u64(&v)).unwrap_or(0);
    batch.insert(keyspace, key, &old.saturating_add(n).to_be_bytes());
    Ok(())
}

/// Hex digits of the line keys older builds wrote (the whole blake3 hash).
const LONG_LINE_KEY_HEX: usize = 64;
/// Meta key present once no line record has a long key.
const SHORT_LINE_KEYS: &[u8] = b"line-keys-64";
/// Long line records rewritten per batch.
const SHORTEN_BATCH: usize = 20_000;

/// The record key with its line key cut to [`LINE_KEY_HEX`] digits, when it holds a long one
/// (`source \0` and 64 hex digits); `None` for a short or unknown key.
pub(crate) fn shortened_line_record(key: &[u8]) -> Option<Vec<u8>> {
    let sep = key.iter().rposition(|&b| b == 0)?;
    let line = &key[sep + 1..];
    (line.len() == LONG_LINE_KEY_HEX && line.iter().all(u8::is_ascii_hexdigit)).then(|| key[..sep + 1 + LINE_KEY_HEX].to_vec())
}

impl Archive {
    /// The text without the paragraphs learned as furniture of `source`; unchanged when
    /// nothing is learned yet or when removing them would leave no text.
    pub(crate) fn strip_furniture(&self, source: Option<&str>, text: &str) -> Result<String, Error> {
        let Some(source) = source else { return Ok(text.to_string()) };
        self.shorten_line_keys()?;
        let total = self.store.get(ks::SOURCE_ARTICLES, source.as_bytes())?.map(|v| be_u64(&v)).unwrap_or(0);
        if total < MIN_SOURCE_ARTICLES {
            return Ok(text.to_string());
        }
        let mut furniture = std::collections::HashSet::new();
        for key in repeated_line_candidates(text) {
            let n = self.store.get(ks::SOURCE_LINES, &line_record(source, &key))?.map(|v| be_u64(&v)).unwrap_or(0);
            if n >= MIN_LINE_ARTICLES && n as f64 > MIN_LINE_SHARE * total as f64 {
                furniture.insert(key);
            }
        }
        if furniture.is_empty() {
            return Ok(text.to_string());
        }
        let kept = remove_lines(text, |key| furniture.contains(key));
        Ok(if kept.trim().is_empty() { text.to_string() } else { kept })
    }

    /// Counts the candidate lines of one new article of `source` in the batch.
    ///
    /// Line keys are short by then: [`Self::strip_furniture`], called first for each input,
    /// shortened any older ones before this input's batch was begun.
    pub(crate) fn learn_furniture(&self, batch: &mut stet_store::Batch<'_>, source: &str, text: &str) -> Result<(), Error> {
        add_count(batch, ks::SOURCE_ARTICLES, source.as_bytes(), 1)?;
        for key in repeated_line_candidates(text) {
            add_count(batch, ks::SOURCE_LINES, &line_record(source, &key), 1)?;
        }
        Ok(())
    }
}

impl Archive {
    /// Rewrites the line records of older builds under their short keys (the first digits of
    /// the same hash), adding counts that meet under one key, [`SHORTEN_BATCH`] records per
    /// atomic batch; the last batch marks the archive so that the scan runs once. A kill between
    /// batches leaves whole records of either form, and the next run finishes the work.
    pub(crate) fn shorten_line_keys(&self) -> Result<(), Error> {
        if self.line_keys_short.get() {
            return Ok(());
        }
        if self.store.get(ks::META, SHORT_LINE_KEYS)?.is_none() {
            let mut batch = self.store.batch();
            let mut pending = 0;
            // Each short key is a prefix of the long one being read, so it sorts before the
            // iterator's position: what is written never comes up again.
            for kv in self.store.iter(ks::SOURCE_LINES) {
                let (key, value) = kv?;
                let Some(short) = shortened_line_record(&key) else { continue };
                add_count(&mut batch, ks::SOURCE_LINES, &short, be_u64(&value))?;
                batch.remove(ks::SOURCE_LINES, &key);
                pending += 1;
                if pending == SHORTEN_BATCH {
                    self.store.commit(std::mem::replace(&mut batch, self.store.batch()))?;
                    pending = 0;
                }
            }
            batch.insert(ks::META, SHORT_LINE_KEYS, &[1]);
            self.store.commit(batch)?;
        }
        self.line_keys_short.set(true);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AddRequest, OpenOptions};

    /// One source's footer, repeated under every story.
    const FOOTER: &str = "Harbour Media Group owns and operates this regional title in Port Elm county, and its reporters cover the harbour towns.";

    /// Options of the archives here: a fixed clock, detection off.
    fn quiet() -> OpenOptions {
        OpenOptions { now: Some("2026-01-01T00:00:00Z".into()), detect: false, ..Default::default() }
    }

    /// Distinct stories (so that detection does not take them for copies) with one footer.
    fn article(i: usize, footer: &str) -> Vec<u8> {
        const WORDS: [&str; 24] = [
            "harbour", "council", "bridge", "festival", "school", "orchard", "railway", "museum", "ferry", "market",
            "library", "stadium", "clinic", "forest", "brewery", "theatre", "airport", "canal", "quarry", "vineyard",
            "lighthouse", "factory", "garden", "chapel",
        ];
        let w = |k: usize| WORDS[(i * 7 + k * 5) % WORDS.len()];
        format!(
            "Story number {i}\n\nThe {} reopened after the {} dispute, and the {} committee approved plans for a new {}.\n\n\
             Residents near the {} said the {} and the {} would bring visitors back by spring.\n\n{footer}\n",
            w(0), w(1), w(2), w(3), w(4), w(5), w(6)
        )
        .into_bytes()
    }

    #[test]
    fn a_footer_repeated_across_a_source_is_learned_and_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let archive = Archive::open(dir.path(), quiet()).unwrap();
        let add = |i: usize| {
            let req = AddRequest { input: format!("{i}.txt"), bytes: article(i, FOOTER), source: Some("Gazette".into()), ..Default::default() };
            let out = archive.add(&req).unwrap();
            archive.text(&archive.article_required(&out.id).unwrap()).unwrap()
        };
        for i in 0..MIN_SOURCE_ARTICLES as usize {
            assert!(add(i).contains("Port Elm county"), "learned too early at {i}");
        }
        let later = add(21); // words not used by stories 0..20
        assert!(!later.contains("Port Elm county"), "{later}");
        assert!(later.contains("Residents near the"));
    }

    /// Regression: line keys became 64 bits; an archive that learned its furniture under the
    /// 256-bit keys of older builds must keep it.
    #[test]
    fn furniture_learned_under_long_keys_is_kept_and_rewritten_short() {
        let dir = tempfile::tempdir().unwrap();
        let req = |i: usize| AddRequest { input: format!("{i}.txt"), bytes: article(i, FOOTER), source: Some("Gazette".into()), ..Default::default() };
        {
            let archive = Archive::open(dir.path(), quiet()).unwrap();
            for i in 0..MIN_SOURCE_ARTICLES as usize {
                archive.add(&req(i)).unwrap();
            }
            // What an older build left: the same records under 64-digit keys (these 16 digits
            // then 48 more), and no marker.
            let mut batch = archive.store.batch();
            for kv in archive.store.iter(ks::SOURCE_LINES) {
                let (key, value) = kv.unwrap();
                assert_eq!(key.len(), "gazette\0".len() + LINE_KEY_HEX);
                batch.remove(ks::SOURCE_LINES, &key);
                batch.insert(ks::SOURCE_LINES, &[key.as_slice(), "0".repeat(48).as_bytes()].concat(), &value);
            }
            batch.remove(ks::META, SHORT_LINE_KEYS);
            archive.store.commit(batch).unwrap();
            archive.close().unwrap();
        }
        let archive = Archive::open(dir.path(), quiet()).unwrap();
        let out = archive.add(&req(21)).unwrap();
        let later = archive.text(&archive.article_required(&out.id).unwrap()).unwrap();
        assert!(!later.contains("Port Elm county"), "{later}");
        let keys: Vec<Vec<u8>> = archive.store.iter(ks::SOURCE_LINES).map(|kv| kv.unwrap().0).collect();
        assert!(!keys.is_empty());
        assert!(keys.iter().all(|k| shortened_line_record(k).is_none() && k.len() == "gazette\0".len() + LINE_KEY_HEX), "{keys:?}");
        assert!(archive.store.get(ks::META, SHORT_LINE_KEYS).unwrap().is_some());
    }

    /// An export of an older build (version 1, 64-digit line keys) imports with short keys;
    /// two records that shorten to one key add up.
    #[test]
    fn a_version_1_export_imports_its_learned_lines_under_short_keys() {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD;
        let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let a = Archive::open(d1.path(), quiet()).unwrap();
        for i in 0..3 {
            let req = AddRequest { input: format!("{i}.txt"), bytes: article(i, FOOTER), source: Some("Gazette".into()), ..Default::default() };
            a.add(&req).unwrap();
        }
        let mut out = Vec::new();
        a.export(&mut out).unwrap();
        // Rewrite it as version 1 would have: long keys, and one more record meeting the first.
        let mut lines: Vec<String> = Vec::new();
        let mut hasher = blake3::Hasher::new();
        let mut first_key = None;
        for line in String::from_utf8(out).unwrap().lines() {
            let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
            let mut extra = None;
            match v["type"].as_str().unwrap() {
                "header" => v["version"] = 1.into(),
                "record" if v["keyspace"] == ks::SOURCE_LINES => {
                    let key = b64.decode(v["key"].as_str().unwrap()).unwrap();
                    v["key"] = b64.encode([key.as_slice(), "0".repeat(48).as_bytes()].concat()).into();
                    if first_key.is_none() {
                        first_key = Some(key.clone());
                        let mut twin = v.clone();
                        twin["key"] = b64.encode([key.as_slice(), "1".repeat(48).as_bytes()].concat()).into();
                        twin["value"] = b64.encode(10u64.to_be_bytes()).into();
                        extra = Some(twin);
                    }
                }
                "manifest" => {
                    v["records"] = (v["records"].as_u64().unwrap() + 1).into();
                    v["blake3"] = hasher.finalize().to_hex().to_string().into();
                }
                _ => {}
            }
            for l in std::iter::once(v).chain(extra) {
                let text = format!("{l}\n");
                hasher.update(text.as_bytes());
                lines.push(text);
            }
        }
        let b = Archive::open(d2.path(), quiet()).unwrap();
        let rep = b.import(&mut lines.concat().as_bytes(), &crate::archive::NoProgress).unwrap();
        assert!(rep.lost.is_empty(), "{:?}", rep.lost);
        let key = first_key.unwrap();
        let before = a.store.get(ks::SOURCE_LINES, &key).unwrap().map(|v| be_u64(&v)).unwrap();
        assert_eq!(b.store.get(ks::SOURCE_LINES, &key).unwrap().map(|v| be_u64(&v)), Some(before + 10));
        let keys: Vec<Vec<u8>> = b.store.iter(ks::SOURCE_LINES).map(|kv| kv.unwrap().0).collect();
        assert_eq!(keys.len(), a.store.iter(ks::SOURCE_LINES).count());
        assert!(keys.iter().all(|k| shortened_line_record(k).is_none()));
    }

    #[test]
    fn long_line_records_shorten_to_their_first_digits() {
        let long = [b"wire\0".as_slice(), "ab".repeat(32).as_bytes()].concat();
        assert_eq!(shortened_line_record(&long), Some([b"wire\0".as_slice(), "ab".repeat(8).as_bytes()].concat()));
        assert_eq!(shortened_line_record(&long[..long.len() - 1]), None);
        assert_eq!(shortened_line_record(b"wire\0abababababababab"), None);
        assert_eq!(shortened_line_record(&[b"wire\0".as_slice(), "zz".repeat(32).as_bytes()].concat()), None);
        assert_eq!(crate::extract::line_key("Subscribe today").len(), LINE_KEY_HEX);
    }

    #[test]
    fn source_key_prefers_label_then_host() {
        assert_eq!(source_key(Some("Wire "), Some("https://x.org/a")).as_deref(), Some("wire"));
        assert_eq!(source_key(None, Some("https://www.X.org/a/b")).as_deref(), Some("x.org"));
        assert_eq!(source_key(None, None), None);
    }
}
