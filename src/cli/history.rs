//! `stet history`.

use super::ui::Ui;
use super::{Cli, CliError};

/// Arguments of `stet history`.
#[derive(clap::Args, Debug)]
pub struct HistoryArgs {
    /// Article id, prefix or url
    target: String,
}

/// Runs `stet history`.
pub fn cmd_history(_cli: &Cli, _ui: &Ui, args: &HistoryArgs) -> Result<i32, CliError> {
    Err(CliError::msg(format!("stet history {}: not built yet", args.target)))
}
