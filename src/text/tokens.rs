//! Word tokens: lower-cased Unicode words with a stemmed form.
//!
//! Main items: [`tokens`] (words of a string, language guessed from the string itself),
//! [`Tokenizer`] (language guessed once for a whole text, then reused per sentence), [`Token`]
//! and [`is_stopword`].

use super::hash::{IdMap, StableHasher};
use crate::align::TAG_STEM;
use rust_stemmers::{Algorithm, Stemmer};
use std::cell::RefCell;
use unicode_segmentation::UnicodeSegmentation;

/// One word of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The word, lower-cased.
    pub lower: String,
    /// Its stem, for matching across inflection (the lower-cased word when no stemmer applies).
    pub stem: String,
    /// The word is a number ("50", "3.5", "1,200").
    pub number: bool,
    /// The word starts with an upper-case letter (names, places; also sentence openers).
    pub capital: bool,
}

impl Token {
    /// True for words that carry content: not a stop word, and a number or two letters or more.
    pub fn is_content(&self) -> bool {
        Word { lower: &self.lower, number: self.number, capital: self.capital }.is_content()
    }
}

/// Splits text into tokens with the stemmer of one language.
pub struct Tokenizer {
    stemmer: Option<Stemmer>,
    lang: Option<&'static str>,
    /// The stemmer's slot in the thread's stem cache ([`STEM_CACHE`]).
    slot: usize,
}

/// Most stems kept per language and thread.
const MAX_CACHED_STEMS: usize = 100_000;

thread_local! {
    /// Stem hashes computed on this thread, per stemming language (slot): hash of the
    /// lower-cased word ([`word_key`]) -> [`crate::align::stem_hash`] of its stem. Texts share
    /// most of their words, and stemming is pure, so a word is stemmed once per thread rather
    /// than once per occurrence.
    static STEM_CACHE: RefCell<Vec<IdMap<u64>>> = const { RefCell::new(Vec::new()) };
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer").field("lang", &self.lang).finish()
    }
}

impl Tokenizer {
    /// A tokenizer for the language of `text` (guessed with whatlang; English for short Latin-script
    /// texts; no stemming if unknown).
    pub fn for_text(text: &str) -> Tokenizer {
        // A sample is enough to guess the language and keeps huge texts cheap.
        let mut end = text.len().min(4000);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let sample = &text[..end];
        if looks_english(sample) {
            return Tokenizer::for_lang("eng");
        }
        let lang = match whatlang::detect(sample) {
            Some(i) if i.is_reliable() => i.lang().code(),
            // Too short to tell: Latin script defaults to English, the archive's main language.
            Some(i) if i.script() == whatlang::Script::Latin => "eng",
            _ => "und",
        };
        Tokenizer::for_lang(lang)
    }

    /// A tokenizer for an ISO 639-3 language code ("eng", "fra"...); unknown codes do not stem.
    pub fn for_lang(code: &str) -> Tokenizer {
        const LANGS: [(&str, Algorithm); 18] = [
            ("eng", Algorithm::English),
            ("fra", Algorithm::French),
            ("deu", Algorithm::German),
            ("spa", Algorithm::Spanish),
            ("ita", Algorithm::Italian),
            ("por", Algorithm::Portuguese),
            ("nld", Algorithm::Dutch),
            ("swe", Algorithm::Swedish),
            ("nob", Algorithm::Norwegian),
            ("dan", Algorithm::Danish),
            ("fin", Algorithm::Finnish),
            ("rus", Algorithm::Russian),
            ("ron", Algorithm::Romanian),
            ("hun", Algorithm::Hungarian),
            ("tur", Algorithm::Turkish),
            ("ell", Algorithm::Greek),
            ("ara", Algorithm::Arabic),
            ("tam", Algorithm::Tamil),
        ];
        match LANGS.iter().position(|(c, _)| *c == code) {
            Some(slot) => {
                let (lang, alg) = LANGS[slot];
                Tokenizer { stemmer: Some(Stemmer::create(alg)), lang: Some(lang), slot }
            }
            None => Tokenizer { stemmer: None, lang: None, slot: 0 },
        }
    }

    /// The ISO 639-3 code of the stemming language, if any.
    pub fn lang(&self) -> Option<&'static str> {
        self.lang
    }

    /// The words of `s`.
    pub fn tokens(&self, s: &str) -> Vec<Token> {
        let mut out = Vec::new();
        self.for_each_word(s, |w| {
            let stem = match (&self.stemmer, w.number) {
                (Some(st), false) => st.stem(w.lower).into_owned(),
                _ => w.lower.replace(',', ""),
            };
            out.push(Token { lower: w.lower.to_string(), stem, number: w.number, capital: w.capital });
        });
        out
    }

    /// Calls `f` with each word of `s`, in order: the words of [`Tokenizer::tokens`] without
    /// their stems, and without allocating for each word.
    pub fn for_each_word(&self, s: &str, mut f: impl FnMut(&Word<'_>)) {
        let mut buf = String::new();
        let mut word = |w: &str| {
            let capital = w.chars().next().is_some_and(char::is_uppercase);
            buf.clear();
            if w.is_ascii() {
                buf.extend(w.bytes().map(|b| char::from(b.to_ascii_lowercase())));
            } else {
                buf.push_str(&w.to_lowercase());
                if buf.contains('’') {
                    buf = buf.replace('’', "'");
                }
            }
            // Possessives: "Ukraine's" -> "ukraine".
            if buf.ends_with("'s") {
                buf.truncate(buf.len() - 2);
            }
            let lower = buf.trim_matches('\'');
            if lower.is_empty() {
                return;
            }
            let number = lower.chars().any(|c| c.is_numeric())
                && lower.chars().all(|c| c.is_numeric() || c == '.' || c == ',');
            f(&Word { lower, number, capital });
        };
        if s.is_ascii() {
            ascii_words(s).for_each(&mut word);
        } else {
            s.unicode_words().for_each(&mut word);
        }
    }

    /// [`crate::align::stem_hash`] of the stem [`Tokenizer::tokens`] gives word `w`, cached:
    /// each distinct word of a text is stemmed once.
    pub fn stem_hash(&self, w: &Word<'_>) -> u64 {
        let st = match (&self.stemmer, w.number) {
            (Some(st), false) => st,
            // The word itself without thousands separators.
            _ => {
                let mut h = StableHasher::new(TAG_STEM);
                for part in w.lower.split(',') {
                    h.write(part.as_bytes());
                }
                return h.finish();
            }
        };
        STEM_CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
            if cache.len() <= self.slot {
                cache.resize_with(self.slot + 1, IdMap::default);
            }
            let map = &mut cache[self.slot];
            let key = word_key(w.lower);
            if let Some(&h) = map.get(&key) {
                return h;
            }
            let h = crate::align::stem_hash(&st.stem(w.lower));
            // Bounds the memory; the cache only saves work.
            if map.len() >= MAX_CACHED_STEMS {
                map.clear();
            }
            map.insert(key, h);
            h
        })
    }
}

/// Word boundaries (UAX #29) of an ASCII string: the same words as `unicode_words`, in a
/// single pass over the bytes (a property test and the fixtures' ASCII sentences hold the
/// two equal). Letters and digits join; a letter, then `:` `.` or `'`, then a letter stay one word
/// ("e.g", "o'neill"); a digit, then `,` `;` `.` or `'`, then a digit too ("1,200", "3.5");
/// `_` joins anything alphanumeric. Segments without a letter or digit are skipped.
fn ascii_words(s: &str) -> impl Iterator<Item = &str> {
    #[derive(Clone, Copy, PartialEq)]
    enum Class {
        Letter,
        Digit,
        Underscore,
        MidLetter,
        MidNum,
        MidNumLet,
        Other,
    }
    fn class(b: u8) -> Class {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' => Class::Letter,
            b'0'..=b'9' => Class::Digit,
            b'_' => Class::Underscore,
            b':' => Class::MidLetter,
            b',' | b';' => Class::MidNum,
            b'.' | b'\'' => Class::MidNumLet,
            _ => Class::Other,
        }
    }
    let is_word = |c: Class| matches!(c, Class::Letter | Class::Digit | Class::Underscore);
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || loop {
        while i < b.len() && !is_word(class(b[i])) {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        let start = i;
        let mut alnum = false;
        loop {
            let c = class(b[i]);
            alnum |= c != Class::Underscore;
            let next = b.get(i + 1).map(|&x| class(x));
            if next.is_some_and(is_word) {
                i += 1;
                continue;
            }
            let after = b.get(i + 2).map(|&x| class(x));
            let joins = match (c, next, after) {
                (Class::Letter, Some(Class::MidLetter | Class::MidNumLet), Some(Class::Letter)) => true,
                (Class::Digit, Some(Class::MidNum | Class::MidNumLet), Some(Class::Digit)) => true,
                _ => false,
            };
            if joins {
                i += 2;
                continue;
            }
            i += 1;
            break;
        }
        if alnum {
            return Some(&s[start..i]);
        }
    })
}

/// The stem cache's key for a lower-cased word: a 64-bit hash, compared instead of the word
/// (two of the at most [`MAX_CACHED_STEMS`] words sharing one is a chance of about 1 in 10^9).
fn word_key(lower: &str) -> u64 {
    super::hash::stable_hash(WORD_KEY_TAG, lower.as_bytes())
}

/// Hash tag of [`word_key`] (kept in memory only, never stored).
const WORD_KEY_TAG: u8 = 0xfe;

/// One word of a text, as [`Tokenizer::for_each_word`] gives it (see [`Token`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word<'a> {
    /// The word, lower-cased.
    pub lower: &'a str,
    /// The word is a number.
    pub number: bool,
    /// The word starts with an upper-case letter.
    pub capital: bool,
}

impl Word<'_> {
    /// True for words that carry content (see [`Token::is_content`]).
    pub fn is_content(&self) -> bool {
        self.number || (self.lower.chars().count() >= 2 && !is_stopword(self.lower))
    }
}

/// English words that other languages' texts (almost) never hold: the fast path of the
/// language guess.
const ENGLISH_MARKERS: [&str; 16] =
    ["and", "are", "for", "from", "has", "have", "of", "said", "that", "the", "their", "this", "were", "which", "with", "would"];

/// Fewest words of a sample for [`looks_english`] to decide.
const ENGLISH_MIN_WORDS: usize = 40;

/// Share of [`ENGLISH_MARKERS`] among a sample's words from which it is English.
///
/// Measured over 22,936 texts (BBC, Reuters-21578, L3S-GN1 gold, the HTML fixtures in 14
/// languages, the seeds, eval/dev) with at least 40 words: every text whatlang calls another
/// language has a share below 0.043; English ones have 0.08 or more in 92% of cases (the rest go
/// to whatlang, as before). No text above the threshold was guessed as another language.
const ENGLISH_MIN_SHARE: f32 = 0.08;

/// True when `sample` is plainly English: at least [`ENGLISH_MIN_SHARE`] of its words (and at
/// least [`ENGLISH_MIN_WORDS`] words) are common English function words. Twenty times cheaper
/// than whatlang, which scores the sample against every language of its script.
fn looks_english(sample: &str) -> bool {
    let (mut words, mut markers) = (0usize, 0usize);
    let mut buf = [0u8; 8];
    for w in sample.unicode_words() {
        words += 1;
        if w.len() <= buf.len() && w.is_ascii() {
            let lower = &mut buf[..w.len()];
            lower.copy_from_slice(w.as_bytes());
            lower.make_ascii_lowercase();
            if ENGLISH_MARKERS.binary_search_by(|m| m.as_bytes().cmp(lower)).is_ok() {
                markers += 1;
            }
        }
    }
    words >= ENGLISH_MIN_WORDS && markers as f32 >= ENGLISH_MIN_SHARE * words as f32
}

/// The words of `s`, stemmed in the language guessed from `s` itself.
pub fn tokens(s: &str) -> Vec<Token> {
    Tokenizer::for_text(s).tokens(s)
}

/// English function words, lower case, sorted (binary search).
const STOPWORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "ago", "all", "also", "although", "am",
    "among", "an", "and", "another", "any", "are", "around", "as", "at", "be", "became",
    "because", "been", "before", "being", "below", "between", "both", "but", "by", "can",
    "could", "did", "do", "does", "doing", "done", "down", "during", "each", "either", "even",
    "ever", "every", "few", "for", "from", "further", "had", "has", "have", "having", "he",
    "her", "here", "hers", "herself", "him", "himself", "his", "how", "however", "i", "if", "in",
    "into", "is", "it", "its", "itself", "just", "last", "less", "like", "made", "make", "many",
    "may", "me", "might", "more", "most", "much", "must", "my", "myself", "neither", "no",
    "nor", "not", "now", "of", "off", "on", "once", "one", "only", "or", "other", "others",
    "our", "ours", "ourselves", "out", "over", "own", "per", "put", "rather", "said", "same",
    "say", "says", "shall", "she", "should", "since", "so", "some", "still", "such", "than",
    "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they",
    "this", "those", "though", "through", "thus", "to", "too", "under", "until", "up", "upon",
    "us", "very", "was", "we", "were", "what", "when", "where", "whether", "which", "while",
    "who", "whom", "whose", "why", "will", "with", "within", "without", "would", "yet", "you",
    "your", "yours", "yourself",
];

/// Packs a word of at most 15 bytes into an integer: its bytes big-endian, zero-padded, then its
/// length; for words without NUL bytes the integers sort as the words do.
const fn pack_word(b: &[u8]) -> u128 {
    let mut v = 0u128;
    let mut i = 0;
    while i < 15 {
        v <<= 8;
        if i < b.len() {
            v |= b[i] as u128;
        }
        i += 1;
    }
    (v << 8) | b.len() as u128
}

/// [`STOPWORDS`] packed with [`pack_word`], in the same (sorted) order: compared as integers.
const PACKED_STOPWORDS: [u128; STOPWORDS.len()] = {
    let mut out = [0u128; STOPWORDS.len()];
    let mut i = 0;
    while i < STOPWORDS.len() {
        out[i] = pack_word(STOPWORDS[i].as_bytes());
        i += 1;
    }
    out
};

/// True for English function words ("the", "of", "said"...).
pub fn is_stopword(lower: &str) -> bool {
    lower.len() <= 15 && PACKED_STOPWORDS.binary_search(&pack_word(lower.as_bytes())).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwords_sorted() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(PACKED_STOPWORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(STOPWORDS.iter().all(|w| w.len() <= 15 && is_stopword(w)));
        for w in ["", "th", "thee", "the\0", "them\0", "a\0", "yourselves", "zz", "théir", "an extremely long word"] {
            assert_eq!(is_stopword(w), STOPWORDS.binary_search(&w).is_ok(), "{w:?}");
        }
    }

    proptest::proptest! {
        /// The ASCII fast path finds exactly the words unicode-segmentation finds.
        #[test]
        fn ascii_words_are_unicode_words(s in "([a-cA0-2.,;:'_ ]|[\\x00-\\x7f]){0,40}") {
            let fast: Vec<&str> = ascii_words(&s).collect();
            let reference: Vec<&str> = s.unicode_words().collect();
            proptest::prop_assert_eq!(fast, reference);
        }
    }

    #[test]
    fn ascii_words_of_news_text() {
        let s = "U.S. forces' 1,200 troops (3.5 km) O'Neill's e.g. a_b __ S:t 10:30 x.5 5.x 1'000 ok";
        let fast: Vec<&str> = ascii_words(s).collect();
        assert_eq!(fast, s.unicode_words().collect::<Vec<_>>());
        assert!(fast.contains(&"1,200") && fast.contains(&"3.5") && fast.contains(&"O'Neill's"), "{fast:?}");
        // Every ASCII sentence of the fixtures' texts.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut ascii = 0;
        for sub in ["seeds", "detect_lang", "independent", "diff"] {
            for e in std::fs::read_dir(dir.join(sub)).into_iter().flatten().flatten() {
                let Ok(text) = std::fs::read_to_string(e.path()) else { continue };
                let text = crate::text::normalize(&text);
                for r in crate::text::sentences(&text) {
                    let s = &text[r];
                    if s.is_ascii() {
                        ascii += 1;
                        assert_eq!(ascii_words(s).collect::<Vec<_>>(), s.unicode_words().collect::<Vec<_>>(), "{s}");
                    }
                }
            }
        }
        assert!(ascii >= 100, "{ascii} ASCII sentences");
    }

    #[test]
    fn stems_and_flags() {
        let t = Tokenizer::for_lang("eng").tokens("Ukraine's forces advanced 50 kilometers, 3.5 more");
        let stems: Vec<&str> = t.iter().map(|t| t.stem.as_str()).collect();
        assert_eq!(stems, vec!["ukrain", "forc", "advanc", "50", "kilomet", "3.5", "more"]);
        assert!(t[0].capital && !t[1].capital);
        assert!(t[3].number && t[5].number && !t[2].number);
        assert!(!t[6].is_content() && t[1].is_content());
    }

    #[test]
    fn english_markers_sorted() {
        assert!(ENGLISH_MARKERS.windows(2).all(|w| w[0] < w[1]));
    }

    /// The fast path agrees with whatlang: on English it fires, on other languages (the
    /// fixtures' Spanish and Latvian articles, Latin script like English) it does not.
    #[test]
    fn english_fast_path_agrees_with_whatlang() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let english = std::fs::read_to_string(dir.join("seeds/000_856e4ff5e2b4e0a7.txt")).unwrap();
        assert!(looks_english(&english));
        assert_eq!(whatlang::detect(&english).map(|i| i.lang().code()), Some("eng"));
        for f in ["detect_lang/spanish_article.txt", "detect_lang/latvian_article.txt", "detect_lang/arabic_article.txt", "detect_lang/thai_article.txt"] {
            let text = std::fs::read_to_string(dir.join(f)).unwrap();
            assert!(!looks_english(&text), "{f}");
        }
        // Too short to decide: whatlang's guess stands.
        assert!(!looks_english("The cat and the dog were said to have come from that house."));
    }

    #[test]
    fn guesses_language() {
        assert_eq!(Tokenizer::for_text("The quick brown fox jumps over the lazy dog and runs away into the forest.").lang(), Some("eng"));
        assert!(tokens("").is_empty());
    }
}
