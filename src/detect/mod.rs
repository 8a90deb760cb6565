//! Detection of related articles: fingerprints, candidates, verification, classification.
//!
//! Main items: [`Profile`] (what detection keeps of one article), [`Corpus`] (read access to
//! the archive's index, implemented by the archive over the store), [`detect`] and [`Finding`];
//! also [`compare`] and [`classify`] (verification of one pair, usable without an index) and
//! [`MemoryCorpus`] (an index in memory, for tests and calibration).
//!
//! Pipeline (DESIGN, "Detection, in outline"):
//! 1. Candidates: every distinct content-word stem (names and numbers included) and every
//!    sentence fingerprint of the new article is a feature; the rarest ones in the archive
//!    (at most [`MAX_QUERY_FEATURES`], each carried by at most [`max_postings`] articles) vote
//!    for the articles carrying them, weighted by rarity; the best [`MAX_CANDIDATES`] are
//!    verified. The work per article is bounded whatever the archive's size.
//! 2. Verification: one-to-one, order-free sentence alignment ([`crate::align`]) with word
//!    weights from the archive's document frequencies; coverage of each side (share of words in
//!    aligned sentences), verbatim share, order preservation.
//! 3. Classification ([`classify`]) from those figures.

mod index;
mod memory;
mod votes;

pub use index::{bucket_of, key_of, BucketError, FeatureIndex, IndexMemory, BUCKETS, BUCKET_BITS, IDENTITY_BITS, KEY_BITS, POSTINGS_CAP};
pub use memory::MemoryCorpus;

use crate::align::{self, tally, AlignedPair, KeyIndex, SentenceSig, SigIndex, StemWeights};
use crate::model::{ArticleId, RelationKind};
use crate::text::{IdMap, Tokenizer};
use rayon::prelude::*;
use std::sync::Arc;
use serde::{Deserialize, Serialize};

/// Errors from the corpus while detecting.
pub type CorpusError = Box<dyn std::error::Error + Send + Sync>;

/// Most features of the new article looked up in the postings.
pub const MAX_QUERY_FEATURES: usize = 96;
/// Most candidates verified per new article.
pub const MAX_CANDIDATES: usize = 8;
/// Candidates with fewer votes than this share of the best candidate's are not verified.
pub const MIN_VOTE_SHARE: f32 = 0.05;
/// Sentences with at least this many words get a whole-sentence fingerprint feature.
const MIN_FINGERPRINT_WORDS: u32 = 6;

/// Most articles a feature may carry to be used for candidates, for an archive of `n`.
pub fn max_postings(n: u64) -> u64 {
    (n / 20).clamp(50, 200)
}

/// Rarity weight of a word found in `df` of `n` documents.
pub fn idf(df: f32, n: f32) -> f32 {
    (1.0 + n.max(1.0) / df.max(1.0)).ln()
}

/// What detection keeps of one article's normalised text (serialisable, to cache).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// The article id (blake3 of the normalised text).
    pub id: ArticleId,
    /// Stemming language (ISO 639-3), if recognised.
    pub lang: Option<String>,
    /// Signatures of the sentences, in text order.
    pub sentences: Vec<SentenceSig>,
}

impl Default for Profile {
    fn default() -> Self {
        profile("")
    }
}

/// Most sentences a profile keeps (the start of longer texts); bounds the work on huge inputs.
pub const MAX_SENTENCES: usize = 2000;

/// Profiles a normalised text (its first [`MAX_SENTENCES`] sentences).
pub fn profile(text: &str) -> Profile {
    profile_with(text, &Tokenizer::for_text(text))
}

/// Profiles a normalised text known to be in language `lang` (ISO 639-3, as in
/// [`Profile::lang`]; "und" or an unknown code: no stemming), without guessing it.
pub fn profile_in(text: &str, lang: &str) -> Profile {
    profile_with(text, &Tokenizer::for_lang(lang))
}

fn profile_with(text: &str, tk: &Tokenizer) -> Profile {
    let sentences = crate::text::sentences(text)
        .into_iter()
        .take(MAX_SENTENCES)
        .map(|r| SentenceSig::of(&text[r.clone()], r.start, tk))
        .collect();
    Profile { id: ArticleId::of_text(text), lang: tk.lang().map(String::from), sentences }
}

impl Profile {
    /// Feature keys to add to the candidate index for this article: distinct content stems and
    /// sentence fingerprints, sorted.
    pub fn index_features(&self) -> Vec<u64> {
        let mut f: Vec<u64> = Vec::new();
        for s in &self.sentences {
            f.extend_from_slice(&s.stems);
            if s.words >= MIN_FINGERPRINT_WORDS {
                f.push(s.exact);
            }
        }
        f.sort_unstable();
        f.dedup();
        f
    }

    /// Total words of the text.
    pub fn words(&self) -> u64 {
        self.sentences.iter().map(|s| u64::from(s.words)).sum()
    }
}

/// Read access to the archive that detection needs.
///
/// Counts and postings are over [`Profile::index_features`] of the archived articles, without
/// the article being detected; postings are document numbers that the corpus assigns (the
/// archive uses its archive sequence). Per call, [`detect`] asks `feature_count` once for each of
/// the new article's features and for the stems of candidate sentences it compares (through
/// `feature_counts`), `visit_postings` for at most [`MAX_QUERY_FEATURES`] features (limit [`max_postings`]), and `profile` for at most
/// [`MAX_CANDIDATES`] documents: caching profiles (they are serialisable) saves recomputing them.
pub trait Corpus {
    /// Number of archived articles.
    fn article_count(&self) -> Result<u64, CorpusError>;
    /// How many articles carry `feature`.
    fn feature_count(&self, feature: u64) -> Result<u64, CorpusError>;
    /// Calls `visit` with each of up to `limit` documents carrying `feature`, oldest first.
    fn visit_postings(&self, feature: u64, limit: usize, visit: &mut dyn FnMut(u64)) -> Result<(), CorpusError>;
    /// Appends to `out` the [`Self::feature_count`] of each of `features`, in their order (in one
    /// pass when the corpus can).
    fn feature_counts(&self, features: &[u64], out: &mut Vec<u64>) -> Result<(), CorpusError> {
        out.reserve(features.len());
        for &f in features {
            out.push(self.feature_count(f)?);
        }
        Ok(())
    }
    /// The profile of an archived document.
    fn profile(&self, doc: u64) -> Result<Arc<Profile>, CorpusError>;
    /// The profiles of `docs`, in their order (all at once, in parallel, when the corpus can).
    fn profiles(&self, docs: &[u64]) -> Result<Vec<Arc<Profile>>, CorpusError> {
        docs.iter().map(|&d| self.profile(d)).collect()
    }
}

/// One side of a pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The new article.
    New,
    /// The archived article.
    Other,
}

/// A related archived article found for a new one.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// The archived article.
    pub other: ArticleId,
    /// How they are related.
    pub kind: RelationKind,
    /// Strength in [0, 1].
    pub score: f32,
    /// Share of the new article's words in aligned sentences.
    pub coverage_new: f32,
    /// Share of the other article's words in aligned sentences.
    pub coverage_other: f32,
    /// Verbatim share: word-bigram overlap of the aligned pairs (and the containment of sentences
    /// split or merged), averaged over the covered words of both sides.
    pub verbatim: f32,
    /// Share of aligned pairs that keep their relative order.
    pub order: f32,
    /// Which side the content says is the parent, when it says so; `None`: use dates, then
    /// archive order.
    pub parent_hint: Option<Side>,
    /// Evidence: aligned sentence pairs, `a` = new article, `b` = other.
    pub evidence: Vec<AlignedPair>,
}

/// The figures verification computes for a pair of articles.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figures {
    /// Share of side a's words in aligned sentences.
    pub coverage_a: f32,
    /// Share of side b's words in aligned sentences.
    pub coverage_b: f32,
    /// Like `coverage_a`, each sentence counted by its similarity.
    pub weighted_a: f32,
    /// Like `coverage_b`, each sentence counted by its similarity.
    pub weighted_b: f32,
    /// Word-bigram overlap of the aligned pairs, and the containment of sentences found split or
    /// merged in the other text, averaged over the covered words of both sides (the same figure
    /// whichever side is a).
    pub verbatim: f32,
    /// Order preservation of the aligned pairs.
    pub order: f32,
    /// Aligned pairs whose sentences both have at least [`MIN_PAIR_WORDS`] words.
    pub substantive: usize,
    /// Sentences on each side (a, b).
    pub sentences: (usize, usize),
    /// The alignment.
    pub pairs: Vec<AlignedPair>,
}

/// Aligns two profiles and computes the figures; `weight` gives a content stem's rarity weight,
/// `min_sim` the lowest similarity of an aligned pair.
pub fn compare(a: &Profile, b: &Profile, weight: &dyn Fn(u64) -> f32, min_sim: f32) -> Figures {
    figures(a, b, align::align_sigs(&a.sentences, &b.sentences, weight, min_sim))
}

/// Like [`compare`], with the stem weights of each side computed beforehand (`wa` of `a`'s
/// sentences, `wb` of `b`'s) and `ia` the [`SigIndex`] of `a`'s sentences: the new article is
/// weighed and indexed once for all its candidates.
pub fn compare_indexed(a: &Profile, wa: &StemWeights, ia: &SigIndex, b: &Profile, wb: &StemWeights, min_sim: f32) -> Figures {
    figures(a, b, align::align_sigs_indexed(&a.sentences, wa, ia, &b.sentences, wb, min_sim))
}

/// The figures of the alignment `al` of `a` with `b`.
fn figures(a: &Profile, b: &Profile, al: align::Alignment) -> Figures {
    let words = |p: &Profile| p.sentences.iter().map(|s| s.words as f32).sum::<f32>().max(1.0);
    let (wa, wb) = (words(a), words(b));
    let (mut ca, mut cb, mut sa, mut sb, mut verb_a, mut verb_b) = (0f32, 0f32, 0f32, 0f32, 0f32, 0f32);
    let mut substantive = 0;
    for p in &al.pairs {
        let (x, y) = (&a.sentences[p.a as usize], &b.sentences[p.b as usize]);
        if x.words.min(y.words) >= MIN_PAIR_WORDS {
            substantive += 1;
        }
        ca += x.words as f32;
        cb += y.words as f32;
        sa += x.words as f32 * p.sim;
        sb += y.words as f32 * p.sim;
        verb_a += x.words as f32 * p.overlap;
        verb_b += y.words as f32 * p.overlap;
    }
    // Sentences split or merged between the two texts: an unaligned sentence whose word bigrams
    // are nearly all inside one sentence of the other side is covered too (not a pair), and is
    // verbatim by as much as it is contained.
    if al.pairs.len() >= MIN_PAIRS {
        let (covered, contained) = fragments_covered(&a.sentences, &b.sentences, al.pairs.iter().map(|p| p.a as usize));
        (ca, verb_a) = (ca + covered, verb_a + contained);
        let (covered, contained) = fragments_covered(&b.sentences, &a.sentences, al.pairs.iter().map(|p| p.b as usize));
        (cb, verb_b) = (cb + covered, verb_b + contained);
    }
    Figures {
        coverage_a: (ca / wa).min(1.0),
        coverage_b: (cb / wb).min(1.0),
        weighted_a: sa / wa,
        weighted_b: sb / wb,
        verbatim: if ca + cb > 0.0 { (verb_a + verb_b) / (ca + cb) } else { 0.0 },
        order: al.order(),
        substantive,
        sentences: (a.sentences.len(), b.sentences.len()),
        pairs: al.pairs,
    }
}

/// Share of an unaligned sentence's word bigrams found in one sentence of the other side that
/// makes it a verbatim fragment (sentence split or merged).
pub const FRAGMENT_CONTAINMENT: f32 = 0.8;

/// Words of the unaligned sentences of `x` (of at least [`MIN_PAIR_WORDS`] words) that are
/// verbatim fragments of a sentence of `y`, and the same words each counted by the share of its
/// sentence's bigrams found in that sentence of `y`.
fn fragments_covered(x: &[SentenceSig], y: &[SentenceSig], aligned: impl Iterator<Item = usize>) -> (f32, f32) {
    let mut done = vec![false; x.len()];
    for i in aligned {
        if let Some(d) = done.get_mut(i) {
            *d = true;
        }
    }
    let fragment = |s: &SentenceSig| s.grams.len() >= 3 && s.words >= MIN_PAIR_WORDS;
    if !x.iter().zip(&done).any(|(s, &d)| !d && fragment(s)) {
        return (0.0, 0.0);
    }
    let mut grams = Vec::with_capacity(y.iter().map(|s| s.grams.len()).sum());
    for (j, s) in y.iter().enumerate() {
        grams.extend(s.grams.iter().map(|&g| (g, j as u32)));
    }
    let index = KeyIndex::new(&grams);
    let (mut covered, mut contained) = (0f32, 0f32);
    // Per sentence of x: the bigrams each sentence of y shares with it (reset after each).
    let mut hits: Vec<u32> = vec![0; y.len()];
    let mut touched: Vec<u32> = Vec::new();
    for (s, &d) in x.iter().zip(&done) {
        if d || !fragment(s) {
            continue;
        }
        touched.clear();
        for &g in &s.grams {
            tally(index.get(g), 1, &mut hits, &mut touched);
        }
        let mut best = 0;
        for &j in &touched {
            if let Some(h) = hits.get_mut(j as usize) {
                best = best.max(std::mem::take(h));
            }
        }
        if best as f32 >= FRAGMENT_CONTAINMENT * s.grams.len() as f32 {
            covered += s.words as f32;
            contained += s.words as f32 * (best as f32 / s.grams.len() as f32).min(1.0);
        }
    }
    (covered, contained)
}

/// Verbatim share from which a pair is a copy (near-duplicate or excerpt) rather than a rewrite.
pub const COPY_VERBATIM: f32 = 0.6;
/// Coverage of both sides from which a copy is a near-duplicate rather than an excerpt.
pub const NEAR_DUP_COVERAGE: f32 = 0.75;
/// Fewest aligned sentence pairs (both sentences of at least [`MIN_PAIR_WORDS`] words) for any
/// relation.
pub const MIN_PAIRS: usize = 3;
/// Shortest sentence counted towards [`MIN_PAIRS`] (keeps boilerplate lines out).
pub const MIN_PAIR_WORDS: u32 = 4;
/// Lowest coverage of the better-covered side for a rewrite.
pub const MIN_COVERAGE: f32 = 0.25;
/// Lowest coverage of the better-covered side for a word-for-word copy (verbatim share at least
/// [`STRICT_VERBATIM`]): verbatim sentences are stronger evidence than paraphrases.
pub const MIN_COPY_COVERAGE: f32 = 0.2;
/// Verbatim share of a word-for-word copy.
pub const STRICT_VERBATIM: f32 = 0.9;

/// Lowest coverage of the less-covered side for a relation that is not a verbatim copy, unless it
/// has at least [`MANY_PAIRS`] substantive pairs (a rewrite shares a part of both texts).
pub const MIN_REWRITE_COVERAGE: f32 = 0.15;
/// Substantive pairs that make a rewrite without [`MIN_REWRITE_COVERAGE`].
pub const MANY_PAIRS: usize = 6;

/// Lowest verbatim share of a rewrite. Independent reports of the same events share facts (names,
/// places, numbers), a rewrite also shares phrasing: sentences people judged to say different
/// things (MSRP train's negatives that share no 4-word run, as `make_cases.py` picks them for its
/// independent reports) have a median word-bigram overlap of 0.17 and a 95th percentile of 0.30,
/// paraphrases a median of 0.55. Drawn at random from MSRP train, 4 aligned pairs of such
/// negatives average 0.30 or more in 0.06% of draws, 4 paraphrase pairs less than 0.30 in 0.8%
/// (3 pairs: 0.3% and 1.8%; `bench/verbatim_floor.py`). Measured on eight case sets: the lowest
/// verbatim share of 714 true rewrites is 0.32; the independent pairs flagged before this floor
/// had 0.17-0.27.
pub const MIN_REWRITE_VERBATIM: f32 = 0.3;

/// Classifies a pair from its figures: the kind and a score in [0, 1], or `None` if unrelated.
/// Calibrated on case sets built by `make_cases.py` (BBC and Reuters bases, several seeds):
/// see `bench/detect_doc_rule.py`.
pub fn classify(f: &Figures) -> Option<(RelationKind, f32)> {
    let best = f.coverage_a.max(f.coverage_b);
    let copy = f.verbatim >= COPY_VERBATIM;
    let min_cov = if f.verbatim >= STRICT_VERBATIM { MIN_COPY_COVERAGE } else { MIN_COVERAGE };
    if f.substantive < MIN_PAIRS || best < min_cov {
        return None;
    }
    if !copy && f.coverage_a.min(f.coverage_b) < MIN_REWRITE_COVERAGE && f.substantive < MANY_PAIRS {
        return None;
    }
    if !copy && f.verbatim < MIN_REWRITE_VERBATIM {
        return None;
    }
    let kind = if copy {
        if f.coverage_a.min(f.coverage_b) >= NEAR_DUP_COVERAGE {
            RelationKind::NearDuplicate
        } else {
            RelationKind::Excerpt
        }
    } else {
        RelationKind::Rewrite
    };
    Some((kind, f.weighted_a.max(f.weighted_b).clamp(0.0, 1.0)))
}

/// One verified candidate: the figures, and the classification if related.
#[derive(Clone, Debug, PartialEq)]
pub struct Examined {
    /// The archived article.
    pub other: ArticleId,
    /// Its candidate vote (sum of rarity weights of shared rare features).
    pub votes: f32,
    /// The votes as a share of what a document carrying all of the queried features would get.
    pub vote_share: f32,
    /// Verification figures (side a = new, side b = other).
    pub figures: Figures,
    /// Kind and score, when related.
    pub class: Option<(RelationKind, f32)>,
}

/// The finding for a verified candidate, if related.
pub fn finding(ex: &Examined) -> Option<Finding> {
    let (kind, score) = ex.class?;
    let f = &ex.figures;
    Some(Finding {
        other: ex.other,
        kind,
        score,
        coverage_new: f.coverage_a,
        coverage_other: f.coverage_b,
        verbatim: f.verbatim,
        order: f.order,
        parent_hint: direction_hint(f),
        evidence: f.pairs.clone(),
    })
}

/// Coverage gap from which the content suggests a direction (see [`direction_hint`]).
pub const HINT_GAP: f32 = 0.5;
/// Coverage of the contained side for a direction hint.
pub const HINT_CONTAINED: f32 = 0.8;

/// The parent side when the content says so: one text lies almost entirely (at least
/// [`HINT_CONTAINED`] of its words) inside the other, which adds at least as much again
/// ([`HINT_GAP`]): the contained text is the source that was quoted or expanded (as when an outlet
/// builds a longer story around a wire copy). On the case sets built by `make_cases.py` this held
/// for every pair where it applies; below that gap the better-covered side is the parent in only
/// 85-100% of pairs, worse than dates and archive order, so no hint is given.
pub fn direction_hint(f: &Figures) -> Option<Side> {
    if f.coverage_a >= HINT_CONTAINED && f.coverage_a - f.coverage_b >= HINT_GAP {
        Some(Side::New)
    } else if f.coverage_b >= HINT_CONTAINED && f.coverage_b - f.coverage_a >= HINT_GAP {
        Some(Side::Other)
    } else {
        None
    }
}

/// Finds archived articles related to `new`, strongest first. Call it before `new`'s features
/// are added to the corpus (an archived copy with the same id is skipped anyway).
pub fn detect(new: &Profile, corpus: &dyn Corpus) -> Result<Vec<Finding>, CorpusError> {
    let examined = examine(new, corpus)?;
    tracing::debug!(candidates = examined.len(), "candidates verified");
    let mut out: Vec<Finding> = examined.iter().filter_map(finding).collect();
    out.sort_by(|x, y| y.score.total_cmp(&x.score).then(x.other.cmp(&y.other)));
    Ok(out)
}

/// Selects candidates for `new` and verifies each; returns all of them, related or not.
pub fn examine(new: &Profile, corpus: &dyn Corpus) -> Result<Vec<Examined>, CorpusError> {
    examine_with(new, corpus, align::MIN_SIM)
}

/// Like [`examine`], aligning pairs down to similarity `min_sim` (for calibration).
pub fn examine_with(new: &Profile, corpus: &dyn Corpus, min_sim: f32) -> Result<Vec<Examined>, CorpusError> {
    let n_docs = corpus.article_count()?;
    let n = n_docs as f32 + 1.0;
    let feats = new.index_features();
    let mut feat_counts: Vec<u64> = Vec::with_capacity(feats.len());
    corpus.feature_counts(&feats, &mut feat_counts)?;
    let mut counts: IdMap<u64> = IdMap::with_capacity_and_hasher(feats.len(), Default::default());
    counts.extend(feats.iter().copied().zip(feat_counts.iter().copied()));
    // Candidates: the rarest shared features vote, weighted by rarity.
    let cap = max_postings(n_docs);
    let mut rare: Vec<(u64, u64)> = counts.iter().filter(|(_, &c)| c >= 1 && c <= cap).map(|(&f, &c)| (f, c)).collect();
    rare.sort_unstable_by_key(|&(f, c)| (c, f));
    rare.truncate(MAX_QUERY_FEATURES);
    let mut all_votes = 0f32;
    let mut cands = VOTES.with(|votes| {
        let mut votes = votes.borrow_mut();
        votes.start(n_docs);
        for &(f, c) in &rare {
            let w = idf(c as f32 + 1.0, n);
            all_votes += w;
            corpus.visit_postings(f, usize::try_from(cap).unwrap_or(usize::MAX), &mut |doc| votes.add(doc, w))?;
        }
        Ok::<_, CorpusError>(votes.top(MAX_CANDIDATES))
    })?;
    let top = cands.first().map_or(0.0, |c| c.1);
    cands.retain(|c| c.1 >= MIN_VOTE_SHARE * top);

    // The candidates' profiles, then the rarity weights of every stem they hold (the new
    // article's own features count it in), then the comparisons, in parallel.
    let docs: Vec<u64> = cands.iter().map(|c| c.0).collect();
    let others: Vec<(Arc<Profile>, f32)> =
        corpus.profiles(&docs)?.into_iter().zip(cands.iter().map(|c| c.1)).filter(|(p, _)| p.id != new.id).collect();
    // The weights of the new article's features come from their counts; each distinct stem of
    // the candidates not among them is looked up once, in sorted order (neighbouring lookups fall
    // in neighbouring buckets of the index), all in one call.
    let occurrences: usize = others.iter().flat_map(|(p, _)| p.sentences.iter()).map(|s| s.stems.len()).sum();
    let mut weights: IdMap<f32> = IdMap::with_capacity_and_hasher(counts.len() + occurrences, Default::default());
    weights.extend(counts.iter().map(|(&h, &c)| (h, idf(c as f32 + 1.0, n))));
    let mut stems: Vec<u64> = Vec::new();
    for s in others.iter().flat_map(|(p, _)| p.sentences.iter()) {
        for &h in &s.stems {
            if let std::collections::hash_map::Entry::Vacant(e) = weights.entry(h) {
                // A placeholder until the counts come.
                e.insert(0.0);
                stems.push(h);
            }
        }
    }
    stems.sort_unstable();
    let mut stem_counts: Vec<u64> = Vec::with_capacity(stems.len());
    corpus.feature_counts(&stems, &mut stem_counts)?;
    for (&h, &c) in stems.iter().zip(&stem_counts) {
        weights.insert(h, idf(c as f32, n));
    }
    let weight = |h: u64| weights.get(&h).copied().unwrap_or_else(|| idf(1.0, n));
    let weights_new = StemWeights::new(&new.sentences, &weight);
    let index_new = SigIndex::new(if others.is_empty() { &[] } else { &new.sentences });
    let verify = |(other, v): &(Arc<Profile>, f32)| {
        let weights_other = StemWeights::new(&other.sentences, &weight);
        let figures = compare_indexed(new, &weights_new, &index_new, other, &weights_other, min_sim);
        let class = classify(&figures);
        Examined { other: other.id, votes: *v, vote_share: *v / all_votes.max(f32::MIN_POSITIVE), figures, class }
    };
    // Small comparisons are done in this thread: handing them to the pool costs more than
    // they take. Both ways give the results in candidate order.
    let work: usize = others.iter().map(|(p, _)| p.sentences.len() * new.sentences.len()).sum();
    let out = if others.len() > 1 && work >= PARALLEL_WORK {
        others.par_iter().map(verify).collect()
    } else {
        others.iter().map(verify).collect()
    };
    Ok(out)
}

thread_local! {
    /// The vote sums of [`examine_with`], kept between calls (see [`votes::Votes`]).
    static VOTES: std::cell::RefCell<votes::Votes> = std::cell::RefCell::new(votes::Votes::default());
}

/// Sentence pairs (summed over the candidates) from which verification runs in parallel.
const PARALLEL_WORK: usize = 2_000;

#[cfg(test)]
mod tests {
    use super::*;

    /// A copy whose sentences were merged in pairs: half of each side's sentences align, the
    /// rest are fragments of the other side's. Its verbatim share was 0.35 one way and 0.67 the
    /// other (fragments counted in the words but not in the overlap, on the new side only), so
    /// whether a pair cleared the rewrite floor depended on which text was archived first.
    #[test]
    fn verbatim_share_of_merged_sentences_is_the_same_both_ways() {
        let sentences: Vec<String> = (0..12)
            .map(|i| format!("The council member number {i} said the budget for district {i} would rise by {} percent next year", i * 3 + 2))
            .collect();
        let split = sentences.iter().map(|s| format!("{s}.")).collect::<Vec<_>>().join(" ");
        let merged = sentences.chunks(2).map(|p| format!("{}, and {}.", p[0], p[1].to_lowercase())).collect::<Vec<_>>().join(" ");
        let (a, b) = (profile(&split), profile(&merged));
        let weight = |_| 1.0;
        let (ab, ba) = (compare(&a, &b, &weight, crate::align::MIN_SIM), compare(&b, &a, &weight, crate::align::MIN_SIM));
        assert!((ab.verbatim - ba.verbatim).abs() < 0.01, "{} against {}", ab.verbatim, ba.verbatim);
        assert!(ab.verbatim >= COPY_VERBATIM, "{}", ab.verbatim);
    }

    #[test]
    fn a_profile_rebuilt_in_its_recorded_language_is_the_same_profile() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        for f in ["seeds/000_856e4ff5e2b4e0a7.txt", "detect_lang/spanish_article.txt", "detect_lang/thai_article.txt", "detect_lang/arabic_article.txt"] {
            let text = crate::text::normalize(&std::fs::read_to_string(dir.join(f)).unwrap());
            let p = profile(&text);
            let lang = p.lang.clone().unwrap_or_else(|| "und".into());
            assert_eq!(profile_in(&text, &lang), p, "{f} ({lang})");
        }
    }
}
