//! Moving loose records into pack files, merging packs, and the pack catalog.
//!
//! New writes go to sled ("loose"), one atomic transaction per batch. [`Store::pack`] moves
//! every loose entry into a new pack file and, in one sled transaction, removes those entries
//! and appends the pack to the catalog (meta key `packs`); the file is complete and synced
//! before that transaction, so a kill at any moment leaves either the loose entries or the
//! pack, never neither. Packs are then merged so that the newest is always less than half the
//! size of the one before it (a binary counter: O(log n) packs, each byte rewritten O(log n)
//! times). Files in `packs/` that the catalog does not list are leftovers of an interrupted
//! pack or merge and are removed at open.
//!
//! A newer entry shadows an older one under the same key in an older pack; only a merge that
//! takes in both drops the older. The binary counter rarely merges into the oldest, biggest
//! pack, so records rewritten often (the candidate index's pages) would leave dead versions
//! there. Batches declare the bytes they supersede ([`crate::Batch::supersedes`]), merges
//! subtract what they drop, and [`Store::merge_if_superseded`] merges everything once the
//! count is a set share of the packs.

use std::collections::HashSet;
use std::fs;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use sled::transaction::{ConflictableTransactionResult, TransactionError, TransactionalTree};
use sled::{Transactional, Tree};

use crate::error::{db_err, io_err};
use crate::pack::{self, Pack, PackWriter, BLOB_KEYSPACE};
use crate::store::{Store, BLOBS_TREE, LOOSE_PREFIX, TOMB_PREFIX};
use crate::{Result, StoreError};

pub(crate) const PACKS_DIR: &str = "packs";
const CATALOG_KEY: &[u8] = b"packs";
const NEXT_PACK_KEY: &[u8] = b"next-pack";
/// Bytes of packed entries superseded by newer ones, about: what batches declared
/// ([`crate::Batch::supersedes`]) less what merges dropped since (0 after a merge of every pack).
const SUPERSEDED_KEY: &[u8] = b"superseded-bytes";
/// Loose bytes gathered into one pack at most (a repository written before packs existed is
/// packed in several).
const MAX_PACK_INPUT: u64 = 64 << 20;
/// More packs than this are merged regardless of their sizes.
const MAX_PACKS: usize = 24;
/// zstd level of record blocks: 9 gave 0.2% smaller cases3k repositories than 6, for more time
/// in every pack and merge.
const PACK_LEVEL: i32 = 6;

pub(crate) fn pack_file_name(no: u64) -> String {
    format!("pack-{no:08}.stp")
}

/// Parses the catalog value: pack numbers, oldest first.
pub(crate) fn parse_catalog(v: &[u8]) -> Option<Vec<u64>> {
    if !v.len().is_multiple_of(8) {
        return None;
    }
    Some(v.chunks(8).map(|c| u64::from_be_bytes(c.try_into().unwrap_or_default())).collect())
}

/// A big-endian u64 meta value; 0 when absent or not 8 bytes.
fn be_u64(v: Option<impl AsRef<[u8]>>) -> u64 {
    v.and_then(|v| <[u8; 8]>::try_from(v.as_ref()).ok()).map_or(0, u64::from_be_bytes)
}

/// Adds `n` to the superseded-bytes count, inside a transaction on the meta tree.
pub(crate) fn add_superseded(meta: &TransactionalTree, n: u64) -> ConflictableTransactionResult<(), ()> {
    let now = be_u64(meta.get(SUPERSEDED_KEY)?);
    meta.insert(SUPERSEDED_KEY, &now.saturating_add(n).to_be_bytes()[..])?;
    Ok(())
}

fn encode_catalog(nos: &[u64]) -> Vec<u8> {
    nos.iter().flat_map(|n| n.to_be_bytes()).collect()
}

/// A loose entry on its way into a pack: composite key, value (`None`: tombstone), index of
/// its loose tree, key in that tree.
type LooseEntry = (Vec<u8>, Option<Vec<u8>>, usize, Vec<u8>);

/// A loose sled tree and the keyspace (as packed) whose values or tombstones it holds.
struct LooseTree {
    tree: Tree,
    keyspace: Vec<u8>,
    tombstones: bool,
}

impl Store {
    /// The packs listed in the catalog, opened; removes pack files the catalog does not list.
    pub(crate) fn open_packs(root: &std::path::Path, meta: &Tree) -> Result<Vec<Arc<Pack>>> {
        let catalog = match meta.get(CATALOG_KEY).map_err(db_err("reading the pack catalog"))? {
            Some(v) => parse_catalog(&v).ok_or_else(|| StoreError::Pack {
                path: root.join(PACKS_DIR),
                reason: "the pack catalog is malformed".to_string(),
            })?,
            None => Vec::new(),
        };
        let dir = root.join(PACKS_DIR);
        let listed: HashSet<String> = catalog.iter().map(|&n| pack_file_name(n)).collect();
        match fs::read_dir(&dir) {
            Ok(entries) => {
                for entry in entries {
                    let entry = entry.map_err(io_err(&dir))?;
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if !listed.contains(&name) && (name.ends_with(".stp") || name.ends_with(".tmp")) {
                        fs::remove_file(entry.path()).map_err(io_err(entry.path()))?;
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(&dir)(e)),
        }
        catalog
            .iter()
            .map(|&no| {
                let path = dir.join(pack_file_name(no));
                match Pack::open(no, &path) {
                    Err(StoreError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                        Err(StoreError::Pack { path, reason: "missing (restore the repository from a backup)".into() })
                    }
                    other => other.map(Arc::new),
                }
            })
            .collect()
    }

    fn loose_trees(&self) -> Result<Vec<LooseTree>> {
        let mut out = Vec::new();
        for name in self.db.tree_names() {
            let (keyspace, tombstones) = if name.as_ref() == BLOBS_TREE.as_bytes() {
                (BLOB_KEYSPACE.to_vec(), false)
            } else if let Some(ks) = name.strip_prefix(LOOSE_PREFIX.as_bytes()) {
                (ks.to_vec(), false)
            } else if let Some(ks) = name.strip_prefix(TOMB_PREFIX.as_bytes()) {
                (ks.to_vec(), true)
            } else {
                continue;
            };
            let tree = self.db.open_tree(&name).map_err(db_err("opening a loose tree"))?;
            out.push(LooseTree { tree, keyspace, tombstones });
        }
        Ok(out)
    }

    /// Bytes of keys and values in the loose trees (what [`Store::pack`] would move).
    pub(crate) fn count_loose_bytes(&self) -> Result<u64> {
        let mut total = 0u64;
        for lt in self.loose_trees()? {
            for kv in lt.tree.iter() {
                let (k, v) = kv.map_err(db_err("reading loose records"))?;
                total += (k.len() + v.len()) as u64;
            }
        }
        Ok(total)
    }

    /// Moves every loose record and blob into pack files, then merges packs as needed.
    /// Returns how many entries were packed.
    pub fn pack(&self) -> Result<u64> {
        let _writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let mut packed = 0;
        loop {
            let n = self.pack_some_loose()?;
            if n == 0 {
                break;
            }
            packed += n;
        }
        self.loose_bytes.store(0, Ordering::SeqCst);
        self.loose_counted.store(true, Ordering::SeqCst);
        self.merge_packs()?;
        Ok(packed)
    }

    /// Merges all packs into one when there are several and together they hold at most
    /// `max_total` bytes: drops the older versions of rewritten records (the candidate index
    /// is rewritten at every checkpoint) and the tombstones. Returns whether it merged.
    pub fn merge_small_packs(&self, max_total: u64) -> Result<bool> {
        self.merge_all_when(|size| Ok(size <= max_total))
    }

    /// The superseded-bytes count (see [`crate::Batch::supersedes`]): about how many bytes of
    /// the packs' entries newer entries shadow, which only a merge of every pack drops.
    pub fn superseded_bytes(&self) -> Result<u64> {
        Ok(be_u64(self.meta.get(SUPERSEDED_KEY).map_err(db_err("reading the pack catalog"))?))
    }

    /// Merges every pack into one when the superseded bytes are at least `1 / denominator` of
    /// the packs' size on disk: the merge costs a rewrite of everything, which this bounds to
    /// about `denominator` bytes written per dead byte dropped. (The count is of uncompressed
    /// bytes; what gets superseded is mostly the candidate index's pages, which do not
    /// compress.) Returns whether it merged.
    pub fn merge_if_superseded(&self, denominator: u64) -> Result<bool> {
        self.merge_all_when(|size| {
            let dead = self.superseded_bytes()?;
            Ok(dead > 0 && dead.saturating_mul(denominator.max(1)) >= size)
        })
    }

    /// Merges every pack into one when there are several and `due` says so, given their total
    /// size on disk; returns whether it merged.
    fn merge_all_when(&self, due: impl FnOnce(u64) -> Result<bool>) -> Result<bool> {
        let _writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let packs = self.packs_snapshot();
        if packs.len() < 2 || !due(packs.iter().map(|p| p.size()).sum())? {
            return Ok(false);
        }
        self.merge_range(&packs, 0)?;
        Ok(true)
    }

    /// Packs loose entries up to [`MAX_PACK_INPUT`] bytes into one new pack; returns how many.
    fn pack_some_loose(&self) -> Result<u64> {
        let trees = self.loose_trees()?;
        let mut entries: Vec<LooseEntry> = Vec::new();
        let mut bytes = 0u64;
        'trees: for (t, lt) in trees.iter().enumerate() {
            for kv in lt.tree.iter() {
                let (k, v) = kv.map_err(db_err("reading loose records"))?;
                bytes += (k.len() + v.len()) as u64;
                let value = if lt.tombstones { None } else { Some(v.to_vec()) };
                entries.push((pack::composite(&lt.keyspace, &k), value, t, k.to_vec()));
                if bytes >= MAX_PACK_INPUT {
                    break 'trees;
                }
            }
        }
        if entries.is_empty() {
            return Ok(0);
        }
        // A key can be loose and tombstoned at once only if a crash split an update; the loose
        // value is the newer (an insert clears the tombstone in the same transaction).
        entries.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.is_some().cmp(&a.1.is_some())));
        let mut last: Option<&[u8]> = None;
        let unique = entries.iter().filter(|(ck, ..)| last.replace(ck.as_slice()) != Some(ck.as_slice()));
        let loose: Vec<Tree> = trees.iter().map(|lt| lt.tree.clone()).collect();
        let superseded: Vec<(usize, &[u8])> = entries.iter().map(|(_, _, t, k)| (*t, k.as_slice())).collect();
        self.add_listed_pack(entries.len() as u64, unique.map(|(ck, v, ..)| (ck.as_slice(), v.as_deref())), &loose, &superseded, 0)?;
        self.has_tombstones.store(false, Ordering::SeqCst);
        Ok(entries.len() as u64)
    }

    /// Writes `entries` (composite keys in order, at most `max_entries`) into a new pack file,
    /// then in one sled transaction lists it in the catalog and removes the `superseded` keys
    /// (an index into `loose`, a key) that it now holds, adding `dead` to the superseded-bytes
    /// count; durable when it returns.
    fn add_listed_pack<'e>(
        &self,
        max_entries: u64,
        entries: impl Iterator<Item = (&'e [u8], Option<&'e [u8]>)>,
        loose: &[Tree],
        superseded: &[(usize, &[u8])],
        dead: u64,
    ) -> Result<()> {
        let no = self.next_pack_no()?;
        let path = self.path.join(PACKS_DIR).join(pack_file_name(no));
        fs::create_dir_all(self.path.join(PACKS_DIR)).map_err(io_err(self.path.join(PACKS_DIR)))?;
        let mut w = PackWriter::create(&path, max_entries, PACK_LEVEL)?;
        for (ck, v) in entries {
            w.push(ck, v)?;
        }
        w.finish()?;
        let pack = Arc::new(Pack::open(no, &path)?);

        let mut catalog: Vec<u64> = self.packs_snapshot().iter().map(|p| p.no).collect();
        catalog.push(no);
        let mut tx_trees: Vec<Tree> = vec![self.meta.clone()];
        tx_trees.extend(loose.iter().cloned());
        let result: std::result::Result<(), TransactionError<()>> = tx_trees[..].transaction(|views| {
            views[0].insert(CATALOG_KEY, encode_catalog(&catalog))?;
            views[0].insert(NEXT_PACK_KEY, &(no + 1).to_be_bytes()[..])?;
            for &(t, k) in superseded {
                views[1 + t].remove(k)?;
            }
            if dead > 0 {
                add_superseded(&views[0], dead)?;
            }
            Ok(())
        });
        tx_result(result, "recording a new pack")?;
        self.packs.write().unwrap_or_else(|p| p.into_inner()).push(pack);
        self.dirty.store(true, Ordering::SeqCst);
        self.flush_db()
    }

    /// Commits a batch of records as a pack of its own instead of through sled: atomically
    /// like [`Store::commit`] (the pack file is complete and synced before one sled transaction
    /// lists it and drops the loose values and tombstones it supersedes), and durably at once.
    /// For big batches: sled holds several times a transaction's bytes in memory (a checkpoint
    /// of the candidate index at 100,000 articles, 17 MB of pages, took 157 MB), a pack only its
    /// block index and Bloom filter. A batch that holds blobs is committed the usual way.
    pub fn commit_packed(&self, batch: crate::Batch<'_>) -> Result<()> {
        let dead = batch.superseded;
        let records = match batch.into_records() {
            Ok(r) => r,
            Err(batch) => return self.commit(batch),
        };
        // Values are moved into the pack's entries; the keys are kept for the transaction.
        let mut entries: Vec<(Vec<u8>, Option<Vec<u8>>)> = Vec::new();
        let mut keys: Vec<(String, Vec<Vec<u8>>)> = Vec::with_capacity(records.len());
        for (keyspace, ops) in records {
            let mut ks_keys = Vec::with_capacity(ops.len());
            for (key, op) in ops {
                entries.push((pack::composite(keyspace.as_bytes(), &key), op));
                ks_keys.push(key);
            }
            keys.push((keyspace, ks_keys));
        }
        if entries.is_empty() {
            return Ok(());
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let _writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        // The loose values it supersedes, and the tombstones when there may be any.
        let tombstones = self.has_tombstones.load(Ordering::SeqCst);
        let mut loose: Vec<Tree> = Vec::new();
        let mut superseded: Vec<(usize, &[u8])> = Vec::new();
        for (keyspace, ks_keys) in &keys {
            let mut trees = vec![self.tree(keyspace)?];
            if tombstones {
                trees.push(self.tombstone_tree(keyspace.as_bytes())?);
            }
            for t in loose.len()..loose.len() + trees.len() {
                superseded.extend(ks_keys.iter().map(|k| (t, k.as_slice())));
            }
            loose.extend(trees);
        }
        self.add_listed_pack(entries.len() as u64, entries.iter().map(|(ck, v)| (ck.as_slice(), v.as_deref())), &loose, &superseded, dead)?;
        drop(entries);
        // What it supersedes (an earlier checkpoint's pages) goes when it merges with them.
        self.merge_packs()
    }

    fn next_pack_no(&self) -> Result<u64> {
        // Pack numbers start at 1, and the stored next number is never 0.
        let stored = be_u64(self.meta.get(NEXT_PACK_KEY).map_err(db_err("reading the pack catalog"))?).max(1);
        let after_listed = self.packs_snapshot().iter().map(|p| p.no + 1).max().unwrap_or(1);
        Ok(stored.max(after_listed))
    }

    /// Merges the newest packs while the newest is at least half the size of the one before
    /// (or while there are too many packs).
    fn merge_packs(&self) -> Result<()> {
        loop {
            let packs = self.packs_snapshot();
            let n = packs.len();
            if n < 2 {
                return Ok(());
            }
            // The run of newest packs to merge: extend while the merged size would reach half
            // of the next older pack.
            let at_least = if n > MAX_PACKS { n - MAX_PACKS + 1 } else { 1 };
            let mut start = n - 1;
            let mut size = packs[n - 1].size();
            while start > 0 && (size * 2 >= packs[start - 1].size() || n - start < at_least) {
                start -= 1;
                size += packs[start].size();
            }
            if start == n - 1 {
                return Ok(());
            }
            self.merge_range(&packs, start)?;
        }
    }

    /// Replaces `packs[start..]` by one pack holding their merged entries (newest wins);
    /// tombstones are dropped when the oldest pack takes part.
    fn merge_range(&self, packs: &[Arc<Pack>], start: usize) -> Result<()> {
        let inputs = &packs[start..];
        let no = self.next_pack_no()?;
        let path = self.path.join(PACKS_DIR).join(pack_file_name(no));
        let max_entries: u64 = inputs.iter().map(|p| p.entries()).fold(0, u64::saturating_add);
        let mut w = PackWriter::create(&path, max_entries, PACK_LEVEL)?;
        let stats = crate::pack_merge::merge_into(inputs, start == 0, &mut w)?;
        w.finish()?;
        let merged = Arc::new(Pack::open(no, &path)?);
        let mut catalog: Vec<u64> = packs[..start].iter().map(|p| p.no).collect();
        catalog.push(no);
        // A merge of every pack leaves nothing superseded; a partial one what it did not drop.
        let dead = if start == 0 { 0 } else { self.superseded_bytes()?.saturating_sub(stats.shadowed_bytes) };
        let mut batch = sled::Batch::default();
        batch.insert(CATALOG_KEY, encode_catalog(&catalog));
        batch.insert(NEXT_PACK_KEY, &(no + 1).to_be_bytes()[..]);
        batch.insert(SUPERSEDED_KEY, &dead.to_be_bytes()[..]);
        self.meta.apply_batch(batch).map_err(db_err("recording merged packs"))?;
        self.dirty.store(true, Ordering::SeqCst);
        self.flush_db()?;
        {
            let mut live = self.packs.write().unwrap_or_else(|p| p.into_inner());
            live.truncate(start);
            live.push(merged);
        }
        self.forget_cached_blocks();
        for p in inputs {
            // A file left behind (e.g. on a read-only mount) is removed at the next open.
            let _ = fs::remove_file(p.path());
        }
        Ok(())
    }
}

fn tx_result(result: std::result::Result<(), TransactionError<()>>, context: &str) -> Result<()> {
    match result {
        Ok(()) => Ok(()),
        Err(TransactionError::Storage(e)) => Err(db_err(context)(e)),
        Err(TransactionError::Abort(())) => Err(StoreError::Database {
            context: context.to_string(),
            source: sled::Error::Unsupported("transaction aborted".to_string()),
        }),
    }
}
