//! `stet reindex`: rebuild the candidate index from the archived texts.

use super::ui::{Bar, Ui};
use super::{exit, Cli, CliError};

/// Arguments of `stet reindex`.
#[derive(clap::Args, Debug)]
pub struct ReindexArgs {}

/// Runs `stet reindex`.
pub fn cmd_reindex(cli: &Cli, ui: &Ui, _args: &ReindexArgs) -> Result<i32, CliError> {
    let archive = cli.open_bulk(false)?;
    let bar = Bar::new(ui, 0, 20);
    let n = archive.reindex(&bar)?;
    archive.close()?;
    // The old index's pages are dead in the packs: reclaiming them is what reindex is for too.
    archive.merge_superseded()?;
    super::add::compact_after(archive);
    if !ui.quiet {
        println!("indexed {n} articles");
    }
    Ok(exit::OK)
}
