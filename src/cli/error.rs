//! The command line's one error type, with hints and exit codes.
//!
//! Policy: every failure the user sees is one line starting with "error:", naming the thing
//! it is about (input path, article id, repository), optionally followed by one "hint:" line.
//! Errors about one input of `add` are reported per input and do not stop the batch (exit 3);
//! errors about the repository stop the command (exit 1); usage errors exit 2 (clap).

use super::exit;
use std::fmt;
use std::path::Path;
use stet_store::StoreError;

/// An error shown to the user.
#[derive(Debug)]
pub struct CliError {
    message: String,
    hint: Option<String>,
    code: i32,
}

impl CliError {
    /// A plain error with exit code 1.
    pub fn msg(message: impl Into<String>) -> Self {
        CliError { message: message.into(), hint: None, code: exit::ERROR }
    }

    /// A usage error (exit code 2): the command line asks for something that cannot be done.
    pub fn usage(message: impl Into<String>) -> Self {
        CliError { message: message.into(), hint: None, code: exit::USAGE }
    }

    /// Adds a hint line.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Names the repository in an error about opening it (unless the message already does).
    pub fn with_repo(mut self, path: &Path) -> Self {
        if !self.message.contains(&path.display().to_string()) {
            self.message = format!("{} (repository {})", self.message, path.display());
        }
        self
    }

    /// Names the article an error is about, unless the message already does.
    pub fn about(mut self, id: &stet::ArticleId) -> Self {
        let hex = id.hex();
        if !self.message.contains(&hex) {
            self.message = format!("article {hex}: {}", self.message);
        }
        self
    }

    /// Whether there is nothing to print (the output pipe was closed).
    pub fn is_silent(&self) -> bool {
        self.message.is_empty()
    }

    /// The exit code for this error.
    pub fn exit_code(&self) -> i32 {
        self.code
    }

    /// The hint, if any.
    pub fn hint_text(&self) -> Option<&str> {
        self.hint.as_deref()
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<stet::Error> for CliError {
    fn from(e: stet::Error) -> Self {
        if let stet::Error::Store(StoreError::NotARepository { path }) = &e {
            if !path.exists() {
                return CliError::msg(format!("no repository at {}", path.display()))
                    .hint("`stet add PATH...` creates it; --repo or STET_REPO names another");
            }
        }
        let code = if matches!(e, stet::Error::BadId(_)) { exit::USAGE } else { exit::ERROR };
        let hint = match &e {
            stet::Error::Store(StoreError::Locked { .. }) => Some("wait for the other stet command to finish".to_string()),
            stet::Error::Store(StoreError::Corrupt { .. }) => Some("run `stet verify` to list all damaged objects".to_string()),
            stet::Error::Store(StoreError::FormatVersion { .. }) => Some("this repository was written by a newer stet; upgrade stet".to_string()),
            stet::Error::Ambiguous { .. } => Some("give more digits of the id".to_string()),
            stet::Error::NotFound(_) => Some("`stet log` lists archived articles".to_string()),
            stet::Error::Store(StoreError::Io { source, .. }) if source.kind() == std::io::ErrorKind::PermissionDenied => {
                Some("stet writes to the repository folder (its lock and database) even to read it: it needs write access there".to_string())
            }
            stet::Error::Store(StoreError::Pack { .. }) => Some(
                "run `stet verify` to list what is damaged; `stet export` then `stet import` into a new repository keeps everything that verifies"
                    .to_string(),
            ),
            _ => None,
        };
        CliError { message: e.to_string(), hint, code }
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        CliError::from(stet::Error::Store(e))
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            // The reader went away (`stet log | head`): stop quietly, like other Unix tools.
            return CliError { message: String::new(), hint: None, code: exit::OK };
        }
        CliError::msg(format!("I/O error: {e}"))
    }
}
