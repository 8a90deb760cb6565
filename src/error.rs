//! Errors of the stet library.
//!
//! Policy: every error says what it is about (an input path, an article id, a repository
//! path) in one line. Library code never panics on anything a user or a file controls and
//! never prints; the CLI adds hints and maps errors to exit codes. Errors about one input of
//! a batch ([`InputError`]) are returned per input so the batch goes on; errors about the
//! repository ([`Error`](enum@Error)) stop the command.

use crate::model::ArticleId;
use stet_store::StoreError;
use thiserror::Error;

/// An error about the repository or a lookup in it.
#[derive(Debug, Error)]
pub enum Error {
    /// The store failed (locked, I/O, damaged blob, format version).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No article matches an id prefix.
    #[error("no article matches '{0}'")]
    NotFound(String),
    /// Several articles match an id prefix.
    #[error("'{prefix}' is ambiguous: it matches {}", candidates.iter().map(|c| c.hex()[..12].to_string()).collect::<Vec<_>>().join(", "))]
    Ambiguous {
        /// The prefix given.
        prefix: String,
        /// Some of the matching ids.
        candidates: Vec<ArticleId>,
    },
    /// An id prefix is not hex or too short.
    #[error("'{0}' is not an article id: give 4 to 64 hex digits")]
    BadId(String),
    /// A stored record cannot be read.
    #[error("record {what} is damaged: {reason}")]
    Record {
        /// Which record.
        what: String,
        /// Why it cannot be read.
        reason: String,
    },
    /// A url has no archived version with that number.
    #[error("{0}")]
    NoVersion(String),
    /// Reading or writing an export stream failed.
    #[error("{what}: {reason}")]
    Stream {
        /// Which stream (the export output, the import input, a line of it).
        what: String,
        /// Why.
        reason: String,
    },
}

/// Why one input could not be archived; the batch goes on.
#[derive(Debug, Error)]
pub enum InputError {
    /// Extraction refused the input.
    #[error(transparent)]
    Extract(#[from] crate::extract::ExtractError),
    /// The text is empty once normalised.
    #[error("no text left after cleaning")]
    EmptyText,
    /// The repository failed while archiving this input.
    #[error(transparent)]
    Repo(#[from] Error),
}

impl From<StoreError> for InputError {
    fn from(e: StoreError) -> Self {
        InputError::Repo(Error::Store(e))
    }
}

/// Result of repository operations.
pub type Result<T> = std::result::Result<T, Error>;
