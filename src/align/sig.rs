//! Sentence signatures: what alignment compares of one sentence, compact and serialisable.
//!
//! Main items: [`SentenceSig`] and [`sentence_sigs`].

use crate::text::{stable_hash, Token, Tokenizer};
use serde::{Deserialize, Serialize};

/// Hash tag of content-word stems (also the candidate index's word features).
pub const TAG_STEM: u8 = 1;
/// Hash tag of word bigrams.
pub const TAG_GRAM: u8 = 2;
/// Hash tag of whole sentences (lower-cased word sequence).
pub const TAG_SENTENCE: u8 = 3;

/// What alignment keeps of one sentence.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SentenceSig {
    /// Byte offset of the sentence in its text.
    pub start: u32,
    /// Byte offset just past the sentence.
    pub end: u32,
    /// Number of words.
    pub words: u32,
    /// Hashes of content-word stems (numbers included), sorted, distinct.
    pub stems: Vec<u64>,
    /// Hashes of numbers, sorted, distinct (a subset of `stems`).
    pub numbers: Vec<u64>,
    /// Capitalised content words: (stem hash, lower-cased word), for spelling variants.
    pub names: Vec<(u64, String)>,
    /// Hashes of word bigrams (all words, lower case), sorted, distinct.
    pub grams: Vec<u64>,
    /// Hash of the whole lower-cased word sequence.
    pub exact: u64,
}

/// Hash of a content stem, as used in [`SentenceSig::stems`] and the candidate index.
pub fn stem_hash(stem: &str) -> u64 {
    stable_hash(TAG_STEM, stem.as_bytes())
}

impl SentenceSig {
    /// The signature of sentence `s` found at byte `start` of its text.
    pub fn of(s: &str, start: usize, tk: &Tokenizer) -> SentenceSig {
        let toks = tk.tokens(s);
        SentenceSig::from_tokens(&toks, start, start + s.len())
    }

    /// The signature of a sentence from its tokens.
    pub fn from_tokens(toks: &[Token], start: usize, end: usize) -> SentenceSig {
        let mut stems = Vec::new();
        let mut numbers = Vec::new();
        let mut names: Vec<(u64, String)> = Vec::new();
        for t in toks {
            if !t.is_content() {
                continue;
            }
            let h = stem_hash(&t.stem);
            stems.push(h);
            if t.number {
                numbers.push(h);
            } else if t.capital && t.lower.chars().count() >= 5 && !names.iter().any(|(x, _)| *x == h) {
                names.push((h, t.lower.clone()));
            }
        }
        // Chinese and Japanese come as one token per character: pairs of neighbouring characters
        // stand in for words.
        for w in toks.windows(2) {
            if is_cjk_char(&w[0].lower) && is_cjk_char(&w[1].lower) {
                let mut k = String::with_capacity(8);
                k.push_str(&w[0].lower);
                k.push_str(&w[1].lower);
                stems.push(stem_hash(&k));
            }
        }
        stems.sort_unstable();
        stems.dedup();
        numbers.sort_unstable();
        numbers.dedup();
        let mut grams: Vec<u64> = toks
            .windows(2)
            .map(|w| {
                let mut k = String::with_capacity(w[0].lower.len() + w[1].lower.len() + 1);
                k.push_str(&w[0].lower);
                k.push(' ');
                k.push_str(&w[1].lower);
                stable_hash(TAG_GRAM, k.as_bytes())
            })
            .collect();
        if toks.len() == 1 {
            grams.push(stable_hash(TAG_GRAM, toks[0].lower.as_bytes()));
        }
        grams.sort_unstable();
        grams.dedup();
        let joined = toks.iter().map(|t| t.lower.as_str()).collect::<Vec<_>>().join(" ");
        SentenceSig {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
            words: u32::try_from(toks.len()).unwrap_or(u32::MAX),
            stems,
            numbers,
            names,
            grams,
            exact: stable_hash(TAG_SENTENCE, joined.as_bytes()),
        }
    }

    /// Number of content stems.
    pub fn content_len(&self) -> usize {
        self.stems.len()
    }
}

/// True for a single Han, Hiragana or Katakana character.
fn is_cjk_char(w: &str) -> bool {
    let mut cs = w.chars();
    match (cs.next(), cs.next()) {
        (Some(c), None) => matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF),
        _ => false,
    }
}

/// Signatures of the sentences of a normalised text ([`crate::text::sentences`] order).
pub fn sentence_sigs(text: &str, tk: &Tokenizer) -> Vec<SentenceSig> {
    crate::text::sentences(text).into_iter().map(|r| SentenceSig::of(&text[r.clone()], r.start, tk)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_gets_character_bigrams() {
        let tk = Tokenizer::for_lang("und");
        let a = SentenceSig::of("今天北京天气很好", 0, &tk);
        let b = SentenceSig::of("北京今天天气很好", 0, &tk);
        assert!(a.stems.len() >= 5);
        let shared = a.stems.iter().filter(|h| b.stems.contains(h)).count();
        assert!(shared >= 4, "{shared}");
    }
}
