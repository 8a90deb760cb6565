//! Lineage: which article derives from which, dates, urls, and families of related articles.
//!
//! Main items: [`parent_of`] (direction of a relation), [`parse_date`], [`url_key`],
//! [`families`] (connected groups of related articles) and [`family_groups`] (the same with
//! their relations), [`predecessors`] / [`successors`] (lazy walks over parent edges, see
//! [`walk`]), [`lineage`] (an article's ancestors, descendants and relatives, see [`tree`]),
//! and [`history()`] (the versions of a url with the size of each change).

pub mod graph;
pub mod groups;
pub mod history;
pub mod tree;
pub mod walk;

pub use graph::{MemoryGraph, RelationSource};
pub use groups::{family_groups, Family};
pub use history::{history, ChangeSize, Version};
pub use tree::{lineage, Edge, Lineage, Member, Role, TreeRow};
pub use walk::{predecessors, successors, Direction, Step, Walk};

use crate::model::{ArticleId, ArticleRecord, Relation};
use std::collections::{BTreeMap, BTreeSet};

/// The parent of two related articles: the one published earlier (metadata), else the one
/// archived earlier.
pub fn parent_of(x: &ArticleRecord, y: &ArticleRecord) -> ArticleId {
    parent_by_date(x, y).unwrap_or(if x.seq <= y.seq { x.id } else { y.id })
}

/// The one of two articles published earlier, when both carry different publication dates.
///
/// A date at midnight UTC is taken as a day without a time (`2021-03-02`, as most sources give
/// it): against a date with a time it compares by day. A republication dated `2021-03-02` was
/// the parent of its original, published `2021-03-02T09:34:00Z`, by eight hours that were never
/// stated.
pub fn parent_by_date(x: &ArticleRecord, y: &ArticleRecord) -> Option<ArticleId> {
    let px = x.published.as_deref().and_then(parse_date)?;
    let py = y.published.as_deref().and_then(parse_date)?;
    let day_only = |d: &str| d.ends_with("T00:00:00Z");
    let (px, py) = if day_only(&px) != day_only(&py) { (px[..10].to_string(), py[..10].to_string()) } else { (px, py) };
    match px.cmp(&py) {
        std::cmp::Ordering::Less => Some(x.id),
        std::cmp::Ordering::Greater => Some(y.id),
        std::cmp::Ordering::Equal => None,
    }
}

/// Parses a date (RFC 3339, `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]`) to RFC 3339 UTC.
pub fn parse_date(s: &str) -> Option<String> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc).to_rfc3339_opts(SecondsFormat::Secs, true));
    }
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return Some(d.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|d| d.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true));
    }
    None
}

/// The form of a url used to find versions: scheme and `www.` dropped, host lower-cased,
/// fragment and trailing slash removed.
pub fn url_key(url: &str) -> String {
    let u = url.trim();
    let u = u.split('#').next().unwrap_or(u);
    let rest = u.split_once("://").map(|(_, r)| r).unwrap_or(u);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let path = path.trim_end_matches('/');
    if path.is_empty() {
        host.to_string()
    } else {
        format!("{host}/{path}")
    }
}

/// Groups related articles into families (connected components), each sorted by id.
pub fn families(relations: &[Relation]) -> Vec<Vec<ArticleId>> {
    let mut parent: BTreeMap<ArticleId, ArticleId> = BTreeMap::new();
    fn find(p: &mut BTreeMap<ArticleId, ArticleId>, x: ArticleId) -> ArticleId {
        let mut r = x;
        while let Some(&n) = p.get(&r) {
            if n == r {
                break;
            }
            r = n;
        }
        p.insert(x, r);
        r
    }
    for r in relations {
        parent.entry(r.a).or_insert(r.a);
        parent.entry(r.b).or_insert(r.b);
        let (ra, rb) = (find(&mut parent, r.a), find(&mut parent, r.b));
        if ra != rb {
            parent.insert(ra.max(rb), ra.min(rb));
        }
    }
    let mut groups: BTreeMap<ArticleId, BTreeSet<ArticleId>> = BTreeMap::new();
    let keys: Vec<ArticleId> = parent.keys().copied().collect();
    for k in keys {
        let r = find(&mut parent, k);
        groups.entry(r).or_default().insert(k);
    }
    groups.into_values().map(|s| s.into_iter().collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_key_folds_scheme_www_and_slash() {
        assert_eq!(url_key("https://www.Example.com/a/b/"), "example.com/a/b");
        assert_eq!(url_key("http://example.com/a/b#x"), "example.com/a/b");
    }

    #[test]
    fn a_day_without_a_time_is_not_earlier_than_a_time_that_day() {
        let rec = |n: u8, published: &str| ArticleRecord {
            id: ArticleId([n; 32]),
            seq: u64::from(n),
            title: None,
            url: None,
            published: Some(published.to_string()),
            byline: None,
            source: None,
            archived: "2026-01-01T00:00:00Z".into(),
            text: String::new(),
            text_len: 0,
            captures: Vec::new(),
            lang: None,
            lead: None,
        };
        let (original, republished) = (rec(1, "2021-03-02T09:34:00Z"), rec(2, "2021-03-02"));
        assert_eq!(parent_by_date(&original, &republished), None);
        assert_eq!(parent_of(&original, &republished), original.id);
        assert_eq!(parent_by_date(&republished, &rec(3, "2021-03-01T23:00:00Z")), Some(ArticleId([3; 32])));
        assert_eq!(parent_by_date(&rec(4, "2021-03-02T00:00:00Z"), &rec(5, "2021-03-03")), Some(ArticleId([4; 32])));
        assert_eq!(parent_by_date(&rec(6, "2021-03-02T08:00:00Z"), &original), Some(ArticleId([6; 32])));
    }

    #[test]
    fn parse_date_forms() {
        assert_eq!(parse_date("2022-09-10").as_deref(), Some("2022-09-10T00:00:00Z"));
        assert_eq!(parse_date("2022-09-10T12:00:00+02:00").as_deref(), Some("2022-09-10T10:00:00Z"));
        assert_eq!(parse_date("yesterday"), None);
    }
}

/// Small articles and relations for the lineage unit tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use crate::model::{ArticleId, Relation, RelationKind};

    /// The article id made of byte `n`.
    pub(crate) fn id(n: u8) -> ArticleId {
        ArticleId([n; 32])
    }

    /// A relation `parent` -> `child` of `kind` with `score`, without evidence.
    pub(crate) fn rel(parent: u8, child: u8, kind: RelationKind, score: f32) -> Relation {
        Relation {
            a: id(parent.min(child)),
            b: id(parent.max(child)),
            kind,
            parent: Some(id(parent)),
            score,
            coverage_a: 0.0,
            coverage_b: 0.0,
            verbatim: 0.0,
            evidence: Vec::new(),
            found: String::new(),
        }
    }
}
