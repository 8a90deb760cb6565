//! The repository folder around the database: the marker file and its format version, the lock,
//! the `generation` file, sled's configuration and segment sizes, and disk usage.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::Path;

use crate::error::io_err;
use crate::{Result, StoreError, FORMAT_VERSION};

pub(crate) const MARKER: &str = "stet-repository";
pub(crate) const MARKER_TMP: &str = "stet-repository.tmp";
pub(crate) const LOCK: &str = "lock";
pub(crate) const GENERATION_FILE: &str = "generation";
pub(crate) const GENERATION_TMP: &str = "generation.tmp";

pub(crate) fn marker_text(version: u32) -> String {
    format!("stet repository\nformat {version}\n")
}

/// Reads the marker's format version; `None` when there is no marker.
pub(crate) fn read_marker(root: &Path) -> Result<Option<u32>> {
    let path = root.join(MARKER);
    let text = match fs::read(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err(path)(e)),
    };
    let text = String::from_utf8_lossy(&text);
    let mut lines = text.lines();
    if lines.next() != Some("stet repository") {
        return Err(StoreError::NotARepository { path: root.to_path_buf() });
    }
    let version = lines
        .next()
        .and_then(|l| l.strip_prefix("format "))
        .and_then(|v| v.trim().parse::<u32>().ok())
        .ok_or_else(|| StoreError::NotARepository { path: root.to_path_buf() })?;
    Ok(Some(version))
}

pub(crate) fn write_marker(root: &Path) -> Result<()> {
    let tmp = root.join(MARKER_TMP);
    let mut f = File::create(&tmp).map_err(io_err(&tmp))?;
    f.write_all(marker_text(FORMAT_VERSION).as_bytes()).map_err(io_err(&tmp))?;
    f.sync_all().map_err(io_err(&tmp))?;
    fs::rename(&tmp, root.join(MARKER)).map_err(io_err(root.join(MARKER)))
}

/// True when the folder holds nothing but leftovers of our own interrupted initialisation.
pub(crate) fn is_fresh_folder(root: &Path) -> Result<bool> {
    for entry in fs::read_dir(root).map_err(io_err(root))? {
        let entry = entry.map_err(io_err(root))?;
        let name = entry.file_name();
        if name != LOCK && name != MARKER_TMP && name != GENERATION_TMP {
            return Ok(false);
        }
    }
    Ok(true)
}

/// sled's segment size for new databases and while writing in bulk: 64 KiB rather than sled's
/// 512 KiB default. sled refuses to change a database's segment size, so the database is
/// copied when it must change (see `compact`): everything is packed at the end of each `add`
/// and the folder compacted into [`AT_REST_SEGMENT_SIZE`] segments, and a store opened with
/// [`StoreOptions::bulk_writes`] copies such a database back into segments of this size first.
pub(crate) const NEW_SEGMENT_SIZE: usize = 64 * 1024;
/// sled's segment size for a compacted database, which holds a few hundred bytes (the pack
/// catalog, the generation, markers): one 4 KiB segment on disk instead of 64 KiB, 60 KiB less
/// for every repository at rest. Writing into segments this small costs more CPU per commit
/// (16 KiB segments: +20-40% for a bulk `add`), hence the copy back for bulk writes.
pub(crate) const AT_REST_SEGMENT_SIZE: usize = 4 * 1024;

/// The segment size a database folder was created with (from sled's `conf` file), if any.
pub(crate) fn existing_segment_size(dir: &Path) -> Option<usize> {
    // sled ends the file with a binary checksum: not UTF-8 as a whole.
    let conf = fs::read(dir.join("conf")).ok()?;
    let conf = String::from_utf8_lossy(&conf);
    let size: usize = conf.lines().find_map(|l| l.strip_prefix("segment_size: "))?.trim().parse().ok()?;
    ((256..=1 << 24).contains(&size) && size.is_power_of_two()).then_some(size)
}

/// The sled configuration of a repository's database folder.
pub(crate) fn sled_config(dir: &Path) -> sled::Config {
    sled_config_sized(dir, existing_segment_size(dir).unwrap_or(NEW_SEGMENT_SIZE))
}

/// The sled configuration of a database folder with `segment_size` (which must be the folder's
/// own when it exists).
pub(crate) fn sled_config_sized(dir: &Path, segment_size: usize) -> sled::Config {
    sled::Config::new()
        .path(dir)
        .segment_size(segment_size)
        .cache_capacity(64 * 1024 * 1024)
        .mode(sled::Mode::LowSpace)
        .use_compression(false)
}

/// Takes the repository's exclusive lock, failing at once when another holder has it.
pub(crate) fn take_lock(root: &Path) -> Result<File> {
    let lock_path = root.join(LOCK);
    let lock = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock_path)
        .map_err(io_err(&lock_path))?;
    match lock.try_lock() {
        Ok(()) => Ok(lock),
        Err(TryLockError::WouldBlock) => Err(StoreError::Locked { path: root.to_path_buf() }),
        Err(TryLockError::Error(e)) => Err(io_err(&lock_path)(e)),
    }
}

/// The generation recorded by the last flush, if the file is there and readable.
pub(crate) fn read_generation_file(root: &Path) -> Option<u64> {
    let text = fs::read_to_string(root.join(GENERATION_FILE)).ok()?;
    text.trim().parse().ok()
}

/// Records the flushed generation beside the database (written to a temporary file, then renamed).
pub(crate) fn write_generation_file(root: &Path, generation: u64) -> Result<()> {
    let tmp = root.join(GENERATION_TMP);
    fs::write(&tmp, format!("{generation}\n")).map_err(io_err(&tmp))?;
    fs::rename(&tmp, root.join(GENERATION_FILE)).map_err(io_err(root.join(GENERATION_FILE)))
}

pub(crate) fn lost_data(root: &Path, detail: &str) -> StoreError {
    StoreError::Database {
        context: format!("opening the database in {} ({detail}; restore it from a backup)", root.display()),
        source: sled::Error::Corruption { at: None, bt: () },
    }
}

/// Versions this build opens: 1 (no packs yet) is upgraded to the current one on open.
pub(crate) fn check_version(found: u32) -> Result<()> {
    if (1..=FORMAT_VERSION).contains(&found) {
        Ok(())
    } else {
        Err(StoreError::FormatVersion { found, supported: FORMAT_VERSION })
    }
}

pub(crate) fn disk_usage(path: &Path) -> Result<u64> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        // Files may vanish under us (sled removes old segments/snapshots).
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(io_err(path)(e)),
    };
    if !meta.is_dir() {
        return Ok(meta.len());
    }
    let mut total = 0;
    for entry in fs::read_dir(path).map_err(io_err(path))? {
        let entry = entry.map_err(io_err(path))?;
        total += disk_usage(&entry.path())?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sled_open::open_sled;

    #[test]
    fn databases_created_with_other_segment_sizes_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db");
        {
            let old = sled::Config::new().path(&db).segment_size(512 * 1024).open().unwrap();
            old.insert(b"k", b"v").unwrap();
            old.flush().unwrap();
        }
        assert_eq!(existing_segment_size(&db), Some(512 * 1024));
        let reopened = open_sled(&sled_config(&db)).unwrap();
        assert_eq!(reopened.get(b"k").unwrap().as_deref(), Some(&b"v"[..]));
    }
}
