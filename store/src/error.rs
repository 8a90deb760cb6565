//! The error type of every store operation.

use std::path::PathBuf;

use crate::BlobId;

/// Everything that can go wrong in the store. Each variant displays as one self-contained line
/// (print it with `{}`; the source, where there is one, is already summarised in it).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process (or another open [`crate::Store`]) holds the repository's lock.
    #[error("repository {} is locked by another stet process", path.display())]
    Locked {
        /// The repository folder.
        path: PathBuf,
    },
    /// A file-system operation failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// sled reported an error.
    #[error("database error while {context}: {}", describe_sled(source))]
    Database {
        /// What the store was doing.
        context: String,
        /// The underlying sled error.
        source: sled::Error,
    },
    /// No blob has this id.
    #[error("blob {id} not found")]
    NotFound {
        /// The missing blob.
        id: BlobId,
    },
    /// The stored blob does not decode to bytes with its id.
    #[error("blob {id} is damaged: {reason}")]
    Corrupt {
        /// The damaged blob (the one asked for, even when the damage is in its delta base).
        id: BlobId,
        /// What is wrong, in a few words.
        reason: String,
    },
    /// A pack file is damaged or unreadable as a pack.
    #[error("pack file {} is damaged: {reason}", path.display())]
    Pack {
        /// The pack file.
        path: PathBuf,
        /// What is wrong, in a few words.
        reason: String,
    },
    /// The repository was written by a format this build does not read.
    #[error("repository format version {found} is not supported (this stet reads version {supported}); use a newer stet")]
    FormatVersion {
        /// The version found in the repository.
        found: u32,
        /// The version this build reads and writes.
        supported: u32,
    },
    /// The path exists but is not a stet repository (or does not exist and creation was off).
    #[error("{} is not a stet repository", path.display())]
    NotARepository {
        /// The path given.
        path: PathBuf,
    },
}

/// The store's result type.
pub type Result<T> = std::result::Result<T, StoreError>;

/// Summarises a sled error in one line, without backtraces or internal dumps.
fn describe_sled(e: &sled::Error) -> String {
    match e {
        sled::Error::Io(io) => io.to_string(),
        sled::Error::Corruption { .. } => "the database files are corrupted".to_string(),
        sled::Error::CollectionNotFound(_) => "a database tree is missing".to_string(),
        sled::Error::Unsupported(msg) => msg.clone(),
        sled::Error::ReportableBug(msg) => format!("internal database bug: {msg}"),
        #[allow(unreachable_patterns)]
        _ => "unexpected database error".to_string(),
    }
}

pub(crate) fn db_err(context: impl Into<String>) -> impl FnOnce(sled::Error) -> StoreError {
    let context = context.into();
    move |source| StoreError::Database { context, source }
}

pub(crate) fn io_err(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> StoreError {
    let path = path.into();
    move |source| StoreError::Io { path, source }
}
