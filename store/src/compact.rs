//! Rewriting sled's folder once everything is packed: [`compact_database`].
//!
//! sled 0.34 does not give back the space of removed records: after [`crate::Store::pack`] has
//! moved every loose record into pack files, its folder can still hold megabytes of dead log
//! segments around a few hundred live bytes (the catalog, the generation, the format version).
//! Compaction copies the live trees into `db.new`, then swaps folders with two renames:
//! `db` -> `db.old`, `db.new` -> `db`, and removes `db.old`. [`recover_swap`] (run at every
//! open, under the lock) finishes or undoes a swap that a kill interrupted: `db.new` without
//! `db` is the complete copy (the first rename only happens after the copy is flushed);
//! `db.new` beside `db` is an unfinished copy; `db.old` beside `db` is the replaced original.

use std::fs;
use std::path::Path;

use crate::error::{db_err, io_err};
use crate::sled_open::open_sled;
use crate::store::{disk_usage, read_marker, sled_config, take_lock, DB_DIR};
use crate::{Result, StoreError};

const DB_NEW: &str = "db.new";
const DB_OLD: &str = "db.old";
/// sled folders smaller than this are left alone.
const MIN_COMPACT_BYTES: u64 = 1 << 20;
/// Compact only when the folder is at least this many times its live bytes.
const MIN_WASTE_FACTOR: u64 = 8;

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

/// Rewrites the repository's sled folder when it is mostly dead space and holds no loose
/// records (pack first). Returns whether it did. Takes the repository lock for the duration
/// ([`StoreError::Locked`] when another process holds it).
pub fn compact_database(root: &Path) -> Result<bool> {
    if read_marker(root)?.is_none() {
        return Err(StoreError::NotARepository { path: root.to_path_buf() });
    }
    let _lock = take_lock(root)?;
    recover_swap(root)?;
    let dir = root.join(DB_DIR);
    let size = disk_usage(&dir)?;
    if size < MIN_COMPACT_BYTES {
        return Ok(false);
    }
    let budget = size / MIN_WASTE_FACTOR;
    let mut trees = Vec::new();
    {
        let db = open_sled(&sled_config(&dir)).map_err(db_err("opening the database"))?;
        let mut live = 0u64;
        for name in db.tree_names() {
            let loose = [b"blobs".as_slice(), b"k:", b"d:"].iter().any(|p| name.starts_with(p));
            let tree = db.open_tree(&name).map_err(db_err("opening a tree"))?;
            let mut entries = Vec::new();
            for kv in tree.iter() {
                let (k, v) = kv.map_err(db_err("reading the database"))?;
                if loose {
                    return Ok(false); // not packed: nothing to gain before packing
                }
                live += (k.len() + v.len()) as u64;
                if live > budget {
                    return Ok(false);
                }
                entries.push((k, v));
            }
            trees.push((name, entries));
        }
    }
    // Reopening proves sled has let go of the folder (its lock is released once its threads end).
    drop(open_sled(&sled_config(&dir)).map_err(db_err("opening the database"))?);

    let new = root.join(DB_NEW);
    if new.exists() {
        fs::remove_dir_all(&new).map_err(io_err(&new))?;
    }
    {
        let db = open_sled(&sled_config(&new)).map_err(db_err("writing the compacted database"))?;
        for (name, entries) in trees {
            let tree = db.open_tree(&name).map_err(db_err("writing the compacted database"))?;
            for (k, v) in entries {
                tree.insert(k, v).map_err(db_err("writing the compacted database"))?;
            }
        }
        db.flush().map_err(db_err("flushing the compacted database"))?;
    }
    drop(open_sled(&sled_config(&new)).map_err(db_err("opening the compacted database"))?);
    sync_dir(root)?;
    let old = root.join(DB_OLD);
    fs::rename(&dir, &old).map_err(io_err(&old))?;
    fs::rename(&new, &dir).map_err(io_err(&dir))?;
    sync_dir(root)?;
    fs::remove_dir_all(&old).map_err(io_err(&old))?;
    Ok(true)
}
