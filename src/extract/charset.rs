//! Byte decoding: BOMs, declared HTML charsets, UTF-8 validation and legacy-encoding fallback.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

use super::ExtractError;

/// How many leading bytes of an HTML page are scanned for a `<meta>` charset declaration.
const META_PRESCAN: usize = 16 * 1024;

/// Share of replacement characters above which text is not considered text at all.
const MAX_LOSSY_SHARE: f64 = 0.05;

/// Returns the encoding named by a byte-order mark and the mark's length.
pub(crate) fn bom(bytes: &[u8]) -> Option<(&'static Encoding, usize)> {
    Encoding::for_bom(bytes)
}

/// Guesses UTF-16 without a BOM: ASCII text where every other byte is NUL.
pub(crate) fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let (mut even_nul, mut odd_nul) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even_nul += usize::from(pair[0] == 0);
        odd_nul += usize::from(pair[1] == 0);
    }
    if odd_nul * 10 >= pairs * 7 && even_nul * 10 <= pairs {
        Some(UTF_16LE)
    } else if even_nul * 10 >= pairs * 7 && odd_nul * 10 <= pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Decodes with a known encoding, recording a warning when bytes had to be replaced.
fn decode_with(
    enc: &'static Encoding,
    bytes: &[u8],
    warnings: &mut Vec<String>,
) -> Result<String, ExtractError> {
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
        let total = text.chars().count().max(1);
        if bad as f64 / total as f64 > MAX_LOSSY_SHARE {
            return Err(ExtractError::NotText);
        }
        warnings.push(format!(
            "invalid {} replaced ({bad} characters)",
            enc.name()
        ));
    }
    Ok(text.into_owned())
}

/// Decodes a text or Markdown file: BOM, else UTF-8, else a detected legacy encoding.
///
/// Mostly valid UTF-8 is decoded lossily with a warning; bytes that are neither UTF-8 nor a
/// plausible legacy encoding give [`ExtractError::NotText`].
pub(crate) fn decode_text(
    bytes: &[u8],
    warnings: &mut Vec<String>,
) -> Result<String, ExtractError> {
    if let Some((enc, len)) = bom(bytes) {
        return decode_with(enc, &bytes[len..], warnings);
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        warnings.push(format!("decoded as {} (no byte-order mark)", enc.name()));
        return decode_with(enc, bytes, warnings);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_owned());
    }
    let (lossy, _) = UTF_8.decode_without_bom_handling(bytes);
    let bad = lossy.chars().filter(|&c| c == '\u{FFFD}').count();
    let total = lossy.chars().count().max(1);
    // Valid multi-byte sequences are UTF-8's fingerprint: a legacy encoding's accented letters
    // almost never pair up into them by chance. A short UTF-8 note with one stray byte (2% of
    // 50 characters) was decoded as windows-1252, every "é" turned into "Ã©".
    let multibyte = lossy.chars().filter(|&c| c > '\u{7f}' && c != '\u{FFFD}').count();
    if (bad as f64) / (total as f64) <= 0.01 || (multibyte >= bad && (bad as f64) / (total as f64) <= MAX_LOSSY_SHARE) {
        warnings.push(format!("invalid UTF-8 replaced ({bad} characters)"));
        return Ok(lossy.into_owned());
    }
    // Not UTF-8: a legacy single- or multi-byte encoding, if the detector is confident.
    let mut det = chardetng::EncodingDetector::new();
    det.feed(bytes, true);
    let (enc, confident) = det.guess_assess(None, true);
    if enc != UTF_8 {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        let controls = text
            .chars()
            .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c'))
            .count();
        if !had_errors && (confident || controls == 0) && controls * 100 <= text.len().max(1) {
            warnings.push(format!("not UTF-8; decoded as {}", enc.name()));
            return Ok(text.into_owned());
        }
    }
    if (bad as f64) / (total as f64) <= MAX_LOSSY_SHARE {
        warnings.push(format!("invalid UTF-8 replaced ({bad} characters)"));
        return Ok(lossy.into_owned());
    }
    Err(ExtractError::NotText)
}

/// Finds the charset an HTML page declares in its first bytes (`<meta charset>` or
/// `<meta http-equiv="Content-Type" content="...; charset=...">`).
pub(crate) fn declared_html_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(META_PRESCAN)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"<meta") {
        let start = from + pos;
        let end = find(&lower[start..], b">").map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(cpos) = find(tag, b"charset") {
            let rest = &tag[cpos + 7..];
            let rest = trim_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_start(rest);
                let rest = rest
                    .strip_prefix(b"\"")
                    .or_else(|| rest.strip_prefix(b"'"))
                    .unwrap_or(rest);
                let label_end = rest
                    .iter()
                    .position(|&b| {
                        matches!(
                            b,
                            b'"' | b'\'' | b';' | b' ' | b'/' | b'>' | b'\t' | b'\n' | b'\r'
                        )
                    })
                    .unwrap_or(rest.len());
                if let Some(enc) = Encoding::for_label(&rest[..label_end]) {
                    // A page that parsed as ASCII cannot really be UTF-16 (HTML spec).
                    if enc == UTF_16LE || enc == UTF_16BE {
                        return Some(UTF_8);
                    }
                    return Some(enc);
                }
            }
        }
        from = end.max(start + 1);
        if from >= lower.len() {
            break;
        }
    }
    None
}

/// Decodes an HTML page: BOM, else the declared charset, else UTF-8, else a detected encoding.
pub(crate) fn decode_html(bytes: &[u8], warnings: &mut Vec<String>) -> String {
    if let Some((enc, len)) = bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[len..])
            .0
            .into_owned();
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        return enc.decode_without_bom_handling(bytes).0.into_owned();
    }
    let declared = declared_html_charset(bytes);
    let valid_utf8 = std::str::from_utf8(bytes).is_ok();
    let enc = match declared {
        // Pages that declare a legacy charset but are valid UTF-8 (and not pure ASCII) were
        // usually re-saved as UTF-8 by a browser or tool.
        Some(enc) if enc != UTF_8 && valid_utf8 && !bytes.is_ascii() => {
            warnings.push(format!("declared {} but the bytes are UTF-8", enc.name()));
            UTF_8
        }
        Some(enc) => enc,
        None if valid_utf8 => UTF_8,
        None => {
            let mut det = chardetng::EncodingDetector::new();
            det.feed(bytes, true);
            det.guess(None, true)
        }
    };
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors && enc == UTF_8 {
        // Declared (or assumed) UTF-8 but not: a legacy encoding saved without a declaration.
        let mut det = chardetng::EncodingDetector::new();
        det.feed(bytes, true);
        let guess = det.guess(None, true);
        if guess != UTF_8 {
            let (alt, alt_errors) = guess.decode_without_bom_handling(bytes);
            if !alt_errors {
                warnings.push(format!("not valid UTF-8; decoded as {}", guess.name()));
                return alt.into_owned();
            }
        }
    }
    if had_errors {
        warnings.push(format!("invalid {} replaced", enc.name()));
    }
    text.into_owned()
}

/// Position of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `s` without leading ASCII whitespace.
fn trim_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &s[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_charset_forms() {
        let a = br#"<html><head><meta charset="windows-1251"></head>"#;
        assert_eq!(
            declared_html_charset(a).map(|e| e.name()),
            Some("windows-1251")
        );
        let b = br#"<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1">"#;
        assert_eq!(
            declared_html_charset(b).map(|e| e.name()),
            Some("windows-1252")
        );
        let c = br#"<meta name="x" content="y"><meta charset=shift_jis>"#;
        assert_eq!(
            declared_html_charset(c).map(|e| e.name()),
            Some("Shift_JIS")
        );
        assert_eq!(declared_html_charset(b"<p>no meta</p>"), None);
    }

    #[test]
    fn html_honours_declared_charset() {
        let mut w = Vec::new();
        let page = b"<meta charset=\"iso-8859-1\"><p>caf\xe9</p>";
        assert!(decode_html(page, &mut w).contains("caf\u{e9}"));
        // Declared UTF-8, really windows-1252.
        let page = b"<meta charset=\"utf-8\"><p>The caf\xe9 owners said the new rules would hurt their business.</p>";
        assert!(decode_html(page, &mut w).contains("caf\u{e9}"));
    }

    #[test]
    fn a_short_utf8_note_with_one_stray_byte_stays_utf8() {
        let mut w = Vec::new();
        let t = decode_text(b"Caf\xc3\xa9 cr\xc3\xa8me, said the owner \xff", &mut w).unwrap();
        assert_eq!(t, "Caf\u{e9} cr\u{e8}me, said the owner \u{FFFD}");
        assert!(w[0].contains("invalid UTF-8 replaced"), "{w:?}");
        // Latin-1 accents do not form UTF-8 sequences: still decoded as a legacy encoding.
        let mut w = Vec::new();
        let t = decode_text(b"Caf\xe9 cr\xe8me br\xfbl\xe9e, said the owner of the caf\xe9.", &mut w).unwrap();
        assert!(t.starts_with("Caf\u{e9} cr\u{e8}me br\u{fb}l\u{e9}e"), "{t}");
    }

    #[test]
    fn text_decoding() {
        let mut w = Vec::new();
        assert_eq!(decode_text("héllo".as_bytes(), &mut w).unwrap(), "héllo");
        // UTF-16LE with BOM.
        let mut b = vec![0xFF, 0xFE];
        for u in "Hi there".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode_text(&b, &mut w).unwrap(), "Hi there");
        // Mostly valid UTF-8 with one bad byte: lossy plus a warning.
        let mut w = Vec::new();
        let mut s = "a fairly long line of perfectly valid text "
            .repeat(5)
            .into_bytes();
        s.push(0xFF);
        let t = decode_text(&s, &mut w).unwrap();
        assert!(t.contains('\u{FFFD}'));
        assert_eq!(w.len(), 1);
    }
}
