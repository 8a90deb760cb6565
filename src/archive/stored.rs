//! How article and relation records are stored: JSON without the ids their keys already hold.
//!
//! Main items: [`encode_article`], [`decode_article`], [`encode_relation`], [`decode_relation`].
//!
//! A stored record is the byte [`STORED`] followed by the record's JSON (the export format, see
//! `model`) with the ids its key already holds left out: an article's `id`, and its `text` when
//! that is the id (the text blob's id is the text's hash, like the article's); a relation's `a`
//! and `b` (key `a ++ b`), and its `parent` written `"a"` or `"b"`. Ids are random, so they cost
//! their full size even compressed: about a fifth of a packed article record and a third of a
//! relation. Records written before this (plain JSON, starting with `{`) are read as they are.

use super::hex;
use crate::error::{Error, Result};
use crate::model::{ArticleId, ArticleRecord, Relation};
use serde_json::{Map, Value};

/// The first byte of a record stored without its key's ids.
const STORED: u8 = 1;

fn record_error(what: String, reason: impl ToString) -> Error {
    Error::Record { what, reason: reason.to_string() }
}

/// The record as a JSON object. Written to text and parsed back rather than `to_value`d: that
/// widens each `f32` to the `f64` nearest it, which prints with 17 digits (`0.37299999594688416`
/// for a figure rounded to 0.373), while the text of an `f32` is its shortest form.
fn to_object<T: serde::Serialize>(v: &T) -> Map<String, Value> {
    match serde_json::to_vec(v).ok().and_then(|json| serde_json::from_slice(&json).ok()) {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

fn finish(m: Map<String, Value>) -> Vec<u8> {
    let mut out = vec![STORED];
    // Serialising a JSON object cannot fail.
    serde_json::to_writer(&mut out, &Value::Object(m)).unwrap_or_default();
    out
}

/// Parses a stored value: `Ok(None)` for a legacy full record, else its JSON object.
fn parse(v: &[u8], what: &dyn Fn() -> String) -> Result<Option<Map<String, Value>>> {
    match v.split_first() {
        Some((&STORED, json)) => match serde_json::from_slice(json) {
            Ok(Value::Object(m)) => Ok(Some(m)),
            Ok(_) => Err(record_error(what(), "not a JSON object")),
            Err(e) => Err(record_error(what(), e)),
        },
        _ => Ok(None),
    }
}

/// The stored form of an article record (key: its id).
pub(crate) fn encode_article(rec: &ArticleRecord) -> Vec<u8> {
    let mut m = to_object(rec);
    m.remove("id");
    let id_hex = rec.id.hex();
    if rec.text == id_hex {
        m.remove("text");
    }
    finish(m)
}

/// Reads an article record stored under `key`.
pub(crate) fn decode_article(key: &[u8], v: &[u8]) -> Result<ArticleRecord> {
    let what = || format!("article {}", hex(key));
    let Some(mut m) = parse(v, &what)? else {
        return serde_json::from_slice(v).map_err(|e| record_error(what(), e));
    };
    let id = ArticleId::from_slice(key).ok_or_else(|| record_error(what(), "malformed key"))?;
    let id_hex = Value::String(id.hex());
    m.entry("text").or_insert_with(|| id_hex.clone());
    m.insert("id".into(), id_hex);
    serde_json::from_value(Value::Object(m)).map_err(|e| record_error(what(), e))
}

/// The stored form of a relation (key: `a ++ b`).
pub(crate) fn encode_relation(rel: &Relation) -> Vec<u8> {
    let mut m = to_object(rel);
    m.remove("a");
    m.remove("b");
    if let Some(p) = rel.parent {
        let side = if p == rel.a { Some("a") } else if p == rel.b { Some("b") } else { None };
        if let Some(side) = side {
            m.insert("parent".into(), Value::String(side.into()));
        }
    }
    finish(m)
}

/// Reads a relation stored under `key` (`a ++ b`).
pub(crate) fn decode_relation(key: &[u8], v: &[u8]) -> Result<Relation> {
    let what = || format!("relation {}", hex(key));
    let Some(mut m) = parse(v, &what)? else {
        return serde_json::from_slice(v).map_err(|e| record_error(what(), e));
    };
    let (Some(a), Some(b)) = (key.get(..32).and_then(ArticleId::from_slice), key.get(32..).and_then(ArticleId::from_slice)) else {
        return Err(record_error(what(), "malformed key"));
    };
    let side = |s: &str| match s {
        "a" => Some(a.hex()),
        "b" => Some(b.hex()),
        _ => None,
    };
    if let Some(Value::String(p)) = m.get_mut("parent") {
        if let Some(hex) = side(p) {
            *p = hex;
        }
    }
    m.insert("a".into(), Value::String(a.hex()));
    m.insert("b".into(), Value::String(b.hex()));
    serde_json::from_value(Value::Object(m)).map_err(|e| record_error(what(), e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Capture, RelationKind};

    fn article() -> ArticleRecord {
        let id = ArticleId::of_text("some text");
        ArticleRecord {
            id,
            seq: 7,
            title: Some("A title".into()),
            url: None,
            published: None,
            byline: None,
            source: Some("site".into()),
            archived: "2026-01-01T00:00:00Z".into(),
            text: id.hex(),
            text_len: 9,
            captures: vec![Capture { input: "a.txt".into(), at: "2026-01-01T00:00:00Z".into(), raw: "ab".repeat(32), size: 12, format: None }],
            lang: Some("eng".into()),
            lead: None,
        }
    }

    fn relation(parent: Option<ArticleId>) -> Relation {
        Relation {
            a: ArticleId::of_text("a"),
            b: ArticleId::of_text("b"),
            kind: RelationKind::Rewrite,
            parent,
            score: 0.5,
            coverage_a: 0.25,
            coverage_b: 1.0,
            verbatim: 0.0,
            evidence: vec![crate::align::AlignedPair { a: 1, b: 2, sim: 0.75, overlap: 0.5, verbatim: false }],
            found: "2026-01-01T00:00:00Z".into(),
        }
    }

    fn key(rel: &Relation) -> Vec<u8> {
        [rel.a.as_bytes().as_slice(), rel.b.as_bytes()].concat()
    }

    #[test]
    fn articles_round_trip_without_their_ids() {
        let rec = article();
        let stored = encode_article(&rec);
        let json = String::from_utf8_lossy(&stored[1..]).into_owned();
        assert!(!json.contains(&rec.id.hex()), "{json}");
        assert_eq!(decode_article(rec.id.as_bytes(), &stored).unwrap(), rec);
        let mut other = article();
        other.text = "cd".repeat(32); // a text blob that is not the id stays
        assert_eq!(decode_article(other.id.as_bytes(), &encode_article(&other)).unwrap(), other);
    }

    #[test]
    fn relations_round_trip_with_every_parent() {
        let r = relation(None);
        for parent in [None, Some(r.a), Some(r.b), Some(ArticleId::of_text("c"))] {
            let rel = relation(parent);
            let stored = encode_relation(&rel);
            let json = String::from_utf8_lossy(&stored[1..]).into_owned();
            assert!(!json.contains(&rel.a.hex()) && !json.contains(&rel.b.hex()), "{json}");
            assert_eq!(decode_relation(&key(&rel), &stored).unwrap(), rel);
        }
    }

    /// Regression: figures rounded to 3 decimals were stored with 17 digits (`to_value` widened
    /// each f32 to f64), a third of a relation's stored bytes.
    #[test]
    fn relation_figures_are_stored_short() {
        let mut rel = relation(None);
        rel.score = 0.373;
        rel.evidence[0].sim = 0.762;
        let stored = encode_relation(&rel);
        let json = String::from_utf8_lossy(&stored[1..]).into_owned();
        assert!(json.contains("\"score\":0.373,") && json.contains("\"sim\":0.762,"), "{json}");
        assert_eq!(decode_relation(&key(&rel), &stored).unwrap(), rel);
    }

    #[test]
    fn legacy_json_records_are_read() {
        let rec = article();
        assert_eq!(decode_article(rec.id.as_bytes(), &serde_json::to_vec(&rec).unwrap()).unwrap(), rec);
        let rel = relation(Some(relation(None).b));
        assert_eq!(decode_relation(&key(&rel), &serde_json::to_vec(&rel).unwrap()).unwrap(), rel);
    }

    #[test]
    fn damaged_records_are_errors_naming_them() {
        let rec = article();
        for bad in [&b"\x01{\"seq\":"[..], b"\x01[1,2]", b"\x01{}", b"{\"id\":1}", b""] {
            let e = decode_article(rec.id.as_bytes(), bad).unwrap_err().to_string();
            assert!(e.contains(&rec.id.hex()[..8]), "{e}");
        }
        assert!(decode_relation(b"short", &encode_relation(&relation(None))).is_err());
        assert!(decode_article(b"short", &encode_article(&rec)).is_err());
    }
}
