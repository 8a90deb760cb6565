//! How commands name an article: [`resolve_target`].

use super::CliError;
use stet::{Archive, ArticleId};

/// Resolves how every command names an article: an id or a unique prefix of one (hex digits),
/// `URL@N` (the url's N-th archived version, 1-based), or a url (its latest version). An id
/// never holds `/` or `.`, so the forms cannot be confused.
pub fn resolve_target(archive: &Archive, s: &str) -> Result<ArticleId, CliError> {
    let is_url = |u: &str| u.contains('/') || u.contains('.');
    // A url that itself ends in `@digits` (medium.com/@1234) is looked up whole first.
    if is_url(s) {
        if let Some(id) = archive.versions(s)?.last() {
            return Ok(*id);
        }
    }
    if let Some((url, n)) = s.rsplit_once('@') {
        if let Ok(n) = n.parse::<usize>() {
            if is_url(url) {
                let versions = archive.versions(url)?;
                return match versions.get(n.wrapping_sub(1)) {
                    Some(id) => Ok(*id),
                    None => Err(CliError::msg(format!("{url} has {} archived versions, not {n}", versions.len())).hint(format!("`stet history {url}` lists them"))),
                };
            }
        }
    }
    if is_url(s) {
        return match archive.versions(s)?.last() {
            Some(id) => Ok(*id),
            None => Err(CliError::msg(format!("no article archived under {s}"))
                .hint("urls match without scheme, `www.`, fragment and trailing slash; `stet log --json` shows archived urls")),
        };
    }
    Ok(archive.resolve(s)?)
}
