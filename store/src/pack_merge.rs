//! Merging packs into one, a block at a time where the inputs do not interleave.
//!
//! Main item: [`merge_into`]. The inputs are read block by block, newest pack first on equal
//! keys (the newest entry wins, the others are dropped). A block that no other input has keys
//! inside is copied as it is stored: it is read and checked, its keys go into the new pack's
//! filter, but it is not compressed again. Entries around the keys of other inputs are written
//! one by one, and the block they fill is closed early where copying resumes: a region where
//! inputs interleave costs about one block of its own size. An archive's packs hold random ids, so a small new pack
//! touches few of a big old pack's blocks, and merging into the big pack was mostly
//! recompression (36% of a 500-article add to a 100,000-article archive that merged).

use std::collections::VecDeque;
use std::sync::Arc;

use crate::pack::{Entry, Pack, PackWriter};
use crate::{Result, StoreError};

/// One input pack: the next block not yet read, and what is left of the block being read.
struct Input {
    pack: Arc<Pack>,
    next_block: usize,
    current: VecDeque<Entry>,
}

impl Input {
    /// The input's smallest key left, and whether it starts a block not read yet.
    fn head(&self) -> Option<(&[u8], bool)> {
        match self.current.front() {
            Some((k, _)) => Some((k, false)),
            None if self.next_block < self.pack.block_count() => Some((self.pack.block_keys(self.next_block).0, true)),
            None => None,
        }
    }

    /// Reads the next block into `current`.
    fn read_next(&mut self) -> Result<()> {
        self.current = self.pack.read_entries(self.next_block)?.into();
        self.next_block += 1;
        Ok(())
    }
}

/// What a merge did: blocks copied as stored, entries written one by one, and the bytes (keys
/// and values) of the older entries it dropped because a newer input had their key.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MergeStats {
    pub(crate) copied_blocks: u64,
    pub(crate) pushed_entries: u64,
    pub(crate) shadowed_bytes: u64,
}

/// Writes the merged entries of `packs` (oldest first, as in the catalog) to `w`, dropping
/// tombstones when `drop_tombstones` (the oldest pack takes part).
pub(crate) fn merge_into(packs: &[Arc<Pack>], drop_tombstones: bool, w: &mut PackWriter) -> Result<MergeStats> {
    let mut inputs: Vec<Input> =
        packs.iter().rev().map(|p| Input { pack: Arc::clone(p), next_block: 0, current: VecDeque::new() }).collect();
    let mut stats = MergeStats::default();
    loop {
        // The input with the smallest head key; the newest wins ties.
        let mut best: Option<(usize, &[u8])> = None;
        for (i, input) in inputs.iter().enumerate() {
            if let Some((k, _)) = input.head() {
                if best.is_none_or(|(_, b)| k < b) {
                    best = Some((i, k));
                }
            }
        }
        let Some((winner, _)) = best else { break };
        if inputs[winner].current.is_empty() {
            let b = inputs[winner].next_block;
            let last = inputs[winner].pack.block_keys(b).1;
            let alone = inputs.iter().enumerate().all(|(j, o)| j == winner || o.head().is_none_or(|(k, _)| k > last));
            if alone {
                let input = &mut inputs[winner];
                let (stored, entries) = input.pack.read_stored_entries(b)?;
                input.next_block += 1;
                // `alone` was decided on the index's keys: the block must hold just those.
                let (first, last) = input.pack.block_keys(b);
                if entries.first().map(|e| e.0.as_slice()) != Some(first) || entries.last().map(|e| e.0.as_slice()) != Some(last) {
                    return Err(StoreError::Pack {
                        path: input.pack.path().to_path_buf(),
                        reason: format!("block {b}: its keys differ from the index's"),
                    });
                }
                if !(drop_tombstones && entries.iter().any(|(_, v)| v.is_none())) {
                    // The entries pushed one by one since the last copied block end in a block
                    // of their own, so that copying resumes at the inputs' block boundaries.
                    w.push_stored_block(&stored, input.pack.block_sizes(b).1, &entries)?;
                    stats.copied_blocks += 1;
                    continue;
                }
                input.current = entries.into();
            } else {
                inputs[winner].read_next()?;
            }
            continue;
        }
        let Some((key, value)) = inputs[winner].current.pop_front() else { continue };
        // Older inputs' entries under the same key are shadowed.
        for (j, input) in inputs.iter_mut().enumerate() {
            if j == winner {
                continue;
            }
            while let Some((k, unread)) = input.head() {
                if k != key.as_slice() {
                    break;
                }
                if unread {
                    input.read_next()?;
                } else if let Some((k, v)) = input.current.pop_front() {
                    stats.shadowed_bytes += (k.len() + v.map_or(0, |v| v.len())) as u64;
                }
            }
        }
        if value.is_some() || !drop_tombstones {
            w.push(&key, value.as_deref())?;
            stats.pushed_entries += 1;
        }
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::composite;
    use std::collections::BTreeMap;
    use std::path::Path;

    fn write_pack(path: &Path, entries: &BTreeMap<Vec<u8>, Option<Vec<u8>>>) -> Arc<Pack> {
        let mut w = PackWriter::create(path, entries.len() as u64, 6).unwrap();
        for (k, v) in entries {
            w.push(k, v.as_deref()).unwrap();
        }
        w.finish().unwrap();
        Arc::new(Pack::open(1, path).unwrap())
    }

    /// A format-1 pack (the fixture) merges with a newer pack that overwrites its first key and
    /// removes its last: the newer entry wins the tie with the old block's first key.
    #[test]
    fn format_1_pack_merges_with_ties_at_block_starts() {
        let dir = tempfile::tempdir().unwrap();
        let old = Arc::new(Pack::open(1, &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pack-v1.stp")).unwrap());
        let mut model: BTreeMap<Vec<u8>, Option<Vec<u8>>> = all_entries(&old).into_iter().collect();
        let first_keys: Vec<Vec<u8>> = (0..old.block_count()).map(|i| old.block_keys(i).0.to_vec()).collect();
        let mut new = BTreeMap::new();
        for k in &first_keys {
            new.insert(k.clone(), Some(b"newer".to_vec()));
        }
        let last = model.keys().next_back().unwrap().clone();
        new.insert(last, None);
        let packs = [old, write_pack(&dir.path().join("new.stp"), &new)];
        model.extend(new);
        model.retain(|_, v| v.is_some());
        let out = dir.path().join("merged.stp");
        let mut w = PackWriter::create(&out, 10_000, 6).unwrap();
        merge_into(&packs, true, &mut w).unwrap();
        w.finish().unwrap();
        assert_eq!(all_entries(&Pack::open(2, &out).unwrap()), model.into_iter().collect::<Vec<_>>());
    }

    fn all_entries(p: &Pack) -> Vec<Entry> {
        (0..p.block_count()).flat_map(|i| p.read_entries(i).unwrap()).collect()
    }

    #[test]
    fn untouched_blocks_are_copied_and_the_result_is_the_merge() {
        let dir = tempfile::tempdir().unwrap();
        let key = |i: u32| composite(b"rec", &i.to_be_bytes());
        let value = |i: u32, tag: &str| Some(format!("{tag} value {i} ").repeat(1 + i as usize % 7).into_bytes());
        let old: BTreeMap<_, _> = (0..6000).map(|i| (key(i * 2), value(i * 2, "old"))).collect();
        // The newer pack overwrites two keys, removes one and adds three, all in one region.
        let mut new = BTreeMap::new();
        for i in [3000u32, 3002] {
            new.insert(key(i), value(i, "new"));
        }
        new.insert(key(3004), None);
        for i in [3001u32, 3003, 3005] {
            new.insert(key(i), value(i, "new"));
        }
        let packs = [write_pack(&dir.path().join("old.stp"), &old), write_pack(&dir.path().join("new.stp"), &new)];
        assert!(packs[0].block_count() > 10);
        for drop_tombstones in [false, true] {
            let mut model = old.clone();
            model.extend(new.clone());
            if drop_tombstones {
                model.retain(|_, v| v.is_some());
            }
            let out = dir.path().join(format!("merged-{drop_tombstones}.stp"));
            let mut w = PackWriter::create(&out, 6006, 6).unwrap();
            let stats = merge_into(&packs, drop_tombstones, &mut w).unwrap();
            w.finish().unwrap();
            let merged = Pack::open(2, &out).unwrap();
            let got: Vec<Entry> = all_entries(&merged);
            assert_eq!(got, model.into_iter().collect::<Vec<_>>());
            for (k, _) in &got {
                assert!(merged.may_contain(crate::pack::KeyHash::of(k)));
            }
            // All but the blocks around the new keys were copied.
            assert!(stats.copied_blocks as usize >= packs[0].block_count() - 3, "{stats:?} of {} blocks", packs[0].block_count());
            assert!(stats.pushed_entries > 0);
        }
    }
}
