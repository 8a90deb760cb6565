//! stet: a deduplicating article archiver.
//!
//! The library holds everything but the command line: [`extract`] turns input bytes into an
//! article, [`text`] normalises and segments it, [`detect`] finds related archived articles,
//! [`align`] aligns sentences (for detection and diffs), [`lineage`] walks relations, and
//! [`archive`] ties them to the content-addressed store (`stet-store`).
//!
//! The library never prints, never reads the environment and never exits.

pub mod align;
pub mod detect;
pub mod diff;
pub mod extract;
pub mod model;
pub mod text;
pub mod archive;
pub mod error;
pub mod inputs;
pub mod lineage;

pub use archive::{AddOutcome, AddRequest, AddStatus, Archive, OpenOptions, Progress};
pub use error::{Error, InputError};
pub use model::{ArticleId, ArticleRecord, Relation, RelationKind};
