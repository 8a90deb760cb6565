//! Input sniffing: binary detection and format detection from the name and the content.

use super::Format;

/// How many leading bytes are looked at to guess the format.
const SNIFF_LEN: usize = 4096;

/// Signatures of binary formats that otherwise pass for text long enough to be archived as
/// garbage (a PDF starts with an ASCII line; a zip's first bytes are printable).
const BINARY_MAGIC: &[&[u8]] = &[
    b"%PDF-",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"\x89PNG",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",
    b"\x7fELF",
    b"\x28\xb5\x2f\xfd",
    b"\xfd7zXZ\x00",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
];

/// True when the bytes look binary: a known binary signature, NUL bytes, or many control
/// characters.
///
/// Call only on ASCII-compatible bytes (UTF-16 is decoded before).
pub(crate) fn looks_binary(bytes: &[u8]) -> bool {
    if BINARY_MAGIC.iter().any(|m| bytes.starts_with(m)) {
        return true;
    }
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    // A stray NUL in a large text file is damage, not a binary format.
    let nuls = sample.iter().filter(|&&b| b == 0).count();
    if nuls * 1000 > sample.len() || (nuls > 0 && sample.len() < 1000) {
        return true;
    }
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b))
        .count();
    controls * 20 > sample.len()
}

/// The format named by a file extension, if any.
fn format_from_name(name: &str) -> Option<Format> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let ext = base.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" | "xhtml" | "shtml" | "php" | "asp" | "aspx" | "jsp" => Some(Format::Html),
        "md" | "markdown" | "mdown" | "mkd" => Some(Format::Markdown),
        "txt" | "text" => Some(Format::Text),
        _ => None,
    }
}

/// True when the start of the content is unmistakably HTML.
pub(crate) fn content_is_html(text: &str) -> bool {
    let head: String = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(SNIFF_LEN)
        .collect();
    let lower = head.to_ascii_lowercase();
    if lower.starts_with("<!doctype html")
        || lower.starts_with("<html")
        || lower.starts_with("<head")
        || lower.starts_with("<body")
        || (lower.starts_with("<?xml") && lower.contains("<html"))
        || (lower.starts_with("<!--") && lower.contains("<html"))
    {
        return true;
    }
    if !lower.starts_with('<') {
        return false;
    }
    // A fragment: several block tags early on.
    let tags = [
        "<p>", "<p ", "<div", "<br", "<article", "<table", "<span", "<meta", "<title", "<script",
    ];
    tags.iter().map(|t| lower.matches(t).count()).sum::<usize>() >= 3
}

/// What a list of links is, when the input is one instead of an article: a news feed (RSS 0.9x,
/// 1.0 and 2.0, Atom, JSON Feed) or a sitemap, whatever its language. Known by its root element
/// together with what marks it (a version, a namespace, or the first child element: an article
/// that merely starts with `<feed>` is none), or by JSON Feed's `version`. `head` is the decoded
/// start of the input, `whole` all its bytes (a JSON Feed's keys may come in any order).
pub(crate) fn link_list_kind(head: &str, whole: &[u8]) -> Option<&'static str> {
    let mut rest = head.trim_start_matches('\u{feff}').trim_start();
    if rest.starts_with('{') {
        let has = |needle: &[u8]| whole.windows(needle.len()).any(|w| w == needle);
        return (has(b"\"version\"") && has(b"jsonfeed.org/version/")).then_some("a JSON Feed");
    }
    // Past the XML declaration, processing instructions, comments and a doctype (whose
    // internal subset, in brackets, may hold `>`).
    loop {
        let skipped = if rest.starts_with("<?") {
            rest.find("?>").map(|i| i + 2)
        } else if rest.starts_with("<!--") {
            rest.find("-->").map(|i| i + 3)
        } else if rest.starts_with("<!") {
            match (rest.find('['), rest.find('>')) {
                (Some(open), Some(close)) if open < close => rest.find("]>").map(|i| i + 2),
                (_, close) => close.map(|i| i + 1),
            }
        } else {
            break;
        };
        rest = rest[skipped?..].trim_start();
    }
    let tag_end = rest.strip_prefix('<')?.find('>')? + 1;
    let tag = rest[..tag_end].to_ascii_lowercase();
    let name: String = tag[1..].chars().take_while(|c| !c.is_whitespace() && !matches!(c, '>' | '/')).collect();
    // What follows the root tag, read only for the few root names that may make a feed (every
    // HTML page passes here).
    let after = |child: &str| rest[tag_end..].chars().take(SNIFF_LEN).collect::<String>().to_ascii_lowercase().contains(child);
    // A namespace prefix (atom:feed) does not change what the element is.
    match name.rsplit(':').next().unwrap_or("") {
        "rss" if tag.contains("version=") || after("<channel") => Some("an RSS feed"),
        "rdf" if tag.contains("purl.org/rss/") || tag.contains("netscape.com/rdf") || after("<channel") => Some("an RSS feed"),
        "feed" if tag.contains("w3.org/2005/atom") || after("<entry") => Some("an Atom feed"),
        "urlset" | "sitemapindex" if tag.contains("sitemaps.org") || after("<loc>") => Some("a sitemap"),
        _ => None,
    }
}

/// True when the content looks like Markdown (front matter or several Markdown constructs).
fn content_is_markdown(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}');
    if t.starts_with("---\n") || t.starts_with("---\r\n") {
        return t
            .lines()
            .skip(1)
            .take(40)
            .any(|l| l.trim_end() == "---" || l.trim_end() == "...");
    }
    let mut score = 0;
    for line in t.lines().take(200) {
        let l = line.trim_start();
        if l.starts_with("# ")
            || l.starts_with("## ")
            || l.starts_with("### ")
            || l.starts_with("```")
        {
            score += 2;
        }
        if l.contains("](") {
            score += 1;
        }
    }
    score >= 4
}

/// Detects the format from the name, checked against the content.
pub(crate) fn detect(name: &str, text: &str) -> Format {
    if content_is_html(text) {
        return Format::Html;
    }
    match format_from_name(name) {
        // Named .html but holding no markup at all: plain text.
        Some(Format::Html) if !text.contains('<') => Format::Text,
        Some(Format::Text) if content_is_markdown(text) && text.trim_start().starts_with("---") => {
            Format::Markdown
        }
        Some(f) => f,
        None if content_is_markdown(text) => Format::Markdown,
        None => Format::Text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(
            detect("a.txt", "<!DOCTYPE html><html><p>x</p></html>"),
            Format::Html
        );
        assert_eq!(detect("a.txt", "Just a line.\n\nAnother."), Format::Text);
        assert_eq!(detect("a.md", "Just a line."), Format::Markdown);
        assert_eq!(
            detect("noext", "---\ntitle: x\n---\nbody"),
            Format::Markdown
        );
        assert_eq!(detect("noext", "<html><body>x</body></html>"), Format::Html);
        assert_eq!(detect("noext", "Plain words < and > here."), Format::Text);
        assert_eq!(detect("page.HTM", "<p>hello"), Format::Html);
        assert_eq!(detect("page.html", "just words\n\nno markup"), Format::Text);
    }

    #[test]
    fn link_lists() {
        let kind = |t: &str| link_list_kind(t, t.as_bytes());
        let rss = "\u{feff}<?xml version=\"1.0\"?>\n<!-- generator -->\n<rss version=\"2.0\"><channel>";
        assert_eq!(kind(rss), Some("an RSS feed"));
        assert_eq!(kind("<?xml version=\"1.0\"?><rss><channel><item>"), Some("an RSS feed"));
        assert_eq!(kind("<rdf:RDF xmlns=\"http://purl.org/rss/1.0/\">"), Some("an RSS feed"));
        assert_eq!(kind("<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">"), Some("an Atom feed"));
        assert_eq!(kind("<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"), Some("a sitemap"));
        assert_eq!(kind("{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": []}"), Some("a JSON Feed"));
        // Keys in any order: the version may come after long items.
        let sorted = format!("{{\"items\": [{{\"content_text\": \"{}\"}}], \"version\": \"https://jsonfeed.org/version/1\"}}", "x".repeat(9000));
        assert_eq!(link_list_kind(&sorted[..4096], sorted.as_bytes()), Some("a JSON Feed"));
        // A doctype whose internal subset holds `>`.
        let dtd = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY mdash \"&#8212;\"> <!ENTITY nbsp \"&#160;\">]>\n<rss version=\"2.0\">";
        assert_eq!(kind(dtd), Some("an RSS feed"));
        // Articles, including ones that talk about feeds or hold XML.
        assert_eq!(kind("<!DOCTYPE html><html><body><p>Subscribe to our RSS feed</p>"), None);
        assert_eq!(kind("<?xml version=\"1.0\"?><?xml-stylesheet href=\"a.xsl\"?><html xmlns=\"http://www.w3.org/1999/xhtml\">"), None);
        assert_eq!(kind("<nitf><body>A news story in NITF.</body></nitf>"), None);
        assert_eq!(kind("RSS feeds: <rss> is the root element."), None);
        assert_eq!(kind("<feed> is how the Atom format names its root element, the council heard."), None);
        assert_eq!(kind("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description>"), None);
        assert_eq!(kind("{\"text\": \"not a feed\"}"), None);
        assert_eq!(kind("<?xml version=\"1.0\""), None);
        assert_eq!(kind("<!DOCTYPE rss [ never closed"), None);
    }

    #[test]
    fn binary() {
        assert!(looks_binary(b"\x89PNG\r\n\x1a\n\0\0\0"));
        assert!(!looks_binary(b"hello\nworld\t!"));
        assert!(looks_binary(&[1u8, 2, 3, 4, 5, 6, 7, 8, b'a']));
        assert!(looks_binary(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"));
        assert!(looks_binary(b"PK\x03\x04mimetypeapplication/epub+zip"));
        assert!(!looks_binary(b"PDF files are documents."));
    }
}
