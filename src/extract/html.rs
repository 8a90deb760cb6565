//! HTML: the main article text via dom_smoothie (readability), converted to paragraphs by
//! our own walker and cleaned of furniture; metadata from the page; guards for hostile input.

use dom_query::Document;
use dom_smoothie::{Config, Readability};

use super::{boilerplate, dom_text, meta, plain, ExtractError, Extracted};

/// Pages larger than this are cut (at a tag boundary) before parsing.
const MAX_HTML_BYTES: usize = 6 * 1024 * 1024;

/// Nesting depth above which the DOM pipeline is skipped for a flat text pass.
const MAX_DEPTH: usize = 400;

/// Element count above which readability gives up (its scoring is super-linear); the page is
/// then read by the plain DOM walker.
const MAX_ELEMENTS: usize = 60_000;

/// Element count above which the page is not parsed into a DOM at all.
const MAX_DOM_ELEMENTS: usize = 400_000;

/// Extracts an article from decoded HTML.
pub(crate) fn extract(html: &str) -> Result<Extracted, ExtractError> {
    let mut warnings = Vec::new();
    let mut html = html;
    if html.len() > MAX_HTML_BYTES {
        let mut cut = MAX_HTML_BYTES;
        while !html.is_char_boundary(cut) {
            cut -= 1;
        }
        let cut = html[..cut].rfind('<').unwrap_or(cut);
        html = &html[..cut];
        warnings.push(format!(
            "page larger than {} MB; only its start was read",
            MAX_HTML_BYTES >> 20
        ));
    }
    let (depth, elements) = scan_depth(html);
    if depth > MAX_DEPTH || elements > MAX_DOM_ELEMENTS {
        warnings.push(
            "page too deeply nested or too large for article detection; text taken flat".into(),
        );
        let mut e = flat(html)?;
        e.warnings.extend(warnings);
        if let Some(page) = head_meta(html) {
            e.title = page.title;
            e.url = page.url;
            e.published = page.published;
            e.byline = page.byline;
            e.site_name = page.site_name;
        }
        return Ok(e);
    }
    let repaired = close_title(html);
    let html = repaired.as_deref().unwrap_or(html);
    let doc = Document::from(html);
    let page = meta::page_meta(&doc);
    remove_comment_sections(&doc);
    let (paras, rd_title) = main_text(doc, html);
    let (paras, _, byline) = plain::clean(paras, false, true);
    let mut paras = paras;
    // The headline repeated at the top of the body belongs to `title`.
    let mut headlines = page.headlines.clone();
    if let Some(t) = rd_title.as_deref() {
        headlines.push(crate::text::normalize(t));
    }
    if let Some(i) = paras
        .iter()
        .take(3)
        .position(|p| headlines.contains(&crate::text::normalize(p)))
    {
        paras.remove(i);
    }
    if paras.is_empty() {
        return Err(ExtractError::NoText);
    }
    Ok(Extracted {
        text: paras.join("\n\n"),
        title: page.title.or(rd_title),
        url: page.url,
        published: page.published,
        byline: page.byline.or(byline),
        site_name: page.site_name,
        warnings,
        ..Default::default()
    })
}

/// Paragraphs of the main content, and readability's title.
fn main_text(doc: Document, html: &str) -> (Vec<String>, Option<String>) {
    let cfg = Config {
        max_elements_to_parse: MAX_ELEMENTS,
        ..Default::default()
    };
    let article = Readability::with_document(doc, None, Some(cfg))
        .ok()
        .and_then(|mut r| r.parse().ok());
    if let Some(a) = article {
        let content = Document::from(a.content.as_ref());
        let paras: Vec<String> = dom_text::paragraphs_with_links(&content.root(), &is_caption)
            .into_iter()
            .filter(|p| !is_link_teaser(p))
            .map(|p| p.text)
            .collect();
        let title = Some(a.title.trim().to_string()).filter(|t| !t.is_empty());
        if paras.iter().map(|p| p.len()).sum::<usize>() > 0 {
            return (paras, title);
        }
    }
    let fallback_doc = Document::from(html);
    let body = fallback_doc.select("body");
    let root = if body.exists() {
        body.nodes().first().cloned()
    } else {
        None
    };
    let paras = match root {
        Some(r) => dom_text::paragraphs(&r, &is_chrome),
        None => dom_text::paragraphs(&fallback_doc.root(), &is_chrome),
    };
    (paras, None)
}

/// Removes reader-comment sections (id or class naming comments or a comment service), which
/// readability would otherwise take for article text on blogs. Elements holding most of the
/// page's text are kept, as are `html`, `body`, `main` and `article`.
fn remove_comment_sections(doc: &Document) {
    let body_len = doc
        .select("body")
        .text()
        .chars()
        .filter(|c| !c.is_whitespace())
        .count();
    let sel = doc.select(
        r#"[id*="comment" i], [class*="comment" i], [id*="disqus" i], [class*="disqus" i]"#,
    );
    for node in sel.nodes().iter().take(5_000) {
        let name = node
            .node_name()
            .map(|n| n.to_ascii_lowercase())
            .unwrap_or_default();
        if matches!(name.as_str(), "html" | "body" | "main" | "article") {
            continue;
        }
        let attrs = format!(
            "{} {}",
            node.attr("id").unwrap_or_default(),
            node.attr("class").unwrap_or_default()
        )
        .to_ascii_lowercase();
        let names_comments = attrs.split(|c: char| c.is_whitespace()).any(|t| {
            let content = ["commentary", "nocomment", "article", "story"]
                .iter()
                .any(|x| t.contains(x));
            (t.contains("comment") && !content) || t.contains("disqus")
        });
        if !names_comments {
            continue;
        }
        let len = node.text().chars().filter(|c| !c.is_whitespace()).count();
        if len * 2 < body_len {
            node.remove_from_parent();
        }
    }
}

/// A paragraph that is (almost) all link text and not long: a teaser for another story.
fn is_link_teaser(p: &dom_text::Para) -> bool {
    p.link_density() > 0.8 && p.text.chars().count() < 300
}

/// Figure captions and credits inside the article.
fn is_caption(node: &dom_query::NodeRef<'_>) -> bool {
    node.node_name()
        .is_some_and(|n| n.eq_ignore_ascii_case("figcaption"))
}

/// Page chrome skipped by the fallback pass: navigation, headers, footers, asides.
fn is_chrome(node: &dom_query::NodeRef<'_>) -> bool {
    let name = node
        .node_name()
        .map(|n| n.to_ascii_lowercase())
        .unwrap_or_default();
    matches!(name.as_str(), "nav" | "header" | "footer" | "aside")
}

/// Closes a `<title>` that is never closed (the parser would swallow the whole page into
/// it): `</title>` goes before the next tag. Returns `None` when no repair is needed.
fn close_title(html: &str) -> Option<String> {
    let head_len = html.len().min(64 * 1024);
    let mut cut = head_len;
    while !html.is_char_boundary(cut) {
        cut -= 1;
    }
    let lower = html[..cut].to_ascii_lowercase();
    let open = lower.find("<title")?;
    if html.len() > cut && html[cut..].to_ascii_lowercase().contains("</title")
        || lower.contains("</title")
    {
        return None;
    }
    let tag_end = open + lower[open..].find('>')? + 1;
    let next = tag_end + lower[tag_end..].find('<')?;
    let mut fixed = String::with_capacity(html.len() + 8);
    fixed.push_str(&html[..next]);
    fixed.push_str("</title>");
    fixed.push_str(&html[next..]);
    Some(fixed)
}

/// Estimates the maximum element nesting depth and the element count without parsing.
///
/// Script and style bodies are skipped; void elements and elements whose end tag is
/// optional (`p`, `li`, `td`, ...) do not count towards depth.
fn scan_depth(html: &str) -> (usize, usize) {
    const FLAT: &[&str] = &[
        "br", "img", "hr", "meta", "link", "input", "area", "base", "col", "embed", "source",
        "track", "wbr", "param", "p", "li", "td", "th", "tr", "option", "dt", "dd", "tbody",
        "thead", "tfoot", "colgroup", "optgroup", "rt", "rp", "path", "use", "stop", "circle",
        "rect", "line", "polygon", "polyline", "ellipse", "image",
    ];
    let bytes = html.as_bytes();
    let (mut depth, mut max, mut count) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while let Some(off) = memchr(b'<', &bytes[i..]) {
        i += off + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        let name_len = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 || !bytes[start].is_ascii_alphabetic() {
            continue;
        }
        let name = html
            .get(start..start + name_len)
            .unwrap_or("")
            .to_ascii_lowercase();
        if closing {
            if !FLAT.contains(&name.as_str()) {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        count += 1;
        if name == "script" || name == "style" {
            let lower_end = format!("</{name}");
            let rest = &bytes[i..];
            let end = rest
                .windows(lower_end.len())
                .position(|w| w.eq_ignore_ascii_case(lower_end.as_bytes()))
                .map_or(bytes.len(), |e| i + e);
            i = end;
            continue;
        }
        if FLAT.contains(&name.as_str()) {
            continue;
        }
        let self_closing =
            memchr(b'>', &bytes[i..]).is_some_and(|e| e > 0 && bytes[i + e - 1] == b'/');
        if !self_closing {
            depth += 1;
            max = max.max(depth);
        }
    }
    (max, count)
}

/// Position of byte `b` in `hay`.
fn memchr(b: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&x| x == b)
}

/// Metadata from the page's `<head>` alone (when the whole page is too hostile to parse):
/// the text up to `</head>`, if that part is small and shallow.
fn head_meta(html: &str) -> Option<meta::PageMeta> {
    let end = html
        .get(..html.len().min(256 * 1024))?
        .to_ascii_lowercase()
        .find("</head")?;
    let head = &html[..end];
    let (depth, elements) = scan_depth(head);
    if depth > MAX_DEPTH || elements > 5_000 {
        return None;
    }
    Some(meta::page_meta(&Document::from(head)))
}

/// A text-only pass for pages the DOM pipeline must not see: tags stripped, block tags as
/// paragraph breaks, script and style content dropped, entities decoded for the common cases.
pub(crate) fn flat(html: &str) -> Result<Extracted, ExtractError> {
    let mut text = String::with_capacity(html.len() / 4);
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    let bytes = html.as_bytes();
    while i < bytes.len() {
        if bytes[i] == b'<' {
            let rest = &lower[i..];
            let skip_to = ["script", "style", "noscript", "template"]
                .iter()
                .find_map(|t| {
                    rest[1..]
                        .starts_with(t)
                        .then(|| rest.find(&format!("</{t}")).map_or(bytes.len(), |e| i + e))
                });
            let end = memchr(b'>', &bytes[i..]).map_or(bytes.len(), |e| i + e + 1);
            let name: String = rest[1..]
                .chars()
                .skip_while(|&c| c == '/')
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            if [
                "p",
                "div",
                "br",
                "li",
                "h1",
                "h2",
                "h3",
                "h4",
                "h5",
                "h6",
                "tr",
                "td",
                "section",
                "article",
                "blockquote",
                "table",
            ]
            .contains(&name.as_str())
            {
                text.push('\n');
            }
            i = match skip_to {
                Some(s) if s > i => memchr(b'>', &bytes[s..]).map_or(bytes.len(), |e| s + e + 1),
                _ => end,
            };
            continue;
        }
        let next = memchr(b'<', &bytes[i..]).map_or(bytes.len(), |e| i + e);
        text.push_str(&html[i..next]);
        i = next;
    }
    let text = decode_entities(&text);
    let paras: Vec<String> = text
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| l.chars().any(char::is_alphanumeric))
        .collect();
    let paras: Vec<String> = paras
        .into_iter()
        .filter(|p| !boilerplate::is_boilerplate(p))
        .collect();
    if paras.is_empty() {
        return Err(ExtractError::NoText);
    }
    Ok(Extracted {
        text: paras.join("\n\n"),
        ..Default::default()
    })
}

/// Decodes the common named and numeric character references.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ if name.starts_with("#x") || name.starts_with("#X") => {
                    u32::from_str_radix(&name[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            }
        });
        match (decoded, end) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_scan() {
        let (d, n) =
            scan_depth("<html><body><div><p>a<br>b</p><img src=x><div/></div></body></html>");
        assert_eq!((d, n), (3, 7));
        let deep = format!("{}x{}", "<div>".repeat(1000), "</div>".repeat(1000));
        assert_eq!(scan_depth(&deep).0, 1000);
    }

    #[test]
    fn deep_page_keeps_head_metadata() {
        let page = format!(
            "<html><head><title>Deep story</title><link rel=canonical href=\"https://x.example/d\"></head><body>{}<p>The council voted on Tuesday to approve the budget.</p></body></html>",
            "<div>".repeat(5_000)
        );
        let e = extract(&page).unwrap();
        assert_eq!(e.title.as_deref(), Some("Deep story"));
        assert_eq!(e.url.as_deref(), Some("https://x.example/d"));
    }

    #[test]
    fn flat_pass() {
        let e = flat(
            "<div><script>var x = '<p>';</script><p>Hello &amp; welcome</p><p>Second</p></div>",
        )
        .unwrap();
        assert_eq!(e.text, "Hello & welcome\n\nSecond");
        assert_eq!(flat("<script>only()</script>"), Err(ExtractError::NoText));
    }
}
