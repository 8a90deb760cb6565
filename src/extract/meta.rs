//! HTML metadata: title, canonical url, publication date, byline and site name from
//! `<meta>`, `<link>`, JSON-LD and `<time>` elements.

use dom_query::Document;
use serde_json::Value;

use super::dates;

/// Metadata found in the page head and markup.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct PageMeta {
    pub title: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub byline: Option<String>,
    pub site_name: Option<String>,
    /// Every headline form on the page (og:title, `<h1>`s, the cleaned `<title>`), normalised,
    /// to recognise the headline repeated at the top of the body.
    pub headlines: Vec<String>,
}

/// `<meta>` keys (name, property or itemprop) that hold a publication date, best first.
const DATE_KEYS: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "published_time",
    "og:published_time",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "article.published",
    "article_date_original",
    "sailthru.date",
    "parsely-pub-date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "date",
    "original-publish-date",
    "cxenseparse:recs:publishtime",
    "displaydate",
    "ptime",
    "pdate",
    "created",
    "datecreated",
    "og:updated_time",
    "article:modified_time",
    "last-modified",
    "lastmod",
    "datemodified",
];

/// Collapses whitespace and trims.
fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// All `<meta>` key/content pairs, keys lower-cased.
fn meta_pairs(doc: &Document) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for node in doc.select("meta").nodes() {
        let content = node
            .attr("content")
            .or_else(|| node.attr("value"))
            .or_else(|| node.attr("datetime"));
        let Some(content) = content else { continue };
        let content = clean(&content);
        if content.is_empty() {
            continue;
        }
        for attr in ["property", "name", "itemprop", "http-equiv"] {
            if let Some(k) = node.attr(attr) {
                for key in k.split_whitespace() {
                    out.push((key.to_ascii_lowercase(), content.clone()));
                }
            }
        }
    }
    out
}

/// First meta content for any of `keys`, in the order of `keys`.
fn first<'a>(pairs: &'a [(String, String)], keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|k| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    })
}

/// JSON-LD objects of the page, flattened (`@graph` and arrays expanded), capped.
fn json_ld_objects(doc: &Document) -> Vec<Value> {
    let mut out = Vec::new();
    for node in doc.select(r#"script[type="application/ld+json"]"#).nodes() {
        let text = node.text();
        let text = text
            .trim()
            .trim_start_matches("<![CDATA[")
            .trim_end_matches("]]>")
            .trim();
        if text.len() > 1_000_000 {
            continue;
        }
        let Ok(v) = serde_json::from_str::<Value>(text) else {
            continue;
        };
        let mut todo = vec![v];
        while let Some(v) = todo.pop() {
            if out.len() > 200 {
                break;
            }
            match v {
                Value::Array(items) => todo.extend(items),
                Value::Object(mut map) => {
                    if let Some(g) = map.remove("@graph") {
                        todo.push(g);
                    }
                    out.push(Value::Object(map));
                }
                _ => {}
            }
        }
    }
    out
}

/// True when a JSON-LD object is an article of some kind.
fn is_article(v: &Value) -> bool {
    let t = match v.get("@type") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" "),
        _ => return false,
    };
    [
        "Article",
        "NewsArticle",
        "BlogPosting",
        "Report",
        "ReportageNewsArticle",
        "WebPage",
        "LiveBlogPosting",
    ]
    .iter()
    .any(|k| t.contains(k))
}

/// A JSON-LD person/organisation (or list of them) as names.
fn names(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(clean(s)).filter(|s| !s.is_empty()),
        Value::Object(m) => m.get("name").and_then(names),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(names).collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        _ => None,
    }
}

/// Separators between a headline and site or section names in `<title>`.
const TITLE_SEPS: &[&str] = &[" | ", " - ", " – ", " — ", " :: ", " » ", " / ", " · "];

/// Cleans a `<title>`: keeps the longest part when the other parts are short labels
/// ("World | BBC News") or name the site.
fn clean_title(title: &str, site: Option<&str>) -> String {
    let t = clean(title);
    let site_l = site.map(str::to_lowercase);
    for sep in TITLE_SEPS {
        let parts: Vec<&str> = t
            .split(sep)
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        if parts.len() < 2 {
            continue;
        }
        let names_site = |p: &str| {
            let pl = p.to_lowercase();
            site_l
                .as_deref()
                .is_some_and(|s| !s.is_empty() && (pl.contains(s) || s.contains(&pl)))
        };
        // The longest part that does not name the site; the first one on ties.
        let mut longest: Option<&str> = None;
        for p in parts.iter().copied().filter(|p| !names_site(p)) {
            if longest.is_none_or(|l| p.chars().count() > l.chars().count()) {
                longest = Some(p);
            }
        }
        let Some(longest) = longest else { continue };
        let others_are_labels = parts
            .iter()
            .filter(|p| **p != longest)
            .all(|p| p.split_whitespace().count() <= 3 || names_site(p));
        if others_are_labels
            && (longest.split_whitespace().count() >= 2 || longest.chars().count() >= 6)
        {
            return longest.to_string();
        }
    }
    t
}

/// Strips a trailing " | Site" from a meta title when it names the site.
fn strip_site(title: &str, site: Option<&str>) -> String {
    let t = clean(title);
    let Some(site) = site.map(str::to_lowercase).filter(|s| !s.is_empty()) else {
        return t;
    };
    for sep in TITLE_SEPS {
        if let Some((head, tail)) = t.rsplit_once(sep) {
            let tl = tail.to_lowercase();
            if tl.contains(&site) || site.contains(&tl) {
                return head.trim().to_string();
            }
        }
    }
    t
}

/// Picks the headline from `<title>`, the meta titles and the `<h1>`s.
fn pick_title(
    doc: &Document,
    pairs: &[(String, String)],
    ld_headline: Option<String>,
    site: Option<&str>,
) -> Option<String> {
    let meta_title = first(
        pairs,
        &[
            "og:title",
            "twitter:title",
            "headline",
            "dc.title",
            "title",
            "sailthru.title",
        ],
    )
    .map(|t| strip_site(t, site))
    .or(ld_headline)
    .filter(|t| !t.is_empty());
    let tag = doc.select("head title").first().text();
    let tag = if tag.trim().is_empty() {
        doc.select("title").first().text()
    } else {
        tag
    };
    let tag = clean(&tag);
    let h1s: Vec<String> = doc
        .select("h1")
        .nodes()
        .iter()
        .take(5)
        .map(|n| clean(&n.text()))
        .filter(|h| !h.is_empty())
        .collect();
    if !tag.is_empty() {
        // "Headline-Site": an <h1> that is the title's start, followed by a separator.
        for h in &h1s {
            if let Some(rest) = tag.strip_prefix(h.as_str()) {
                let rest = rest.trim_start();
                if !rest.is_empty()
                    && rest
                        .starts_with(['-', '|', '–', '—', '_', ':', '·', '»', '/', '(', '（', '：'])
                {
                    return Some(h.clone());
                }
            }
        }
        if let Some(m) = meta_title.as_deref() {
            // The meta title when it is the visible headline, or the <title> without labels.
            if tag.contains(m)
                || h1s
                    .iter()
                    .any(|h| crate::text::normalize(h) == crate::text::normalize(m))
            {
                return Some(m.to_string());
            }
        }
        let cleaned = clean_title(&tag, site);
        let is_site = site.is_some_and(|s| s.eq_ignore_ascii_case(&cleaned));
        if !is_site && cleaned.chars().count() >= 4 {
            return Some(cleaned);
        }
    }
    meta_title.or_else(|| h1s.into_iter().next())
}

/// Collects page metadata.
pub(crate) fn page_meta(doc: &Document) -> PageMeta {
    let pairs = meta_pairs(doc);
    let ld = json_ld_objects(doc);
    let article = ld
        .iter()
        .find(|v| is_article(v) && v.get("headline").is_some())
        .or_else(|| ld.iter().find(|v| is_article(v)));

    let site_name = first(
        &pairs,
        &["og:site_name", "application-name", "twitter:site"],
    )
    .map(|s| s.trim_start_matches('@').to_string())
    .or_else(|| article.and_then(|a| a.get("publisher")).and_then(names));

    let ld_headline = article.and_then(|a| a.get("headline")).and_then(names);
    let title = pick_title(doc, &pairs, ld_headline, site_name.as_deref());

    let canonical = doc
        .select(r#"link[rel="canonical"]"#)
        .first()
        .attr("href")
        .map(|h| clean(&h))
        .filter(|h| h.starts_with("http://") || h.starts_with("https://"));
    let url = canonical
        .or_else(|| {
            first(&pairs, &["og:url", "twitter:url", "dc.identifier"])
                .map(str::to_string)
                .filter(|u| u.starts_with("http"))
        })
        .or_else(|| {
            article
                .and_then(|a| {
                    a.get("url").or_else(|| {
                        a.get("mainEntityOfPage")
                            .and_then(|m| m.get("@id").or(Some(m)))
                    })
                })
                .and_then(Value::as_str)
                .map(str::to_string)
                .filter(|u| u.starts_with("http"))
        });

    let published = article
        .and_then(|a| a.get("datePublished").or_else(|| a.get("dateCreated")))
        .and_then(Value::as_str)
        .and_then(dates::to_rfc3339_utc)
        .or_else(|| {
            DATE_KEYS.iter().find_map(|k| {
                pairs.iter().filter(|(key, _)| key == k).find_map(|(_, v)| dates::to_rfc3339_utc(v))
            })
        })
        .or_else(|| {
            doc.select("time[datetime], [itemprop=datePublished]").nodes().iter().find_map(|n| {
                n.attr("datetime").or_else(|| n.attr("content")).and_then(|d| dates::to_rfc3339_utc(&d))
            })
        })
        .or_else(|| doc.select("time[pubdate]").nodes().iter().find_map(|n| dates::to_rfc3339_utc(&n.text())))
        .or_else(|| {
            // Date-like elements near the headline: "info", "date", "time", "pub" classes.
            doc.select(r#"[class*="date"], [class*="time"], [class*="info"], [class*="pub"], [id*="date"], [id*="time"], [class*="byline"]"#)
                .nodes()
                .iter()
                .take(40)
                .map(|n| n.text())
                .filter(|t| t.len() <= 300)
                .find_map(|t| dates::find_in_text(&t))
        });

    let byline = article
        .and_then(|a| a.get("author"))
        .and_then(names)
        .or_else(|| {
            first(
                &pairs,
                &[
                    "author",
                    "article:author",
                    "byl",
                    "dc.creator",
                    "sailthru.author",
                    "parsely-author",
                    "citation_author",
                ],
            )
            .filter(|a| !a.starts_with("http"))
            .map(|a| clean(a.trim_start_matches("By ").trim_start_matches("by ")))
        })
        .or_else(|| {
            doc.select(r#"[rel="author"], [itemprop="author"]"#)
                .nodes()
                .iter()
                .map(|n| clean(&n.text()))
                .find(|t| !t.is_empty() && t.split_whitespace().count() <= 8)
        });

    let mut headlines: Vec<String> = doc
        .select("h1")
        .nodes()
        .iter()
        .take(5)
        .map(|n| n.text().to_string())
        .chain(first(&pairs, &["og:title", "twitter:title"]).map(str::to_string))
        .chain(title.clone())
        .map(|h| crate::text::normalize(&h))
        .filter(|h| !h.is_empty())
        .collect();
    headlines.sort();
    headlines.dedup();
    PageMeta {
        title,
        url,
        published,
        byline,
        site_name,
        headlines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_metadata() {
        let doc = Document::from(
            r#"<html><head><title>Big story | The Paper</title>
            <link rel="canonical" href="https://paper.example/big">
            <meta property="og:site_name" content="The Paper">
            <meta property="article:published_time" content="2022-09-10T12:00:00+02:00">
            <meta name="author" content="Jane Doe">
            </head><body><p>x</p></body></html>"#,
        );
        let m = page_meta(&doc);
        assert_eq!(m.title.as_deref(), Some("Big story"));
        assert_eq!(
            clean_title(
                "BBC NEWS | World | Europe | Troops advance on the city",
                None
            ),
            "Troops advance on the city"
        );
        assert_eq!(
            clean_title(
                "Ukraine: Army Pushed Deep In South - Thousands Of Russians Exposed",
                None
            ),
            "Ukraine: Army Pushed Deep In South - Thousands Of Russians Exposed"
        );
        assert_eq!(m.url.as_deref(), Some("https://paper.example/big"));
        assert_eq!(m.published.as_deref(), Some("2022-09-10T10:00:00Z"));
        assert_eq!(m.byline.as_deref(), Some("Jane Doe"));
        assert_eq!(m.site_name.as_deref(), Some("The Paper"));
    }

    #[test]
    fn json_ld_and_time() {
        let doc = Document::from(
            r#"<html><head><script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"NewsArticle","headline":"H","datePublished":"2020-01-02T03:04:05Z","author":[{"@type":"Person","name":"A B"}],"url":"https://x.example/h"}]}</script></head><body></body></html>"#,
        );
        let m = page_meta(&doc);
        assert_eq!(m.published.as_deref(), Some("2020-01-02T03:04:05Z"));
        assert_eq!(m.byline.as_deref(), Some("A B"));
        assert_eq!(m.url.as_deref(), Some("https://x.example/h"));
        let doc = Document::from(r#"<p><time datetime="2019-05-06">May 6</time></p>"#);
        assert_eq!(
            page_meta(&doc).published.as_deref(),
            Some("2019-05-06T00:00:00Z")
        );
    }
}
