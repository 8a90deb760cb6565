//! `stet lineage`.

use super::ui::Ui;
use super::{Cli, CliError};

/// Arguments of `stet lineage`.
#[derive(clap::Args, Debug)]
pub struct LineageArgs {
    /// Article id, prefix or url
    target: String,
}

/// Runs `stet lineage`.
pub fn cmd_lineage(_cli: &Cli, _ui: &Ui, args: &LineageArgs) -> Result<i32, CliError> {
    Err(CliError::msg(format!("stet lineage {}: not built yet", args.target)))
}
