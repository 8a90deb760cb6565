//! Sentence signatures: what alignment compares of one sentence, compact and serialisable.
//!
//! Main items: [`SentenceSig`] and [`sentence_sigs`].

use crate::text::{stable_hash, StableHasher, Token, Tokenizer};
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
    ///
    /// The same as [`SentenceSig::from_tokens`] of [`Tokenizer::tokens`], computed word by word
    /// without building the tokens, with stems cached by the tokenizer.
    pub fn of(s: &str, start: usize, tk: &Tokenizer) -> SentenceSig {
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            let (stems, numbers, grams) = &mut *scratch;
            stems.clear();
            numbers.clear();
            grams.clear();
            SentenceSig::of_into(s, start, tk, stems, numbers, grams)
        })
    }

    /// [`SentenceSig::of`] collecting the hashes in the given (cleared) buffers.
    fn of_into(s: &str, start: usize, tk: &Tokenizer, stems: &mut Vec<u64>, numbers: &mut Vec<u64>, grams: &mut Vec<u64>) -> SentenceSig {
        let mut names: Vec<(u64, String)> = Vec::new();
        let mut exact = StableHasher::new(TAG_SENTENCE);
        let mut words = 0usize;
        // The previous word, for bigrams.
        let mut prev = String::new();
        tk.for_each_word(s, |w| {
            if w.is_content() {
                let h = tk.stem_hash(w);
                stems.push(h);
                if w.number {
                    numbers.push(h);
                } else if w.capital && w.lower.chars().count() >= 5 && !names.iter().any(|(x, _)| *x == h) {
                    names.push((h, w.lower.to_string()));
                }
            }
            if words > 0 {
                // Chinese and Japanese: pairs of neighbouring characters stand in for words.
                if is_cjk_char(&prev) && is_cjk_char(w.lower) {
                    let mut h = StableHasher::new(TAG_STEM);
                    h.write(prev.as_bytes());
                    h.write(w.lower.as_bytes());
                    stems.push(h.finish());
                }
                let mut h = StableHasher::new(TAG_GRAM);
                h.write(prev.as_bytes());
                h.write(b" ");
                h.write(w.lower.as_bytes());
                grams.push(h.finish());
                exact.write(b" ");
            }
            exact.write(w.lower.as_bytes());
            prev.clear();
            prev.push_str(w.lower);
            words += 1;
        });
        if words == 1 {
            grams.push(stable_hash(TAG_GRAM, prev.as_bytes()));
        }
        SentenceSig::assemble(stems, numbers, names, grams, exact.finish(), words, start, start + s.len())
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
                let mut h = StableHasher::new(TAG_STEM);
                h.write(w[0].lower.as_bytes());
                h.write(w[1].lower.as_bytes());
                stems.push(h.finish());
            }
        }
        let mut grams: Vec<u64> = toks
            .windows(2)
            .map(|w| {
                // The hash of "first second", without building the string.
                let mut h = StableHasher::new(TAG_GRAM);
                h.write(w[0].lower.as_bytes());
                h.write(b" ");
                h.write(w[1].lower.as_bytes());
                h.finish()
            })
            .collect();
        if toks.len() == 1 {
            grams.push(stable_hash(TAG_GRAM, toks[0].lower.as_bytes()));
        }
        // The hash of the words joined by single spaces.
        let mut exact = StableHasher::new(TAG_SENTENCE);
        for (k, t) in toks.iter().enumerate() {
            if k > 0 {
                exact.write(b" ");
            }
            exact.write(t.lower.as_bytes());
        }
        SentenceSig::assemble(&mut stems, &mut numbers, names, &mut grams, exact.finish(), toks.len(), start, end)
    }

    /// The signature from its parts, sorting and deduplicating the hash lists, which are copied
    /// into vectors of their exact size (profiles of archived articles are cached for a whole
    /// command: spare capacity would be a sixth of their memory).
    #[allow(clippy::too_many_arguments)]
    fn assemble(
        stems: &mut Vec<u64>,
        numbers: &mut Vec<u64>,
        names: Vec<(u64, String)>,
        grams: &mut Vec<u64>,
        exact: u64,
        words: usize,
        start: usize,
        end: usize,
    ) -> SentenceSig {
        stems.sort_unstable();
        stems.dedup();
        numbers.sort_unstable();
        numbers.dedup();
        grams.sort_unstable();
        grams.dedup();
        SentenceSig {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
            words: u32::try_from(words).unwrap_or(u32::MAX),
            stems: stems.to_vec(),
            numbers: numbers.to_vec(),
            names,
            grams: grams.to_vec(),
            exact,
        }
    }

    /// Number of content stems.
    pub fn content_len(&self) -> usize {
        self.stems.len()
    }
}

thread_local! {
    /// Buffers [`SentenceSig::of`] collects hashes in, reused from sentence to sentence.
    static SCRATCH: std::cell::RefCell<(Vec<u64>, Vec<u64>, Vec<u64>)> = const { std::cell::RefCell::new((Vec::new(), Vec::new(), Vec::new())) };
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
    fn word_by_word_signatures_match_the_token_ones() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut files: Vec<std::path::PathBuf> = Vec::new();
        for sub in ["seeds", "detect_lang"] {
            for e in std::fs::read_dir(dir.join(sub)).unwrap() {
                let p = e.unwrap().path();
                if p.extension().is_some_and(|x| x == "txt") {
                    files.push(p);
                }
            }
        }
        assert!(files.len() >= 8);
        let odd = "Ukraine’s 1,200 troops' advance... 3.5 «Quoted» O'Neill's 'twas 今天北京 x";
        for f in &files {
            let raw = std::fs::read_to_string(f).unwrap();
            for text in [crate::text::normalize(&raw), raw.clone(), odd.to_string()] {
                let guessed = Tokenizer::for_text(&text);
                for tk in [guessed, Tokenizer::for_lang("eng"), Tokenizer::for_lang("und")] {
                    for r in crate::text::sentences(&text) {
                        let s = &text[r.clone()];
                        let want = SentenceSig::from_tokens(&tk.tokens(s), r.start, r.end);
                        assert_eq!(SentenceSig::of(s, r.start, &tk), want, "{}: {s}", f.display());
                    }
                }
            }
        }
    }

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
