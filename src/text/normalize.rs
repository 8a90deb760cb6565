//! Normalisation of article text: what the article id hashes and detection reads.
//!
//! Rules: Unicode NFKC; zero-width and other invisible format characters removed; curly
//! quotes and primes to ASCII quotes; dashes and minus signs to `-`; each paragraph (text
//! between blank lines) folded to one line with single spaces; paragraphs joined by `\n\n`.
//! Case is kept. The function is idempotent and total (never panics).

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Maps one character after NFKC; `None` drops it, `Some(' ')` marks whitespace.
fn map_char(c: char) -> Option<char> {
    match c {
        // Zero-width and invisible format characters.
        '\u{200B}'
        | '\u{200C}'
        | '\u{200D}'
        | '\u{2060}'
        | '\u{FEFF}'
        | '\u{00AD}'
        | '\u{180E}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FE00}'..='\u{FE0F}' => None,
        '‘' | '’' | '‚' | '‛' | '′' | '`' | '´' | 'ʼ' => Some('\''),
        '“' | '”' | '„' | '‟' | '″' | '«' | '»' => Some('"'),
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '⁃' | '﹘' | '﹣' | '－' => {
            Some('-')
        }
        '…' => Some('.'),
        c if c.is_whitespace() => Some(' '),
        c if c.is_control() => None,
        c => Some(c),
    }
}

/// Normalises text: Unicode NFKC, quotes, dashes, spaces and line breaks folded; case kept.
///
/// Paragraphs are separated by a blank line (two or more line breaks, possibly with spaces
/// between); single line breaks inside a paragraph become spaces.
pub fn normalize(s: &str) -> String {
    let s = if s.contains('\r') {
        std::borrow::Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(s)
    };
    let mut out = String::with_capacity(s.len());
    let mut para = String::new();
    let mut blank_run = false;
    for line in s.split('\n') {
        let folded = fold_line(line);
        if folded.is_empty() {
            blank_run = true;
            continue;
        }
        if blank_run && !para.is_empty() {
            push_para(&mut out, &para);
            para.clear();
        }
        blank_run = false;
        if !para.is_empty() {
            para.push(' ');
        }
        para.push_str(&folded);
    }
    if !para.is_empty() {
        push_para(&mut out, &para);
    }
    out
}

/// Appends one paragraph, separated from the previous by a blank line.
fn push_para(out: &mut String, para: &str) {
    if !out.is_empty() {
        out.push_str("\n\n");
    }
    out.push_str(para);
}

/// One line, NFKC-normalised, mapped and with whitespace runs folded to single spaces.
fn fold_line(line: &str) -> String {
    // NFKC can itself produce characters that map (e.g. fullwidth forms) and mapping can
    // produce sequences NFKC changes; iterate to a fixed point (two rounds suffice in practice).
    let mut cur = fold_once(line);
    // The next round would return `cur` unchanged when `cur` is already NFKC: the mapping and
    // the folding are idempotent. Skip it then (most lines).
    if is_settled(&cur) {
        return cur;
    }
    for _ in 0..4 {
        let next = fold_once(&cur);
        if next == cur {
            break;
        }
        cur = next;
    }
    cur
}

/// True when `s` is certainly NFKC already (ASCII, or the quick check says yes), so that
/// normalising it would return it unchanged.
fn is_settled(s: &str) -> bool {
    s.is_ascii() || is_nfkc_quick(s.chars()) == IsNormalized::Yes
}

/// One round of NFKC, character mapping and whitespace folding.
fn fold_once(line: &str) -> String {
    if is_settled(line) {
        fold_chars(line.len(), line.chars())
    } else {
        fold_chars(line.len(), line.nfkc())
    }
}

/// Character mapping and whitespace folding of an NFKC character sequence.
fn fold_chars(len: usize, chars: impl Iterator<Item = char>) -> String {
    let mut out = String::with_capacity(len);
    let mut space = false;
    for c in chars.filter_map(map_char) {
        if c == ' ' {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize;
    use proptest::prelude::*;

    #[test]
    fn rules() {
        assert_eq!(
            normalize("  “Hi”  —  it’s\u{200B} ﬁne  "),
            "\"Hi\" - it's fine"
        );
        assert_eq!(normalize("a\nb\n\n\n  \nc"), "a b\n\nc");
        assert_eq!(normalize("one\r\n\r\ntwo"), "one\n\ntwo");
        assert_eq!(normalize("Ｆｕｌｌ　width"), "Full width");
        assert_eq!(normalize(""), "");
        assert_eq!(normalize("\u{200B}\n\n \u{FEFF}"), "");
    }

    /// The line folding before the NFKC quick checks: full NFKC every round, no shortcut.
    fn fold_line_reference(line: &str) -> String {
        use unicode_normalization::UnicodeNormalization;
        let once = |l: &str| super::fold_chars(l.len(), l.nfkc());
        let mut cur = once(line);
        for _ in 0..4 {
            let next = once(&cur);
            if next == cur {
                break;
            }
            cur = next;
        }
        cur
    }

    #[test]
    fn quick_checks_change_nothing_on_fixtures() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        for sub in ["seeds", "detect_lang", "html"] {
            for e in std::fs::read_dir(dir.join(sub)).unwrap() {
                let bytes = std::fs::read(e.unwrap().path()).unwrap();
                for line in String::from_utf8_lossy(&bytes).lines() {
                    assert_eq!(super::fold_line(line), fold_line_reference(line), "{line}");
                }
            }
        }
    }

    proptest! {
        #[test]
        fn quick_checks_change_nothing(s in "\\PC{0,80}") {
            prop_assert_eq!(super::fold_line(&s), fold_line_reference(&s));
        }

        #[test]
        fn quick_checks_change_nothing_on_composing_text(s in "[a-eA-E \u{0300}-\u{0327}\u{1E00}-\u{1E10}\u{FB01}\u{FF21}-\u{FF25}\u{2019}\u{00C5}\u{212B}\u{0041}\u{030A}\u{3099}\u{304B}\u{AC00}\u{1100}\u{1161}]{0,40}") {
            prop_assert_eq!(super::fold_line(&s), fold_line_reference(&s));
        }

        #[test]
        fn idempotent(s in "\\PC{0,200}") {
            let once = normalize(&s);
            prop_assert_eq!(normalize(&once), once.clone());
        }

        #[test]
        fn idempotent_with_breaks(s in "[a-zA-Z \u{2014}\u{201C}\u{200B}\u{FB01}\n\r\t.]{0,120}") {
            let once = normalize(&s);
            prop_assert_eq!(normalize(&once), once.clone());
        }
    }
}
