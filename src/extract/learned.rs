//! Learned boilerplate: helpers for dropping lines that recur verbatim across many archived
//! articles of one source (site furniture no fixed rule knows).
//!
//! Extraction itself is stateless. The archive keeps, per source (site name or url host), a
//! count of [`line_key`]s seen in [`repeated_line_candidates`] of each article; once a key was
//! seen in enough distinct articles (say 5, and in over 30% of that source's articles) it is
//! furniture, and [`remove_lines`] leaves it out of the text before normalisation. The
//! original bytes stay untouched as the capture.

/// Hex digits of a [`line_key`]: 64 bits of the hash.
pub const LINE_KEY_HEX: usize = 16;

/// A stable key for a paragraph: the first 64 bits of its normalised text's blake3 hash, in hex.
///
/// 64 bits because the archive stores a count under each key, per source, for every short
/// paragraph it has seen: at 256 bits those keys were a twentieth of a repository (cases3k:
/// 2,858 keys, 101 KB packed). Two paragraphs of one source share a key with probability about
/// `n^2 / 2^65` for `n` distinct paragraphs (3e-8 at a million), and sharing one only adds their
/// counts. Keys written before were the whole hash, of which these are the first digits.
pub fn line_key(line: &str) -> String {
    let mut hex = blake3::hash(crate::text::normalize(line).as_bytes()).to_hex().to_string();
    hex.truncate(LINE_KEY_HEX);
    hex
}

/// Paragraphs short enough to be furniture (at most 25 words), as keys; each key once.
pub fn repeated_line_candidates(text: &str) -> Vec<String> {
    let mut keys: Vec<String> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty() && p.split_whitespace().count() <= 25)
        .map(line_key)
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// The text without the paragraphs whose key `is_furniture` accepts.
pub fn remove_lines(text: &str, is_furniture: impl Fn(&str) -> bool) -> String {
    text.split("\n\n")
        .filter(|p| {
            let p = p.trim();
            let learned = p.split_whitespace().count() <= 25 && is_furniture(&line_key(p));
            !p.is_empty() && !learned
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learned_lines_are_removed() {
        let text = "Subscribe to The Daily Planet today\n\nThe mayor resigned on Monday after a long inquiry into spending.";
        let keys = repeated_line_candidates(text);
        assert_eq!(keys.len(), 2);
        let furniture = line_key("Subscribe to  The Daily Planet today");
        let out = remove_lines(text, |k| k == furniture);
        assert_eq!(
            out,
            "The mayor resigned on Monday after a long inquiry into spending."
        );
    }
}
