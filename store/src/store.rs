//! The repository: opening and locking (files around the database: the `folder` module), blob
//! reads (delta chains: the `chain` module), keyspace records, committing a [`Batch`] (which the
//! `batch` module builds) and flushing loose records into packs.

use std::collections::BTreeMap;
use std::fmt;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use sled::transaction::TransactionError;
use sled::{IVec, Transactional, Tree};
use zstd::zstd_safe::CCtx;

use crate::codec;
use crate::error::{db_err, io_err};
use crate::pack::{self, KeyHash, Pack, BLOB_KEYSPACE};
use crate::records::{Records, Scope};
use crate::sized_lru::SizedLru;
use crate::sled_open::open_sled;
use crate::batch::Batch;
use crate::chain::{decode_blob_cached, BaseCache, BASE_CACHE_BYTES};
use crate::folder::{
    check_version, disk_usage, is_fresh_folder, lost_data, read_marker, read_generation_file, sled_config, take_lock, write_generation_file, write_marker,
};
use crate::{BlobId, BlobInfo, BlobStats, Codec, Damage, Result, StoreError, StoreOptions, FORMAT_VERSION};

pub(crate) const DB_DIR: &str = "db";
pub(crate) const BLOBS_TREE: &str = "blobs";
const META_TREE: &str = "meta";
const FORMAT_KEY: &[u8] = b"format_version";
const GENERATION_KEY: &[u8] = b"generation";
/// Loose records of keyspace `NAME` live in sled tree `k:NAME`.
pub(crate) const LOOSE_PREFIX: &str = "k:";
/// Keys of keyspace `NAME` removed since the last pack, in sled tree `d:NAME`.
pub(crate) const TOMB_PREFIX: &str = "d:";
/// Decoded pack blocks an open store keeps for point reads, least recently used dropped first.
/// Rebuilding a candidate's profile reads four values (log entry, article record, text, its
/// raw input) from four random blocks. A 10,000-article add to a 100,000-article archive read
/// 112,825 blocks from disk with 16 MB cleared whole when full, 57,184 with 64 MB least recently
/// used first (CPU 25.1 -> 22.2 s, mean of three; peak RSS +60 MB) and 7,927 with 128 MB
/// (21.1 s, +135 MB).
const BLOCK_CACHE_BYTES: usize = 64 << 20;

/// An open repository: a folder with a sled database, held under an exclusive lock until drop.
pub struct Store {
    pub(crate) path: PathBuf,
    pub(crate) opts: StoreOptions,
    pub(crate) db: sled::Db,
    blobs: Tree,
    pub(crate) meta: Tree,
    /// Bumped by each [`Store::flush`] after a commit; mirrored in the `generation` file so
    /// that a database that silently lost flushed data (sled recovers up to the first damaged
    /// log entry) is caught at open.
    generation: AtomicU64,
    pub(crate) dirty: AtomicBool,
    /// Packs in catalog order, oldest first.
    pub(crate) packs: RwLock<Vec<Arc<Pack>>>,
    /// Held while committing and while packing, so packing never races a commit.
    pub(crate) writer: Mutex<()>,
    /// Key and value bytes in the loose trees (an estimate), once `loose_counted`.
    pub(crate) loose_bytes: AtomicU64,
    /// Whether `loose_bytes` includes what earlier processes left loose: counted at the first
    /// commit, so that opening a repository only to read it never scans the loose trees.
    pub(crate) loose_counted: AtomicBool,
    /// Whether any tombstone tree may hold keys.
    pub(crate) has_tombstones: AtomicBool,
    blocks: Mutex<BlockCache>,
    /// Stored bytes of the pack blocks read from disk for point reads.
    block_bytes_read: AtomicU64,
    pub(crate) cctx: Mutex<Option<CCtx<'static>>>,
    /// The last big delta base digested for writing.
    pub(crate) prepared: Mutex<Option<codec::PreparedBase>>,
    /// Verified delta bases decoded by reads (content-addressed, so never stale): a base shared by
    /// many blobs, like a dictionary, is decoded once.
    pub(crate) bases: Mutex<BaseCache>,
    // Declared last: released after the database is closed.
    _lock: File,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("path", &self.path).field("opts", &self.opts).finish_non_exhaustive()
    }
}


fn keyspace_tree_name(keyspace: &str) -> String {
    format!("{LOOSE_PREFIX}{keyspace}")
}

fn tombstone_tree_name(keyspace: &[u8]) -> Vec<u8> {
    [TOMB_PREFIX.as_bytes(), keyspace].concat()
}

/// Decoded pack blocks by (pack number, block index).
type BlockCache = SizedLru<(u64, usize), Arc<Vec<u8>>>;

/// Point reads of pack blocks by an open store so far ([`Store::block_reads`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BlockReads {
    /// Blocks found in the cache of decoded blocks.
    pub hits: u64,
    /// Blocks read from disk (checked and decoded).
    pub misses: u64,
    /// Stored bytes of the blocks read from disk.
    pub bytes: u64,
}

/// Delta bases at least this big are digested once and kept (see [`codec::PreparedBase`]).
pub(crate) const PREPARED_BASE_BYTES: usize = 16 * 1024;
/// zstd's highest level without `--ultra` ([`Batch::put_blob_smallest`]).
pub(crate) const MAX_LEVEL: i32 = 19;
/// Lowest zstd level of dictionary blobs.
const DICT_LEVEL: i32 = 9;

/// The zstd level of dictionary blobs for a store whose level is `zstd_level`.
pub(crate) fn dictionary_level(zstd_level: i32) -> i32 {
    zstd_level.max(DICT_LEVEL)
}

/// Lowest zstd level of delta blobs.
const DELTA_LEVEL: i32 = 6;

/// The zstd level of delta blobs for a store whose level is `zstd_level`. A delta is a few
/// hundred bytes of changes against a base of a few KB, where level 6 (lazy matching) finds
/// longer matches than level 3: cases3k's repository 4,255,744 -> 4,202,496 B. Level 9 stores
/// the same bytes at 2.5 times the writer's instructions for deltas (callgrind, `stet add` of
/// 1,200 cases3k files: 531 M vs 210 M).
pub(crate) fn delta_level(zstd_level: i32) -> i32 {
    zstd_level.max(DELTA_LEVEL)
}

/// The value stored for a dictionary blob of `bytes`: the dictionary `frame` (when there is one)
/// or `plain()`, whichever is smaller. A frame of half the input or less is kept without trying
/// plain zstd, which rarely beats it (cases3k: 714 B more of 4.29 MB, one compression fewer for
/// most inputs).
pub(crate) fn dictionary_value(bytes: &[u8], frame: Option<Vec<u8>>, plain: impl FnOnce() -> Result<Vec<u8>>) -> Result<Vec<u8>> {
    Ok(match frame {
        Some(v) if v.len() * 2 <= bytes.len() => v,
        other => {
            let plain = plain()?;
            other.filter(|v| v.len() < plain.len()).unwrap_or(plain)
        }
    })
}
/// Bigger bases are compressed against as a prefix, with a window sized to reach all of them.
pub(crate) const MAX_PREPARED_BASE_BYTES: usize = 1 << 20;


impl Store {
    /// Opens (and on first use creates) the repository at `path`.
    ///
    /// Takes the repository's exclusive lock at once, failing with [`StoreError::Locked`] rather
    /// than waiting; checks the format version ([`StoreError::FormatVersion`]); refuses a
    /// non-empty folder that is not a repository ([`StoreError::NotARepository`]).
    pub fn open(path: &Path, opts: StoreOptions) -> Result<Store> {
        let root = path.to_path_buf();
        let not_repo = || StoreError::NotARepository { path: root.clone() };
        match fs::metadata(&root) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(not_repo()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !opts.create {
                    return Err(not_repo());
                }
                fs::create_dir_all(&root).map_err(io_err(&root))?;
            }
            Err(e) => return Err(io_err(&root)(e)),
        }
        // Check before creating the lock file, so a foreign folder is left untouched.
        if read_marker(&root)?.is_none() && !(opts.create && is_fresh_folder(&root)?) {
            return Err(not_repo());
        }

        let lock = take_lock(&root)?;

        // Under the lock now: re-read the marker, initialise if still needed.
        let fresh = match read_marker(&root)? {
            Some(v) => {
                check_version(v)?;
                false
            }
            None => {
                if !(opts.create && is_fresh_folder(&root)?) {
                    return Err(not_repo());
                }
                write_marker(&root)?;
                true
            }
        };

        // Segment sizes: see NEW_SEGMENT_SIZE and AT_REST_SEGMENT_SIZE; the cache is capped well
        // below sled's 1 GiB default. (sled's own compression would clash with our zstd and is
        // pointless on compressed blobs.)
        crate::compact::recover_swap(&root)?;
        if opts.bulk_writes {
            crate::compact::grow_segments(&root)?;
        }
        let db = open_sled(&sled_config(&root.join(DB_DIR))).map_err(db_err("opening the database"))?;
        // Reads of a damaged database can panic inside sled: reported as corruption.
        let (meta, blobs, generation, packs, has_tombstones) = crate::sled_open::guarded("reading the database", || {
            let meta = db.open_tree(META_TREE).map_err(db_err("opening the meta tree"))?;
            let blobs = db.open_tree(BLOBS_TREE).map_err(db_err("opening the blobs tree"))?;
            let expected_generation = read_generation_file(&root);
            let generation = match meta.get(GENERATION_KEY).map_err(db_err("reading the generation"))? {
                Some(v) => <[u8; 8]>::try_from(v.as_ref()).map(u64::from_be_bytes).map_err(|_| lost_data(&root, "bad generation record"))?,
                None => 0,
            };
            if let Some(expected) = expected_generation {
                if generation < expected {
                    return Err(lost_data(&root, &format!("it holds state {generation} of {expected} flushed")));
                }
            }
            match meta.get(FORMAT_KEY).map_err(db_err("reading the format version"))? {
                Some(v) => {
                    let found = <[u8; 4]>::try_from(v.as_ref()).map(u32::from_be_bytes).unwrap_or(0);
                    check_version(found)?;
                }
                None => {
                    // Only a brand-new (or never flushed) repository lacks its version record.
                    let empty = blobs.is_empty() && db.tree_names().len() <= 3;
                    if !(fresh || (empty && expected_generation.is_none())) {
                        return Err(lost_data(&root, "its format version record is missing"));
                    }
                    meta.insert(FORMAT_KEY, &FORMAT_VERSION.to_be_bytes()[..])
                        .map_err(db_err("writing the format version"))?;
                    db.flush().map_err(db_err("flushing the database"))?;
                }
            }

            let marker_version = read_marker(&root)?.unwrap_or(FORMAT_VERSION);
            let stored_version = match meta.get(FORMAT_KEY).map_err(db_err("reading the format version"))? {
                Some(v) => <[u8; 4]>::try_from(v.as_ref()).map(u32::from_be_bytes).unwrap_or(0),
                None => FORMAT_VERSION,
            };
            if marker_version < FORMAT_VERSION || stored_version < FORMAT_VERSION {
                // Version 1 had no packs (it reads as an empty catalog), version 2 no dictionary
                // blobs, version 3 only packs of format 1, version 4 the archive's older index and
                // line keys (which the archive reads and upgrades): their data is valid version 5.
                // Older builds refuse the upgraded repository instead of failing on a blob codec or
                // a pack format they do not know, or misreading the archive's records.
                meta.insert(FORMAT_KEY, &FORMAT_VERSION.to_be_bytes()[..]).map_err(db_err("writing the format version"))?;
                db.flush().map_err(db_err("flushing the database"))?;
                write_marker(&root)?;
            }
            let packs = Store::open_packs(&root, &meta)?;
            let mut has_tombstones = false;
            for name in db.tree_names() {
                if name.starts_with(TOMB_PREFIX.as_bytes()) {
                    let t = db.open_tree(&name).map_err(db_err("opening a tombstone tree"))?;
                    has_tombstones |= !t.is_empty();
                }
            }
            Ok((meta, blobs, generation, packs, has_tombstones))
        })?;

        Ok(Store {
            path: root,
            opts,
            db,
            blobs,
            meta,
            generation: AtomicU64::new(generation),
            dirty: AtomicBool::new(false),
            packs: RwLock::new(packs),
            writer: Mutex::new(()),
            loose_bytes: AtomicU64::new(0),
            loose_counted: AtomicBool::new(false),
            has_tombstones: AtomicBool::new(has_tombstones),
            blocks: Mutex::new(BlockCache::new(BLOCK_CACHE_BYTES)),
            block_bytes_read: AtomicU64::new(0),
            cctx: Mutex::new(None),
            prepared: Mutex::new(None),
            bases: Mutex::new(BaseCache::new(BASE_CACHE_BYTES)),
            _lock: lock,
        })
    }

    /// The repository folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The options the store was opened with.
    pub fn options(&self) -> &StoreOptions {
        &self.opts
    }

    /// Starts an empty batch of writes; nothing is written until [`Store::commit`].
    pub fn batch(&self) -> Batch<'_> {
        Batch::new(self)
    }

    /// Writes all of a batch's blobs and records in one sled transaction: all or nothing.
    ///
    /// The batch must come from this store.
    pub fn commit(&self, batch: Batch<'_>) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let _writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        if !self.loose_counted.load(Ordering::SeqCst) {
            self.loose_bytes.fetch_add(self.count_loose_bytes()?, Ordering::SeqCst);
            self.loose_counted.store(true, Ordering::SeqCst);
        }
        // Removals leave tombstones (the key may be in a pack); inserts clear them, but only
        // need to look when tombstones may exist.
        let removes = batch.records.values().any(|ops| ops.values().any(Option::is_none));
        let tombstones = removes || self.has_tombstones.load(Ordering::SeqCst);
        let mut trees: Vec<Tree> = Vec::with_capacity(2 * batch.records.len() + 1);
        let has_blobs = !batch.blobs.is_empty();
        if has_blobs {
            trees.push(self.blobs.clone());
        }
        for keyspace in batch.records.keys() {
            trees.push(self.tree(keyspace)?);
            if tombstones {
                trees.push(self.tombstone_tree(keyspace.as_bytes())?);
            }
        }
        let superseded = batch.superseded;
        if superseded > 0 {
            trees.push(self.meta.clone());
        }
        let written = std::cell::Cell::new(0u64);
        let result: std::result::Result<(), TransactionError<()>> = trees[..].transaction(|views| {
            written.set(0);
            let mut views = views.iter();
            if has_blobs {
                if let Some(view) = views.next() {
                    for (id, value) in &batch.blobs {
                        view.insert(&id.0[..], value.clone())?;
                        written.set(written.get() + (id.0.len() + value.len()) as u64);
                    }
                }
            }
            for ops in batch.records.values() {
                let Some(view) = views.next() else { break };
                let tomb = if tombstones { views.next() } else { None };
                for (key, op) in ops {
                    written.set(written.get() + (key.len() + op.as_ref().map_or(0, Vec::len)) as u64);
                    match op {
                        Some(value) => {
                            view.insert(key.as_slice(), value.as_slice())?;
                            if let Some(t) = tomb {
                                t.remove(key.as_slice())?;
                            }
                        }
                        None => {
                            view.remove(key.as_slice())?;
                            if let Some(t) = tomb {
                                t.insert(key.as_slice(), &[][..])?;
                            }
                        }
                    };
                }
            }
            if superseded > 0 {
                if let Some(meta) = views.next() {
                    crate::packing::add_superseded(meta, superseded)?;
                }
            }
            Ok(())
        });
        match result {
            Ok(()) => {
                self.dirty.store(true, Ordering::SeqCst);
                self.loose_bytes.fetch_add(written.get(), Ordering::SeqCst);
                if removes {
                    self.has_tombstones.store(true, Ordering::SeqCst);
                }
                Ok(())
            }
            Err(TransactionError::Storage(e)) => Err(db_err("committing a batch")(e)),
            Err(TransactionError::Abort(())) => Err(StoreError::Database {
                context: "committing a batch".to_string(),
                source: sled::Error::Unsupported("transaction aborted".to_string()),
            }),
        }
    }

    /// Makes everything committed so far durable on disk, then moves the loose records into a
    /// pack when they have grown past [`StoreOptions::pack_threshold`].
    pub fn flush(&self) -> Result<()> {
        self.flush_db()?;
        let threshold = self.opts.pack_threshold;
        if threshold > 0 && self.loose_bytes.load(Ordering::SeqCst) >= threshold {
            self.pack()?;
        }
        Ok(())
    }

    /// Flushes sled; after a commit, bumps and records the generation.
    pub(crate) fn flush_db(&self) -> Result<()> {
        if !self.dirty.swap(false, Ordering::SeqCst) {
            return self.db.flush().map(|_| ()).map_err(db_err("flushing the database"));
        }
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let flushed = self
            .meta
            .insert(GENERATION_KEY, &generation.to_be_bytes()[..])
            .and_then(|_| self.db.flush())
            .map_err(db_err("flushing the database"));
        if let Err(e) = flushed {
            self.dirty.store(true, Ordering::SeqCst);
            return Err(e);
        }
        write_generation_file(&self.path, generation)
    }

    /// The packs, oldest first (a snapshot: packing may replace them meanwhile).
    pub(crate) fn packs_snapshot(&self) -> Vec<Arc<Pack>> {
        self.packs.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Point reads of pack blocks so far.
    pub fn block_reads(&self) -> BlockReads {
        let (hits, misses) = self.blocks.lock().unwrap_or_else(|p| p.into_inner()).hits_and_misses();
        BlockReads { hits, misses, bytes: self.block_bytes_read.load(Ordering::Relaxed) }
    }

    pub(crate) fn forget_cached_blocks(&self) {
        self.blocks.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    fn cached_block(&self, pack: &Pack, i: usize) -> Result<Arc<Vec<u8>>> {
        if let Some(b) = self.blocks.lock().unwrap_or_else(|p| p.into_inner()).get(&(pack.no, i)) {
            return Ok(b);
        }
        let raw = Arc::new(pack.read_block(i)?);
        self.block_bytes_read.fetch_add(pack.block_sizes(i).0, Ordering::Relaxed);
        let size = raw.len();
        self.blocks.lock().unwrap_or_else(|p| p.into_inner()).insert((pack.no, i), Arc::clone(&raw), size);
        Ok(raw)
    }

    pub(crate) fn tombstone_tree(&self, keyspace: &[u8]) -> Result<Tree> {
        self.db.open_tree(tombstone_tree_name(keyspace)).map_err(db_err("opening a tombstone tree"))
    }

    /// Looks a key up: loose tree, then tombstones, then packs from newest to oldest.
    fn lookup(&self, keyspace: &[u8], loose: &Tree, key: &[u8]) -> Result<Option<IVec>> {
        let context = || format!("reading keyspace {}", String::from_utf8_lossy(keyspace));
        if let Some(v) = loose.get(key).map_err(db_err(context()))? {
            return Ok(Some(v));
        }
        if self.has_tombstones.load(Ordering::SeqCst)
            && self.tombstone_tree(keyspace)?.contains_key(key).map_err(db_err(context()))?
        {
            return Ok(None);
        }
        let packs = self.packs_snapshot();
        if packs.is_empty() {
            return Ok(None);
        }
        let ck = pack::composite(keyspace, key);
        let h = KeyHash::of(&ck);
        for p in packs.iter().rev() {
            if !p.may_contain(h) {
                continue;
            }
            let Some(i) = p.block_for(&ck) else { continue };
            let raw = self.cached_block(p, i)?;
            let found = pack::find_in_block(&raw, &ck)
                .map_err(|reason| StoreError::Pack { path: p.path().to_path_buf(), reason: format!("block {i}: {reason}") })?;
            if let Some(v) = found {
                return Ok(v.map(IVec::from));
            }
        }
        Ok(None)
    }

    /// Every key and value of one keyspace under `prefix`, loose and packed merged.
    fn scope(&self, keyspace_bytes: &[u8], name: &str, loose: Tree, prefix: &[u8]) -> Result<Scope> {
        let tombstones = if self.has_tombstones.load(Ordering::SeqCst) {
            Some(self.tombstone_tree(keyspace_bytes)?)
        } else {
            None
        };
        Ok(Scope {
            keyspace: name.to_string(),
            keyspace_bytes: keyspace_bytes.to_vec(),
            loose,
            tombstones,
            packs: self.packs_snapshot(),
            prefix: prefix.to_vec(),
            salvage: false,
        })
    }

    fn blob_records(&self) -> Records {
        Records::new(self.scope(BLOB_KEYSPACE, "blobs", self.blobs.clone(), &[]))
    }

    pub(crate) fn raw_blob_value(&self, id: &BlobId) -> Result<Option<IVec>> {
        self.lookup(BLOB_KEYSPACE, &self.blobs, id.as_bytes())
    }

    /// Returns a blob's bytes, decoded and re-hashed; [`StoreError::Corrupt`] on any damage.
    pub fn get_blob(&self, id: &BlobId) -> Result<Vec<u8>> {
        decode_blob_cached(id, &|i| self.raw_blob_value(i), Some(&self.bases))
    }

    /// Whether a blob with this id is stored (without verifying it).
    pub fn contains_blob(&self, id: &BlobId) -> Result<bool> {
        Ok(self.raw_blob_value(id)?.is_some())
    }

    /// What a blob's header says; `None` when absent, [`StoreError::Corrupt`] for a bad header.
    pub fn blob_info(&self, id: &BlobId) -> Result<Option<BlobInfo>> {
        let Some(value) = self.raw_blob_value(id)? else { return Ok(None) };
        let h = codec::parse_header(&value).map_err(|reason| StoreError::Corrupt { id: *id, reason })?;
        Ok(Some(BlobInfo {
            id: *id,
            codec: h.codec,
            raw_len: h.raw_len,
            stored_len: value.len() as u64,
            base: h.base,
            depth: h.depth,
        }))
    }

    /// All blob ids, in id order.
    pub fn blob_ids(&self) -> impl Iterator<Item = Result<BlobId>> + '_ {
        self.blob_records().map(|kv| kv.and_then(|(k, _)| BlobId::from_slice(&k).ok_or_else(|| malformed_key(&k))))
    }

    /// Re-hashes every blob (resolving deltas), calling `progress(done, total)` after each, and
    /// reads every block and filter page of every pack. Returns the damaged objects; `Err` only when the
    /// database itself cannot be read.
    pub fn verify_blobs(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<Vec<Damage>> {
        let mut damage = Vec::new();
        let mut readable = true;
        for p in self.packs_snapshot() {
            for i in 0..p.block_count() {
                if let Err(e) = p.read_entries(i) {
                    readable = false;
                    damage.push(Damage { what: format!("pack {}", p.path().display()), reason: e.to_string() });
                }
            }
            // Lookups get past a damaged filter page (it answers "maybe"): listing is unaffected.
            if let Err(e) = p.check_filter() {
                damage.push(Damage { what: format!("pack {}", p.path().display()), reason: e.to_string() });
            }
        }
        // Listing blobs stops at the first unreadable block; with damaged packs, list what can
        // be read pack by pack instead, so that each blob in an intact block is still checked.
        let ids: Vec<Result<BlobId>> = if readable {
            self.blob_ids().collect()
        } else {
            self.blob_ids_salvaged()
        };
        let total = ids.iter().filter(|r| r.is_ok()).count() as u64;
        let mut done = 0u64;
        let cache = Mutex::new(BaseCache::new(64 << 20));
        for id in ids {
            match id {
                Err(StoreError::Corrupt { id, reason }) => {
                    damage.push(Damage { what: format!("blob key {}", hex(&id.0)), reason })
                }
                Err(StoreError::Pack { .. }) => {} // reported above
                Err(e) => return Err(e),
                Ok(id) => match decode_blob_cached(&id, &|i| self.raw_blob_value(i), Some(&cache)) {
                    Ok(_) => {}
                    Err(StoreError::Corrupt { id, reason }) => {
                        damage.push(Damage { what: format!("blob {id}"), reason })
                    }
                    Err(StoreError::NotFound { .. }) => {} // removed meanwhile
                    Err(StoreError::Pack { path, reason }) => damage.push(Damage {
                        what: format!("blob {id}"),
                        reason: format!("pack file {} is damaged: {reason}", path.display()),
                    }),
                    Err(e) => return Err(e),
                },
            }
            done += 1;
            progress(done, total.max(done));
        }
        Ok(damage)
    }

    /// Blob ids from the loose tree and every readable block of every pack (damaged blocks
    /// skipped), deduplicated; used by verify when a pack is damaged.
    fn blob_ids_salvaged(&self) -> Vec<Result<BlobId>> {
        let mut ids = std::collections::BTreeSet::new();
        for k in self.blobs.iter().keys() {
            match k {
                Ok(k) => {
                    if let Some(id) = BlobId::from_slice(&k) {
                        ids.insert(id);
                    }
                }
                Err(e) => return vec![Err(db_err("listing blobs")(e))],
            }
        }
        let prefix = pack::composite(BLOB_KEYSPACE, &[]);
        for p in self.packs_snapshot() {
            for i in 0..p.block_count() {
                let Ok(entries) = p.read_entries(i) else { continue };
                for (k, v) in entries {
                    if let (Some(key), Some(_)) = (k.strip_prefix(prefix.as_slice()), v) {
                        if let Some(id) = BlobId::from_slice(key) {
                            ids.insert(id);
                        }
                    }
                }
            }
        }
        ids.into_iter().map(Ok).collect()
    }

    /// Counts and sizes of all blobs, from their headers (damaged headers count as stored bytes only).
    pub fn blob_stats(&self) -> Result<BlobStats> {
        let mut stats = BlobStats::default();
        for kv in self.blob_records() {
            let (_, value) = kv?;
            stats.count += 1;
            stats.stored_bytes += value.len() as u64;
            if let Ok(h) = codec::parse_header(&value) {
                stats.raw_bytes += h.raw_len;
                if h.codec != Codec::Zstd {
                    stats.deltas += 1;
                }
            }
        }
        Ok(stats)
    }

    /// Bytes of all files in the repository folder, sled's included.
    pub fn disk_size(&self) -> Result<u64> {
        disk_usage(&self.path)
    }

    pub(crate) fn tree(&self, keyspace: &str) -> Result<Tree> {
        self.db
            .open_tree(keyspace_tree_name(keyspace))
            .map_err(db_err(format!("opening keyspace {keyspace}")))
    }

    /// The record under `key` in `keyspace`, if any.
    pub fn get(&self, keyspace: &str, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let tree = self.tree(keyspace)?;
        Ok(self.lookup(keyspace.as_bytes(), &tree, key)?.map(|v| v.to_vec()))
    }

    /// Whether `keyspace` has a record under `key`.
    pub fn contains(&self, keyspace: &str, key: &[u8]) -> Result<bool> {
        let tree = self.tree(keyspace)?;
        Ok(self.lookup(keyspace.as_bytes(), &tree, key)?.is_some())
    }

    /// Records of `keyspace` whose key starts with `prefix`, in key order (`.rev()` for reverse).
    pub fn scan_prefix(&self, keyspace: &str, prefix: &[u8]) -> Records {
        Records::new(self.tree(keyspace).and_then(|t| self.scope(keyspace.as_bytes(), keyspace, t, prefix)))
    }

    /// All records of `keyspace`, in key order (`.rev()` for newest-first logs).
    pub fn iter(&self, keyspace: &str) -> Records {
        self.scan_prefix(keyspace, &[])
    }

    /// Number of records in `keyspace` (counts them: O(n)).
    pub fn len(&self, keyspace: &str) -> Result<u64> {
        let mut n = 0;
        for kv in self.iter(keyspace) {
            kv?;
            n += 1;
        }
        Ok(n)
    }

    /// Whether `keyspace` has no records.
    pub fn is_empty(&self, keyspace: &str) -> Result<bool> {
        Ok(self.iter(keyspace).next().transpose()?.is_none())
    }

    /// Per keyspace (blobs as `blobs`): entries, raw entry bytes and an estimate of stored bytes
    /// (each block's stored size shared out by raw size) over all packs. Reads every block.
    pub fn pack_usage(&self) -> Result<BTreeMap<String, (u64, u64, u64)>> {
        let mut out: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
        for p in self.packs_snapshot() {
            for i in 0..p.block_count() {
                let (stored, raw_len) = p.block_sizes(i);
                let entries = p.read_entries(i)?;
                for (k, v) in entries {
                    let ks = k.split(|&b| b == 0).next().unwrap_or_default();
                    let name = if ks == BLOB_KEYSPACE { "blobs".to_string() } else { String::from_utf8_lossy(ks).into_owned() };
                    let size = (k.len() + v.map_or(0, |v| v.len())) as u64;
                    let e = out.entry(name).or_default();
                    e.0 += 1;
                    e.1 += size;
                    e.2 += stored * size / raw_len.max(1);
                }
            }
        }
        Ok(out)
    }

    /// Number of pack files and their total bytes.
    pub fn pack_stats(&self) -> (usize, u64) {
        let packs = self.packs_snapshot();
        (packs.len(), packs.iter().map(|p| p.size()).sum())
    }

    /// Test hook: the pack file, offset and stored length of the block holding `key` of
    /// `keyspace` in the newest pack that has one covering it (to damage it on purpose).
    #[doc(hidden)]
    pub fn debug_block_of(&self, keyspace: &str, key: &[u8]) -> Option<(PathBuf, u64, u64)> {
        let ck = pack::composite(keyspace.as_bytes(), key);
        self.packs_snapshot().iter().rev().find_map(|p| {
            let (offset, len) = p.block_span(p.block_for(&ck)?);
            Some((p.path().to_path_buf(), offset, len))
        })
    }

    /// Test hook: the stored value of a blob, undecoded.
    #[doc(hidden)]
    pub fn debug_raw_blob_value(&self, id: &BlobId) -> Result<Option<Vec<u8>>> {
        Ok(self.raw_blob_value(id)?.map(|v| v.to_vec()))
    }

    /// Test hook: overwrites (or with `None` removes) the stored value of a blob.
    #[doc(hidden)]
    pub fn debug_put_raw_blob_value(&self, id: &BlobId, value: Option<&[u8]>) -> Result<()> {
        let tombs = self.tombstone_tree(BLOB_KEYSPACE)?;
        let r = match value {
            Some(v) => self.blobs.insert(id.as_bytes(), v).and_then(|_| tombs.remove(id.as_bytes())),
            None => {
                self.has_tombstones.store(true, Ordering::SeqCst);
                self.blobs.remove(id.as_bytes()).and_then(|_| tombs.insert(id.as_bytes(), &[][..]))
            }
        };
        *self.bases.lock().unwrap_or_else(|p| p.into_inner()) = BaseCache::new(BASE_CACHE_BYTES);
        self.forget_cached_blocks();
        r.map(|_| ()).map_err(db_err("writing a raw blob"))
    }

    /// Test hook: overwrites the format version record in the meta tree.
    #[doc(hidden)]
    pub fn debug_set_format_version(&self, version: u32) -> Result<()> {
        self.meta.insert(FORMAT_KEY, &version.to_be_bytes()[..]).map_err(db_err("writing the format version"))?;
        self.flush()
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn malformed_key(key: &[u8]) -> StoreError {
    let mut id = [0u8; 32];
    let n = key.len().min(32);
    id[..n].copy_from_slice(&key[..n]);
    StoreError::Corrupt { id: BlobId(id), reason: format!("malformed blob key of {} bytes", key.len()) }
}
