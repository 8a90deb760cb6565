//! Sentence segmentation of normalised text.
//!
//! Main item: [`sentences`], which returns byte ranges of the sentences of a text. Rules:
//! paragraph breaks (blank lines) always end a sentence; `.` `!` `?` `…` end one when followed
//! (after closing quotes or brackets) by white space and a plausible sentence start; CJK, Arabic,
//! Devanagari, Armenian and Ethiopic full stops end one without white space; abbreviations
//! (`Mr.`, `U.S.`, `Nov. 5`), initials (`John F. Kennedy`) and decimals (`3.5`) do not.
//! Over-long runs without punctuation are cut at white space.

use std::ops::Range;

/// Longest sentence kept whole, in bytes; longer runs are cut at white space.
const MAX_SENTENCE_BYTES: usize = 1200;

/// Words that, followed by a period, never end a sentence (titles, "No. 5", "vs.").
const NEVER_FINAL: &[&str] = &[
    "mr", "mrs", "ms", "messrs", "mme", "mlle", "dr", "prof", "sr", "jr", "st", "gen", "col",
    "lt", "sgt", "capt", "cpt", "cmdr", "adm", "maj", "gov", "sen", "rep", "rev", "hon", "pres",
    "supt", "insp", "det", "no", "nos", "vs", "v", "cf", "fig", "figs", "vol", "vols", "pp",
    "approx", "ca", "dept", "est", "mt", "ft", "sq", "av", "ave", "blvd", "rd", "hr", "op", "art",
    "sec", "ch", "para", "e.g", "i.e", "viz", "al", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "rs", "sra", "sr", "dra", "nr", "bzw", "ggf",
    "usw", "z.b", "d.h", "u.a", "ca", "hl", "sto", "sta", "pdt", "tel",
];

/// Words that, followed by a period, end a sentence only before a typical sentence opener
/// ("Apple Inc. The company..."): company suffixes, country and time abbreviations.
const MAYBE_FINAL: &[&str] = &[
    "inc", "corp", "ltd", "co", "plc", "llc", "bros", "etc", "u.s", "u.k", "u.n", "e.u", "a.m",
    "p.m", "d.c", "n.y", "l.a", "u.s.a", "s.a", "n.v", "ag", "gmbh", "jr", "sr", "esq", "ph.d",
];

/// Capitalised words that commonly open an English sentence.
const OPENERS: &[&str] = &[
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "this", "that", "these",
    "those", "there", "in", "on", "at", "but", "and", "or", "so", "if", "when", "while", "as",
    "after", "before", "his", "her", "its", "their", "our", "my", "some", "many", "most", "no",
    "one", "two", "three", "for", "with", "by", "from", "to", "meanwhile", "however", "also",
    "according", "earlier", "later", "last", "on", "shares", "analysts", "officials", "what",
    "who", "why", "how", "both", "each", "all", "other", "such", "since", "until", "yet",
];

/// True for characters that end a sentence without needing white space after them.
fn is_ideographic_stop(c: char) -> bool {
    matches!(
        c,
        '。' | '！' | '？' | '｡' | '．' | '؟' | '۔' | '।' | '॥' | '։' | '።' | '၊' | '။' | '჻' | '᙮'
    )
}

/// True for characters that end a sentence when followed by white space.
fn is_stop(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '‼' | '⁇' | '⁈' | '⁉')
}

/// True for closing quotes and brackets that may follow a sentence stop.
fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | '»' | '›' | ')' | ']' | '}' | '」' | '』' | '）' | '】' | '〕' | '》' | '〉')
}

/// True for opening quotes and brackets that may start a sentence.
fn is_opener(c: char) -> bool {
    matches!(c, '"' | '\'' | '“' | '‘' | '«' | '‹' | '(' | '[' | '¿' | '¡' | '「' | '『' | '（' | '【' | '《' | '—' | '–' | '-' | '*' | '•')
}

/// True when `c` is a Thai, Lao, Khmer or Myanmar letter (scripts without sentence punctuation).
fn is_spaceless_script(c: char) -> bool {
    matches!(c as u32, 0x0E00..=0x0EFF | 0x1780..=0x17FF | 0x1000..=0x109F)
}

/// The word (letters, digits and inner dots) that ends just before byte `end` of `text`.
fn word_before(text: &str, end: usize) -> &str {
    let head = &text[..end];
    let start = head
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '.'))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    head[start..].trim_start_matches('.')
}

/// The word starting at byte `start` of `text` (letters only), lower-cased.
fn word_after(text: &str, start: usize) -> String {
    text[start..]
        .chars()
        .skip_while(|c| is_opener(*c))
        .take_while(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Decides whether a period at byte `dot` ends a sentence, given the next sentence starts at
/// byte `next` (after white space).
fn period_ends(text: &str, dot: usize, next: usize) -> bool {
    let word = word_before(text, dot);
    let lower = word.to_lowercase();
    let first = text[next..].chars().next().unwrap_or(' ');
    // A lower-case continuation never starts a sentence after a period.
    if first.is_lowercase() {
        return false;
    }
    let opener = || OPENERS.contains(&word_after(text, next).as_str());
    if word.is_empty() {
        // "..." or a period after punctuation: a stop only before an upper-case start.
        return !first.is_lowercase();
    }
    if NEVER_FINAL.contains(&lower.as_str()) {
        // "No. 5", "Nov. 5", "Mr. Smith": never; but "in Jan. The" may end.
        return first.is_alphabetic() && opener() && !matches!(lower.as_str(), "mr" | "mrs" | "ms" | "dr" | "prof" | "st" | "gen" | "sen" | "rep" | "gov" | "rev" | "hon" | "no" | "nos" | "vs" | "v" | "capt" | "col" | "lt" | "sgt" | "maj" | "adm" | "mme" | "messrs");
    }
    if MAYBE_FINAL.contains(&lower.as_str()) {
        return opener();
    }
    let mut chars = word.chars();
    let c0 = chars.next();
    let single = chars.next().is_none();
    // An initial: "John F. Kennedy", "J. R. R. Tolkien".
    if single && c0.is_some_and(|c| c.is_uppercase()) {
        return opener();
    }
    // Dotted abbreviations such as "e.g." or "U.S.A." (a number such as "34.19" is not one).
    if word.contains('.') && word.contains(char::is_alphabetic) && word.split('.').all(|p| p.chars().count() <= 2) {
        return opener();
    }
    true
}

/// The sentences of `text` as slices, in order ([`sentences`] as text rather than ranges).
pub fn sentence_slices(text: &str) -> Vec<&str> {
    sentences(text).into_iter().filter_map(|r| text.get(r)).collect()
}

/// Splits normalised text into sentences; returns byte ranges into `text`, trimmed of white
/// space, in order, never overlapping and never empty.
///
/// Walks byte positions (no copy of the text's characters: a 100 MB text costs its ranges only).
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0usize;
    let n = text.len();
    // The character at byte `p` (a char boundary), or NUL past the end (never looked at there).
    let at = |p: usize| text.get(p..).and_then(|t| t.chars().next()).unwrap_or('\0');
    let after = |p: usize| p + at(p).len_utf8();
    let mut i = 0usize;
    while i < n {
        let (pos, c) = (i, at(i));
        // Paragraph break: a newline followed by optional blanks and another newline.
        if c == '\n' {
            let mut j = i + 1;
            while j < n && at(j) != '\n' && at(j).is_whitespace() {
                j = after(j);
            }
            if j < n && at(j) == '\n' {
                push(text, start, pos, &mut out);
                start = j + 1;
                i = j + 1;
                continue;
            }
        }
        if is_ideographic_stop(c) {
            let mut j = after(i);
            while j < n && (is_closer(at(j)) || is_ideographic_stop(at(j))) {
                j = after(j);
            }
            let end = j.min(n);
            push(text, start, end, &mut out);
            start = end;
            i = j;
            continue;
        }
        if is_stop(c) {
            // Run of stops ("?!", "..."), then closers.
            let mut j = after(i);
            while j < n && (is_stop(at(j)) || is_closer(at(j))) {
                j = after(j);
            }
            let end = j.min(n);
            if j >= n {
                push(text, start, end, &mut out);
                start = end;
                i = j;
                continue;
            }
            if at(j).is_whitespace() {
                let mut k = j;
                while k < n && at(k).is_whitespace() {
                    k = after(k);
                }
                if k >= n {
                    i = k;
                    continue;
                }
                let next = k;
                let first = at(k);
                let ends = if c == '.' && (i + 1 >= n || at(i + 1) != '.') {
                    period_ends(text, pos, next)
                } else {
                    // "!", "?", "…" and "...": a stop unless the next word is lower case
                    // ("'Stop!' he said").
                    !first.is_lowercase()
                };
                let plausible = first.is_uppercase()
                    || first.is_numeric()
                    || is_opener(first)
                    || (first.is_alphabetic() && !first.is_lowercase());
                if ends && plausible {
                    push(text, start, end, &mut out);
                    start = end;
                    i = k;
                } else {
                    // Walk the white space: it may hold a paragraph break.
                    i = j;
                }
                continue;
            }
            i = j;
            continue;
        }
        // Thai and similar scripts: a space between two such letters separates sentences.
        if c == ' '
            && i > 0
            && i + 1 < n
            && text[..i].chars().next_back().is_some_and(is_spaceless_script)
            && is_spaceless_script(at(i + 1))
        {
            push(text, start, pos, &mut out);
            start = pos;
        }
        i = after(i);
    }
    push(text, start, text.len(), &mut out);
    out
}

/// Pushes the trimmed range `start..end` (cut into pieces if over-long) when not blank.
fn push(text: &str, start: usize, end: usize, out: &mut Vec<Range<usize>>) {
    if start >= end || end > text.len() {
        return;
    }
    let piece = &text[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let s = start + lead;
    let e = start + piece.trim_end().len();
    if s >= e {
        return;
    }
    if e - s <= MAX_SENTENCE_BYTES {
        out.push(s..e);
        return;
    }
    // Cut an over-long run at the last white space before the limit.
    let mut a = s;
    while e - a > MAX_SENTENCE_BYTES {
        let mut limit = a + MAX_SENTENCE_BYTES;
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let cut = text[a..limit].rfind(char::is_whitespace).map(|k| a + k).filter(|&k| k > a);
        let cut = cut.unwrap_or(limit);
        push(text, a, cut, out);
        a = cut;
        while a < e && !text.is_char_boundary(a) {
            a += 1;
        }
        if a >= e {
            return;
        }
    }
    push(text, a, e, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(t: &str) -> Vec<&str> {
        sentences(t).into_iter().map(|r| &t[r]).collect()
    }

    #[test]
    fn basic() {
        assert_eq!(split("One two. Three four! Five?"), vec!["One two.", "Three four!", "Five?"]);
    }

    #[test]
    fn a_period_after_a_decimal_number_ends_the_sentence() {
        assert_eq!(
            split("IAC's stock closed down $2.81, or 7.6 percent, at $34.19. Farmland Foods said it would grow."),
            vec!["IAC's stock closed down $2.81, or 7.6 percent, at $34.19.", "Farmland Foods said it would grow."]
        );
        assert_eq!(split("Growth was 2.5. Rivals fell."), vec!["Growth was 2.5.", "Rivals fell."]);
    }

    #[test]
    fn abbreviations_and_initials() {
        assert_eq!(
            split("Mr. Smith met Dr. Jones on Nov. 5 in the U.S. capital. John F. Kennedy spoke."),
            vec!["Mr. Smith met Dr. Jones on Nov. 5 in the U.S. capital.", "John F. Kennedy spoke."]
        );
        assert_eq!(split("He moved to the U.S. The move was quick."), vec!["He moved to the U.S.", "The move was quick."]);
        assert_eq!(split("Shares of Apple Inc. rose 3.5 percent. Rivals fell."), vec!["Shares of Apple Inc. rose 3.5 percent.", "Rivals fell."]);
    }

    #[test]
    fn quotes_and_paragraphs() {
        assert_eq!(
            split("\u{201c}We will win,\u{201d} he said. \u{201c}Stop!\u{201d} she shouted.\n\nHeading\n\nBody text"),
            vec!["\u{201c}We will win,\u{201d} he said.", "\u{201c}Stop!\u{201d} she shouted.", "Heading", "Body text"]
        );
        assert_eq!(split("He said \"go.\" Then he left."), vec!["He said \"go.\"", "Then he left."]);
        assert_eq!(split("in his speech.\n\nscenes of war"), vec!["in his speech.", "scenes of war"]);
    }

    #[test]
    fn cjk_and_arabic() {
        assert_eq!(split("今天天气很好。我们去公园吧！好"), vec!["今天天气很好。", "我们去公园吧！", "好"]);
        assert_eq!(split("هل أنت هنا؟ نعم"), vec!["هل أنت هنا؟", "نعم"]);
        assert_eq!(split("สวัสดีครับ วันนี้อากาศดี"), vec!["สวัสดีครับ", "วันนี้อากาศดี"]);
    }

    #[test]
    fn odd_input() {
        assert!(split("").is_empty());
        assert!(split(" \n\n \n").is_empty());
        assert_eq!(split("..."), vec!["..."]);
        let long = "word ".repeat(1000);
        assert!(split(&long).iter().all(|s| s.len() <= MAX_SENTENCE_BYTES));
    }
}
