//! Learned boilerplate: helpers for dropping lines that recur verbatim across many archived
//! articles of one source (site furniture no fixed rule knows).
//!
//! Extraction itself is stateless. The archive keeps, per source (site name or url host), a
//! count of [`line_key`]s seen in [`repeated_line_candidates`] of each article; once a key was
//! seen in enough distinct articles (say 5, and in over 30% of that source's articles) it is
//! furniture, and [`remove_lines`] leaves it out of the text before normalisation. The
//! original bytes stay untouched as the capture.

/// A stable key for a paragraph: its normalised text hashed with blake3 (hex).
pub fn line_key(line: &str) -> String {
    blake3::hash(crate::text::normalize(line).as_bytes())
        .to_hex()
        .to_string()
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
