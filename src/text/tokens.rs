//! Word tokens: lower-cased Unicode words with a stemmed form.

/// One word of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The word, lower-cased.
    pub lower: String,
    /// Its stem, for matching across inflection.
    pub stem: String,
}

/// The words of `s`.
pub fn tokens(s: &str) -> Vec<Token> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let lower = w.to_lowercase();
            Token { stem: lower.clone(), lower }
        })
        .collect()
}
