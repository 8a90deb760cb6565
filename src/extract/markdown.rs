//! Markdown: YAML front matter for metadata, then the body with Markdown syntax removed.

use serde_yaml::Value;

use super::{dates, plain, Extracted};

/// Front matter fields, by the names web clippers use.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct FrontMatter {
    pub title: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub author: Option<String>,
    pub site_name: Option<String>,
    /// Values given but not usable (a date that is not one).
    pub warnings: Vec<String>,
}

/// Splits `---` YAML front matter from the body; returns (yaml, body).
fn split_front_matter(text: &str) -> (Option<&str>, &str) {
    let t = text.trim_start_matches('\u{feff}');
    let Some(rest) = t
        .strip_prefix("---")
        .filter(|r| r.starts_with('\n') || r.starts_with("\r\n"))
    else {
        return (None, t);
    };
    let rest = rest.trim_start_matches('\r').trim_start_matches('\n');
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let l = line.trim_end();
        if l == "---" || l == "..." {
            return (Some(&rest[..offset]), &rest[offset + line.len()..]);
        }
        offset += line.len();
    }
    (None, t)
}

/// A YAML scalar or list as one string ("A, B" for lists).
fn value_str(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Sequence(items) => {
            let parts: Vec<String> = items.iter().filter_map(value_str).collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        Value::Mapping(m) => m
            .iter()
            .find(|(k, _)| k.as_str().is_some_and(|k| k.eq_ignore_ascii_case("name")))
            .and_then(|(_, v)| value_str(v)),
        Value::Tagged(t) => value_str(&t.value),
        Value::Null => None,
    }
}

/// Reads YAML that does not parse as a whole one top-level `key: value` line at a time, each
/// value as YAML when it parses alone, else as the text it is; other lines are skipped. One
/// broken field (`title: [unclosed`) cost the url and date beside it.
fn lenient_mapping(yaml: &str) -> serde_yaml::Mapping {
    let mut map = serde_yaml::Mapping::new();
    for line in yaml.lines().filter(|l| !l.starts_with([' ', '\t', '#', '-'])) {
        let Some((key, raw)) = line.split_once(':') else { continue };
        let (key, raw) = (key.trim(), raw.trim());
        if key.is_empty() || raw.is_empty() {
            continue;
        }
        let value = match serde_yaml::from_str::<Value>(raw) {
            Ok(v @ (Value::String(_) | Value::Number(_) | Value::Bool(_))) => v,
            _ => Value::String(raw.trim_matches(['"', '\'']).to_string()),
        };
        map.insert(Value::String(key.to_string()), value);
    }
    map
}

/// Parses front matter YAML; unknown keys are ignored. YAML that does not parse is read line by
/// line ([`lenient_mapping`]) with a warning in [`FrontMatter::warnings`].
pub(crate) fn parse_front_matter(yaml: &str) -> Result<FrontMatter, String> {
    let (value, broken) = match serde_yaml::from_str::<Value>(yaml) {
        Ok(v) => (v, None),
        Err(e) => (Value::Mapping(lenient_mapping(yaml)), Some(format!("front matter: {e}; read line by line"))),
    };
    let Value::Mapping(map) = value else {
        return Ok(FrontMatter::default());
    };
    let get = |names: &[&str]| -> Option<String> {
        names.iter().find_map(|n| {
            map.iter()
                .find(|(k, _)| k.as_str().is_some_and(|k| k.eq_ignore_ascii_case(n)))
                .and_then(|(_, v)| value_str(v))
        })
    };
    let mut fm = FrontMatter {
        title: get(&["title", "headline"]),
        url: get(&[
            "url",
            "canonical",
            "canonical_url",
            "link",
            "original_url",
            "source_url",
        ]),
        published: None,
        warnings: Vec::new(),
        author: get(&["author", "authors", "byline", "creator"]),
        site_name: get(&["site", "site_name", "publisher", "outlet"]),
    };
    let date = get(&["published", "date", "published_at", "pubdate", "created", "date_published"]);
    if let Some(d) = date {
        fm.published = dates::to_rfc3339_utc(&d);
        if fm.published.is_none() {
            // Dropped silently before: the article then sorted by its archive date unawares.
            fm.warnings.push(format!("front matter date '{}' is not a date; ignored", d.trim()));
        }
    }
    fm.warnings.extend(broken);
    if let Some(src) = get(&["source"]) {
        if src.starts_with("http://") || src.starts_with("https://") {
            fm.url.get_or_insert(src);
        } else {
            fm.site_name.get_or_insert(src);
        }
    }
    Ok(fm)
}

/// Removes inline Markdown: images, links (kept as their text), emphasis, code marks, escapes.
pub(crate) fn strip_inline(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if i + 1 < chars.len() && chars[i + 1].is_ascii_punctuation() => {
                out.push(chars[i + 1]);
                i += 2;
            }
            '!' if chars.get(i + 1) == Some(&'[') => {
                // Image: dropped entirely when well formed.
                if let Some(end) = link_end(&chars, i + 1) {
                    i = end;
                } else {
                    out.push(c);
                    i += 1;
                }
            }
            '[' => {
                if let Some(end) = link_end(&chars, i) {
                    let close = find_close(&chars, i).unwrap_or(i);
                    let inner: String = chars[i + 1..close].iter().collect();
                    out.push_str(&strip_inline(&inner));
                    i = end;
                } else {
                    out.push(c);
                    i += 1;
                }
            }
            '<' => {
                // Inline HTML tags and autolinks.
                let close = chars[i..].iter().take(300).position(|&ch| ch == '>');
                match close {
                    Some(n)
                        if n > 1 && (chars[i + 1].is_ascii_alphabetic() || chars[i + 1] == '/') =>
                    {
                        let inner: String = chars[i + 1..i + n].iter().collect();
                        if inner.starts_with("http://") || inner.starts_with("https://") {
                            out.push_str(&inner);
                        }
                        i += n + 1;
                    }
                    _ => {
                        out.push(c);
                        i += 1;
                    }
                }
            }
            '*' | '_' | '~' | '`' => {
                let mut j = i;
                while j < chars.len() && chars[j] == c {
                    j += 1;
                }
                let before = if i == 0 { None } else { Some(chars[i - 1]) };
                let after = chars.get(j).copied();
                let alnum = |x: Option<char>| x.is_some_and(char::is_alphanumeric);
                let space = |x: Option<char>| x.is_none_or(char::is_whitespace);
                // Keep intra-word underscores (snake_case) and lone spaced stars ("2 * 3").
                let keep = (c == '_' && alnum(before) && alnum(after))
                    || (space(before) && space(after))
                    || (c == '~' && j - i == 1);
                if keep {
                    out.extend(&chars[i..j]);
                }
                i = j;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Index of the `]` closing the `[` at `open`.
fn find_close(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0;
    for (k, &ch) in chars.iter().enumerate().skip(open).take(2000) {
        match ch {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

/// End (exclusive) of a link `[text](url)` or `[text][ref]` starting at `open`.
fn link_end(chars: &[char], open: usize) -> Option<usize> {
    let close = find_close(chars, open)?;
    match chars.get(close + 1) {
        Some('(') => {
            let mut depth = 0;
            for (k, &ch) in chars.iter().enumerate().skip(close + 1).take(4000) {
                match ch {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(k + 1);
                        }
                    }
                    _ => {}
                }
            }
            None
        }
        Some('[') => find_close(chars, close + 1).map(|k| k + 1),
        _ => None,
    }
}

/// A block-level line kind.
enum Line<'a> {
    Blank,
    /// A heading (level, text).
    Heading(usize, &'a str),
    /// A line that stands alone as a paragraph (list item, table row).
    Own(String),
    /// A line of running text.
    Text(&'a str),
    /// A line to drop (rules, reference definitions, setext underlines, fences).
    Skip,
}

/// Classifies one line of the body.
fn classify(line: &str) -> Line<'_> {
    let t = line.trim();
    if t.is_empty() {
        return Line::Blank;
    }
    let hashes = t.chars().take_while(|&c| c == '#').count();
    if (1..=6).contains(&hashes) && t[hashes..].starts_with([' ', '\t'])
        || (hashes >= 1 && hashes == t.len())
    {
        return Line::Heading(
            hashes,
            t[hashes.min(t.len())..].trim().trim_end_matches('#').trim(),
        );
    }
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() >= 3
        && (compact.chars().all(|c| c == '-')
            || compact.chars().all(|c| c == '*')
            || compact.chars().all(|c| c == '_')
            || compact.chars().all(|c| c == '='))
    {
        return Line::Skip;
    }
    if t.starts_with('[') && t.contains("]:") && !t.contains(' ')
        || t.starts_with('[')
            && t.split_once("]:")
                .is_some_and(|(_, r)| r.trim_start().starts_with("http"))
    {
        return Line::Skip;
    }
    if t.starts_with('|') || (t.matches('|').count() >= 2 && t.contains(" | ")) {
        if t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) {
            return Line::Skip;
        }
        let cells: Vec<&str> = t
            .split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        return Line::Own(cells.join(" "));
    }
    let mut body = t;
    while let Some(rest) = body.strip_prefix('>') {
        body = rest.trim_start();
    }
    if body.is_empty() {
        return Line::Blank;
    }
    for marker in ["- ", "* ", "+ ", "• "] {
        if let Some(rest) = body.strip_prefix(marker) {
            return Line::Own(rest.trim().to_string());
        }
    }
    let digits = body.chars().take_while(char::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let rest = &body[digits..];
        if let Some(item) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return Line::Own(item.trim().to_string());
        }
    }
    Line::Text(body)
}

/// Turns a Markdown body into paragraphs of plain text; returns them and the first heading.
fn body_paragraphs(body: &str) -> (Vec<String>, Option<(usize, String)>) {
    let mut paras: Vec<String> = Vec::new();
    let mut first_heading = None;
    let mut cur = String::new();
    let mut in_fence: Option<&str> = None;
    let flush = |cur: &mut String, paras: &mut Vec<String>| {
        let p = strip_inline(cur.trim());
        let p = p.trim();
        if !p.is_empty() {
            paras.push(p.to_string());
        }
        cur.clear();
    };
    let lines: Vec<&str> = body.lines().collect();
    for (idx, line) in lines.iter().enumerate() {
        let t = line.trim();
        if let Some(fence) = in_fence {
            if t.starts_with(fence) {
                in_fence = None;
                flush(&mut cur, &mut paras);
            } else if !t.is_empty() {
                paras.push(t.to_string());
            }
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            flush(&mut cur, &mut paras);
            in_fence = Some(if t.starts_with("```") { "```" } else { "~~~" });
            continue;
        }
        // Setext heading: text line followed by === or ---.
        let next_is_underline = lines.get(idx + 1).is_some_and(|n| {
            let n = n.trim();
            n.len() >= 2 && (n.chars().all(|c| c == '=') || n.chars().all(|c| c == '-'))
        });
        match classify(line) {
            Line::Blank => flush(&mut cur, &mut paras),
            Line::Skip => flush(&mut cur, &mut paras),
            Line::Heading(level, text) => {
                flush(&mut cur, &mut paras);
                let h = strip_inline(text).trim().to_string();
                if first_heading.is_none() && paras.is_empty() {
                    first_heading = Some((level, h));
                } else if !h.is_empty() {
                    paras.push(h);
                }
            }
            Line::Own(text) => {
                flush(&mut cur, &mut paras);
                let p = strip_inline(&text).trim().to_string();
                if !p.is_empty() {
                    paras.push(p);
                }
            }
            Line::Text(text) if next_is_underline && cur.is_empty() => {
                let h = strip_inline(text).trim().to_string();
                if first_heading.is_none() && paras.is_empty() {
                    first_heading = Some((1, h));
                } else {
                    paras.push(h);
                }
            }
            Line::Text(text) => {
                if !cur.is_empty() {
                    cur.push(' ');
                }
                cur.push_str(text);
            }
        }
    }
    flush(&mut cur, &mut paras);
    (paras, first_heading)
}

/// Extracts a Markdown article.
pub(crate) fn extract(text: &str) -> Extracted {
    let (yaml, body) = split_front_matter(text);
    let mut warnings = Vec::new();
    let mut fm = match yaml.map(parse_front_matter) {
        Some(Ok(fm)) => fm,
        Some(Err(e)) => {
            warnings.push(e);
            FrontMatter::default()
        }
        None => FrontMatter::default(),
    };
    warnings.append(&mut fm.warnings);
    let (mut paras, heading) = body_paragraphs(body);
    let mut title = fm.title.clone();
    if let Some((_, h)) = heading {
        let same = title
            .as_deref()
            .is_some_and(|t| crate::text::normalize(t) == crate::text::normalize(&h));
        if title.is_none() {
            title = Some(h);
        } else if !same {
            paras.insert(0, h);
        }
    }
    let (kept, _, byline) = plain::clean(paras, false, false);
    Extracted {
        text: kept.join("\n\n"),
        title,
        url: fm.url,
        published: fm.published,
        byline: fm.author.or(byline),
        site_name: fm.site_name,
        warnings,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_and_body() {
        let md = "---\ntitle: \"Toxic links\"\nurl: https://news.example/a\npublished: 2021-03-06T16:17:00Z\nauthor: [Ann, Bob]\n---\n\n# Toxic links\n\nVirus *writers* have **begun** using [the web](http://x.y) to spread.\nA second line of the same paragraph.\n\n![pic](http://x/y.png)\n\n- item one is here\n- item two\n\n## Sub head\n\n`code` and snake_case stay.\n";
        let e = extract(md);
        assert_eq!(e.title.as_deref(), Some("Toxic links"));
        assert_eq!(e.url.as_deref(), Some("https://news.example/a"));
        assert_eq!(e.published.as_deref(), Some("2021-03-06T16:17:00Z"));
        assert_eq!(e.byline.as_deref(), Some("Ann, Bob"));
        assert_eq!(
            e.text,
            "Virus writers have begun using the web to spread. A second line of the same paragraph.\n\nitem one is here\n\nitem two\n\nSub head\n\ncode and snake_case stay."
        );
    }

    #[test]
    fn source_and_date_keys() {
        let fm = parse_front_matter("source: https://a.b/c\ndate: 2020-01-02\n").unwrap();
        assert_eq!(fm.url.as_deref(), Some("https://a.b/c"));
        assert_eq!(fm.published.as_deref(), Some("2020-01-02T00:00:00Z"));
        let fm = parse_front_matter("source: Reuters\n").unwrap();
        assert_eq!(fm.site_name.as_deref(), Some("Reuters"));
    }

    #[test]
    fn crlf_and_bom() {
        let md = "\u{feff}---\r\ntitle: 'It''s here: now'\r\ndate: 2020-01-02T03:04:05+01:00\r\n---\r\n\r\nBody line one\r\nline two.\r\n";
        let e = extract(md);
        assert_eq!(e.title.as_deref(), Some("It's here: now"));
        assert_eq!(e.published.as_deref(), Some("2020-01-02T02:04:05Z"));
        assert_eq!(e.text, "Body line one line two.");
    }

    #[test]
    fn no_front_matter_heading_is_title() {
        let e =
            extract("Title\n=====\n\nSome *text* with a [link][1].\n\n[1]: http://example.com\n");
        assert_eq!(e.title.as_deref(), Some("Title"));
        assert_eq!(e.text, "Some text with a link.");
    }

    #[test]
    fn a_front_matter_date_that_is_not_one_is_a_warning() {
        for bad in ["2023-02-30", "2023-13-01", "1999", "2023-05-06T25:61:00Z", "soon"] {
            let md = format!("---\ntitle: T\npublished: \"{bad}\"\n---\n\nA body sentence that is long enough to count.\n");
            let e = extract(&md);
            assert_eq!(e.published, None, "{bad}");
            assert!(e.warnings.iter().any(|w| w.contains(bad) && w.contains("not a date")), "{bad}: {:?}", e.warnings);
        }
        let e = extract("---\ntitle: T\npublished: 2023-02-28\n---\n\nA body sentence that is long enough to count.\n");
        assert!(e.published.is_some() && e.warnings.is_empty(), "{:?}", e.warnings);
    }

    #[test]
    fn one_broken_front_matter_field_leaves_the_others() {
        let e = extract("---\ntitle: [unclosed\nurl: https://news.example/a\ndate: 2021-03-10\nauthor: 'Ann Lee'\n---\nBody text of the article goes here and is long enough.");
        assert!(e.warnings.iter().any(|w| w.contains("read line by line")), "{:?}", e.warnings);
        assert_eq!(e.url.as_deref(), Some("https://news.example/a"));
        assert_eq!(e.published.as_deref(), Some("2021-03-10T00:00:00Z"));
        assert_eq!(e.byline.as_deref(), Some("Ann Lee"));
    }

    #[test]
    fn broken_front_matter_is_a_warning() {
        let e = extract(
            "---\ntitle: [unclosed\n---\nBody text of the article goes here and is long enough.",
        );
        assert!(!e.warnings.is_empty());
        assert!(e.text.contains("Body text"));
    }
}
