//! DOM to paragraphs: block elements become paragraphs, inline text is joined, and
//! non-content elements (scripts, forms, navigation) are skipped. Iterative, so deep trees
//! cannot overflow the stack.

use dom_query::NodeRef;

/// Elements whose content is never article text.
const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "head",
    "title", "button", "select", "option", "textarea", "input", "canvas", "video", "audio", "map",
    "frameset", "frame", "applet", "label", "datalist", "dialog",
];

/// Elements that start and end a paragraph.
const BLOCK: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "aside",
    "nav",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "tr",
    "td",
    "th",
    "thead",
    "tbody",
    "tfoot",
    "caption",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "form",
    "fieldset",
    "legend",
    "address",
    "hr",
    "br",
    "center",
    "details",
    "summary",
    "body",
    "html",
    "hgroup",
    "menu",
    "dir",
    "noframes",
    "tt",
    "listing",
    "xmp",
    "plaintext",
];

/// One walk step: entering a node, or leaving an element (is it a block, is it a link).
enum Step<'a> {
    Enter(NodeRef<'a>),
    Leave(bool, bool),
}

/// A paragraph of text and how much of it sits inside links.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Para {
    /// The text, whitespace collapsed.
    pub text: String,
    /// Characters of `text` inside `<a>` elements.
    pub link_chars: usize,
}

impl Para {
    /// Share of the paragraph's characters inside links.
    pub fn link_density(&self) -> f64 {
        self.link_chars as f64 / self.text.chars().count().max(1) as f64
    }
}

/// Collects the text of `root` as paragraphs (whitespace collapsed, empty ones dropped).
pub(crate) fn paragraphs(
    root: &NodeRef<'_>,
    skip_extra: &dyn Fn(&NodeRef<'_>) -> bool,
) -> Vec<String> {
    paragraphs_with_links(root, skip_extra)
        .into_iter()
        .map(|p| p.text)
        .collect()
}

/// Like [`paragraphs`], also counting link text per paragraph.
pub(crate) fn paragraphs_with_links(
    root: &NodeRef<'_>,
    skip_extra: &dyn Fn(&NodeRef<'_>) -> bool,
) -> Vec<Para> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut link_chars = 0usize;
    let mut in_link = 0usize;
    let mut stack = vec![Step::Enter(*root)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Leave(block, link) => {
                if link {
                    in_link = in_link.saturating_sub(1);
                }
                if block {
                    flush(&mut cur, &mut link_chars, &mut out);
                }
            }
            Step::Enter(node) => {
                if node.is_text() {
                    let before = cur.chars().count();
                    push_text(&mut cur, &node.text());
                    if in_link > 0 {
                        link_chars += cur.chars().count() - before;
                    }
                    continue;
                }
                if !(node.is_element() || node.is_document() || node.is_fragment()) {
                    continue;
                }
                let name = node
                    .node_name()
                    .map(|n| n.to_ascii_lowercase())
                    .unwrap_or_default();
                if SKIP.contains(&name.as_str()) || is_hidden(&node) || skip_extra(&node) {
                    continue;
                }
                let block = BLOCK.contains(&name.as_str());
                if block {
                    flush(&mut cur, &mut link_chars, &mut out);
                } else if name == "img" {
                    continue;
                }
                let link = name == "a";
                if link {
                    in_link += 1;
                }
                stack.push(Step::Leave(block, link));
                let children: Vec<NodeRef<'_>> = node.children_it(true).collect();
                stack.extend(children.into_iter().map(Step::Enter));
            }
        }
    }
    flush(&mut cur, &mut link_chars, &mut out);
    out
}

/// Appends text with whitespace runs collapsed to single spaces.
fn push_text(cur: &mut String, text: &str) {
    for (i, part) in text
        .split(|c: char| c.is_whitespace() && c != '\u{a0}')
        .enumerate()
    {
        if i > 0 && !cur.ends_with(' ') && !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(part);
    }
}

/// Ends the current paragraph.
fn flush(cur: &mut String, link_chars: &mut usize, out: &mut Vec<Para>) {
    let p = cur.trim_matches(|c: char| c.is_whitespace());
    if p.chars().any(char::is_alphanumeric) {
        let n = p.chars().count();
        out.push(Para {
            text: p.to_string(),
            link_chars: (*link_chars).min(n),
        });
    }
    cur.clear();
    *link_chars = 0;
}

/// True for elements hidden with `hidden`, `aria-hidden` or an inline `display:none`.
fn is_hidden(node: &NodeRef<'_>) -> bool {
    if node.has_attr("hidden") {
        return true;
    }
    if node
        .attr("aria-hidden")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return true;
    }
    node.attr("style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_and_inline() {
        let doc = dom_query::Document::from(
            "<html><body><div>One <b>bold</b>\n  word.<p>Two</p>three<br>four<script>x()</script></div><p style='display: none'>hid</p></body></html>",
        );
        let root = doc.root();
        let p = paragraphs(&root, &|_| false);
        assert_eq!(p, vec!["One bold word.", "Two", "three", "four"]);
        let doc = dom_query::Document::from("<p><a href=x>Related story headline</a></p><p>Text with <a href=y>a link</a> inside.</p>");
        let p = paragraphs_with_links(&doc.root(), &|_| false);
        assert!(p[0].link_density() > 0.99);
        assert!(p[1].link_density() < 0.5);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = format!("{}text{}", "<div>".repeat(3_000), "</div>".repeat(3_000));
        let doc = dom_query::Document::from(html.as_str());
        let p = paragraphs(&doc.root(), &|_| false);
        assert_eq!(p, vec!["text"]);
    }
}
