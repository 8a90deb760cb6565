//! Detection profiles of archived articles: [`ProfileCache`], the bounded cache an open archive
//! keeps, and [`Archive::profiles_of`], which rebuilds the missing ones from the archived texts
//! on both cores.
//!
//! Rebuilding a profile (reading and decompressing the text, then signing its sentences) took
//! about a third of a millisecond per article and, with a cache that forgot everything when full,
//! close to half of `stet add`'s time in a growing archive: most candidates are older articles.

use super::{parse_blob, stored, ks, Archive};
use crate::detect::Profile;
use crate::error::{Error, Result};
use crate::model::{ArticleId, ArticleRecord};
use rayon::prelude::*;
use std::sync::Arc;
use stet_store::{SizedLru, Store};

/// Default memory budget of the profile cache (estimated heap bytes of the profiles held).
pub const PROFILE_CACHE_BYTES: usize = 256 << 20;

/// Profiles kept in memory, least recently used evicted first once their estimated size
/// ([`heap_bytes`]) passes the budget.
pub(crate) type ProfileCache = SizedLru<ArticleId, Arc<Profile>>;

/// An estimate of the memory a profile holds: its vectors' capacities and the strings of names,
/// plus a fixed allowance per allocation.
pub(crate) fn heap_bytes(p: &Profile) -> usize {
    const ALLOC: usize = 16;
    let sentences: usize = p
        .sentences
        .iter()
        .map(|s| {
            8 * (s.stems.capacity() + s.numbers.capacity() + s.grams.capacity())
                + s.names.capacity() * std::mem::size_of::<(u64, String)>()
                + s.names.iter().map(|(_, n)| n.capacity() + ALLOC).sum::<usize>()
                + 4 * ALLOC
        })
        .sum();
    std::mem::size_of::<Profile>() + p.sentences.capacity() * std::mem::size_of::<crate::align::SentenceSig>() + sentences + ALLOC
}

impl Archive {
    /// The profiles of `ids`, in their order: those in the cache from it, the others rebuilt
    /// from the archived texts in parallel and then cached.
    pub(crate) fn profiles_of(&self, ids: &[ArticleId]) -> Result<Vec<Arc<Profile>>> {
        let mut out: Vec<Option<Arc<Profile>>> = {
            let mut cache = self.profiles.borrow_mut();
            ids.iter().map(|id| cache.get(id)).collect()
        };
        let missing: Vec<usize> = (0..ids.len()).filter(|&k| out[k].is_none()).collect();
        let store = &self.store;
        let build = |&k: &usize| build_profile(store, &ids[k]).map(Arc::new);
        let built: Vec<Result<Arc<Profile>>> =
            if missing.len() > 1 { missing.par_iter().map(build).collect() } else { missing.iter().map(build).collect() };
        for (k, p) in missing.into_iter().zip(built) {
            let p = p?;
            self.remember_profile(ids[k], p.clone());
            out[k] = Some(p);
        }
        Ok(out.into_iter().flatten().collect())
    }

    /// The detection profile of an archived article, from the cache or rebuilt from its text.
    pub(crate) fn cached_profile(&self, id: &ArticleId) -> Result<Arc<Profile>> {
        let mut ps = self.profiles_of(std::slice::from_ref(id))?;
        ps.pop().ok_or_else(|| Error::NotFound(id.hex()))
    }

    /// Keeps a profile in the bounded cache.
    pub(crate) fn remember_profile(&self, id: ArticleId, p: Arc<Profile>) {
        let size = heap_bytes(&p);
        self.profiles.borrow_mut().insert(id, p, size);
    }
}

/// Rebuilds the profile of archived article `id` from its record and text (any thread).
fn build_profile(store: &Store, id: &ArticleId) -> Result<Profile> {
    let rec = read_article(store, id)?.ok_or_else(|| Error::NotFound(id.hex()))?;
    let text = read_text(store, &rec)?;
    Ok(match &rec.lang {
        Some(lang) => crate::detect::profile_in(&text, lang),
        None => crate::detect::profile(&text),
    })
}

/// Reads an article record.
pub(crate) fn read_article(store: &Store, id: &ArticleId) -> Result<Option<ArticleRecord>> {
    match store.get(ks::ARTICLES, id.as_bytes())? {
        None => Ok(None),
        Some(v) => stored::decode_article(id.as_bytes(), &v).map(Some),
    }
}

/// The normalised text of an article, verified against its hash.
pub(crate) fn read_text(store: &Store, rec: &ArticleRecord) -> Result<String> {
    let id = parse_blob(&rec.text, &rec.id)?;
    let bytes = store.get_blob(&id)?;
    String::from_utf8(bytes).map_err(|_| Error::Record { what: format!("text of article {}", rec.id.hex()), reason: "not UTF-8".into() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile_of(text: &str) -> Arc<Profile> {
        Arc::new(crate::detect::profile(text))
    }

    #[test]
    fn the_least_recently_used_profile_goes_first_once_past_the_budget() {
        let texts: Vec<String> = (0..4).map(|i| format!("Article number {i} says the council met on Monday. It voted {i} times.")).collect();
        let ps: Vec<Arc<Profile>> = texts.iter().map(|t| profile_of(t)).collect();
        let size = heap_bytes(&ps[0]);
        assert!(size > 100, "{size}");
        // Room for three of the four (they are about the same size).
        let mut cache = ProfileCache::new(3 * size + size / 2);
        for p in &ps[..3] {
            cache.insert(p.id, p.clone(), heap_bytes(p));
        }
        // Using the oldest makes the second the least recently used.
        assert!(cache.get(&ps[0].id).is_some());
        cache.insert(ps[3].id, ps[3].clone(), heap_bytes(&ps[3]));
        assert!(cache.get(&ps[1].id).is_none(), "the least recently used one stayed");
        for k in [0, 2, 3] {
            assert!(cache.get(&ps[k].id).is_some(), "profile {k} was evicted");
        }
        assert_eq!(cache.hits_and_misses(), (4, 1));
        assert!(cache.held().1 <= 3 * size + size / 2);
    }

    #[test]
    fn a_profile_bigger_than_the_budget_is_not_kept() {
        let p = profile_of("One sentence here. And another one there.");
        let mut cache = ProfileCache::new(10);
        cache.insert(p.id, p.clone(), heap_bytes(&p));
        assert!(cache.get(&p.id).is_none());
        assert_eq!(cache.held(), (0, 0));
    }
}
