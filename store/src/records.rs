//! Reading one keyspace as a whole: loose records merged with packed ones.
//!
//! Main types: [`Records`] (the public iterator, double-ended) and [`Merge`] (a k-way merge of
//! sorted sources where the first source holding a key wins, also used to merge packs).

use std::fmt;
use std::iter::Peekable;
use std::sync::Arc;

use sled::Tree;

use crate::error::db_err;
use crate::pack::{self, Entry, Pack, PackCursor};
use crate::{Result, StoreError};

/// A sorted source of entries (values or tombstones).
pub(crate) type Source = Box<dyn Iterator<Item = Result<Entry>>>;

/// A k-way merge of sorted sources; on equal keys the source listed first wins and the others'
/// entries are skipped. Yields tombstones too (as `None` values); the first error ends it,
/// unless the merge salvages: then a damaged pack block ([`StoreError::Pack`]) is yielded as
/// one error and the merge goes on.
pub(crate) struct Merge {
    sources: Vec<Peekable<Source>>,
    backwards: bool,
    failed: bool,
    salvage: bool,
}

impl Merge {
    /// Merges `sources` (newest first), all sorted in the same direction.
    pub(crate) fn new(sources: Vec<Source>, backwards: bool) -> Merge {
        Merge { sources: sources.into_iter().map(Iterator::peekable).collect(), backwards, failed: false, salvage: false }
    }
}

/// Whether reading can go on past `e`: a damaged pack block, which a salvaging cursor skips.
fn skippable(e: &StoreError) -> bool {
    matches!(e, StoreError::Pack { .. })
}

impl Iterator for Merge {
    type Item = Result<Entry>;

    fn next(&mut self) -> Option<Result<Entry>> {
        if self.failed {
            return None;
        }
        let mut best: Option<(usize, Vec<u8>)> = None;
        for i in 0..self.sources.len() {
            match self.sources[i].peek() {
                None => {}
                Some(Err(e)) => {
                    self.failed = !(self.salvage && skippable(e));
                    return self.sources[i].next();
                }
                Some(Ok((k, _))) => {
                    let better = match &best {
                        None => true,
                        Some((_, b)) => {
                            if self.backwards {
                                k > b
                            } else {
                                k < b
                            }
                        }
                    };
                    if better {
                        best = Some((i, k.clone()));
                    }
                }
            }
        }
        let (winner, key) = best?;
        let item = self.sources[winner].next();
        for (j, s) in self.sources.iter_mut().enumerate() {
            if j != winner && matches!(s.peek(), Some(Ok((k, _))) if *k == key) {
                s.next();
            }
        }
        item
    }
}

/// What a [`Records`] iterator reads: one keyspace's loose trees and the packs, in a prefix.
pub(crate) struct Scope {
    pub(crate) keyspace: String,
    pub(crate) keyspace_bytes: Vec<u8>,
    pub(crate) loose: Tree,
    pub(crate) tombstones: Option<Tree>,
    /// Oldest first.
    pub(crate) packs: Vec<Arc<Pack>>,
    pub(crate) prefix: Vec<u8>,
    /// Whether damaged pack blocks are skipped (see [`Records::salvaging`]).
    pub(crate) salvage: bool,
}

fn sled_source(tree: &Tree, prefix: &[u8], backwards: bool, tombstones: bool, keyspace: &str) -> Source {
    let context = format!("reading keyspace {keyspace}");
    let iter = tree.scan_prefix(prefix);
    let map = move |r: sled::Result<(sled::IVec, sled::IVec)>| -> Result<Entry> {
        let (k, v) = r.map_err(db_err(context.clone()))?;
        Ok((k.to_vec(), if tombstones { None } else { Some(v.to_vec()) }))
    };
    if backwards {
        Box::new(iter.rev().map(map))
    } else {
        Box::new(iter.map(map))
    }
}

impl Scope {
    fn merge(&self, backwards: bool) -> Merge {
        let mut sources: Vec<Source> = vec![sled_source(&self.loose, &self.prefix, backwards, false, &self.keyspace)];
        if let Some(t) = &self.tombstones {
            sources.push(sled_source(t, &self.prefix, backwards, true, &self.keyspace));
        }
        let lo = pack::composite(&self.keyspace_bytes, &self.prefix);
        let hi = pack::prefix_end(&lo);
        let strip = self.keyspace_bytes.len() + 1;
        for p in self.packs.iter().rev() {
            let cursor = PackCursor::new(Arc::clone(p), lo.clone(), hi.clone(), backwards, self.salvage);
            sources.push(Box::new(cursor.map(move |r| r.map(|(k, v)| (k[strip..].to_vec(), v)))));
        }
        let mut merge = Merge::new(sources, backwards);
        merge.salvage = self.salvage;
        merge
    }
}

/// An iterator over `(key, value)` records of one keyspace, in key order; double-ended.
///
/// Loose records (written since the last pack) and packed ones are merged as they are read; a
/// removed key is skipped. Ends after its first error (sled's own iterator would repeat a read
/// error forever, so callers that skip errors would never finish), unless [`Records::salvaging`].
pub struct Records {
    state: std::result::Result<Scope, Option<crate::StoreError>>,
    front: Option<Merge>,
    back: Option<Merge>,
    front_last: Option<Vec<u8>>,
    back_last: Option<Vec<u8>>,
    done: bool,
}

impl Records {
    pub(crate) fn new(scope: Result<Scope>) -> Records {
        Records { state: scope.map_err(Some), front: None, back: None, front_last: None, back_last: None, done: false }
    }

    /// Reads past damaged pack blocks, for salvage (`stet export`): each one is yielded as one
    /// [`StoreError::Pack`] error and reading goes on with the next block; any other error
    /// still ends the iterator. A key whose newest version lies in a damaged block comes from
    /// an older pack if one holds it (an older version), else not at all.
    pub fn salvaging(mut self) -> Records {
        if let Ok(scope) = &mut self.state {
            scope.salvage = true;
        }
        self
    }

    fn step(&mut self, backwards: bool) -> Option<Result<(Vec<u8>, Vec<u8>)>> {
        if self.done {
            return None;
        }
        let scope = match &mut self.state {
            Ok(s) => s,
            Err(e) => {
                self.done = true;
                return e.take().map(Err);
            }
        };
        let merge = if backwards { &mut self.back } else { &mut self.front };
        let merge = merge.get_or_insert_with(|| scope.merge(backwards));
        loop {
            match merge.next() {
                None => {
                    self.done = true;
                    return None;
                }
                Some(Err(e)) => {
                    self.done = !(scope.salvage && skippable(&e));
                    return Some(Err(e));
                }
                Some(Ok((k, v))) => {
                    // The two ends meet: everything between was yielded by the other end.
                    let crossed = if backwards {
                        self.front_last.as_ref().is_some_and(|f| k <= *f)
                    } else {
                        self.back_last.as_ref().is_some_and(|b| k >= *b)
                    };
                    if crossed {
                        self.done = true;
                        return None;
                    }
                    if backwards {
                        self.back_last = Some(k.clone());
                    } else {
                        self.front_last = Some(k.clone());
                    }
                    match v {
                        Some(v) => return Some(Ok((k, v))),
                        None => continue,
                    }
                }
            }
        }
    }
}

impl fmt::Debug for Records {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keyspace = self.state.as_ref().map(|s| s.keyspace.as_str()).unwrap_or("?");
        f.debug_struct("Records").field("keyspace", &keyspace).finish_non_exhaustive()
    }
}

impl Iterator for Records {
    type Item = Result<(Vec<u8>, Vec<u8>)>;

    fn next(&mut self) -> Option<Self::Item> {
        self.step(false)
    }
}

impl DoubleEndedIterator for Records {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.step(true)
    }
}
