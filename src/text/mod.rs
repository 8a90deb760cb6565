//! Text processing: normalisation, sentences, tokens.
//!
//! Main items: [`normalize`] (what article ids hash and detection reads),
//! [`sentences`] (sentence spans), [`tokens`] (lower-cased words with stems),
//! [`stable_hash`] (feature hashes kept in the archive).

mod hash;
mod normalize;
mod sentences;
mod tokens;

pub use hash::{mix, stable_hash, FastHasher, FastMap, IdHasher, IdMap, StableHasher};
pub use normalize::normalize;
pub use sentences::{sentence_slices, sentences};
pub use tokens::{is_stopword, tokens, Token, Tokenizer, Word};
