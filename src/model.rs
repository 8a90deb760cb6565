//! The archive's data model: article ids, article records, captures and relations.
//!
//! Main types: [`ArticleId`] (blake3 of the normalised text, hex, prefix lookup),
//! [`ArticleRecord`], [`Capture`], [`Relation`] and [`RelationKind`].

use serde::{Deserialize, Serialize};
use std::fmt;

/// The id of an article: the blake3 hash of its normalised text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArticleId(pub [u8; 32]);

impl ArticleId {
    /// The id of a normalised text.
    pub fn of_text(normalised: &str) -> ArticleId {
        ArticleId(*blake3::hash(normalised.as_bytes()).as_bytes())
    }

    /// The 32 raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Builds an id from exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Option<ArticleId> {
        <[u8; 32]>::try_from(bytes).ok().map(ArticleId)
    }

    /// The full 64-digit lower-case hex form.
    pub fn hex(&self) -> String {
        crate::archive::hex(&self.0)
    }

    /// Parses 64 hex digits.
    pub fn from_hex(s: &str) -> Option<ArticleId> {
        if s.len() != 64 || !s.is_ascii() {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, chunk) in s.as_bytes().chunks(2).enumerate() {
            let hi = (chunk[0] as char).to_digit(16)?;
            let lo = (chunk[1] as char).to_digit(16)?;
            out[i] = (hi * 16 + lo) as u8;
        }
        Some(ArticleId(out))
    }
}

impl fmt::Display for ArticleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

impl fmt::Debug for ArticleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ArticleId({})", &self.hex()[..12])
    }
}

impl Serialize for ArticleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.hex())
    }
}

impl<'de> Deserialize<'de> for ArticleId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ArticleId::from_hex(&s).ok_or_else(|| serde::de::Error::custom("bad article id"))
    }
}

/// How two articles are related (DESIGN, data model).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum RelationKind {
    /// The same normalised text.
    Identical,
    /// Almost all text shared verbatim.
    NearDuplicate,
    /// One article's text is mostly contained in the other, which adds much more.
    Excerpt,
    /// A large share of sentences reappear paraphrased or reordered.
    Rewrite,
    /// The same url archived again with changed text.
    Version,
}

impl RelationKind {
    /// The name used on the command line and in JSON.
    pub fn as_str(&self) -> &'static str {
        match self {
            RelationKind::Identical => "identical",
            RelationKind::NearDuplicate => "near-duplicate",
            RelationKind::Excerpt => "excerpt",
            RelationKind::Rewrite => "rewrite",
            RelationKind::Version => "version",
        }
    }

    /// Parses a kind name.
    pub fn parse(s: &str) -> Option<RelationKind> {
        Some(match s {
            "identical" => RelationKind::Identical,
            "near-duplicate" | "near" | "duplicate" => RelationKind::NearDuplicate,
            "excerpt" => RelationKind::Excerpt,
            "rewrite" => RelationKind::Rewrite,
            "version" => RelationKind::Version,
            _ => return None,
        })
    }
}

impl fmt::Display for RelationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One input that produced an article's exact text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Capture {
    /// The input path, URL or label ("-" for stdin).
    pub input: String,
    /// When it was archived (RFC 3339 UTC).
    pub at: String,
    /// Blob id (hex) of the raw input bytes.
    pub raw: String,
    /// Size of the raw input in bytes.
    pub size: u64,
    /// Detected input format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<crate::extract::Format>,
}

/// The stored record of one article.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArticleRecord {
    /// blake3 of the normalised text.
    pub id: ArticleId,
    /// Position in archive order (0 = first archived).
    pub seq: u64,
    /// Headline.
    #[serde(default)]
    pub title: Option<String>,
    /// The url the article names for itself (or was given on the command line).
    #[serde(default)]
    pub url: Option<String>,
    /// Publication date (RFC 3339 UTC).
    #[serde(default)]
    pub published: Option<String>,
    /// Author(s).
    #[serde(default)]
    pub byline: Option<String>,
    /// Source label: outlet or site name, or what the user gave with `--source`.
    #[serde(default)]
    pub source: Option<String>,
    /// When the first capture was archived (RFC 3339 UTC).
    pub archived: String,
    /// Blob id (hex) of the normalised text.
    pub text: String,
    /// Length of the normalised text in bytes.
    pub text_len: u64,
    /// Every input that produced this exact text, first one first.
    pub captures: Vec<Capture>,
    /// The language the text was tokenised in for detection (ISO 639-3, "und" when unknown),
    /// so that its detection profile can be rebuilt without guessing the language again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// For an article archived without a title, the opening words of its text ([`lead_of`]),
    /// which listings show in its place so that untitled articles can be told apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<String>,
}

/// Words of an untitled article's text kept as its [`ArticleRecord::lead`].
pub const LEAD_WORDS: usize = 12;

/// The opening [`LEAD_WORDS`] words of a text, with `…` when it goes on; `None` for a text
/// without words.
pub fn lead_of(text: &str) -> Option<String> {
    let mut words = text.split_whitespace();
    let mut lead = words.by_ref().take(LEAD_WORDS).collect::<Vec<_>>().join(" ");
    if lead.is_empty() {
        return None;
    }
    if words.next().is_some() {
        lead.push('…');
    }
    Some(lead)
}

/// A relation between two archived articles, with its evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Relation {
    /// The article archived first.
    pub a: ArticleId,
    /// The article archived later.
    pub b: ArticleId,
    /// How they are related.
    pub kind: RelationKind,
    /// Which one derives from the other, when known.
    pub parent: Option<ArticleId>,
    /// Strength in [0, 1].
    pub score: f32,
    /// Share of a's sentences aligned with b's.
    pub coverage_a: f32,
    /// Share of b's sentences aligned with a's.
    pub coverage_b: f32,
    /// Share of aligned text that is verbatim.
    pub verbatim: f32,
    /// Aligned sentence pairs: `a` indexes a's sentences, `b` indexes b's.
    #[serde(default)]
    pub evidence: Vec<crate::align::AlignedPair>,
    /// When the relation was found (RFC 3339 UTC).
    pub found: String,
}

/// A score in [0, 1] as shown to people: two decimals, rounded down, so that a pair shown as
/// 1.00 passes `--min-score 1` and one shown as 0.50 passes `--min-score 0.5` (0.998 printed
/// "1.00" and was left out by `--min-score 1`).
pub fn score_text(x: f32) -> String {
    // The small epsilon keeps stored figures such as 0.29 (0.28999...) at 0.29.
    format!("{:.2}", ((f64::from(x) * 100.0 + 1e-4).floor() / 100.0).max(0.0))
}

/// Decimal places kept of the figures a relation stores: a thousandth is below anything a
/// reader or a threshold distinguishes, and full `f32` digits were half of a stored relation.
pub const FIGURE_DECIMALS: i32 = 3;

/// `x` rounded to [`FIGURE_DECIMALS`] decimal places (the nearest `f32`, which prints short).
pub fn round_figure(x: f32) -> f32 {
    let scale = 10f32.powi(FIGURE_DECIMALS);
    (x * scale).round() / scale
}

impl Relation {
    /// The relation with its score, coverages, verbatim share and evidence similarities
    /// rounded to [`FIGURE_DECIMALS`] places, as it is stored and reported.
    pub fn rounded(mut self) -> Relation {
        for f in [&mut self.score, &mut self.coverage_a, &mut self.coverage_b, &mut self.verbatim] {
            *f = round_figure(*f);
        }
        for p in &mut self.evidence {
            p.sim = round_figure(p.sim);
            p.overlap = round_figure(p.overlap);
        }
        self
    }

    /// The other article of the pair, seen from `id`.
    pub fn other(&self, id: &ArticleId) -> ArticleId {
        if self.a == *id {
            self.b
        } else {
            self.a
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_shown_as_one_passes_min_score_one() {
        assert_eq!(score_text(0.998), "0.99");
        assert_eq!(score_text(1.0), "1.00");
        assert_eq!(score_text(0.29), "0.29");
        assert_eq!(score_text(0.293), "0.29");
        assert_eq!(score_text(0.5), "0.50");
        assert_eq!(score_text(0.0), "0.00");
    }

    #[test]
    fn rounded_relations_keep_three_decimals_and_print_short() {
        let rel = Relation {
            a: ArticleId::of_text("a"),
            b: ArticleId::of_text("b"),
            kind: RelationKind::Rewrite,
            parent: None,
            score: 0.292_837_4,
            coverage_a: 1.0,
            coverage_b: 0.000_4,
            verbatim: 0.666_666_7,
            evidence: vec![crate::align::AlignedPair { a: 1, b: 2, sim: 0.812_345_6, overlap: 0.5, verbatim: false }],
            found: String::new(),
        }
        .rounded();
        let json = serde_json::to_string(&rel).unwrap();
        for short in ["\"score\":0.293", "\"coverage_a\":1.0", "\"coverage_b\":0.0", "\"verbatim\":0.667", "\"sim\":0.812", "\"overlap\":0.5"] {
            assert!(json.contains(short), "{short} in {json}");
        }
    }
}
