//! Rewriting sled's folder: [`compact_database`] once everything is packed, [`grow_segments`]
//! before bulk writes.
//!
//! sled 0.34 does not give back the space of removed records: after [`crate::Store::pack`] has
//! moved every loose record into pack files, its folder can still hold megabytes of dead log
//! segments around a few hundred live bytes (the catalog, the generation, the format version).
//! Nor does it change a database's segment size. Both are done by copying: the live trees go
//! into `db.new` (compaction: in [`AT_REST_SEGMENT_SIZE`] segments, so that a repository at rest
//! keeps one 4 KiB segment; growing: in [`NEW_SEGMENT_SIZE`] ones, which write faster), then
//! the folders are swapped with two renames: `db` -> `db.old`, `db.new` -> `db`, and `db.old` is
//! removed. [`recover_swap`] (run at every open, under the lock) finishes or undoes a swap that a
//! kill interrupted: `db.new` without `db` is the complete copy (the first rename only happens
//! after the copy is flushed); `db.new` beside `db` is an unfinished copy; `db.old` beside `db`
//! is the replaced original.

use std::fs;
use std::path::Path;

use sled::IVec;

use crate::error::{db_err, io_err};
use crate::sled_open::open_sled;
use crate::folder::{
    disk_usage, existing_segment_size, read_marker, sled_config, sled_config_sized, take_lock, AT_REST_SEGMENT_SIZE,
    NEW_SEGMENT_SIZE,
};
use crate::store::DB_DIR;
use crate::{Result, StoreError};

const DB_NEW: &str = "db.new";
const DB_OLD: &str = "db.old";
/// sled folders in at-rest segments smaller than this are left alone.
const MIN_COMPACT_BYTES: u64 = 1 << 20;
/// Compact only when the folder is at least this many times its live bytes (or, when its
/// segments are larger than at rest, when the live bytes fit in [`MAX_AT_REST_LIVE`]).
const MIN_WASTE_FACTOR: u64 = 8;
/// Most live bytes worth moving into at-rest segments whatever the folder's size.
const MAX_AT_REST_LIVE: u64 = 16 << 10;

/// The trees of a sled folder and their entries.
type Trees = Vec<(IVec, Vec<(IVec, IVec)>)>;

fn sync_dir(dir: &Path) -> Result<()> {
    fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io_err(dir))
}

/// Finishes or undoes a folder swap interrupted by a kill (see the module docs).
pub(crate) fn recover_swap(root: &Path) -> Result<()> {
    let (db, new, old) = (root.join(DB_DIR), root.join(DB_NEW), root.join(DB_OLD));
    if new.exists() {
        if db.exists() {
            fs::remove_dir_all(&new).map_err(io_err(&new))?;
        } else {
            fs::rename(&new, &db).map_err(io_err(&db))?;
            sync_dir(root)?;
        }
    }
    if old.exists() && db.exists() {
        fs::remove_dir_all(&old).map_err(io_err(&old))?;
    }
    Ok(())
}

/// Reads every tree of the folder `dir`. `None` when `only_packed` and a loose tree holds
/// records, or when the live bytes pass `budget`.
fn read_trees(dir: &Path, only_packed: bool, budget: u64) -> Result<Option<Trees>> {
    let db = open_sled(&sled_config(dir)).map_err(db_err("opening the database"))?;
    let mut trees = Vec::new();
    let mut live = 0u64;
    for name in db.tree_names() {
        let loose = [b"blobs".as_slice(), b"k:", b"d:"].iter().any(|p| name.starts_with(p));
        let tree = db.open_tree(&name).map_err(db_err("opening a tree"))?;
        let mut entries = Vec::new();
        for kv in tree.iter() {
            let (k, v) = kv.map_err(db_err("reading the database"))?;
            if loose && only_packed {
                return Ok(None); // not packed: nothing to gain before packing
            }
            live += (k.len() + v.len()) as u64;
            if live > budget {
                return Ok(None);
            }
            entries.push((k, v));
        }
        trees.push((name, entries));
    }
    Ok(Some(trees))
}

/// Writes `trees` into a new folder with `segment_size` segments and swaps it in for `db`.
fn replace_with_copy(root: &Path, trees: Trees, segment_size: usize) -> Result<()> {
    let dir = root.join(DB_DIR);
    // Reopening proves sled has let go of the folder (its lock is released once its threads end).
    drop(open_sled(&sled_config(&dir)).map_err(db_err("opening the database"))?);

    let new = root.join(DB_NEW);
    if new.exists() {
        fs::remove_dir_all(&new).map_err(io_err(&new))?;
    }
    let config = sled_config_sized(&new, segment_size);
    {
        let db = open_sled(&config).map_err(db_err("writing the copied database"))?;
        for (name, entries) in trees {
            let tree = db.open_tree(&name).map_err(db_err("writing the copied database"))?;
            for (k, v) in entries {
                tree.insert(k, v).map_err(db_err("writing the copied database"))?;
            }
        }
        db.flush().map_err(db_err("flushing the copied database"))?;
    }
    drop(open_sled(&config).map_err(db_err("opening the copied database"))?);
    sync_dir(root)?;
    let old = root.join(DB_OLD);
    fs::rename(&dir, &old).map_err(io_err(&old))?;
    fs::rename(&new, &dir).map_err(io_err(&dir))?;
    sync_dir(root)?;
    fs::remove_dir_all(&old).map_err(io_err(&old))?;
    Ok(())
}

/// Rewrites the repository's sled folder in at-rest segments when it holds no loose records
/// (pack first) and is mostly dead space or in larger segments. Returns whether it did. Takes
/// the repository lock for the duration ([`StoreError::Locked`] when another process holds it).
pub fn compact_database(root: &Path) -> Result<bool> {
    if read_marker(root)?.is_none() {
        return Err(StoreError::NotARepository { path: root.to_path_buf() });
    }
    let _lock = take_lock(root)?;
    recover_swap(root)?;
    let dir = root.join(DB_DIR);
    let size = disk_usage(&dir)?;
    let at_rest = existing_segment_size(&dir).is_some_and(|s| s <= AT_REST_SEGMENT_SIZE);
    if at_rest && size < MIN_COMPACT_BYTES {
        return Ok(false);
    }
    let budget = if at_rest { size / MIN_WASTE_FACTOR } else { (size / MIN_WASTE_FACTOR).max(MAX_AT_REST_LIVE) };
    let Some(trees) = read_trees(&dir, true, budget)? else {
        return Ok(false);
    };
    replace_with_copy(root, trees, AT_REST_SEGMENT_SIZE)?;
    Ok(true)
}

/// Copies a database kept in segments smaller than [`NEW_SEGMENT_SIZE`] into segments of that
/// size, whatever it holds. The caller holds the repository lock. Returns whether it did.
pub(crate) fn grow_segments(root: &Path) -> Result<bool> {
    let dir = root.join(DB_DIR);
    if existing_segment_size(&dir).is_none_or(|s| s >= NEW_SEGMENT_SIZE) {
        return Ok(false);
    }
    let Some(trees) = read_trees(&dir, false, u64::MAX)? else {
        return Ok(false);
    };
    replace_with_copy(root, trees, NEW_SEGMENT_SIZE)?;
    Ok(true)
}

