//! Hostile and malformed inputs: extraction returns an error or a best effort, quickly,
//! without panicking.

use std::time::{Duration, Instant};

use stet::extract::{extract, ExtractError};

/// Runs `extract` and checks it finishes within `limit`.
fn timed(
    bytes: &[u8],
    name: &str,
    limit: Duration,
) -> Result<stet::extract::Extracted, ExtractError> {
    let start = Instant::now();
    let r = extract(bytes, name);
    assert!(start.elapsed() < limit, "{name} took {:?}", start.elapsed());
    r
}

const PARA: &str = "<p>The council voted on Tuesday to approve the new budget for the coming year, officials said.</p>";

#[test]
fn deeply_nested_divs() {
    let html = format!(
        "<html><body>{}{PARA}{}</body></html>",
        "<div>".repeat(20_000),
        "</div>".repeat(20_000)
    );
    let e = timed(html.as_bytes(), "deep.html", Duration::from_secs(20)).unwrap();
    assert!(e.text.contains("approve the new budget"));
    assert!(!e.warnings.is_empty());
}

#[test]
fn deeply_nested_unclosed() {
    let html = format!("<html><body>{}{PARA}", "<div><span><b><i>".repeat(10_000));
    let r = timed(html.as_bytes(), "deep.html", Duration::from_secs(20));
    assert!(r.is_ok_and(|e| e.text.contains("approve the new budget")));
}

#[test]
fn unclosed_tags_everywhere() {
    let body: String = (0..2_000)
        .map(|i| format!("<p>Paragraph {i} of the story <b>bold <i>italic <a href=x>link "))
        .collect();
    let html = format!("<html><head><title>Broken</title><body><div>{body}");
    let r = timed(html.as_bytes(), "broken.html", Duration::from_secs(20));
    assert!(r.is_ok());
}

#[test]
fn huge_page() {
    let mut html = String::from("<html><head><title>Huge</title></head><body><article>");
    while html.len() < 50 * 1024 * 1024 {
        html.push_str(PARA);
        html.push_str("<div class=x><span>filler</span></div>\n");
    }
    html.push_str("</article></body></html>");
    let e = timed(html.as_bytes(), "huge.html", Duration::from_secs(60)).unwrap();
    assert!(e.text.contains("approve the new budget"));
    assert!(e.warnings.iter().any(|w| w.contains("larger")));
}

#[test]
fn scripts_only_and_no_article() {
    let html = "<html><head><script>var a = '<p>not text</p>';</script></head><body><script>x()</script><style>p{}</style></body></html>";
    assert_eq!(
        extract(html.as_bytes(), "s.html"),
        Err(ExtractError::NoText)
    );
    assert_eq!(
        extract(b"<html><body></body></html>", "e.html"),
        Err(ExtractError::NoText)
    );
}

#[test]
fn bad_bytes() {
    assert_eq!(extract(b"", "a.txt"), Err(ExtractError::Empty));
    assert_eq!(extract(b"   \r\n\t  ", "a.md"), Err(ExtractError::Empty));
    assert_eq!(
        extract(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0", "a.out"),
        Err(ExtractError::Binary)
    );
    let noise: Vec<u8> = (0..10_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8 | 0x80)
        .collect();
    assert!(matches!(
        extract(&noise, "noise.txt"),
        Err(ExtractError::NotText) | Ok(_)
    ));
    // Latin-1 text: decoded as a legacy encoding, with a warning.
    let latin =
        b"Caf\xe9 owners in the town said on Monday that the new rules would hurt their business.";
    let e = extract(latin, "latin.txt").unwrap();
    assert!(e.text.contains("Caf\u{e9}"));
    assert!(!e.warnings.is_empty());
}

#[test]
fn errors_display_one_line() {
    for e in [
        ExtractError::Empty,
        ExtractError::Binary,
        ExtractError::NoText,
        ExtractError::NotText,
    ] {
        let s = e.to_string();
        assert!(!s.is_empty() && !s.contains('\n'));
    }
}

#[test]
fn html_honours_declared_charset() {
    let page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"><title>T</title></head><body><p>\xcf\xf0\xe8\xe2\xe5\xf2, \xec\xe8\xf0! The council voted on Tuesday to approve the new budget.</p></body></html>";
    let e = extract(page, "ru.html").unwrap();
    assert!(e.text.contains("Привет, мир!"), "{}", e.text);
}

#[test]
fn utf16_html_with_bom() {
    let html = format!("<html><head><title>T</title></head><body>{PARA}</body></html>");
    let mut b = vec![0xFF, 0xFE];
    for u in html.encode_utf16() {
        b.extend_from_slice(&u.to_le_bytes());
    }
    let e = extract(&b, "u16.html").unwrap();
    assert!(e.text.contains("approve the new budget"));
}

mod never_panics {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2000), ext in "(txt|md|html|)") {
            let _ = stet::extract::extract(&bytes, &format!("f.{ext}"));
        }

        #[test]
        fn tag_soup(s in "(<(p|div|a|b|title|script|meta charset=x|br|/div|/p|!--)>|[a-z .\n]{1,20}|&[a-z#0-9]{1,6};?){0,80}") {
            let _ = stet::extract::extract(s.as_bytes(), "soup.html");
        }

        #[test]
        fn markdown_soup(s in "(---\n|title: [a-z\\[\\]\"]{0,10}\n|# |\\*\\*|\\[|\\]|\\(|\\)|!|`|_|[a-z .]{1,15}|\n){0,60}") {
            let _ = stet::extract::extract(s.as_bytes(), "soup.md");
        }
    }
}
