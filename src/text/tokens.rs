//! Word tokens: lower-cased Unicode words with a stemmed form.
//!
//! Main items: [`tokens`] (words of a string, language guessed from the string itself),
//! [`Tokenizer`] (language guessed once for a whole text, then reused per sentence), [`Token`]
//! and [`is_stopword`].

use rust_stemmers::{Algorithm, Stemmer};
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
        self.number || (self.lower.chars().count() >= 2 && !is_stopword(&self.lower))
    }
}

/// Splits text into tokens with the stemmer of one language.
pub struct Tokenizer {
    stemmer: Option<Stemmer>,
    lang: Option<&'static str>,
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
        let (alg, lang) = match code {
            "eng" => (Some(Algorithm::English), Some("eng")),
            "fra" => (Some(Algorithm::French), Some("fra")),
            "deu" => (Some(Algorithm::German), Some("deu")),
            "spa" => (Some(Algorithm::Spanish), Some("spa")),
            "ita" => (Some(Algorithm::Italian), Some("ita")),
            "por" => (Some(Algorithm::Portuguese), Some("por")),
            "nld" => (Some(Algorithm::Dutch), Some("nld")),
            "swe" => (Some(Algorithm::Swedish), Some("swe")),
            "nob" => (Some(Algorithm::Norwegian), Some("nob")),
            "dan" => (Some(Algorithm::Danish), Some("dan")),
            "fin" => (Some(Algorithm::Finnish), Some("fin")),
            "rus" => (Some(Algorithm::Russian), Some("rus")),
            "ron" => (Some(Algorithm::Romanian), Some("ron")),
            "hun" => (Some(Algorithm::Hungarian), Some("hun")),
            "tur" => (Some(Algorithm::Turkish), Some("tur")),
            "ell" => (Some(Algorithm::Greek), Some("ell")),
            "ara" => (Some(Algorithm::Arabic), Some("ara")),
            "tam" => (Some(Algorithm::Tamil), Some("tam")),
            _ => (None, None),
        };
        Tokenizer { stemmer: alg.map(Stemmer::create), lang }
    }

    /// The ISO 639-3 code of the stemming language, if any.
    pub fn lang(&self) -> Option<&'static str> {
        self.lang
    }

    /// The words of `s`.
    pub fn tokens(&self, s: &str) -> Vec<Token> {
        let mut out = Vec::new();
        for w in s.unicode_words() {
            let capital = w.chars().next().is_some_and(char::is_uppercase);
            let mut lower = w.to_lowercase().replace('’', "'");
            // Possessives: "Ukraine's" -> "ukraine".
            if let Some(stripped) = lower.strip_suffix("'s") {
                lower = stripped.to_string();
            }
            let lower = lower.trim_matches('\'').to_string();
            if lower.is_empty() {
                continue;
            }
            let number = lower.chars().any(|c| c.is_numeric())
                && lower.chars().all(|c| c.is_numeric() || c == '.' || c == ',');
            let stem = match (&self.stemmer, number) {
                (Some(st), false) => st.stem(&lower).into_owned(),
                _ => lower.replace(',', ""),
            };
            out.push(Token { lower, stem, number, capital });
        }
        out
    }
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

/// True for English function words ("the", "of", "said"...).
pub fn is_stopword(lower: &str) -> bool {
    STOPWORDS.binary_search(&lower).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwords_sorted() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
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
    fn guesses_language() {
        assert_eq!(Tokenizer::for_text("The quick brown fox jumps over the lazy dog and runs away into the forest.").lang(), Some("eng"));
        assert!(tokens("").is_empty());
    }
}
