//! Input bytes to an article: text, title, url, published date, byline, source.
//!
//! Main items: [`extract`], [`Extracted`], [`Format`], [`ExtractError`].
//! Handles plain text, Markdown with YAML front matter, and HTML.
//!
//! Files: `sniff` (binary and format detection), `charset` (decoding), `html` (article text
//! via dom_smoothie), `dom_text` (DOM to paragraphs), `meta` (HTML metadata), `dates`,
//! `markdown`, `plain` (plain text and the shared line cleanup), `boilerplate` (line rules),
//! `learned` (helpers for per-source furniture learned by the archive).
//!
//! The text is the article body without its headline (that goes to `title`), paragraphs
//! separated by a blank line, in every format, so the same article saved as HTML, Markdown
//! or text normalises alike. Furniture (ads, prompts, share/related/comment blocks,
//! breadcrumbs, datelines, bylines, credits, copyright notices) is left out; the original
//! bytes are untouched (they are the capture).

use thiserror::Error;

mod boilerplate;
mod charset;
mod dates;
mod dom_text;
mod html;
mod learned;
mod markdown;
mod meta;
mod plain;
mod sniff;

pub use boilerplate::is_boilerplate;
pub use dates::to_rfc3339_utc;
pub use learned::{line_key, remove_lines, repeated_line_candidates, LINE_KEY_HEX};

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
    /// The bytes are neither valid UTF-8 nor a recognisable text encoding.
    #[error("not text: invalid UTF-8 and no recognisable encoding")]
    NotText,
    /// The input lists other pages (a news feed, a sitemap): archiving it as one article would
    /// mix its items into one text, which then quotes every article it summarises.
    #[error("{0}, not an article: archive the pages it links to")]
    LinkList(&'static str),
}

/// Extracts an article from raw bytes; `name` is the path or label (used for the format).
///
/// Never panics; hostile HTML (deep nesting, huge pages) is read best effort.
pub fn extract(bytes: &[u8], name: &str) -> Result<Extracted, ExtractError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ExtractError::Empty);
    }
    let mut warnings = Vec::new();
    let wide = charset::bom(bytes).is_some_and(|(e, _)| e != encoding_rs::UTF_8)
        || charset::utf16_without_bom(bytes).is_some();
    if !wide && sniff::looks_binary(bytes) {
        return Err(ExtractError::Binary);
    }
    // Sniff on a lossy view (ASCII-compatible bytes) or the decoded wide text.
    let sniff_text = if wide {
        charset::decode_text(bytes, &mut Vec::new())?
    } else {
        String::from_utf8_lossy(&bytes[..bytes.len().min(8192)]).into_owned()
    };
    if let Some(kind) = sniff::link_list_kind(&sniff_text, bytes) {
        return Err(ExtractError::LinkList(kind));
    }
    let format = sniff::detect(name, &sniff_text);
    let text = match format {
        Format::Html => charset::decode_html(bytes, &mut warnings),
        _ => charset::decode_text(bytes, &mut warnings)?,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if text.chars().all(char::is_whitespace) {
        return Err(ExtractError::Empty);
    }
    let mut out = match format {
        Format::Html => html::extract(text)?,
        Format::Markdown => markdown::extract(text),
        Format::Text => plain::extract(text),
    };
    if out.text.trim().is_empty() {
        return Err(ExtractError::NoText);
    }
    out.format = Some(format);
    for field in [&mut out.title, &mut out.url, &mut out.published, &mut out.byline, &mut out.site_name] {
        *field = field.take().map(|v| one_line_meta(&v)).filter(|v| !v.is_empty());
    }
    warnings.append(&mut out.warnings);
    out.warnings = warnings;
    Ok(out)
}

/// True for a character that changes what a terminal shows instead of showing itself: control
/// characters (line breaks, escape sequences) and bidirectional overrides and isolates (which
/// reorder the text after them).
pub fn drives_terminal(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A metadata value as one line of printable text: control characters (an escape sequence in
/// a page's `<title>` would reach the user's terminal), bidirectional overrides and isolates
/// (which reorder what a terminal shows) and runs of whitespace become one space.
pub(crate) fn one_line_meta(v: &str) -> String {
    let spaced: String = v.chars().map(|c| if drives_terminal(c) { ' ' } else { c }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_input() {
        assert_eq!(extract(b"", "a.txt"), Err(ExtractError::Empty));
        assert_eq!(extract(b"  \n\t ", "a.txt"), Err(ExtractError::Empty));
        assert_eq!(
            extract(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "a.png"),
            Err(ExtractError::Binary)
        );
        let junk: Vec<u8> = (0..4000u32)
            .map(|i| (i * 7919 % 251) as u8 | 0x80)
            .collect();
        assert!(matches!(
            extract(&junk, "x.txt"),
            Err(ExtractError::NotText) | Ok(_)
        ));
    }

    /// Control characters in a title reached the terminal raw (`add`, `log`, `dups`, `show`).
    #[test]
    fn escape_sequences_in_metadata_do_not_survive_extraction() {
        let html = "<html><head><title>Bad \x1b[2J\x1b[31mtitle</title></head><body><article><p>A body \
                    sentence that is long enough to count as the article text of this page.</p>\
                    <p>And a second paragraph that tells the rest of the story in some words.</p></article></body></html>";
        let e = extract(html.as_bytes(), "a.html").unwrap();
        assert_eq!(e.title.as_deref(), Some("Bad [2J [31mtitle"));
        // YAML's own escapes (\e, \a) decode to ESC and BEL.
        let md = "---\ntitle: \"Evil \\e[31mRED\\e[0m \\a bell\"\nauthor: \"A\\tB\"\n---\n\nA body sentence that is long enough to count as one.\n";
        let e = extract(md.as_bytes(), "a.md").unwrap();
        assert!(!e.title.as_deref().unwrap_or("").chars().any(char::is_control), "{:?}", e.title);
        assert!(e.title.as_deref().unwrap_or("").starts_with("Evil"), "{:?}", e.title);
        assert_eq!(e.byline.as_deref(), Some("A B"));
        // A right-to-left override would reorder what the terminal shows after it.
        assert_eq!(one_line_meta("abc\u{202E}def\u{2066}g"), "abc def g");
    }

    #[test]
    fn utf16_text() {
        let mut b = vec![0xFE, 0xFF];
        for u in "Title here\n\nA body sentence that is long enough to count as one.".encode_utf16()
        {
            b.extend_from_slice(&u.to_be_bytes());
        }
        let e = extract(&b, "a.txt").unwrap();
        assert_eq!(e.title.as_deref(), Some("Title here"));
        assert_eq!(e.format, Some(Format::Text));
    }

    #[test]
    fn text_holding_html_is_html() {
        let page = b"<!DOCTYPE html><html><head><title>T</title></head><body><p>A body sentence that is long enough to count as one.</p></body></html>";
        let e = extract(page, "saved.txt").unwrap();
        assert_eq!(e.format, Some(Format::Html));
        assert!(e.text.contains("A body sentence"));
    }
}
